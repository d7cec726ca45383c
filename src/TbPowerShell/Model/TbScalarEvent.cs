using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// One scalar value of a run, as <c>Get-TbEvent</c> emits it and <c>Add-TbScalar</c> takes it by
/// property name. The properties Run, Tag, Step, WallTime and Value are the CSV columns;
/// <see cref="File"/> is hidden from <c>Export-Csv</c> and default views (<c>$e.File</c> still works).
/// </summary>
public sealed class TbScalarEvent
{
    /// <summary>Creates a scalar event.</summary>
    public TbScalarEvent(string run, string tag, long step, TbTimestamp wallTime, double value, string file)
    {
        Run = run;
        Tag = tag;
        Step = step;
        WallTime = wallTime;
        Value = value;
        File = file;
    }

    /// <summary>The run: the event file's folder relative to the directory read ("." for that directory).</summary>
    public string Run { get; }

    /// <summary>The series name.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When the value was logged (exact seconds kept; written to CSV as ISO 8601 with 7 fractional digits).</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <summary>The event file the value was read from (or written to).</summary>
    [Hidden]
    public string File { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Run} {Tag} @{Step} = {Value}");
}
