using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>A summary's FirstStep and LastStep are the step range of its values, whatever order they were written in.</summary>
public sealed class SummaryStepRangeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private RunSummary Summarize(string run, EventKinds kinds = EventKinds.All) =>
        new RunSummaryScanner(LogDirectory.FindRuns(_dir.Sub(run)), kinds: kinds).Scan()
            .Single(i => i.Kind == ReadItemKind.Summary).Summary!;

    [Fact]
    public void AnImageAtStepZeroAfterTheScalarsLeavesTheRunsLastStepAtTheHighestStep()
    {
        using (var writer = new TbWriter(_dir.Sub("late-image")))
        {
            for (int step = 0; step < 10_000; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step, new TbTimestamp(1.7e9 + step));
            }
            writer.AddValue(SummaryValues.Image("input", new byte[] { 1, 2, 3 }, 1, 1, 1), 0, new TbTimestamp(1.7e9 + 20_000));
        }
        var summary = Summarize("late-image");
        Assert.Equal((0L, 9999L), (summary.FirstStep, summary.LastStep));
        var loss = Assert.Single(summary.Tags, t => t.Tag == "loss");
        Assert.Equal((0L, 9999L), (loss.FirstStep, loss.LastStep));
        var input = Assert.Single(summary.Tags, t => t.Tag == "input");
        Assert.Equal((0L, 0L), (input.FirstStep, input.LastStep));
        // The last wall time is still that of the last value written.
        Assert.Equal(1.7e9 + 20_000, summary.LastWallTime);
    }

    [Fact]
    public void TheHighestStepIsTheLastStepEvenWhenASmallerStepIsWrittenAfterIt()
    {
        using (var writer = new TbWriter(_dir.Sub("max-then-two")))
        {
            writer.AddScalar("x", 1.5, long.MaxValue, new TbTimestamp(1.7e9));
            writer.AddScalar("x", 2.5, 2, new TbTimestamp(1.7e9 + 1));
        }
        var summary = Summarize("max-then-two");
        Assert.Equal((2L, long.MaxValue), (summary.FirstStep, summary.LastStep));
        var x = Assert.Single(summary.Tags);
        Assert.Equal((2L, long.MaxValue), (x.FirstStep, x.LastStep));
        // The last value is the last written, not the one at the highest step.
        Assert.Equal(2.5, x.LastValue);
        Assert.Equal(1.7e9 + 1, x.LastWallTime);
    }

    [Fact]
    public void TheFirstStepIsTheLowestStepWhenARunGoesBackInSteps()
    {
        using (var writer = new TbWriter(_dir.Sub("restart")))
        {
            foreach (long step in new long[] { 5, 6, 7, -3, 1 })
            {
                writer.AddScalar("y", step, step, new TbTimestamp(1.7e9 + 10 + step));
            }
        }
        var summary = Summarize("restart", EventKinds.Scalar);
        Assert.Equal((-3L, 7L), (summary.FirstStep, summary.LastStep));
        var y = Assert.Single(summary.Tags);
        Assert.Equal((-3L, 7L, 5L), (y.FirstStep, y.LastStep, y.Count));
    }
}
