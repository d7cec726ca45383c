using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Core.Tests.Analysis;

/// <summary>
/// Console charts and sparklines: known series drawn to known characters (worked out by hand from the
/// braille dot layout and the column mapping), spikes kept by the downsampling, sizes honoured.
/// </summary>
public class ChartTests
{
    private const string Esc = "\u001b";

    [Fact]
    public void AZigzagIsDrawnInBrailleDotByDot()
    {
        var series = new ChartSeries("a", new double[] { 0, 1, 2, 3 }, new double[] { 0, 3, 1, 2 });

        var lines = BrailleChart.Draw(new[] { series }, new ChartOptions { Width = 16, Height = 4 });

        Assert.Equal(new[]
        {
            "3.00 ┤ ⢀⡴⠛⢦⣀  ⣀⡤",
            "0.00 ┤⡴⠋   ⠈⠓⠋⠁",
            "     └┬────────┬",
            "      0        3",
            "━━ a",
        }, lines);
    }

    [Fact]
    public void TwoCrossingLinesInAsciiGetTheirOwnMarkerAndColour()
    {
        var up = new ChartSeries("run1/loss", new double[] { 0, 1 }, new double[] { 0, 1 });
        var down = new ChartSeries("run2/loss", new double[] { 0, 1 }, new double[] { 1, 0 });

        var lines = BrailleChart.Draw(new[] { up, down }, new ChartOptions { Width = 16, Height = 4, Ascii = true, Colour = true });

        Assert.Equal(new[]
        {
            $"1.00 +{Esc}[34m+++++{Esc}[33m*****{Esc}[0m",
            $"0.00 +{Esc}[33m****{Esc}[34m++++++{Esc}[0m",
            "     ++--------+",
            "      0        1",
            $"{Esc}[33m**{Esc}[0m run1/loss",
            $"{Esc}[34m++{Esc}[0m run2/loss",
        }, lines);
    }

    [Fact]
    public void SeveralLinesWithoutColourAreTellApartByMarkers()
    {
        var up = new ChartSeries("a", new double[] { 0, 1 }, new double[] { 0, 1 });
        var down = new ChartSeries("b", new double[] { 0, 1 }, new double[] { 1, 0 });

        var lines = BrailleChart.Draw(new[] { up, down }, new ChartOptions { Width = 16, Height = 4 });

        Assert.Equal(new[]
        {
            "1.00 ┤+++++*****",
            "0.00 ┤****++++++",
            "     └┬────────┬",
            "      0        1",
            "** a",
            "++ b",
        }, lines);
    }

    [Fact]
    public void ASpikeAmongTenThousandPointsReachesTheTopRow()
    {
        var x = Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray();
        var y = new double[10_000];
        y[6_543] = 1;

        var lines = BrailleChart.Draw(new[] { new ChartSeries("s", x, y) }, new ChartOptions { Width = 60, Height = 12 });

        // One column of the top row holds the spike; the bottom row is the zero line.
        string top = lines[0][(lines[0].IndexOf('┤') + 1)..];
        Assert.Single(top.Trim());
        Assert.DoesNotContain(' ', lines[9][(lines[9].IndexOf('┤') + 1)..]);
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(80, 20)]
    [InlineData(123, 7)]
    public void TheWidthAndHeightAreHonoured(int width, int height)
    {
        var x = Enumerable.Range(0, 500).Select(i => i * 10.0).ToArray();
        var y = x.Select(v => Math.Sin(v / 300) * 1234.5).ToArray();

        var lines = BrailleChart.Draw(new[] { new ChartSeries("sin", x, y) }, new ChartOptions { Width = width, Height = height });

        Assert.Equal(height + 1, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.Equal(width, lines[height - 2].Length);   // the x axis spans the whole width
    }

    [Fact]
    public void AFlatLineIsDrawnAcrossTheMiddle()
    {
        var lines = BrailleChart.Draw(new[] { new ChartSeries("c", new double[] { 5, 6, 7 }, new double[] { 2, 2, 2 }) },
            new ChartOptions { Width = 16, Height = 5, Ascii = true });

        Assert.Equal(new[]
        {
            "2.20 +",
            "     |**********",
            "1.80 +",
            "     ++----+---+",
            "      5    6   7",
            "** c",
        }, lines);
    }

    [Fact]
    public void TheXAxisShowsTheFirstAndLastStepWithRoundStepsBetween()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();

        var lines = BrailleChart.Draw(new[] { new ChartSeries("s", x, x) }, new ChartOptions { Width = 72, Height = 6 });

        // y labels "999" .. "0" take 3 characters, so the plot starts at column 5.
        // Columns of x = 200k: round(200k / 999 * 66) = 13, 26, 40, 53; labels centred on them.
        Assert.Equal("    └┬────────────┬────────────┬─────────────┬────────────┬────────────┬", lines[4]);
        Assert.Equal("     0           200          400           600          800         999", lines[5]);
    }

    [Fact]
    public void PointsOutOfStepOrderAreDrawnInStepOrder()
    {
        var ordered = new ChartSeries("a", new double[] { 0, 1, 2, 3 }, new double[] { 0, 3, 1, 2 });
        var shuffled = new ChartSeries("a", new double[] { 2, 0, 3, 1 }, new double[] { 1, 0, 2, 3 });
        var options = new ChartOptions { Width = 30, Height = 8 };

        Assert.Equal(BrailleChart.Draw(new[] { ordered }, options), BrailleChart.Draw(new[] { shuffled }, options));
    }

    [Fact]
    public void NonFiniteValuesAreLeftOutOfTheLine()
    {
        var clean = new ChartSeries("a", new double[] { 0, 1, 2, 3 }, new double[] { 0, 3, 1, 2 });
        var holed = new ChartSeries("a", new double[] { 0, 0.5, 1, 1.5, 2, 2.5, 3 },
            new[] { 0, double.NaN, 3, double.PositiveInfinity, 1, double.NegativeInfinity, 2 });
        var options = new ChartOptions { Width = 30, Height = 8 };

        Assert.Equal(BrailleChart.Draw(new[] { clean }, options), BrailleChart.Draw(new[] { holed }, options));
    }

    [Fact]
    public void ASizeTooSmallIsRefused()
    {
        var series = new[] { new ChartSeries("a", new double[] { 0 }, new double[] { 0 }) };
        Assert.Throws<ArgumentOutOfRangeException>(() => BrailleChart.Draw(series, new ChartOptions { Width = 15 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BrailleChart.Draw(series, new ChartOptions { Height = 3 }));
    }

    [Fact]
    public void AxisLabelsUseAsFewDigitsAsTellThemApart()
    {
        Assert.Equal(new[] { "3.00", "0.00" }, AxisLabels.Format(new double[] { 3, 0 }));
        Assert.Equal(new[] { "0.5000", "0.4999" }, AxisLabels.Format(new[] { 0.5, 0.4999 }));
        Assert.Equal(new[] { "1235", "-2" }, AxisLabels.Format(new[] { 1234.6, -2 }));
        Assert.Equal(new[] { "1E+09", "0" }, AxisLabels.Format(new[] { 1e9, 0 }));
        Assert.Equal(new[] { "0", "1500", "3000" }, AxisLabels.FormatX(new double[] { 0, 1500, 3000 }));
    }

    [Fact]
    public void ARisingSeriesClimbsEveryLevel() =>
        Assert.Equal("▁▂▃▄▅▆▇█", Sparkline.Of(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }));

    [Fact]
    public void ASpikeSurvivesTheSparklinesDownsampling()
    {
        var values = new double[1000];
        values[500] = 10;

        Assert.Equal("▁▁▁▁▁▁▁█▁▁▁▁▁▁▁▁", Sparkline.Of(values));
    }

    [Fact]
    public void ADipSurvivesTheSparklinesDownsampling()
    {
        var values = Enumerable.Repeat(5.0, 100).ToArray();
        values[3] = -5;

        Assert.Equal("▁" + new string('█', 12), Sparkline.Of(values));
    }

    [Fact]
    public void NoiseReadsAsItsTrendNotAsItsExtremes()
    {
        // Uniform noise around a level that steps up half way: bucket means, not the noise's extremes.
        var random = new Random(4);
        var values = Enumerable.Range(0, 1024).Select(i => (i < 512 ? 0 : 10) + random.NextDouble()).ToArray();

        Assert.Equal("▁▁▁▁▁▁▁▁████████", Sparkline.Of(values));
    }

    [Fact]
    public void ConstantEmptyAndNaNSeriesHaveTheirOwnSparklines()
    {
        Assert.Equal("▄▄▄", Sparkline.Of(new double[] { 2, 2, 2 }));
        Assert.Equal("", Sparkline.Of(Array.Empty<double>()));
        Assert.Equal(" ▁█", Sparkline.Of(new[] { double.NaN, 1, 2 }));
    }

    [Fact]
    public void TheReservoirKeepsAFewBucketsAndEveryExtremeOfAMillionValues()
    {
        var reservoir = new SparklineReservoir();
        var random = new Random(12);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < 1_000_000; i++)
        {
            double v = random.NextDouble() * 100 - 50;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            reservoir.Add(v);
        }

        Assert.InRange(reservoir.Buckets, SparklineReservoir.Capacity / 2 + 1, SparklineReservoir.Capacity);
        Assert.Equal(min, Enumerable.Range(0, reservoir.Buckets).Min(reservoir.MinOf));
        Assert.Equal(max, Enumerable.Range(0, reservoir.Buckets).Max(reservoir.MaxOf));
        Assert.Equal(1_000_000, reservoir.Count);
        Assert.Equal(reservoir.Buckets, reservoir.ToString().Length);
    }
}
