using System.Management.Automation;

using TbPowerShell.Internal;
using TbPowerShell.Core.IO;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Repair;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Checks event files record by record: every damaged region (offset, length, kind) and the count of intact records.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "TbEventFile", DefaultParameterSetName = PathSet)]
[OutputType(typeof(EventFileHealthReport))]
public sealed class TestTbEventFileCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Event files, or directories whose event files (recursively) are checked; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>Event files or directories, taken literally. Binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string item in Resolve())
        {
            var files = LogPaths.IsDirectory(item)
                ? LogDirectory.FindRuns(item).SelectMany(r => r.Files)
                : new[] { item };
            foreach (string file in files)
            {
                try
                {
                    var report = EventFileHealth.Check(file, _stop.Token);
                    if (EventFileHealth.IsNotEventFile(report))
                    {
                        WriteError(new ErrorRecord(
                            new InvalidDataException($"'{file}' is not an event file: none of its {report.Length} bytes is an intact record."),
                            ErrorIds.NoIntactRecords, ErrorCategory.InvalidData, file));
                        continue;
                    }
                    WriteObject(report);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    FileConditions.Report(this, ReadItemKind.Unreadable, file, failure: e);
                }
            }
        }
    }

    private IEnumerable<string> Resolve()
    {
        return LogPaths.Resolve(this, Path, ParameterSetName == LiteralPathSet ? LiteralPath : null).Select(p => p.Path).ToList();
    }

}
