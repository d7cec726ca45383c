using System.Runtime.CompilerServices;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// One hooked module: what was hooked, how, and what it has done (calls, logs, skipped outputs,
/// errors). Remove it with <see cref="Remove"/> (or Unregister-TbHook); closing its writer removes it.
/// </summary>
public sealed class TbHookRegistration
{
    private readonly TbHookOptions _options;
    private readonly HookWorker _worker;
    private Action? _remove;
    private long _calls;
    private long _logs;
    private long _skipped;
    private long _errors;
    private long _lastLoggedStep = long.MinValue;
    private (Tensor Tensor, string Tag)[]? _retained;   // Gradient: the output tensors kept for their .grad
    private long _retainedStep;

    internal TbHookRegistration(string name, string tagPrefix, string moduleType, TbWriter writer, TbHookOptions options)
    {
        Name = name;
        TagPrefix = tagPrefix;
        ModuleType = moduleType;
        Writer = writer;
        _options = options;
        _worker = HookWorker.For(writer);
    }

    /// <summary>The module's dotted name in <c>named_modules()</c>.</summary>
    public string Name { get; }

    /// <summary>The module's type, e.g. Conv2d.</summary>
    public string ModuleType { get; }

    /// <summary>Forward, ForwardPre or Gradient.</summary>
    public TbHookKind Kind => _options.Kind;

    /// <summary>What is logged (None for gradient hooks, which always log a histogram and a norm).</summary>
    public TbHookLog Log => Kind == TbHookKind.Gradient ? TbHookLog.None : _options.Log;

    /// <summary>The tags' prefix: the name without a wrapper's <c>module.</c>.</summary>
    public string TagPrefix { get; }

    /// <summary>Logging steps are multiples of this.</summary>
    public long Every => _options.Every;

    /// <summary>Times the hook ran.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Times it logged (steps on which values were sent to the writer).</summary>
    public long Logs => Interlocked.Read(ref _logs);

    /// <summary>Outputs it could not draw (ranks other than 2 and 4, non-tensors).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Exceptions inside the hook (training went on).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last exception, if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The writer values go to.</summary>
    public TbWriter Writer { get; }

    /// <summary>True until removed.</summary>
    public bool IsRegistered => _remove is not null;

    /// <summary>Removes the hook (writing a pending gradient first). Safe to call twice.</summary>
    public void Remove()
    {
        var remove = Interlocked.Exchange(ref _remove, null);
        if (remove is null)
        {
            return;
        }
        remove();
        WriteGradients();
        ModuleHooks.Forget(this);
    }

    /// <summary>
    /// Gradient hooks: reads the <c>.grad</c> of the output kept at the last logging step (call it
    /// after <c>backward()</c>) and logs its histogram and norm at that step. Otherwise nothing.
    /// </summary>
    public void WriteGradients()
    {
        var kept = Interlocked.Exchange(ref _retained, null);
        if (kept is null)
        {
            return;
        }
        bool logged = false;
        foreach (var (tensor, tag) in kept)
        {
            try
            {
                using (tensor)
                {
                    // .grad hands out a new reference: dispose it too, or it outlives this call when no
                    // dispose scope is open (WriteGradients, Remove or Close called by the user).
                    using var grad = tensor.grad;
                    if (grad is null || grad.IsInvalid)
                    {
                        continue; // no backward() ran for it
                    }
                    float[] values = TensorData.ToFloats(grad, out _);
                    long step = _retainedStep;
                    Post(() =>
                    {
                        double sumSquares = 0;
                        foreach (float v in values)
                        {
                            sumSquares += (double)v * v;
                        }
                        Writer.AddScalar(tag + "_norm", Math.Sqrt(sumSquares), step);
                        var finite = HistogramBuilder.DropNonFinite(Array.ConvertAll(values, v => (double)v), out _);
                        if (finite.Length > 0)
                        {
                            Writer.AddValue(SummaryValues.Histogram(tag, HistogramBuilder.Build(finite)), step);
                        }
                    });
                    logged = true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail(e);
            }
        }
        if (logged)
        {
            Interlocked.Increment(ref _logs);
        }
    }

    internal void Attach(Action remove) => _remove = remove;

    /// <summary>Records a failure: counted, kept, and reported by the writer's next cmdlet call.</summary>
    internal void Fail(Exception e)
    {
        Interlocked.Increment(ref _errors);
        LastError = e;
        Writer.ReportFeedError(new InvalidOperationException($"The {Kind} hook on '{Name}' failed: {e.Message}", e));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void OnForward(object? input, object? output)
    {
        Interlocked.Increment(ref _calls);
        long step = Writer.GlobalStep;
        if (Kind == TbHookKind.Gradient && _retained is not null && step != _retainedStep)
        {
            WriteGradients(); // a new step: backward() of the step that kept it has run by now
        }
        if (step % _options.Every != 0 || step == _lastLoggedStep)
        {
            return; // the cheap path on non-logging steps
        }
        _lastLoggedStep = step;
        try
        {
            _options.Action?.Invoke(Name, input, output, step);
            switch (Kind)
            {
                case TbHookKind.Gradient:
                    Retain(output, step);
                    break;
                case TbHookKind.ForwardPre:
                    LogValue(input, step);
                    break;
                default:
                    LogValue(output, step);
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(e);
        }
    }

    private void Retain(object? output, long step)
    {
        // A tensor, or each tensor of a tuple/list output (tagged <name>/branch<i>/grad).
        var tensors = Flatten(output);
        var kept = new List<(Tensor, string)>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            if (!tensor.requires_grad)
            {
                continue;
            }
            tensor.retain_grad();
            // Keep our own reference beyond the user's dispose scope; we dispose it after reading .grad.
            var alias = tensor.alias();
            alias.DetachFromDisposeScope();
            kept.Add((alias, tensors.Count == 1 ? TagPrefix + "/grad" : $"{TagPrefix}/branch{i}/grad"));
        }
        if (kept.Count == 0)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }
        _retainedStep = step;
        var previous = Interlocked.Exchange(ref _retained, kept.ToArray());
        if (previous is not null)
        {
            foreach (var (tensor, _) in previous)
            {
                tensor.Dispose();
            }
        }
    }

    private void LogValue(object? value, long step)
    {
        var tensors = Flatten(value);
        if (tensors.Count == 0)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }
        bool logged = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            string tag = tensors.Count == 1 ? TagPrefix : $"{TagPrefix}/branch{i}";
            logged |= LogTensor(tensors[i], tag, step);
        }
        if (logged)
        {
            Interlocked.Increment(ref _logs);
        }
    }

    private bool LogTensor(Tensor t, string tag, long step)
    {
        bool logged = false;
        if ((Log & TbHookLog.FeatureMap) != 0)
        {
            logged |= LogFeatureMap(t, tag, step);
        }
        if ((Log & (TbHookLog.Histogram | TbHookLog.Stats)) != 0)
        {
            float[] values = TensorData.ToFloats(t, out _);
            var log = Log;
            Post(() => WriteDistribution(values, tag, step, log));
            logged = true;
        }
        return logged;
    }

    private bool LogFeatureMap(Tensor t, string tag, long step)
    {
        long[] shape = t.shape;
        if (shape.Length is not (4 or 2) || shape[0] == 0)
        {
            Interlocked.Increment(ref _skipped);
            return false;
        }
        long sample = Math.Clamp(_options.Sample, 0, shape[0] - 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var one = t.detach()[sample];
        if (shape.Length == 4)
        {
            int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
            int kept = Math.Min(c, Math.Max(1, _options.MaxChannels));
            float[] maps = TensorData.ToFloats(one.narrow(0, 0, kept), out _);
            Post(() => WriteImage(tag, step, FeatureMapGrid.Make(maps, kept, h, w, kept)));
        }
        else
        {
            // N×F: one row of F values, normalised like one channel map.
            float[] row = TensorData.ToFloats(one, out _);
            Post(() =>
            {
                FeatureMapGrid.NormalizeEachChannel(row, 1);
                WriteImage(tag, step, ImageConversion.FromFloats(row, new[] { 1, row.Length }, "HW"));
            });
        }
        return true;
    }

    private void WriteImage(string tag, long step, ImagePixels pixels) =>
        Writer.AddValue(SummaryValues.Image(tag, PngCodec.Encode(pixels), pixels.Width, pixels.Height, pixels.Channels), step);

    private void WriteDistribution(float[] values, string tag, long step, TbHookLog log)
    {
        var doubles = HistogramBuilder.DropNonFinite(Array.ConvertAll(values, v => (double)v), out _);
        if (doubles.Length == 0)
        {
            return;
        }
        if ((log & TbHookLog.Histogram) != 0)
        {
            Writer.AddValue(SummaryValues.Histogram(tag, HistogramBuilder.Build(doubles)), step);
        }
        if ((log & TbHookLog.Stats) != 0)
        {
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            long zeros = 0;
            foreach (double v in doubles)
            {
                sum += v;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                if (v == 0)
                {
                    zeros++;
                }
            }
            double mean = sum / doubles.Length;
            double squares = 0;
            foreach (double v in doubles)
            {
                squares += (v - mean) * (v - mean);
            }
            // torch.std's default: the unbiased estimate.
            double std = doubles.Length > 1 ? Math.Sqrt(squares / (doubles.Length - 1)) : 0;
            Writer.AddScalar(tag + "/mean", mean, step);
            Writer.AddScalar(tag + "/std", std, step);
            Writer.AddScalar(tag + "/min", min, step);
            Writer.AddScalar(tag + "/max", max, step);
            Writer.AddScalar(tag + "/zero_fraction", (double)zeros / doubles.Length, step);
        }
    }

    private void Post(Action work)
    {
        if (!_worker.Post(this, work))
        {
            work(); // the writer is closing: write on this thread
        }
    }

    /// <summary>The tensors of a module output: a tensor, a tuple of tensors, or an array/list of them.</summary>
    internal static List<Tensor> Flatten(object? value)
    {
        var list = new List<Tensor>();
        switch (value)
        {
            case Tensor t:
                list.Add(t);
                break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                {
                    if (tuple[i] is Tensor item)
                    {
                        list.Add(item);
                    }
                }
                break;
            case System.Collections.IEnumerable items:
                foreach (object? item in items)
                {
                    if (item is Tensor tensor)
                    {
                        list.Add(tensor);
                    }
                }
                break;
        }
        return list;
    }
}
