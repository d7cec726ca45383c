using System.Globalization;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;
using Xunit;

namespace TbPowerShell.Core.Tests.Analysis;

/// <summary>Get-TbEvent's shaping, in the core: smoothing before the filters, the tail per series, the wide table.</summary>
public class ReadShaperTests
{
    /// <summary>Items as text, so a test reads what went out and in which order.</summary>
    private sealed class TextOutput : IShapedOutput<string>
    {
        public string Scalar(string run, string file, in ScalarRecord s, double? smoothed) =>
            string.Create(CultureInfo.InvariantCulture, $"{run}/{s.Tag}@{s.Step}={s.Value}{(smoothed is double x ? $"~{x:R}" : "")}");

        public string Value(string run, string file, ValueRecord value) => $"{run}/{value.Tag}@{value.Step}:{value.GetType().Name}";

        public string PivotRow(PivotRow row, IReadOnlyList<string> tags) =>
            $"{row.Run}@{row.Step}:" + string.Join(",", tags.Select((t, i) => $"{t}={row.Values[i]?.ToString(CultureInfo.InvariantCulture) ?? "-"}"));
    }

    private static List<string> Shape(ReadShape shape, Action<ReadShaper<string>> feed)
    {
        var written = new List<string>();
        var shaper = new ReadShaper<string>(shape, new TextOutput(), written.Add);
        feed(shaper);
        shaper.Complete();
        return written;
    }

    private static ScalarRecord S(string tag, long step, double value, double wallTime = 100) => new(tag, step, wallTime, value);

    [Fact]
    public void APlainShapeHandsEveryValueOnAsItComes()
    {
        var output = Shape(new ReadShape(), s =>
        {
            s.Scalar("a", "f", S("loss", 1, 0.5));
            s.Value("a", "f", new TextRecord("notes", 2, 100, new[] { "x" }, new long[] { 1 }));
        });
        Assert.Equal(new[] { "a/loss@1=0.5", "a/notes@2:TextRecord" }, output);
    }

    [Fact]
    public void StepAndTimeFiltersApplyAfterSmoothingSoKeptValuesKeepTheirDashboardFigure()
    {
        var values = new[] { 1.0, 2.0, 3.0, 4.0 };
        var all = TensorBoardSmoothing.Smooth(values, 0.6);
        var shape = new ReadShape { Smoothing = 0.6, Filter = new ReadFilter { MinStep = 2, Before = 103.5 } };
        var output = Shape(shape, s =>
        {
            for (int i = 0; i < values.Length; i++)
            {
                s.Scalar("r", "f", S("t", i, values[i], wallTime: 100 + i));
            }
        });
        // steps 2 and 3 pass MinStep; wall time 103 < 103.5 keeps step 3
        Assert.Equal(new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"r/t@2=3~{all[2]:R}"),
            string.Create(CultureInfo.InvariantCulture, $"r/t@3=4~{all[3]:R}"),
        }, output);
    }

    [Fact]
    public void ASeriesAScanFoundConstantIsDrawnRawAndOneFoundChangingIsSmoothedFromItsFirstValue()
    {
        var shape = new ReadShape { Smoothing = 0.5 };
        var written = new List<string>();
        var shaper = new ReadShaper<string>(shape, new TextOutput(), written.Add);
        shaper.KnowConstantSeries(new Dictionary<(string, string), bool> { [("r", "flat")] = true, [("r", "moving")] = false });
        shaper.Scalar("r", "f", S("flat", 0, 2));
        shaper.Scalar("r", "f", S("moving", 0, 2));
        shaper.Scalar("r", "f", S("moving", 1, 2));
        shaper.Complete();
        Assert.Equal("r/flat@0=2~2", written[0]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"r/moving@0=2~{new TensorBoardSmoothing(0.5).Next(2):R}"), written[1]);
        Assert.StartsWith("r/moving@1=2~", written[2]);
    }

    [Fact]
    public void TailKeepsTheLastNOfEachSeriesInFileOrderUntilCaughtUp()
    {
        var written = new List<string>();
        var shaper = new ReadShaper<string>(new ReadShape { Tail = 2 }, new TextOutput(), written.Add);
        for (int i = 0; i < 5; i++)
        {
            shaper.Scalar("r", "f", S("a", i, i));
            shaper.Scalar("r", "f", S("b", i, 10 + i));
        }
        Assert.Empty(written);
        shaper.CaughtUp();
        Assert.Equal(new[] { "r/a@3=3", "r/b@3=13", "r/a@4=4", "r/b@4=14" }, written);
        shaper.Scalar("r", "f", S("a", 5, 5));   // following: later values go straight on
        Assert.Equal("r/a@5=5", written[^1]);
    }

    [Fact]
    public void PivotMakesOneRowPerRunAndStepWithATagColumnEach()
    {
        var output = Shape(new ReadShape { Pivot = true }, s =>
        {
            s.Scalar("r", "f", S("loss", 0, 1));
            s.Scalar("r", "f", S("acc", 0, 0.5));
            s.Scalar("r", "f", S("loss", 1, 0.75));
            s.Scalar("q", "f", S("acc", 0, 0.25));
        });
        Assert.Equal(new[] { "r@0:acc=0.5,loss=1", "r@1:acc=-,loss=0.75", "q@0:acc=0.25,loss=-" }, output);
    }

    [Fact]
    public void PivotWithTailTabulatesOnlyTheLastValuesOfEachSeries()
    {
        var output = Shape(new ReadShape { Pivot = true, Tail = 1 }, s =>
        {
            for (int i = 0; i < 3; i++)
            {
                s.Scalar("r", "f", S("loss", i, i));
            }
        });
        Assert.Equal(new[] { "r@2:loss=2" }, output);
    }

    [Fact]
    public void NameFiltersAreThePredicatesGiven()
    {
        var filter = new ReadFilter { Tag = t => t.StartsWith("train/", StringComparison.Ordinal), Run = r => r != "skip" };
        Assert.True(filter.Tag!("train/loss"));
        Assert.False(filter.Tag!("val/loss"));
        Assert.False(filter.WantsRun("skip"));
        Assert.True(ReadFilter.All.Tag is null && ReadFilter.All.WantsRun("anything"));
        Assert.False(filter.FiltersValues);
        Assert.True((filter with { After = 5 }).FiltersValues);
        Assert.False(new ReadFilter { After = 5 }.Keeps(0, 5));   // strictly after
        Assert.False(new ReadFilter { Before = 5 }.Keeps(0, 5));  // strictly before
    }
}
