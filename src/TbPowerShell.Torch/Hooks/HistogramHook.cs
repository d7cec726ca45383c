using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Torch;

/// <summary>
/// The histogram a hook logs (<see cref="TbHookLog.Histogram"/> of an activation, and the
/// &lt;name&gt;/grad histogram of a gradient hook), with PyTorch's default "tensorflow" bins.
/// </summary>
internal static class HistogramHook
{
    /// <summary>Writes the histogram of <paramref name="finite"/> (no NaN or infinity; at least one value).</summary>
    public static void Write(TbWriter writer, string tag, double[] finite, long step) =>
        writer.AddValue(SummaryValues.Histogram(tag, HistogramBuilder.Build(finite)), step);
}
