using TbPowerShell.Tests.Shared;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// The reductions against numpy 1.24 (reference BLAS) on data drawn with <see cref="LegacyRandomState"/>;
/// the expected values are what numpy printed for the same draws.
/// </summary>
public sealed class NumpyReductionsTests
{
    // np.random.RandomState(99).uniform(-1, 1, 30000): longer than numpy's 8192-item reduce chunk.
    private static readonly double[] Long = new LegacyRandomState(99).Uniform(-1, 1, 30000);

    [Fact]
    public void SumAddsPairwiseSumsOf8192ItemChunksAsNumpyDoes()
    {
        HistogramAssert.SameBits(159.2367505941268, NumpyReductions.Sum(Long), "sum");
        // One pairwise sum over everything rounds differently, so the chunking is what matches.
        HistogramAssert.SameBits(159.23675059412676, NumpyReductions.PairwiseSum(Long), "pairwise sum");
    }

    [Fact]
    public void SumOfSquaresAddsInOrderAsReferenceBlasDdot()
    {
        HistogramAssert.SameBits(9993.962566277203, NumpyReductions.SumOfSquares(Long), "dot");
    }

    [Fact]
    public void MeanAndStandardDeviationMatchNumpy()
    {
        HistogramAssert.SameBits(0.005307891686470893, NumpyReductions.Mean(Long), "mean");
        HistogramAssert.SameBits(0.5771515501394923, NumpyReductions.StandardDeviation(Long), "std");
    }

    [Fact]
    public void PercentilesMatchNumpyLinearMethod()
    {
        HistogramAssert.SameBits(-0.4910088684275627, Percentile(Long, 25), "p25");
        HistogramAssert.SameBits(0.5016513322579395, Percentile(Long, 75), "p75");
    }

    [Theory]
    [InlineData(25, 1.75)]   // index 0.75: from the upper side, 2 - (2 - 1) * 0.25
    [InlineData(50, 2.5)]    // index 1.5
    [InlineData(75, 3.25)]   // index 2.25: from the lower side, 3 + (4 - 3) * 0.25
    [InlineData(100, 4.0)]   // index 3: the last value
    [InlineData(0, 1.0)]
    public void PercentileInterpolatesBetweenOrderStatistics(double percent, double expected)
    {
        Assert.Equal(expected, Percentile([4, 1, 3, 2], percent));
    }

    [Fact]
    public void PairwiseSumOfAShortRunStartsFromNegativeZero()
    {
        HistogramAssert.SameBits(-0.0, NumpyReductions.PairwiseSum([-0.0, -0.0]), "pairwise");
        HistogramAssert.SameBits(0.0, NumpyReductions.Sum([-0.0, -0.0]), "sum");
    }

    [Fact]
    public void SelectFindsOrderStatistics()
    {
        double[] values = new LegacyRandomState(5).Uniform(0, 1, 1001);
        double[] sorted = values.OrderBy(v => v).ToArray();

        foreach (int k in new[] { 0, 1, 250, 500, 750, 999, 1000 })
        {
            Assert.Equal(sorted[k], NumpyReductions.Select((double[])values.Clone(), k));
        }
    }

    /// <summary>One percentile, as numpy's <c>np.percentile(values, percent)</c>.</summary>
    private static double Percentile(ReadOnlySpan<double> values, double percent) => NumpyReductions.Percentiles(values, [percent])[0];
}
