using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Bench;

/// <summary>
/// Media encoding costs: PNG of a 64-channel 32×32 feature-map grid and of a 512×512 RGB image,
/// and a PyTorch-style histogram of 1 million values. Each is reported with its baseline measured
/// in the same run: the raw pixel conversion alone for the PNGs, a plain pass over the values
/// (min, max, sum) for the histogram.
/// </summary>
internal static class MediaBenchmark
{
    public static void Run(int repetitions)
    {
        var random = new Random(42);

        // A 64-channel 32×32 feature map, as a hook sees it.
        var maps = new float[64 * 32 * 32];
        for (int i = 0; i < maps.Length; i++)
        {
            maps[i] = (float)(random.NextDouble() * 4 - 1);
        }
        ImagePixels grid = FeatureMapGrid.Make(maps, 64, 32, 32);
        var gridTimes = Timings.MeasureInterleaved(repetitions,
            () => Timings.Time(() => FeatureMapGrid.Make(maps, 64, 32, 32)),
            () => Timings.Time(() => PngCodec.Encode(FeatureMapGrid.Make(maps, 64, 32, 32))));
        Report.Line(Report.Invariant(
            $"feature-map grid 64x32x32 -> {grid.Width}x{grid.Height} PNG: {gridTimes[1].Median.TotalMilliseconds:0.0} ms (normalise + grid alone {gridTimes[0].Median.TotalMilliseconds:0.0} ms; PNG encoding {(gridTimes[1].Median - gridTimes[0].Median).TotalMilliseconds:0.0} ms)"));

        // A 512×512 RGB image from CHW floats, as Add-TbImage -Data gets it.
        var rgb = new float[3 * 512 * 512];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (float)random.NextDouble();
        }
        int[] shape = { 3, 512, 512 };
        var imageTimes = Timings.MeasureInterleaved(repetitions,
            () => Timings.Time(() => ImageConversion.FromFloats(rgb, shape, "CHW")),
            () => Timings.Time(() => PngCodec.Encode(ImageConversion.FromFloats(rgb, shape, "CHW"))));
        Report.Line(Report.Invariant(
            $"512x512 RGB image to PNG: {imageTimes[1].Median.TotalMilliseconds:0.0} ms (float-to-byte conversion alone {imageTimes[0].Median.TotalMilliseconds:0.0} ms; PNG encoding {(imageTimes[1].Median - imageTimes[0].Median).TotalMilliseconds:0.0} ms)"));

        // A histogram of 1 million normal-ish values with PyTorch's default bins.
        var values = new double[1_000_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5;
        }
        var histogramTimes = Timings.MeasureInterleaved(repetitions,
            () => Timings.Time(() =>
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
                foreach (double v in values)
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                    sum += v;
                }
                GC.KeepAlive((min, max, sum));
            }),
            () => Timings.Time(() => HistogramBuilder.Build(values)),
            () => Timings.Time(() => HistogramBuilder.Build(values, HistogramBins.FromRule("auto"))));
        Report.Line(Report.Invariant(
            $"histogram of 1 M values: {histogramTimes[1].Median.TotalMilliseconds:0.0} ms with PyTorch's tensorflow bins, {histogramTimes[2].Median.TotalMilliseconds:0.0} ms with numpy's 'auto'; {histogramTimes[1].Median.TotalMilliseconds / histogramTimes[0].Median.TotalMilliseconds:0.0}x a plain min/max/sum pass ({histogramTimes[0].Median.TotalMilliseconds:0.0} ms)"));
    }
}
