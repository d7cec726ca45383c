using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs scalar values (a loss, an accuracy, a learning rate) to a TensorBoard run.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbScalar", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbScalarEvent))]
public sealed class AddTbScalarCommand : TbWriterCommandBase
{
    /// <summary>The value: a number, or a string parsed with the invariant culture ("-0", "NaN", "Infinity" kept exactly).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object Value { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        if (!ValueParsing.TryGetDouble(Value, out double value))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"The value '{Value}' of tag '{Tag}' is not a number."),
                ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Value));
            return;
        }
        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddScalar(Tag, value, step, wallTime), Value, wallTime) && PassThru)
        {
            WriteObject(new TbScalarEvent(EffectiveRun, Tag, step, wallTime, (float)value, writer.Path));
        }
    }
}
