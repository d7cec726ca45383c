using System.Management.Automation;

using TbPowerShell.Internal;
using TbPowerShell.Core.IO;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Repair;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Repairs damaged event files: writes a copy holding every intact record, or with -Force replaces the file after backing it up.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "TbEventFile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EventFileRepairResult))]
public sealed class RepairTbEventFileCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ReportSet = "Report";
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private string? _destination;
    private string? _backupFolder;

    /// <summary>Event files, or directories whose event files (recursively) are repaired; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>Event files or directories, taken literally. Binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>Health reports from Test-TbEventFile: their files are repaired.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ReportSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public EventFileHealthReport[] InputObject { get; set; } = null!;

    /// <summary>
    /// The folder that receives the repaired copies (never the source's own folder); created when missing. May be an
    /// object-store location (s3://bucket/prefix, az://account/container/prefix): each copy is uploaded as one object.
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>
    /// For an in-place repair, the folder that receives the backups (default: beside the original, renamed so TensorBoard
    /// ignores it); local or an object-store location.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>Without -Destination: repair in place (after a backup). With -Destination: overwrite existing copies.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Destination is null && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Give -Destination (a folder) for repaired copies, or -Force to repair the files in place after backing them up."),
                ErrorIds.DestinationRequired, ErrorCategory.InvalidArgument, null));
        }
        if (Destination is not null)
        {
            _destination = Folder(Destination);
            if (IsExistingFile(_destination, Destination))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"The destination '{_destination}' is a file; give a folder for the repaired copies."),
                    ErrorIds.InvalidDestination, ErrorCategory.InvalidArgument, Destination));
            }
            if (BackupPath is not null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-BackupPath applies to an in-place repair (-Force without -Destination); a repaired copy never changes its source."),
                    ErrorIds.InvalidBackupPath, ErrorCategory.InvalidArgument, BackupPath));
            }
        }
        if (BackupPath is not null)
        {
            _backupFolder = Folder(BackupPath);
            if (IsExistingFile(_backupFolder, BackupPath))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"The backup path '{_backupFolder}' is a file; give a folder for the backups."),
                    ErrorIds.InvalidBackupPath, ErrorCategory.InvalidArgument, BackupPath));
            }
        }
    }

    /// <summary>A folder given as -Destination or -BackupPath: a store URI (checked), or a path from the current location.</summary>
    private string Folder(string given)
    {
        try
        {
            return LogPaths.ForWriting(this, given);
        }
        catch (FormatException e)
        {
            ThrowTerminatingError(StoreErrors.InvalidUri(given, e.Message));
            throw; // not reached
        }
    }

    /// <summary>True when <paramref name="folder"/> is a file or object; a store that cannot be asked stops the command.</summary>
    private bool IsExistingFile(string folder, string given)
    {
        if (!LogLocation.IsStore(folder))
        {
            return File.Exists(folder);
        }
        try
        {
            if (!LogLocation.FolderExists(folder))
            {
                var uri = StoreUri.Parse(folder);
                throw new StoreException(StoreErrorKind.ContainerNotFound, folder,
                    $"The {(uri.Scheme == StoreUri.S3 ? "bucket" : "container")} '{uri.Container}' of '{folder}' does not exist; create it first.");
            }
            return StoreUri.Parse(folder).Key.Length > 0 && LogLocation.FileExists(folder);
        }
        catch (StoreException e)
        {
            ThrowTerminatingError(StoreErrors.Record(e, given));
            throw; // not reached
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string item in Resolve())
        {
            // A directory's runs keep their layout under -Destination, so files of different runs never collide.
            IEnumerable<(string File, string Run)> files;
            try
            {
                files = LogPaths.IsDirectory(item)
                    ? LogDirectory.FindRuns(item).SelectMany(r => r.Files.Select(f => (File: f, Run: r.Name))).ToList()
                    : new[] { (File: item, Run: ".") };
            }
            catch (StoreException e)
            {
                WriteError(StoreErrors.Record(e, item)); // a store's listing failed: nothing of it to repair
                continue;
            }
            foreach (var (file, run) in files)
            {
                if (_stop.IsCancellationRequested || !RepairOne(file, run))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Repairs one file; false when the user stopped the command.</summary>
    private bool RepairOne(string file, string run)
    {
        EventFileHealthReport report;
        try
        {
            report = EventFileHealth.Check(file, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (StoreException e)
        {
            WriteError(StoreErrors.Record(e, file));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileConditions.Report(this, ReadItemKind.Unreadable, file, failure: e);
            return true;
        }
        if (report.IntactRecords == 0 && report.Length > 0)
        {
            WriteError(new ErrorRecord(
                new InvalidDataException($"'{file}' holds no intact record ({report.Length} bytes, all damaged); it may not be an event file. It was left alone."),
                ErrorIds.NoIntactRecords, ErrorCategory.InvalidData, file));
            return true;
        }
        string damage = $"{report.Regions.Count} damaged region(s), {report.DamagedBytes} bytes";
        try
        {
            if (_destination is null)
            {
                // Through a symbolic link, the file it points to is repaired (and backed up beside itself); the link stays.
                string target = EventFileRepair.ResolveLinks(file);
                string linked = target == LogLocation.Full(file) ? "" : $" (a link to '{target}', which is repaired)";
                if (report.IsHealthy)
                {
                    WriteVerbose($"'{file}'{linked} is healthy ({report.IntactRecords} records): nothing to repair, nothing written.");
                    WriteObject(new EventFileRepairResult(file, target, null, report.IntactRecords, RepairOutcome.AlreadyHealthy, report.Regions));
                    return true;
                }
                string backup = EventFileRepair.NewBackupPath(target, _backupFolder);
                if (!ShouldProcess(file, $"Repair in place{linked}: remove {damage}, keep {report.IntactRecords} records; back up the original to '{backup}'"))
                {
                    return true;
                }
                WarnIfTruncated(report, "repairing it in place loses whatever the writer writes next");
                var result = EventFileRepair.InPlace(file, backup, _stop.Token);
                WriteVerbose($"'{file}'{linked}: removed {result.RegionsRemoved} damaged region(s) ({result.BytesRemoved} bytes), kept {result.RecordsKept} records; the original is '{backup}'.");
                WriteObject(result);
                return true;
            }

            string folder = run == "." ? _destination : LogLocation.Combine(_destination, run);
            string destination = LogLocation.Combine(folder, LogLocation.FileName(file));
            if (string.Equals(LogLocation.Parent(destination), LogLocation.Parent(file), StringComparison.Ordinal))
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"A repaired copy of '{file}' cannot go to its own folder: TensorBoard would read both files and show every event twice. Give another -Destination, or -Force without -Destination to repair in place."),
                    ErrorIds.InvalidDestination, ErrorCategory.InvalidArgument, folder));
                return true;
            }
            if (_written.Contains(destination))
            {
                WriteError(new ErrorRecord(
                    new IOException($"'{destination}' was already written by this command from another file of the same name; '{file}' was not copied. Repair a directory to keep its runs apart."),
                    ErrorIds.DestinationExists, ErrorCategory.ResourceExists, destination));
                return true;
            }
            if (!Force && LogLocation.FileExists(destination))
            {
                WriteError(new ErrorRecord(
                    new IOException($"The destination '{destination}' exists already; use -Force to replace it."),
                    ErrorIds.DestinationExists, ErrorCategory.ResourceExists, destination));
                return true;
            }
            string action = report.IsHealthy
                ? $"Copy unchanged (healthy, {report.IntactRecords} records) to '{destination}'"
                : $"Write a repaired copy to '{destination}': remove {damage}, keep {report.IntactRecords} records";
            if (!ShouldProcess(file, action))
            {
                return true;
            }
            WarnIfTruncated(report, "the copy lacks whatever the writer writes next");
            var copy = EventFileRepair.CopyTo(file, destination, overwrite: Force, _stop.Token);
            _written.Add(destination);
            WriteVerbose(copy.Outcome == RepairOutcome.CopiedUnchanged
                ? $"'{file}' is healthy: copied unchanged to '{destination}'."
                : $"'{file}': removed {copy.RegionsRemoved} damaged region(s) ({copy.BytesRemoved} bytes), kept {copy.RecordsKept} records in '{destination}'.");
            WriteObject(copy);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (EventFileChangedException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.EventFileChanged, ErrorCategory.ResourceBusy, file));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A store's failure (unreachable, access denied, missing bucket) keeps its own id.
            WriteError(StoreErrors.OrDefault(e, ErrorIds.RepairFailed, ErrorCategory.WriteError, file));
            return true;
        }
    }

    private void WarnIfTruncated(EventFileHealthReport report, string consequence)
    {
        if (report.Regions.Count > 0 && report.Regions[^1].Kind == DamageKind.TruncatedTail)
        {
            WriteWarning($"'{report.Path}' ends inside a record at byte {report.Regions[^1].Offset}. A writer may still be writing it: if so, {consequence}.");
        }
    }

    private IEnumerable<string> Resolve()
    {
        var found = new List<string>();
        if (ParameterSetName == ReportSet)
        {
            foreach (var report in InputObject)
            {
                if (ReportedFileExists(report.Path))
                {
                    found.Add(report.Path);
                }
                else
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{report.Path}' because it does not exist."),
                        ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, report.Path));
                }
            }
            return found;
        }
        found.AddRange(LogPaths.Resolve(this, Path, ParameterSetName == LiteralPathSet ? LiteralPath : null).Select(p => p.Path));
        return found;
    }

    /// <summary>
    /// True when the file (or store object) of a health report still exists. A store that cannot be asked says true:
    /// the repair then asks again and reports the store's own error (StoreUnreachable, StoreAccessDenied...).
    /// </summary>
    private static bool ReportedFileExists(string path)
    {
        try
        {
            return LogLocation.FileExists(path);
        }
        catch (StoreException)
        {
            return true;
        }
    }


    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
