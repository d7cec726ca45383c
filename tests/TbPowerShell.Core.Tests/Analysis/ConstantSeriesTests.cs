using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using Xunit;

namespace TbPowerShell.Core.Tests.Analysis;

/// <summary>The one constant-series rule, and the three places that apply it: whole arrays, run summaries and live smoothing.</summary>
public class ConstantSeriesTests
{
    [Fact]
    public void EqualValuesAreConstantAndNaNEqualsNothing()
    {
        Assert.True(ConstantSeries.Of(new[] { 2.0, 2.0 }));
        Assert.False(ConstantSeries.Of(new[] { double.NaN, double.NaN }));
        Assert.True(ConstantSeries.Of(ReadOnlySpan<double>.Empty));
        Assert.True(ConstantSeries.Of(new[] { -0.0, 0.0 }));   // == as in JavaScript: -0 == 0
        Assert.False(ConstantSeries.Of(new[] { 1.0, 1.0, 1.0 + 1e-15 }));
        Assert.False(ConstantSeries.Of(new[] { 1.0, double.NaN, 1.0 }));
    }

    [Fact]
    public void FedOneValueAtATimeItStaysNonConstantOnceAValueDiffers()
    {
        var series = new ConstantSeries();
        Assert.True(series.IsConstant);
        Assert.True(series.Add(3));
        Assert.True(series.Add(3));
        Assert.False(series.Add(4));
        Assert.False(series.Add(3));
        Assert.False(series.IsConstant);
    }

    [Fact]
    public void RunSummaryScanAndSmootherAgreeWithTheRule()
    {
        double[][] cases =
        {
            new[] { 0.5, 0.5, 0.5 },
            new[] { double.NaN },
            new[] { 1.0, 2.0, 1.0 },
            new[] { 7.0 },
            new[] { 1.0, 1.0, double.PositiveInfinity },
        };
        using var temp = new TempDir();
        for (int i = 0; i < cases.Length; i++)
        {
            using var writer = new TbWriter(temp.Path);
            for (int step = 0; step < cases[i].Length; step++)
            {
                writer.AddScalar("t" + i, cases[i][step], step);
            }
        }
        var summary = new RunSummaryScanner(LogDirectory.FindRuns(temp.Path), null, Core.Model.EventKinds.Scalar)
            .ScanSequentially().Single(item => item.Kind == Core.Model.ReadItemKind.Summary).Summary!;
        for (int i = 0; i < cases.Length; i++)
        {
            bool expected = ConstantSeries.Of(cases[i]);
            Assert.Equal(expected, summary.Tags.Single(t => t.Tag == "t" + i).IsConstant);
            if (!cases[i].All(double.IsFinite))
            {
                continue; // non-finite values pass through the EMA unchanged, so "drawn raw" cannot be seen there
            }
            // A series is drawn raw by the smoother exactly when it is constant.
            var smoother = new SeriesSmoother(0.9, null, constantOverall: null);
            double[] drawn = cases[i].Select(smoother.Next).ToArray();
            Assert.Equal(expected, drawn.Zip(cases[i]).All(p => p.First.Equals(p.Second)));
        }
    }
}
