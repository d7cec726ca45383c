using TbPowerShell.Core.Summaries;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// What a Forward or ForwardPre hook logs of the value it sees (the module's output or input): for
/// each of its tensors, as the registration's <see cref="TbHookLog"/> asks, the feature maps
/// (<see cref="FeatureMapHook"/>) and the distribution of the values (<see cref="HistogramHook"/>,
/// <see cref="StatsHook"/>). The tensors of a tuple or list are tagged &lt;name&gt;/branch&lt;i&gt;.
/// </summary>
internal sealed class ActivationHook
{
    private readonly TbHookRegistration _registration;
    private readonly TbHookLog _log;
    private readonly FeatureMapHook? _featureMaps;

    public ActivationHook(TbHookRegistration registration, TbHookOptions options)
    {
        _registration = registration;
        _log = options.Log;
        if ((options.Log & TbHookLog.FeatureMap) != 0)
        {
            _featureMaps = new FeatureMapHook(registration, options.Sample, options.MaxChannels);
        }
    }

    /// <summary>Logs the tensors of <paramref name="value"/> at <paramref name="step"/> (a value without tensors is skipped).</summary>
    public void Log(object? value, long step)
    {
        var tensors = HookTensors.Flatten(value);
        if (tensors.Count == 0)
        {
            _registration.CountSkip();
            return;
        }
        bool logged = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            logged |= LogTensor(tensors[i], HookTensors.Tag(_registration.TagPrefix, i, tensors.Count), step);
        }
        if (logged)
        {
            _registration.CountLog();
        }
    }

    private bool LogTensor(Tensor t, string tag, long step)
    {
        bool logged = false;
        if (_featureMaps is not null)
        {
            logged |= _featureMaps.Log(t, tag, step);
        }
        if ((_log & (TbHookLog.Histogram | TbHookLog.Stats)) != 0)
        {
            // One copy for both: the histogram and the statistics are computed from it on the hook thread.
            float[] values = TensorData.ToFloats(t, out _);
            _registration.Post(() => WriteDistribution(values, tag, step));
            logged = true;
        }
        return logged;
    }

    private void WriteDistribution(float[] values, string tag, long step)
    {
        var finite = HistogramBuilder.DropNonFinite(Array.ConvertAll(values, v => (double)v), out _);
        if (finite.Length == 0)
        {
            return;
        }
        if ((_log & TbHookLog.Histogram) != 0)
        {
            HistogramHook.Write(_registration.Writer, tag, finite, step);
        }
        if ((_log & TbHookLog.Stats) != 0)
        {
            StatsHook.Write(_registration.Writer, tag, finite, step);
        }
    }
}
