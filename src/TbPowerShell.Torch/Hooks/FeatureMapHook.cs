using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// The feature-map hook (<see cref="TbHookLog.FeatureMap"/>): one sample of an N×C×H×W tensor as a
/// grid image of its first channels, each min-max normalised; one sample of an N×F tensor as a row
/// of F values. Other ranks are skipped. The training thread only copies the values; the hook
/// thread draws and encodes the PNG.
/// </summary>
internal sealed class FeatureMapHook
{
    private readonly TbHookRegistration _registration;
    private readonly int _sample;
    private readonly int _maxChannels;

    public FeatureMapHook(TbHookRegistration registration, int sample, int maxChannels)
    {
        _registration = registration;
        _sample = sample;
        _maxChannels = maxChannels;
    }

    /// <summary>Logs the feature maps of <paramref name="t"/> under <paramref name="tag"/>; false (and counted as skipped) for other ranks.</summary>
    public bool Log(Tensor t, string tag, long step)
    {
        long[] shape = t.shape;
        if (shape.Length is not (4 or 2) || shape[0] == 0)
        {
            _registration.CountSkip();
            return false;
        }
        long sample = Math.Clamp(_sample, 0, shape[0] - 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var one = t.detach()[sample];
        if (shape.Length == 4)
        {
            int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
            int kept = Math.Min(c, Math.Max(1, _maxChannels));
            float[] maps = TensorData.ToFloats(one.narrow(0, 0, kept), out _);
            _registration.Post(() => WriteImage(tag, step, FeatureMapGrid.Make(maps, kept, h, w, kept)));
        }
        else
        {
            // N×F: one row of F values, normalised like one channel map.
            float[] row = TensorData.ToFloats(one, out _);
            _registration.Post(() =>
            {
                FeatureMapGrid.NormalizeEachChannel(row, 1);
                WriteImage(tag, step, ImageConversion.FromFloats(row, new[] { 1, row.Length }, "HW"));
            });
        }
        return true;
    }

    private void WriteImage(string tag, long step, ImagePixels pixels) =>
        _registration.Writer.AddValue(SummaryValues.Image(tag, PngCodec.Encode(pixels), pixels.Width, pixels.Height, pixels.Channels), step);
}
