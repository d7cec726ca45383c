using System.Management.Automation;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Removes settings that Set-TbStorage registered: the locations go back to the SDKs' defaults.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "TbStorage", SupportsShouldProcess = true)]
[OutputType(typeof(TbStorage))]
public sealed class RemoveTbStorageCommand : PSCmdlet
{
    /// <summary>The registered prefixes to remove (as Get-TbStorage shows them).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Prefix { get; set; } = [];

    /// <summary>Emit the settings removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string given in Prefix)
        {
            if (!StoreUri.TryParse(given, out var prefix, out string? reason))
            {
                WriteError(Internal.StoreErrors.InvalidUri(given, reason));
                continue;
            }
            var registered = ObjectStores.Configured.Where(c => c.Prefix == prefix.ToString()).ToList();
            if (registered.Count == 0)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No storage settings are registered for '{prefix}'."),
                    ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, given));
                continue;
            }
            if (ShouldProcess(prefix.ToString(), "Remove storage settings"))
            {
                ObjectStores.Configure(prefix, null);
                if (PassThru)
                {
                    WriteObject(new TbStorage(registered[0].Prefix, registered[0].Settings));
                }
            }
        }
    }
}
