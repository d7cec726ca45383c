using System.Collections;
using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs several named series at one step under one main tag, as PyTorch's add_scalars does (or in one run with -SingleRun).</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbScalars", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbScalarEvent))]
public sealed class AddTbScalarsCommand : TbWriterCommandBase
{
    /// <summary>Series name to value, e.g. <c>@{ train = 0.5; val = 0.7 }</c> (use [ordered] to keep an order).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public IDictionary Value { get; set; } = null!;

    /// <summary>
    /// Write every series into this run as <c>&lt;Tag&gt;/&lt;name&gt;</c> and draw them together in one
    /// custom-scalars chart, instead of PyTorch's one sub-run per series.
    /// </summary>
    [Parameter]
    public SwitchParameter SingleRun { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        var series = new List<KeyValuePair<string, double>>();
        foreach (DictionaryEntry entry in Value)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            if (TbWriter.IsBlankTag(name))
            {
                WriteError(new ErrorRecord(new ArgumentException($"A series of '{Tag}' has an empty or blank name."),
                    ErrorIds.EmptyTag, ErrorCategory.InvalidArgument, entry.Key));
                return;
            }
            if (!ValueParsing.TryGetDouble(entry.Value, out double number))
            {
                WriteError(new ErrorRecord(new ArgumentException($"The value '{entry.Value}' of series '{name}' is not a number."),
                    ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, entry.Value));
                return;
            }
            series.Add(new(name, number));
        }
        if (series.Count == 0)
        {
            WriteError(new ErrorRecord(new ArgumentException($"No series were given for '{Tag}'."),
                ErrorIds.EmptyData, ErrorCategory.InvalidArgument, Value));
            return;
        }

        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (!TryWrite(writer, w => w.AddScalars(Tag, series, step, wallTime, SingleRun), Value, wallTime) || !PassThru)
        {
            return;
        }
        foreach (var (name, number) in series)
        {
            if (SingleRun)
            {
                WriteObject(new TbScalarEvent(EffectiveRun, Tag + "/" + name, step, wallTime, (float)number, writer.Path));
            }
            else
            {
                var sub = writer.SubWriter(Tag.Replace('/', '_') + "_" + name);
                string run = EffectiveRun == "." ? System.IO.Path.GetFileName(sub.LogDir) : EffectiveRun + "/" + System.IO.Path.GetFileName(sub.LogDir);
                WriteObject(new TbScalarEvent(run, Tag, step, wallTime, (float)number, sub.Path));
            }
        }
    }
}
