namespace TbPowerShell.Torch;

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
