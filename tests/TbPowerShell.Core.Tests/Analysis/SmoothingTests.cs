using System.Globalization;
using System.Text.Json;
using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Core.Tests;

/// <summary>
/// The smoothing TensorBoard's scalar dashboard draws, checked against values computed by its
/// algorithm in JavaScript (node/V8, tests/fixtures/smoothing/make-reference.js).
/// </summary>
public class SmoothingTests
{
    private static readonly JsonDocument Reference =
        JsonDocument.Parse(File.ReadAllText(Fixtures.Path("smoothing", "tensorboard-ema.json")));

    public static IEnumerable<object[]> Cases() =>
        Reference.RootElement.GetProperty("cases").EnumerateArray()
            .Select((c, i) => new object[] { i, c.GetProperty("series").GetString()!, Number(c.GetProperty("weight")) });

    [Theory]
    [MemberData(nameof(Cases))]
    public void WholeSeriesMatchesTensorBoard(int index, string series, double weight)
    {
        var values = Values(series);
        var expected = Reference.RootElement.GetProperty("cases")[index].GetProperty("smoothed").EnumerateArray().Select(Number).ToArray();

        var actual = TensorBoardSmoothing.Smooth(values, weight);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]))
            {
                continue;
            }
            // The formula and the order of operations are TensorBoard's; only pow(w, n) may round its last
            // bit differently (V8's pow is not correctly rounded, .NET's comes from the C library), and
            // 1 - pow(w, n) magnifies that bit when w^n is near 1. Browsers differ among themselves the same way.
            Assert.True(double.IsFinite(expected[i]) && Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Abs(expected[i]),
                $"{series} w={weight} [{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void StreamingGivesTheWholeSeriesResultForNonConstantSeries()
    {
        var values = Values("noisy-decay");
        var whole = TensorBoardSmoothing.Smooth(values, 0.9);
        var streaming = new TensorBoardSmoothing(0.9);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(whole[i], streaming.Next(values[i]));
        }
    }

    [Fact]
    public void ConstantSeriesIsNotSmoothedButAConstantPrefixIs()
    {
        Assert.Equal(Enumerable.Repeat(0.1, 5), TensorBoardSmoothing.Smooth(Enumerable.Repeat(0.1, 5).ToArray(), 0.9));
        var prefixed = TensorBoardSmoothing.Smooth(new[] { 1.0, 1.0, 1.0, 5.0 }, 0.5);
        Assert.Equal(1.0, prefixed[0]);
        Assert.NotEqual(5.0, prefixed[3]);
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 0)]
    [InlineData(-0.5, 0)]
    [InlineData(1.5, 1)]
    [InlineData(0.6, 0.6)]
    public void WeightIsClampedAsTensorBoardDoes(double weight, double expected) =>
        Assert.Equal(expected, TensorBoardSmoothing.ClampWeight(weight));

    [Fact]
    public void MovingAverageAveragesTheTrailingWindow()
    {
        var average = new MovingAverage(3);
        Assert.Equal(1.0, average.Next(1));
        Assert.Equal(1.5, average.Next(2));
        Assert.Equal(2.0, average.Next(3));
        Assert.Equal(3.0, average.Next(4));
        Assert.True(double.IsNaN(average.Next(double.NaN)));
        Assert.Equal(double.PositiveInfinity, average.Next(double.PositiveInfinity));
        Assert.Equal(4.0, average.Next(5)); // (3 + 4 + 5) / 3: non-finite values stay out of the window
    }

    [Fact]
    public void MovingAverageStaysAccurateOverLongSeries()
    {
        var values = Values("long-walk");
        var average = new MovingAverage(50);
        for (int i = 0; i < values.Length; i++)
        {
            double got = average.Next(values[i]);
            int from = Math.Max(0, i - 49);
            decimal exact = 0;
            for (int j = from; j <= i; j++)
            {
                exact += (decimal)values[j];
            }
            double expected = (double)(exact / (i - from + 1));
            Assert.True(Math.Abs(got - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"[{i}] {got:R} vs {expected:R}");
        }
    }

    [Fact]
    public void MovingAverageNeedsAWindow() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MovingAverage(0));

    private static double[] Values(string series) =>
        Reference.RootElement.GetProperty("series").GetProperty(series).EnumerateArray().Select(Number).ToArray();

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => double.Parse(s!, CultureInfo.InvariantCulture),
        }
        : e.GetDouble();
}
