namespace TbPowerShell.Core.Analysis;

/// <summary>What a read does to values between reading and handing them on: filters, smoothing, tail and pivot.</summary>
public sealed record ReadShape
{
    /// <summary>Which values are kept (the step and time bounds apply after smoothing; tag and run before reading).</summary>
    public ReadFilter Filter { get; init; } = ReadFilter.All;

    /// <summary>TensorBoard's EMA weight (see <see cref="TensorBoardSmoothing"/>), or null for no EMA.</summary>
    public double? Smoothing { get; init; }

    /// <summary>A trailing moving-average window (see <see cref="MovingAverage"/>), or null.</summary>
    public int? MovingAverage { get; init; }

    /// <summary>Only the last N values of each run and tag, or null for all.</summary>
    public int? Tail { get; init; }

    /// <summary>One row per run and step with a column per tag (see <see cref="ScalarPivot"/>), instead of one item per value.</summary>
    public bool Pivot { get; init; }

    /// <summary>True when scalars get a smoothed figure.</summary>
    public bool Smooths => Smoothing.HasValue || MovingAverage.HasValue;

    /// <summary>True when values go straight through, untouched.</summary>
    public bool IsPlain => !Smooths && !Filter.FiltersValues && Tail is null && !Pivot;
}
