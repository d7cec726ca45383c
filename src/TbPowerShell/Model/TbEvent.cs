using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Internal;

namespace TbPowerShell;

/// <summary>
/// What every value <c>Get-TbEvent</c> emits has: the run and tag of its series, its step, when it
/// was logged, and the event file it came from. The sealed types that derive from it add the value
/// itself (a number, an image, a clip, a text, a histogram or a tensor).
/// </summary>
/// <remarks>
/// PowerShell lists a class's own properties and methods before the ones it inherits, and
/// <c>Export-Csv</c>, <c>Select-Object *</c>, <c>Get-Member</c> and <c>ConvertTo-Json</c> follow that
/// order. So each event type overrides these five properties, in the places they had before the
/// types shared this base, and its columns stay where they were: Run, Tag, Step and WallTime first.
/// </remarks>
public abstract class TbEvent
{
    private protected TbEvent(string run, string tag, long step, TbTimestamp wallTime, string file)
    {
        Run = run;
        Tag = tag;
        Step = step;
        Timestamp = wallTime;
        File = file;
    }

    private protected TbEvent(string run, ValueRecord record, string file)
        : this(run, record.Tag, record.Step, new TbTimestamp(record.WallTime), file)
    {
    }

    /// <summary>The run: the event file's folder relative to the directory read ("." for that directory).</summary>
    public virtual string Run { get; }

    /// <summary>The series name, under which TensorBoard draws the value (<c>Get-TbEvent -Tag</c> filters on it).</summary>
    public virtual string Tag { get; }

    /// <summary>The training step the value was logged at: the x axis of TensorBoard's charts.</summary>
    public virtual long Step { get; }

    /// <summary>
    /// When the value was logged. PowerShell sees the exact <see cref="TbTimestamp"/> (<see cref="Timestamp"/>: member access,
    /// <c>Export-Csv</c>, which writes ISO 8601 with seven fractional digits, and views); this .NET property is that same ISO 8601
    /// text, which is what <c>ConvertTo-Json</c> (reading .NET properties) writes.
    /// </summary>
    [PowerShellValue(nameof(Timestamp))]
    public virtual string WallTime => Timestamp.ToString();

    /// <summary>When the value was logged: the exact seconds stored, as a timestamp (PowerShell's <c>WallTime</c>).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp Timestamp { get; }

    /// <summary>The event file the value was read from, or written to (the <c>-PassThru</c> of the <c>Add-Tb*</c> cmdlets).</summary>
    [Hidden]
    public virtual string File { get; }
}
