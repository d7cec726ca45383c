using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// Edge cases with expectations derived by hand from numpy's rules (min == max widens the range by
/// 0.5; bins are [left, right) except the last, which is closed; values outside explicit edges are
/// not counted) and from PyTorch's trim (the buckets from the first to the last non-empty one, plus
/// the one to the left of the first, or an extra empty one when the first is bucket 0).
/// </summary>
public sealed class HistogramEdgeCaseTests
{
    // PyTorch's default edges, rebuilt here the way writer.py builds them: e[k] = 1e-12 * 1.1^k by
    // repeated multiplication, k = 0..773; the full list is -e[773..0], 0, e[0..773].
    private static readonly double[] Exponential = BuildExponential();

    private static double[] BuildExponential()
    {
        var e = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            e.Add(v);
        }
        return e.ToArray();
    }

    private static void AssertHistogram(HistogramProto h, double[] limits, double[] buckets)
    {
        HistogramAssert.SameBits(limits, h.BucketLimit, "bucket_limit");
        HistogramAssert.SameBits(buckets, h.Bucket, "bucket");
    }

    [Fact]
    public void AllEqualValuesWithABinCountWidenTheRangeByHalf()
    {
        // range [1.5, 2.5] in 4 bins of 0.25: edges 1.5, 1.75, 2, 2.25, 2.5; all three 2s fall in
        // [2, 2.25), bin 2; the trim keeps bin 1 (empty) and bin 2, with right edges 2 and 2.25.
        HistogramProto h = HistogramBuilder.Build([2.0, 2.0, 2.0], HistogramBins.FromCount(4));

        AssertHistogram(h, [2.0, 2.25], [0, 3]);
        Assert.Equal((2.0, 2.0, 3.0, 6.0, 12.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void ValuesOnExplicitEdgesGoRightExceptOnTheLastEdge()
    {
        // [0,1): 0 | [1,2): 1, 1 | [2,3]: 2, 3, 3 ; -1 and 4 lie outside and are not counted, but
        // still make min, max, num, sum and sum of squares.
        HistogramProto h = HistogramBuilder.Build([0, 1, 1, 2, 3, 3, -1, 4], HistogramBins.FromEdges([0, 1, 2, 3]));

        AssertHistogram(h, [0, 1, 2, 3], [0, 1, 2, 3]);
        Assert.Equal((-1.0, 4.0, 8.0, 13.0, 41.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void AValueOnTheLastEdgeIsCountedInTheLastBin()
    {
        HistogramProto h = HistogramBuilder.Build([3.0], HistogramBins.FromEdges([0, 1, 2, 3]));

        AssertHistogram(h, [2, 3], [0, 1]);
    }

    [Fact]
    public void AValueJustBelowAnEdgeStaysInTheBinBeforeIt()
    {
        double below = Math.BitDecrement(1.0);

        HistogramProto h = HistogramBuilder.Build([below], HistogramBins.FromEdges([0, 1, 2, 3]));

        // bin 0 holds it and is the first bin, so an empty bucket is added on its left
        AssertHistogram(h, [0, 1], [0, 1]);
    }

    [Fact]
    public void NoValueInsideSeveralExplicitBinsIsAnErrorAsInPytorch()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            HistogramBuilder.Build([5.0, 7.0], HistogramBins.FromEdges([0, 1, 2])));

        Assert.Contains("No value lies within the bin edges", error.Message);
    }

    [Fact]
    public void NoValueInsideASingleExplicitBinGivesOneEmptyBucketAsInPytorch()
    {
        // PyTorch's slicing with one bin and no count: counts[0:1] and limits[1:2].
        HistogramProto h = HistogramBuilder.Build([5.0, 7.0], HistogramBins.FromEdges([0, 1]));

        AssertHistogram(h, [1], [0]);
    }

    [Fact]
    public void TensorflowBinsSplitNegativeZeroAndPositiveValues()
    {
        // e[289] < 1 < e[290] (1.1^289 * 1e-12 is about 0.917), so 1 lies in [e[289], e[290]) and
        // -1 in [-e[290], -e[289]); 0 lies in [0, 1e-12). The kept buckets run from the bin left of
        // -1's to 1's bin: 583 of them, with right edges -e[289] ... e[290].
        Assert.True(Exponential[289] < 1.0 && 1.0 < Exponential[290]);

        HistogramProto h = HistogramBuilder.Build([-1.0, 0.0, 1.0], HistogramBins.TensorFlow);

        Assert.Equal(583, h.BucketLimit.Count);
        Assert.Equal(583, h.Bucket.Count);
        HistogramAssert.SameBits(-Exponential[290], h.BucketLimit[0], "first limit");
        HistogramAssert.SameBits(-Exponential[289], h.BucketLimit[1], "second limit");
        HistogramAssert.SameBits(Exponential[290], h.BucketLimit[^1], "last limit");
        Assert.Equal(0, h.Bucket[0]);
        Assert.Equal(1, h.Bucket[1]);                      // -1, below -e[289]
        int zeroBucket = h.BucketLimit.IndexOf(1e-12);
        Assert.Equal(0.0, h.BucketLimit[zeroBucket - 1]);
        Assert.Equal(1, h.Bucket[zeroBucket]);             // 0, in [0, 1e-12)
        Assert.Equal(1, h.Bucket[^1]);                     // 1
        Assert.Equal(3, h.Bucket.Sum());
        Assert.Equal((-1.0, 1.0, 3.0, 0.0, 2.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void ASingleValueWithTensorflowBins()
    {
        // 1.1^306 * 1e-12 is about 4.64 and 1.1^307 * 1e-12 about 5.10.
        HistogramProto h = HistogramBuilder.Build([5.0], HistogramBins.TensorFlow);

        AssertHistogram(h, [Exponential[306], Exponential[307]], [0, 1]);
        Assert.Equal((5.0, 5.0, 1.0, 5.0, 25.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void ASingleValueWithARuleGetsOneBinOfWidthOne()
    {
        // auto: the IQR of one value is 0, so Sturges; its width ptp / (log2(1) + 1) is 0 too, so
        // numpy takes 1 bin over [4.5, 5.5].
        HistogramProto h = HistogramBuilder.Build([5.0], HistogramBins.FromRule("auto"));

        AssertHistogram(h, [4.5, 5.5], [0, 1]);
    }

    [Fact]
    public void ASingleValueWithThreeBins()
    {
        // linspace(4.5, 5.5, 4) = i * (1.0 / 3) + 4.5; 5 lies in the middle bin.
        HistogramProto h = HistogramBuilder.Build([5.0], HistogramBins.FromCount(3));

        double step = 1.0 / 3;
        AssertHistogram(h, [1 * step + 4.5, 2 * step + 4.5], [0, 1]);
    }

    [Fact]
    public void ValuesBeyond1e20AreNotCountedButStillSummarised()
    {
        HistogramProto h = HistogramBuilder.Build([1.0, 1e21], HistogramBins.TensorFlow);

        AssertHistogram(h, [Exponential[289], Exponential[290]], [0, 1]);
        // 1 is below half an ulp of 1e21 (and of 1e42), so both sums round to the big term.
        Assert.Equal((1.0, 1e21, 2.0, 1e21, 1e42), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Theory]
    [InlineData(new[] { 1e21, -1e25 })]
    [InlineData(new[] { 1e20 })]                            // the last edge is 1.1^773 * 1e-12, about 9.92e19
    public void OnlyValuesBeyondTheTensorflowEdgesIsAnErrorAsInPytorch(double[] values)
    {
        Assert.Throws<ArgumentException>(() => HistogramBuilder.Build(values, HistogramBins.TensorFlow));
    }

    [Fact]
    public void TheLastTensorflowEdgeItselfIsCounted()
    {
        HistogramProto h = HistogramBuilder.Build([Exponential[^1]], HistogramBins.TensorFlow);

        AssertHistogram(h, [Exponential[^2], Exponential[^1]], [0, 1]);
    }

    [Fact]
    public void NegativeZeroIsBinnedWithZeroAndSumsToPositiveZero()
    {
        // numpy's add.reduce starts from +0.0, so the sum of [-0.0] is +0.0; min and max keep -0.0.
        HistogramProto h = HistogramBuilder.Build([-0.0], HistogramBins.TensorFlow);

        AssertHistogram(h, [0.0, 1e-12], [0, 1]);
        HistogramAssert.SameBits(-0.0, h.Min, "min");
        HistogramAssert.SameBits(0.0, h.Sum, "sum");
        HistogramAssert.SameBits(0.0, h.SumSquares, "sum_squares");
    }

    [Fact]
    public void NoValuesIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([], HistogramBins.TensorFlow));

        Assert.Equal("values", error.ParamName);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void ANonFiniteValueIsAnErrorNamingIt(double bad, string shown)
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([1.0, bad, 2.0]));

        Assert.Contains($"value at index 1 is {shown}", error.Message);
    }

    [Fact]
    public void DropNonFiniteKeepsTheFiniteValuesInOrder()
    {
        double[] kept = HistogramBuilder.DropNonFinite([1.0, double.NaN, -2.0, double.PositiveInfinity, 3.0], out int dropped);

        Assert.Equal([1.0, -2.0, 3.0], kept);
        Assert.Equal(2, dropped);
    }

    [Fact]
    public void AConstantTooLargeToWidenCannotTakeEqualWidthBins()
    {
        // 1e20 - 0.5 == 1e20 + 0.5 == 1e20: numpy divides by a zero range and fails in bincount.
        Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([1e20, 1e20], HistogramBins.FromCount(4)));
    }

    [Fact]
    public void ARangeThatOverflowsCannotTakeEqualWidthBins()
    {
        Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([-1e308, 1e308], HistogramBins.FromRule("sturges")));
    }
}
