using TbPowerShell.Tests.Shared;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>The test generator reproduces numpy's <c>RandomState</c> values (as numpy 1.24 prints them).</summary>
public sealed class LegacyRandomStateTests
{
    [Fact]
    public void RandomSampleMatchesNumpySeed1234()
    {
        var rng = new LegacyRandomState(1234);

        HistogramAssert.SameBits([0.1915194503788923, 0.6221087710398319, 0.4377277390071145],
            [rng.RandomSample(), rng.RandomSample(), rng.RandomSample()], "random_sample");
    }

    [Fact]
    public void RandomSampleMatchesNumpySeed0()
    {
        HistogramAssert.SameBits(0.5488135039273248, new LegacyRandomState(0).RandomSample(), "random_sample");
    }

    [Fact]
    public void ArraySeedUsesInitByArray()
    {
        HistogramAssert.SameBits(0.6098612722867289, new LegacyRandomState([1U, 2U, 3U]).RandomSample(), "random_sample");
    }

    [Fact]
    public void NormalMatchesNumpyIncludingTheCachedSecondValue()
    {
        var rng = new LegacyRandomState(1234);

        HistogramAssert.SameBits([0.47143516373249306, -1.1909756947064645, 1.4327069684260973],
            rng.Normal(0, 1, 3), "normal");
    }

    [Fact]
    public void FixtureDrawsEndWhereNumpyEnds()
    {
        double[] first = HistogramFixtures.RandomInputs().Normal[0];

        HistogramAssert.SameBits(-0.8019050477600198, first[^1], "normal(0, 1, 1000)[-1]");
    }
}
