using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// One scalar value of a run, as <c>Get-TbEvent</c> emits it and <c>Add-TbScalar</c> takes it by
/// property name. The properties Run, Tag, Step, WallTime and Value are the CSV columns;
/// <see cref="TbEvent.File"/> is hidden from <c>Export-Csv</c> and default views (<c>$e.File</c> still works).
/// </summary>
public sealed class TbScalarEvent : TbEvent
{
    /// <summary>Creates a scalar event.</summary>
    public TbScalarEvent(string run, string tag, long step, TbTimestamp wallTime, double value, string file)
        : base(run, tag, step, wallTime, file)
    {
        Value = value;
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

    /// <summary>The number logged, as stored (<c>add_scalar</c> and <c>Add-TbScalar</c> store 32-bit floats).</summary>
    public double Value { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Run} {Tag} @{Step} = {Value}");
}
