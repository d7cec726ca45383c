using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// Every numpy bin rule on small arrays, with the bin count worked out from numpy's formulas.
/// The data's first and last bins are never empty with a data-derived range, so PyTorch keeps every
/// edge and puts one empty bucket in front: the limits are exactly numpy's edges.
/// </summary>
public sealed class BinRuleTests
{
    // 0, 1, ..., 15: n = 16, ptp = 15, log2(n) = 4, sqrt(n) = 4, n^(1/3) = 2.5198.
    private static readonly double[] Sixteen = Enumerable.Range(0, 16).Select(i => (double)i).ToArray();

    // A skewed sample: 0 0 0 0 1 1 2 3 5 8 13 21 34 55 89 144 (n = 16, ptp = 144).
    private static readonly double[] Skewed = [0, 0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];

    private static void AssertBins(double[] data, string rule, double[] edges, double[] counts)
    {
        HistogramProto h = HistogramBuilder.Build(data, HistogramBins.FromRule(rule));

        HistogramAssert.SameBits(edges, h.BucketLimit, $"{rule} edges");
        HistogramAssert.SameBits([0, .. counts], h.Bucket, $"{rule} buckets");
    }

    [Fact]
    public void SqrtDividesTheRangeByTheSquareRootOfN()
    {
        // width 15 / 4 = 3.75 -> 4 bins
        AssertBins(Sixteen, "sqrt", [0, 3.75, 7.5, 11.25, 15], [4, 4, 4, 4]);
    }

    [Fact]
    public void SturgesDividesTheRangeByLog2NPlusOne()
    {
        // width 15 / (4 + 1) = 3 -> 5 bins; the closed last bin holds 12..15
        AssertBins(Sixteen, "sturges", [0, 3, 6, 9, 12, 15], [3, 3, 3, 3, 4]);
    }

    [Fact]
    public void RiceDividesTheRangeByTwiceTheCubeRootOfN()
    {
        // width 15 / (2 * 2.5198) = 2.976 -> ceil(5.04) = 6 bins of 2.5
        AssertBins(Sixteen, "rice", [0, 2.5, 5, 7.5, 10, 12.5, 15], [3, 2, 3, 2, 3, 3]);
    }

    [Fact]
    public void ScottScalesTheStandardDeviation()
    {
        // std = sqrt((16^2 - 1) / 12) = 4.6098; (24 sqrt(pi) / 16)^(1/3) = 1.3857; width 6.388
        // -> ceil(2.35) = 3 bins of 5
        AssertBins(Sixteen, "scott", [0, 5, 10, 15], [5, 5, 6]);
    }

    [Fact]
    public void FdUsesTheInterquartileRange()
    {
        // percentile 75: index 11.25 -> 11.25; percentile 25: index 3.75 -> 3.75; IQR 7.5;
        // width 2 * 7.5 / 2.5198 = 5.953 -> ceil(2.52) = 3 bins
        AssertBins(Sixteen, "fd", [0, 5, 10, 15], [5, 5, 6]);
    }

    [Fact]
    public void AutoTakesTheNarrowerOfFdAndSturges()
    {
        // min(5.953, 3) = 3 -> Sturges' 5 bins
        AssertBins(Sixteen, "auto", [0, 3, 6, 9, 12, 15], [3, 3, 3, 3, 4]);
    }

    [Fact]
    public void AutoOnSkewedDataTakesFd()
    {
        // IQR: index 11.25 -> 21 + 13 * 0.25 = 24.25; index 3.75 -> 1 - 1 * 0.25 = 0.75; IQR 23.5;
        // fd width 47 / 2.5198 = 18.65 < Sturges' 144 / 5 = 28.8 -> ceil(7.72) = 8 bins of 18
        AssertBins(Skewed, "auto", [0, 18, 36, 54, 72, 90, 108, 126, 144], [11, 2, 0, 1, 1, 0, 0, 1]);
    }

    [Fact]
    public void DoaneAddsASkewnessTermToSturges()
    {
        // sg1 = sqrt(6 * 14 / (17 * 19)) = 0.50996; skewness g1 = 2.016 (mean 23.5, std 39.1);
        // width 144 / (1 + 4 + log2(1 + 2.016 / 0.50996)) = 144 / 7.308 = 19.70 -> 8 bins of 18
        double width = BinWidthRules.Width("doane", Skewed, 144, 0, 144);
        Assert.InRange(width, 19.70, 19.71);

        AssertBins(Skewed, "doane", [0, 18, 36, 54, 72, 90, 108, 126, 144], [11, 2, 0, 1, 1, 0, 0, 1]);
    }

    [Fact]
    public void DoaneOnSymmetricDataIsSturges()
    {
        AssertBins(Sixteen, "doane", [0, 3, 6, 9, 12, 15], [3, 3, 3, 3, 4]);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 71)]
    public void StoneMinimisesTheCrossValidatedError(bool skewed, int expectedBins)
    {
        double[] data = skewed ? Skewed : Sixteen;
        double min = data.Min(), max = data.Max();

        int oracle = StoneByDefinition(data, min, max);
        HistogramProto h = HistogramBuilder.Build(data, HistogramBins.FromRule("stone"));

        Assert.Equal(expectedBins, oracle);
        Assert.Equal(expectedBins + 1, h.BucketLimit.Count);
        double step = (max - min) / expectedBins;
        for (int i = 0; i < expectedBins; i++)
        {
            HistogramAssert.SameBits(i * step + min, h.BucketLimit[i], $"edge {i}");
        }
        HistogramAssert.SameBits(max, h.BucketLimit[^1], "last edge");
    }

    [Fact]
    public void EveryRuleOnEqualValuesGivesOneBinOfWidthOne()
    {
        foreach (string rule in HistogramBins.RuleNames)
        {
            AssertBins([7, 7, 7, 7], rule, [6.5, 7.5], [4]);
        }
    }

    // numpy's _hist_bin_stone written out naively: for k = 1..max(100, sqrt n), histogram the data
    // into k bins of the range (edges i * ptp / k + min, half-open, the last closed), p = counts / n,
    // J(k) = (2 - (n + 1) * sum p^2) / (ptp / k); the first k with the smallest J wins.
    private static int StoneByDefinition(double[] data, double min, double max)
    {
        int n = data.Length;
        double ptp = max - min;
        int upper = Math.Max(100, (int)Math.Sqrt(n));
        int best = 0;
        double bestJ = double.PositiveInfinity;
        for (int k = 1; k <= upper; k++)
        {
            double step = ptp / k;
            var counts = new int[k];
            foreach (double x in data)
            {
                int bin = k - 1;
                for (int i = 1; i < k; i++)
                {
                    if (x < i * step + min)
                    {
                        bin = i - 1;
                        break;
                    }
                }
                counts[bin]++;
            }
            double sumSquares = 0;
            foreach (int c in counts)
            {
                double p = (double)c / n;
                sumSquares += p * p;
            }
            double j = (2 - (n + 1) * sumSquares) / step;
            if (j < bestJ)
            {
                bestJ = j;
                best = k;
            }
        }
        return best;
    }
}
