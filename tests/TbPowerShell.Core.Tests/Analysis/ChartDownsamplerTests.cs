using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Core.Tests.Analysis;

public sealed class ChartDownsamplerTests
{
    [Fact]
    public void ARangeOfAtMostFourPointsPerBucketIsKeptWhole()
    {
        var steps = Enumerable.Range(0, 400).Select(i => (long)i).ToArray();
        var values = steps.Select(s => (double)s).ToArray();
        Assert.Equal(Enumerable.Range(0, 400), ChartDownsampler.Downsample(steps, values, 100));
        Assert.Equal(Enumerable.Range(10, 11), ChartDownsampler.Downsample(steps, values, 100, 10, 20));
    }

    [Fact]
    public void EachBucketKeepsItsFirstLowestHighestAndLastPoints()
    {
        // 10 buckets of 100 steps each; bucket 3 has its low at step 350 and its high at step 360.
        var steps = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();
        var values = steps.Select(s => s == 350 ? -5.0 : s == 360 ? 9.0 : 1.0).ToArray();
        var kept = ChartDownsampler.Downsample(steps, values, 10);
        Assert.Equal([0, 99, 100, 199, 200, 299, 300, 350, 360, 399, 400, 499, 500, 599, 600, 699, 700, 799, 800, 899, 900, 999], kept);
    }

    [Fact]
    public void ASingleSpikeSurvivesHeavyDownsampling()
    {
        var steps = Enumerable.Range(0, 1_000_000).Select(i => (long)i * 3).ToArray();
        var values = new double[steps.Length];
        values[777_777] = 1e9;
        values[123_456] = -1e9;
        var kept = ChartDownsampler.Downsample(steps, values, 50);
        Assert.True(kept.Length <= 200);
        Assert.Contains(777_777, kept);
        Assert.Contains(123_456, kept);
        Assert.Equal(kept.Order(), kept);
    }

    [Fact]
    public void StepsOutsideTheRangeAreLeftOutAndNaNNeverHidesTheExtremes()
    {
        var steps = Enumerable.Range(0, 10_000).Select(i => (long)i).ToArray();
        var values = steps.Select(s => s % 2 == 0 ? double.NaN : s).ToArray();
        var kept = ChartDownsampler.Downsample(steps, values, 10, 5_000, 5_999);
        Assert.All(kept, i => Assert.InRange(steps[i], 5_000, 5_999));
        Assert.Contains(5_999, kept);
        Assert.Contains(5_001, kept);
        Assert.Empty(ChartDownsampler.Downsample(steps, values, 10, 20_000, 30_000));
    }

    [Fact]
    public void MismatchedInputIsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => ChartDownsampler.Downsample(new long[2], new double[1], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChartDownsampler.Downsample(new long[2], new double[2], 0));
    }
}
