using TbPowerShell.Core.Summaries;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// The gradient hook (<see cref="TbHookKind.Gradient"/>): on a logging step it keeps the module's
/// output tensors (<c>retain_grad()</c> and an alias of its own, beyond the caller's dispose scope);
/// once <c>backward()</c> has run, it reads their <c>.grad</c> and logs, at the step that kept them, a
/// histogram as &lt;name&gt;/grad and the L2 norm as &lt;name&gt;/grad_norm (per tensor of a tuple
/// output: &lt;name&gt;/branch&lt;i&gt;/grad).
/// </summary>
internal sealed class GradientHook
{
    private readonly TbHookRegistration _registration;
    private (Tensor Tensor, string Tag)[]? _retained;
    private long _retainedStep;

    public GradientHook(TbHookRegistration registration) => _registration = registration;

    /// <summary>True when outputs kept at a step other than <paramref name="step"/> wait to be read.</summary>
    public bool HasRetainedOtherThan(long step) => _retained is not null && step != _retainedStep;

    /// <summary>Keeps the tensors of <paramref name="output"/> that require a gradient, for <see cref="WriteRetained"/>.</summary>
    public void Retain(object? output, long step)
    {
        // A tensor, or each tensor of a tuple/list output (tagged <name>/branch<i>/grad).
        var tensors = HookTensors.Flatten(output);
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
            kept.Add((alias, HookTensors.Tag(_registration.TagPrefix, i, tensors.Count) + "/grad"));
        }
        if (kept.Count == 0)
        {
            _registration.CountSkip();
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

    /// <summary>Reads the <c>.grad</c> of the kept tensors and logs it at the step that kept them; then lets them go.</summary>
    public void WriteRetained()
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
                    _registration.Post(() => WriteGradient(values, tag, step));
                    logged = true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _registration.Fail(e);
            }
        }
        if (logged)
        {
            _registration.CountLog();
        }
    }

    private void WriteGradient(float[] values, string tag, long step)
    {
        double sumSquares = 0;
        foreach (float v in values)
        {
            sumSquares += (double)v * v;
        }
        _registration.Writer.AddScalar(tag + "_norm", Math.Sqrt(sumSquares), step);
        var finite = HistogramBuilder.DropNonFinite(Array.ConvertAll(values, v => (double)v), out _);
        if (finite.Length > 0)
        {
            HistogramHook.Write(_registration.Writer, tag, finite, step);
        }
    }
}
