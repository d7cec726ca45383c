namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Which values a read keeps: by tag and run name (predicates the caller builds, e.g. from PowerShell
/// wildcards, so the pattern language is the caller's), by step range and by wall-time window.
/// Immutable; safe to share between reading threads as long as the predicates are.
/// </summary>
public sealed record ReadFilter
{
    /// <summary>Keeps everything.</summary>
    public static readonly ReadFilter All = new();

    /// <summary>The tags to keep; null keeps every tag.</summary>
    public Func<string, bool>? Tag { get; init; }

    /// <summary>The run names to keep; null keeps every run.</summary>
    public Func<string, bool>? Run { get; init; }

    /// <summary>Lowest step kept (inclusive).</summary>
    public long MinStep { get; init; } = long.MinValue;

    /// <summary>Highest step kept (inclusive).</summary>
    public long MaxStep { get; init; } = long.MaxValue;

    /// <summary>Values logged at or before this time (Unix seconds) are dropped: only strictly later ones are kept.</summary>
    public double After { get; init; } = double.NegativeInfinity;

    /// <summary>Values logged at or after this time (Unix seconds) are dropped: only strictly earlier ones are kept.</summary>
    public double Before { get; init; } = double.PositiveInfinity;

    /// <summary>True when a step or time bound is set (values are then tested one by one with <see cref="Keeps"/>).</summary>
    public bool FiltersValues => MinStep != long.MinValue || MaxStep != long.MaxValue
        || After != double.NegativeInfinity || Before != double.PositiveInfinity;

    /// <summary>True when the run named <paramref name="run"/> is kept.</summary>
    public bool WantsRun(string run) => Run is null || Run(run);

    /// <summary>True when a value at <paramref name="step"/> logged at <paramref name="wallTime"/> (Unix seconds) is kept.</summary>
    public bool Keeps(long step, double wallTime) =>
        step >= MinStep && step <= MaxStep && wallTime > After && wallTime < Before;
}
