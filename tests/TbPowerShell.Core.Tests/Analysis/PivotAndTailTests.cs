using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Core.Tests;

public class PivotAndTailTests
{
    [Fact]
    public void PivotMakesOneRowPerRunAndStepWithSortedTagColumns()
    {
        var pivot = new ScalarPivot();
        pivot.Add("b", "loss", 2, 102, 0.5);
        pivot.Add("b", "acc", 1, 101, 0.7);
        pivot.Add("a", "loss", 1, 11, 0.9);
        pivot.Add("b", "loss", 1, 100, 0.6);
        pivot.Add("b", "loss", 1, 103, 0.55); // a later value at the same step wins

        Assert.Equal(new[] { "acc", "loss" }, pivot.Tags);
        var rows = pivot.Rows().ToList();
        Assert.Equal(new[] { ("b", 1L), ("b", 2L), ("a", 1L) }, rows.Select(r => (r.Run, r.Step)));
        Assert.Equal(new double?[] { 0.7, 0.55 }, rows[0].Values);
        Assert.Equal(103, rows[0].WallTime);
        Assert.Equal(new double?[] { null, 0.5 }, rows[1].Values);
        Assert.Equal(new double?[] { null, 0.9 }, rows[2].Values);
        Assert.All(rows, r => Assert.Null(r.Smoothed));
        Assert.Equal(5, pivot.ValueCount);
    }

    [Fact]
    public void PivotCarriesSmoothedCellsBesideRawOnes()
    {
        var pivot = new ScalarPivot();
        pivot.Add("r", "x", 0, 1, 1.0, 1.0);
        pivot.Add("r", "y", 0, 1, 2.0, 2.0);
        pivot.Add("r", "x", 1, 2, 3.0, 2.5);
        var rows = pivot.Rows().ToList();
        Assert.Equal(new double?[] { 3.0, null }, rows[1].Values);
        Assert.Equal(new double?[] { 2.5, null }, rows[1].Smoothed);
        Assert.Equal(new double?[] { 1.0, 2.0 }, rows[0].Smoothed);
    }

    [Fact]
    public void PivotHandlesManyTags()
    {
        var pivot = new ScalarPivot();
        for (int t = 0; t < 200; t++)
        {
            pivot.Add("r", $"t{t:D3}", t % 3, t, t);
        }
        var rows = pivot.Rows().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(200, pivot.Tags.Count);
        Assert.Equal(199.0, rows[199 % 3].Values[199]);
        Assert.Null(rows[0].Values[1]);
    }

    [Fact]
    public void TailKeepsTheLastValuesOfEachSeriesInTheOrderAdded()
    {
        var tail = new TailBuffer<int>(2);
        int n = 0;
        foreach (var (run, tag) in new[] { ("a", "x"), ("a", "y"), ("a", "x"), ("b", "x"), ("a", "x"), ("a", "y"), ("a", "y") })
        {
            tail.Add(run, tag, n++);
        }
        // a/x: 0 2 4 -> 2 4; a/y: 1 5 6 -> 5 6; b/x: 3
        Assert.Equal(new[] { 2, 3, 4, 5, 6 }, tail.Drain());
        Assert.Empty(tail.Drain());
    }

    [Fact]
    public void TailOfZeroKeepsNothing()
    {
        var tail = new TailBuffer<string>(0);
        tail.Add("r", "t", "v");
        Assert.Empty(tail.Drain());
    }
}
