using TbPowerShell.Internal;
using System.Management.Automation;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes everything a writer still holds, flushes it to disk and closes it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Close, "TbWriter")]
[OutputType(typeof(TbWriter))]
public sealed class CloseTbWriterCommand : PSCmdlet
{
    /// <summary>The writers to close; closing one twice is harmless.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public TbWriter[] Writer { get; set; } = null!;

    /// <summary>Emit the closed writers.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var writer in Writer)
        {
            try
            {
                writer.Close();
            }
            catch (TbWriterException e)
            {
                WriteError(StoreErrors.OrDefault(e, ErrorIds.CloseFailed, ErrorCategory.WriteError, writer));
            }
            TbWriterCommandBase.ReportFeedErrors(this, writer);
            if (PassThru)
            {
                WriteObject(writer);
            }
        }
    }
}
