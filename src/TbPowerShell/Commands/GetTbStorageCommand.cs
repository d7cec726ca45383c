using System.Management.Automation;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the object-store settings that Set-TbStorage registered, or the ones that apply to given locations.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbStorage")]
[OutputType(typeof(TbStorage))]
public sealed class GetTbStorageCommand : PSCmdlet
{
    /// <summary>Locations (s3://, az://) whose settings to show: for each, the registered prefix that applies to it. Default: every registered prefix.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("LogDir", "Location")]
    [ValidateNotNullOrEmpty]
    public string[]? Prefix { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Prefix is null)
        {
            WriteObject(TbStorage.All, enumerateCollection: true);
            return;
        }
        foreach (string given in Prefix)
        {
            if (!StoreUri.TryParse(given, out var location, out string? reason))
            {
                WriteError(Internal.StoreErrors.InvalidUri(given, reason));
                continue;
            }
            string text = location.ToString();
            var match = TbStorage.All.FirstOrDefault(s => text == s.Prefix || text.StartsWith(s.Prefix + "/", StringComparison.Ordinal));
            if (match is not null)
            {
                WriteObject(match);
            }
        }
    }
}
