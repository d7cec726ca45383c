using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary><c>add_histogram_raw</c>: the numbers go through as given, after validation.</summary>
public sealed class RawHistogramTests
{
    [Fact]
    public void EqualLimitsAreAllowed()
    {
        HistogramProto h = HistogramBuilder.Raw(0, 1, 3, 1, 1, [0, 1, 1], [1, 0, 2]);

        Assert.Equal([0.0, 1.0, 1.0], h.BucketLimit);
        Assert.Equal([1.0, 0.0, 2.0], h.Bucket);
        Assert.Equal((0.0, 1.0, 3.0, 1.0, 1.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void LengthsMustMatch()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Raw(0, 1, 3, 1, 1, [0, 1, 2], [1, 2]));

        Assert.Contains("3 bucket limits but 2 bucket counts", error.Message);
    }

    [Fact]
    public void AtLeastOneBucket()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Raw(0, 1, 0, 0, 0, [], []));

        Assert.Equal("bucketLimits", error.ParamName);
    }

    [Fact]
    public void LimitsMustNotDecrease()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Raw(0, 3, 3, 3, 5, [0, 2, 1.5], [1, 1, 1]));

        Assert.Contains("the limit at index 2, 1.5, is below the limit at index 1, 2", error.Message);
    }

    [Fact]
    public void LimitsMustNotBeNan()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Raw(0, 3, 3, 3, 5, [0, double.NaN], [1, 1]));

        Assert.Contains("limit at index 1 is NaN", error.Message);
    }

    [Theory]
    [InlineData(-1.0, "count at index 1 is -1")]
    [InlineData(double.NaN, "count at index 1 is NaN")]
    public void CountsMustBeZeroOrMore(double count, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBuilder.Raw(0, 3, 3, 3, 5, [0, 1], [1, count]));

        Assert.Contains(message, error.Message);
    }
}
