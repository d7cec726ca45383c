using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>Parsing the bins argument the way PowerShell will hand it over, and rejecting bad ones.</summary>
public sealed class HistogramBinsTests
{
    [Fact]
    public void TensorflowEdgesArePytorchDefaultBins()
    {
        IReadOnlyList<double> edges = HistogramBins.TensorFlow.Edges;

        // 774 positive edges (1e-12 * 1.1^773 < 1e20 <= 1e-12 * 1.1^774), their negatives, and 0
        Assert.Equal(1549, edges.Count);
        Assert.Equal(1548, HistogramBins.TensorFlow.Count);
        Assert.Equal(0.0, edges[774]);
        Assert.Equal(1e-12, edges[775]);
        Assert.Equal(1e-12 * 1.1, edges[776]);
        Assert.Equal(1e-12 * 1.1 * 1.1, edges[777]);
        Assert.True(edges[^1] < 1e20 && edges[^1] * 1.1 >= 1e20);
        for (int i = 0; i < 774; i++)
        {
            Assert.Equal(-edges[^(i + 1)], edges[i]);
        }
        for (int i = 1; i < edges.Count; i++)
        {
            Assert.True(edges[i] > edges[i - 1]);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tensorflow")]
    [InlineData("TensorFlow")]
    [InlineData(" tensorflow ")]
    public void DefaultAndTensorflowNamesGiveTensorflowBins(string? value)
    {
        Assert.Same(HistogramBins.TensorFlow, HistogramBins.Parse(value));
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("FD", "fd")]
    [InlineData("Doane", "doane")]
    [InlineData("scott", "scott")]
    [InlineData("stone", "stone")]
    [InlineData("rice", "rice")]
    [InlineData("STURGES", "sturges")]
    [InlineData("sqrt", "sqrt")]
    public void RuleNamesAreCaseInsensitive(string value, string name)
    {
        HistogramBins bins = HistogramBins.Parse(value);

        Assert.Equal(HistogramBinKind.Rule, bins.Kind);
        Assert.Equal(name, bins.Name);
        Assert.Equal(name, bins.ToString());
        Assert.Empty(bins.Edges);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(10L)]
    [InlineData((byte)10)]
    [InlineData(10.0)]
    [InlineData("10")]
    [InlineData(" 10 ")]
    public void WholeNumbersAreBinCounts(object value)
    {
        HistogramBins bins = HistogramBins.Parse(value);

        Assert.Equal(HistogramBinKind.Count, bins.Kind);
        Assert.Equal(10, bins.Count);
        Assert.Equal("10 bins", bins.ToString());
    }

    [Fact]
    public void SequencesOfNumbersAreEdges()
    {
        HistogramBins fromDoubles = HistogramBins.Parse(new[] { 0.0, 0.5, 2.0 });
        HistogramBins fromMixed = HistogramBins.Parse(new object[] { 0, 0.5, 2L });
        HistogramBins fromList = HistogramBins.Parse(new List<int> { -1, 1 });

        Assert.Equal(HistogramBinKind.Edges, fromDoubles.Kind);
        Assert.Equal([0.0, 0.5, 2.0], fromDoubles.Edges);
        Assert.Equal([0.0, 0.5, 2.0], fromMixed.Edges);
        Assert.Equal([-1.0, 1.0], fromList.Edges);
        Assert.Equal(2, fromDoubles.Count);
        Assert.Equal("[0, 0.5, 2]", fromDoubles.ToString());
    }

    [Fact]
    public void ParsePassesBinsThrough()
    {
        HistogramBins bins = HistogramBins.FromCount(3);

        Assert.Same(bins, HistogramBins.Parse(bins));
    }

    [Fact]
    public void EdgesAreCopied()
    {
        double[] source = [0, 1, 2];
        HistogramBins bins = HistogramBins.FromEdges(source);
        source[1] = 5;

        Assert.Equal(1.0, bins.Edges[1]);
    }

    [Theory]
    [InlineData(0, "at least 1; got 0")]
    [InlineData(-3, "at least 1; got -3")]
    [InlineData("0", "at least 1; got 0")]
    [InlineData(2.5, "whole number; got 2.5")]
    [InlineData(20_000_000, "20000000 is above the limit")]
    [InlineData("bogus", "'bogus' is not a known rule")]
    [InlineData("", "is empty")]
    [InlineData("tensor flow", "'tensor flow' is not a known rule")]
    public void InvalidScalarsAreRejectedNamingTheValue(object value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.Parse(value));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void FromCountRejectsZero()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.FromCount(0));

        Assert.Contains("got 0", error.Message);
    }

    [Fact]
    public void FromRuleRejectsUnknownNames()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.FromRule("freedman"));

        Assert.Contains("'freedman'", error.Message);
        Assert.Contains("auto, fd, doane", error.Message);
    }

    [Theory]
    [InlineData(new[] { 1.0 }, "at least 2 values; got 1")]
    [InlineData(new double[0], "at least 2 values; got 0")]
    [InlineData(new[] { 0.0, 1.0, 1.0 }, "the edge at index 2, 1, follows the edge at index 1, 1")]
    [InlineData(new[] { 0.0, 2.0, 1.0 }, "the edge at index 2, 1, follows the edge at index 1, 2")]
    [InlineData(new[] { 0.0, double.NaN }, "edge at index 1 is NaN")]
    [InlineData(new[] { double.NegativeInfinity, 0.0 }, "edge at index 0 is -Infinity")]
    public void InvalidEdgesAreRejectedNamingTheValue(double[] edges, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.Parse(edges));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void NonNumericEdgesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.Parse(new object[] { 0, "one" }));

        Assert.Contains("edge at index 1, 'one'", error.Message);
    }

    [Fact]
    public void OtherTypesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => HistogramBins.Parse(DateTime.UnixEpoch));

        Assert.Contains("DateTime", error.Message);
    }
}
