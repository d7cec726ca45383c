using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// A scalar value with its smoothed value beside it, as <c>Get-TbEvent -Smoothing</c> or
/// <c>-MovingAverage</c> emits it. The raw <see cref="Value"/> is kept, so <c>Add-TbScalar</c> still
/// binds it by property name; CSV columns are Run, Tag, Step, WallTime, Value, Smoothed.
/// </summary>
public sealed class TbSmoothedScalarEvent
{
    /// <summary>Creates a smoothed scalar event.</summary>
    public TbSmoothedScalarEvent(string run, string tag, long step, TbTimestamp wallTime, double value, double smoothed, string file)
    {
        Run = run;
        Tag = tag;
        Step = step;
        WallTime = wallTime;
        Value = value;
        Smoothed = smoothed;
        File = file;
    }

    /// <summary>The run: the event file's folder relative to the directory read ("." for that directory).</summary>
    public string Run { get; }

    /// <summary>The series name.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When the value was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>The value as logged.</summary>
    public double Value { get; }

    /// <summary>The value smoothed over its series (run and tag) up to this point, as the dashboard draws it.</summary>
    public double Smoothed { get; }

    /// <summary>The event file the value was read from.</summary>
    [Hidden]
    public string File { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Run} {Tag} @{Step} = {Value} (smoothed {Smoothed})");
}
