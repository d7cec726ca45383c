using TbPowerShell.Core.Proto;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>Bit-exact comparisons of doubles and histograms (so 0.0 and -0.0 differ, as on disk).</summary>
internal static class HistogramAssert
{
    public static void SameBits(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
        {
            Assert.Fail($"{what}: expected {expected:R} but got {actual:R}");
        }
    }

    public static void SameBits(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} values but got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            SameBits(expected[i], actual[i], $"{what}[{i}]");
        }
    }

    /// <summary>Buckets, limits, min, max and num bit for bit; sum and sum of squares too unless a tolerance is given.</summary>
    public static void Same(HistogramProto expected, HistogramProto actual, double sumRelativeTolerance = 0)
    {
        SameBits(expected.BucketLimit, actual.BucketLimit, "bucket_limit");
        SameBits(expected.Bucket, actual.Bucket, "bucket");
        SameBits(expected.Min, actual.Min, "min");
        SameBits(expected.Max, actual.Max, "max");
        SameBits(expected.Num, actual.Num, "num");
        if (sumRelativeTolerance == 0)
        {
            SameBits(expected.Sum, actual.Sum, "sum");
            SameBits(expected.SumSquares, actual.SumSquares, "sum_squares");
        }
        else
        {
            Close(expected.Sum, actual.Sum, sumRelativeTolerance, "sum");
            Close(expected.SumSquares, actual.SumSquares, sumRelativeTolerance, "sum_squares");
        }
    }

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected),
            $"{what}: expected {expected:R} within {relative} relative but got {actual:R}");
}
