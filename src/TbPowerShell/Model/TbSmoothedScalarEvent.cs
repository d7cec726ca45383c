using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// A scalar value with its smoothed value beside it, as <c>Get-TbEvent -Smoothing</c> or
/// <c>-MovingAverage</c> emits it. The raw <see cref="Value"/> is kept, so <c>Add-TbScalar</c> still
/// binds it by property name; CSV columns are Run, Tag, Step, WallTime, Value, Smoothed.
/// </summary>
public sealed class TbSmoothedScalarEvent : TbEvent
{
    /// <summary>Creates a smoothed scalar event.</summary>
    public TbSmoothedScalarEvent(string run, string tag, long step, TbTimestamp wallTime, double value, double smoothed, string file)
        : base(run, tag, step, wallTime, file)
    {
        Value = value;
        Smoothed = smoothed;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>The value as logged.</summary>
    public double Value { get; }

    /// <summary>The value smoothed over its series (run and tag) up to this point, as the dashboard draws it.</summary>
    public double Smoothed { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Run} {Tag} @{Step} = {Value} (smoothed {Smoothed})");
}
