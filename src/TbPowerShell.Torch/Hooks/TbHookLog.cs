namespace TbPowerShell.Torch;

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
