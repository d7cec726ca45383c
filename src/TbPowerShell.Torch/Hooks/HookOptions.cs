namespace TbPowerShell.Torch;

/// <summary>Which hook a registration installs.</summary>
public enum TbHookKind
{
    /// <summary>After the module's forward pass: logs its output.</summary>
    Forward,

    /// <summary>Before the module's forward pass: logs its input.</summary>
    ForwardPre,

    /// <summary>
    /// The gradient of the module's output: the forward hook keeps the output (with
    /// <c>retain_grad()</c>); once the user's <c>backward()</c> has run, the gradient is read at the
    /// module's next forward call (or at <see cref="TbHookRegistration.WriteGradients"/>, unregistering
    /// or closing the writer) and logged at the step of the forward pass that produced it, as
    /// &lt;name&gt;/grad (histogram) and &lt;name&gt;/grad_norm; for a tuple output, per tensor as
    /// &lt;name&gt;/branch&lt;i&gt;/grad.
    /// </summary>
    Gradient,
}

/// <summary>What a hook logs.</summary>
[Flags]
public enum TbHookLog
{
    /// <summary>Nothing (only a -Action runs).</summary>
    None = 0,

    /// <summary>Feature maps of one sample, each channel min-max normalised, as a grid image under the module's name.</summary>
    FeatureMap = 1,

    /// <summary>A histogram of the values under the module's name.</summary>
    Histogram = 2,

    /// <summary>Mean, std, min, max and fraction of zeros as scalars under &lt;name&gt;/mean, ...</summary>
    Stats = 4,
}

/// <summary>How hooks log; defaults are the issue's.</summary>
public sealed record TbHookOptions
{
    /// <summary>Which hook.</summary>
    public TbHookKind Kind { get; init; } = TbHookKind.Forward;

    /// <summary>What to log. Default: feature maps.</summary>
    public TbHookLog Log { get; init; } = TbHookLog.FeatureMap;

    /// <summary>Log when the writer's global step is a multiple of this. Default 1 (every step).</summary>
    public long Every { get; init; } = 1;

    /// <summary>At most this many channel maps per grid. Default 64.</summary>
    public int MaxChannels { get; init; } = 64;

    /// <summary>Which sample of the batch feature maps show. Default 0.</summary>
    public int Sample { get; init; }

    /// <summary>Called on the training thread with (module name, input, output, step) on logging steps.</summary>
    public Action<string, object?, object?, long>? Action { get; init; }
}
