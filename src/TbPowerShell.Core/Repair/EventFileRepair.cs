using TbPowerShell.Core.IO;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Core.Repair;

/// <summary>
/// Repairs event files by copying every intact record (the records <see cref="EventFileHealth"/>
/// counts) byte for byte and dropping damaged regions and a truncated tail. Output is written to a
/// temporary file in the destination folder, flushed to disk and renamed over the destination,
/// so a destination is never half-written. Streams: memory stays constant whatever the file size.
/// Sources, destinations and backups may also be objects in a store (<c>s3://</c>, <c>az://</c>): an object is read
/// by ranged reads and written as one upload (held in memory until then), which replaces it whole, so a store
/// object too is never half-written.
/// </summary>
/// <remarks>
/// TensorBoard reads every file whose name contains <c>tfevents</c>, so a second file beside the
/// original with such a name would show every event twice. Temporary files and backups therefore
/// never contain <c>tfevents</c> in their names (see <see cref="BackupFileName"/>), and a repaired
/// copy goes to a different folder than its source.
/// </remarks>
public static class EventFileRepair
{
    private const string BackupMarker = "tfbackup";

    /// <summary>
    /// Writes the intact records of <paramref name="source"/> to <paramref name="destination"/>
    /// (a file path in another folder). The source is only read.
    /// </summary>
    /// <param name="source">The event file to repair.</param>
    /// <param name="destination">The repaired copy's path; its folder is created when missing.</param>
    /// <param name="overwrite">Replace an existing <paramref name="destination"/>; otherwise an existing one is an <see cref="IOException"/>.</param>
    /// <param name="cancellation">Stops the copy; the destination is then left as it was.</param>
    /// <exception cref="ArgumentException">The destination is the source, or in the source's folder.</exception>
    public static EventFileRepairResult CopyTo(string source, string destination, bool overwrite = false, CancellationToken cancellation = default)
    {
        if (LogLocation.IsStore(source) || LogLocation.IsStore(destination))
        {
            return CopyThroughStore(LogLocation.Full(source), LogLocation.Full(destination), overwrite, cancellation);
        }
        source = Path.GetFullPath(source);
        destination = Path.GetFullPath(destination);
        if (SameFolder(source, destination))
        {
            throw new ArgumentException(
                $"A repaired copy of '{source}' cannot go to its own folder: TensorBoard would read both files and show every event twice.",
                nameof(destination));
        }
        if (!overwrite && File.Exists(destination))
        {
            throw new IOException($"The destination '{destination}' exists already.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var input = RecordReader.OpenShared(source);
        var report = WriteDurably(destination, overwrite, output => WriteIntact(input, source, output, cancellation));
        return new EventFileRepairResult(source, destination, null, report.IntactRecords,
            report.IsHealthy ? RepairOutcome.CopiedUnchanged : RepairOutcome.Repaired, report.Regions);
    }

    /// <summary>
    /// Replaces <paramref name="source"/> by its repaired version after copying the original to
    /// <paramref name="backup"/>. A healthy file is left untouched and no backup is made. At every
    /// moment the source path holds either the original or the complete repaired file. A symbolic link
    /// is followed (see <see cref="ResolveLinks"/>): the file it points to is repaired in place and the
    /// link is kept; the result's <see cref="EventFileRepairResult.Destination"/> names that file.
    /// </summary>
    /// <param name="source">The event file to repair, or a symbolic link to it.</param>
    /// <param name="backup">Where the original goes; its name must not contain <c>tfevents</c> and it must not exist.</param>
    /// <param name="cancellation">Stops the repair; the source is then left as it was.</param>
    /// <exception cref="ArgumentException">The backup's name contains <c>tfevents</c>.</exception>
    /// <exception cref="EventFileChangedException">The source changed during the repair; nothing was replaced.</exception>
    public static EventFileRepairResult InPlace(string source, string backup, CancellationToken cancellation = default)
    {
        if (LogLocation.IsStore(source))
        {
            return InPlaceInStore(LogLocation.Full(source), LogLocation.Full(backup), cancellation);
        }
        string given = Path.GetFullPath(source);
        source = ResolveLinks(given);
        backup = Path.GetFullPath(backup);
        if (EventFileName.IsEventFileName(Path.GetFileName(backup)))
        {
            throw new ArgumentException(
                $"The backup name '{Path.GetFileName(backup)}' contains '{EventFileName.Marker}': TensorBoard would read it as an event file.",
                nameof(backup));
        }
        var before = new FileInfo(source);
        long length = before.Length;
        DateTime written = before.LastWriteTimeUtc;

        string temp = TempPathFor(source);
        EventFileHealthReport report;
        try
        {
            using (var input = RecordReader.OpenShared(source))
            {
                report = WriteTo(temp, output => WriteIntact(input, source, output, cancellation));
            }
            if (report.IsHealthy)
            {
                File.Delete(temp);
                return new EventFileRepairResult(given, source, null, report.IntactRecords, RepairOutcome.AlreadyHealthy, report.Regions);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
            using (var original = RecordReader.OpenShared(source))
            {
                WriteDurably(backup, overwrite: false, output =>
                {
                    original.CopyTo(output);
                    return true;
                });
            }
            var after = new FileInfo(source);
            if (after.Length != length || after.LastWriteTimeUtc != written || report.Length != length)
            {
                File.Delete(backup);
                throw new EventFileChangedException(source);
            }
            // rename(2) replaces the source atomically: readers see the old file or the new one.
            File.Move(temp, source, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
        return new EventFileRepairResult(given, source, backup, report.IntactRecords, RepairOutcome.Repaired, report.Regions);
    }

    /// <summary>
    /// The file <paramref name="path"/> names once every symbolic link is followed (its full path), or the full path
    /// itself when it is no link. An in-place repair replaces that file: replacing the link would cut it from its target,
    /// and a temporary file beside the link might not even be on the target's file system.
    /// </summary>
    /// <exception cref="IOException">The link cannot be followed (a loop, or too many links).</exception>
    public static string ResolveLinks(string path)
    {
        if (LogLocation.IsStore(path))
        {
            return LogLocation.Full(path); // a store has no links
        }
        path = Path.GetFullPath(path);
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? path : Path.GetFullPath(target.FullName);
    }

    /// <summary>
    /// The name a backup of <paramref name="eventFileName"/> takes: <c>tfevents</c> becomes
    /// <c>tfbackup</c>, so TensorBoard no longer reads it (e.g. <c>events.out.tfbackup.1700000000.host.1.0</c>).
    /// </summary>
    public static string BackupFileName(string eventFileName) =>
        eventFileName.Replace(EventFileName.Marker, BackupMarker, StringComparison.Ordinal);

    /// <summary>
    /// A backup path for <paramref name="source"/> that does not exist yet: in <paramref name="folder"/>
    /// (the source's own folder when null), named by <see cref="BackupFileName"/>, with <c>.1</c>,
    /// <c>.2</c>, ... appended when earlier backups exist, so no backup is ever overwritten.
    /// </summary>
    public static string NewBackupPath(string source, string? folder = null)
    {
        if (LogLocation.IsStore(source) || LogLocation.IsStore(folder))
        {
            return NewBackupLocation(LogLocation.Full(source), folder is null ? null : LogLocation.Full(folder));
        }
        source = Path.GetFullPath(source);
        folder = Path.GetFullPath(folder ?? Path.GetDirectoryName(source)!);
        string name = BackupFileName(Path.GetFileName(source));
        if (!EventFileName.IsEventFileName(name) && name == Path.GetFileName(source))
        {
            name += ".backup"; // not an event file name to begin with: still never the source's own name
        }
        string candidate = Path.Combine(folder, name);
        for (int n = 1; File.Exists(candidate) || Directory.Exists(candidate); n++)
        {
            candidate = Path.Combine(folder, $"{name}.{n}");
        }
        return candidate;
    }

    /// <summary><see cref="NewBackupPath"/> when the source or the backup folder is in a store.</summary>
    private static string NewBackupLocation(string source, string? folder)
    {
        folder ??= LogLocation.Parent(source)!;
        string name = BackupFileName(LogLocation.FileName(source));
        if (!EventFileName.IsEventFileName(name) && name == LogLocation.FileName(source))
        {
            name += ".backup";
        }
        string candidate = LogLocation.Combine(folder, name);
        for (int n = 1; Taken(candidate); n++)
        {
            candidate = LogLocation.Combine(folder, $"{name}.{n}");
        }
        return candidate;

        static bool Taken(string path) => LogLocation.IsStore(path) ? LogLocation.FileExists(path) : File.Exists(path) || Directory.Exists(path);
    }

    /// <summary>
    /// <see cref="CopyTo"/> when the source or the destination is a store object: the source read by ranged reads, the
    /// copy streamed to a local file as <see cref="CopyTo"/> writes one, or held in memory and uploaded as one object.
    /// </summary>
    private static EventFileRepairResult CopyThroughStore(string source, string destination, bool overwrite, CancellationToken cancellation)
    {
        if (LogLocation.IsStore(source) == LogLocation.IsStore(destination)
            && string.Equals(LogLocation.Parent(source), LogLocation.Parent(destination), StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"A repaired copy of '{source}' cannot go to its own folder: TensorBoard would read both files and show every event twice.",
                nameof(destination));
        }
        if (!overwrite && LogLocation.FileExists(destination))
        {
            throw new IOException($"The destination '{destination}' exists already.");
        }
        using var input = LogLocation.OpenRead(source);
        EventFileHealthReport report;
        if (LogLocation.IsStore(destination))
        {
            var buffer = new MemoryStream();
            report = WriteIntact(input, source, buffer, cancellation);
            cancellation.ThrowIfCancellationRequested();
            LogLocation.WriteAllBytes(destination, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            report = WriteDurably(destination, overwrite, output => WriteIntact(input, source, output, cancellation));
        }
        return new EventFileRepairResult(source, destination, null, report.IntactRecords,
            report.IsHealthy ? RepairOutcome.CopiedUnchanged : RepairOutcome.Repaired, report.Regions);
    }

    /// <summary>
    /// <see cref="InPlace"/> for a store object: the object read once (into memory), its repaired version made from
    /// those bytes, the backup written (an object, or a local file), the object checked unchanged, then the repaired
    /// bytes uploaded over it. An upload replaces an object whole: readers see the old object or the new one.
    /// </summary>
    private static EventFileRepairResult InPlaceInStore(string source, string backup, CancellationToken cancellation)
    {
        if (EventFileName.IsEventFileName(LogLocation.FileName(backup)))
        {
            throw new ArgumentException(
                $"The backup name '{LogLocation.FileName(backup)}' contains '{EventFileName.Marker}': TensorBoard would read it as an event file.",
                nameof(backup));
        }
        var before = LogLocation.Stat(source) ?? throw new StoreException(StoreErrorKind.NotFound, source, $"'{source}' does not exist.");
        byte[] original = new byte[before.Length];
        using (var input = LogLocation.OpenRead(source, before.Length))
        {
            input.ReadExactly(original);
        }
        var repaired = new MemoryStream();
        EventFileHealthReport report;
        using (var input = new MemoryStream(original, writable: false))
        {
            report = WriteIntact(input, source, repaired, cancellation);
        }
        if (report.IsHealthy)
        {
            return new EventFileRepairResult(source, source, null, report.IntactRecords, RepairOutcome.AlreadyHealthy, report.Regions);
        }
        cancellation.ThrowIfCancellationRequested();
        if (LogLocation.IsStore(backup))
        {
            if (LogLocation.FileExists(backup))
            {
                throw new IOException($"The backup '{backup}' exists already; nothing was replaced.");
            }
            LogLocation.WriteAllBytes(backup, original);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
            WriteDurably(backup, overwrite: false, output =>
            {
                output.Write(original);
                return true;
            });
        }
        var after = LogLocation.Stat(source);
        if (after is null || after.Value.Length != before.Length || after.Value.LastWrite != before.LastWrite)
        {
            DeleteBackup(backup);
            throw new EventFileChangedException(source);
        }
        LogLocation.WriteAllBytes(source, repaired.GetBuffer().AsMemory(0, (int)repaired.Length));
        return new EventFileRepairResult(source, source, backup, report.IntactRecords, RepairOutcome.Repaired, report.Regions);
    }

    private static void DeleteBackup(string backup)
    {
        if (!LogLocation.IsStore(backup))
        {
            TryDelete(backup);
            return;
        }
        try
        {
            var uri = StoreUri.Parse(backup);
            ObjectStores.For(uri).Delete(uri);
        }
        catch (IOException)
        {
            // best effort: a leftover backup is named so TensorBoard does not read it
        }
    }

    /// <summary>
    /// Writes every intact record of <paramref name="source"/> to <paramref name="destination"/>,
    /// framed exactly as in the source, and returns the source's health report.
    /// </summary>
    internal static EventFileHealthReport WriteIntact(Stream source, string path, Stream destination, CancellationToken cancellation)
    {
        var frame = new byte[TfRecord.HeaderSize];
        return EventFileHealth.Check(source, path, payload =>
        {
            // A verified record's framing is a function of its payload, so this re-frames it byte for byte.
            TfRecord.WriteHeader(payload.Length, frame);
            destination.Write(frame, 0, TfRecord.HeaderSize);
            destination.Write(payload);
            TfRecord.WriteFooter(payload, frame);
            destination.Write(frame, 0, 4);
        }, cancellation);
    }

    private static T WriteDurably<T>(string destination, bool overwrite, Func<Stream, T> write)
    {
        string temp = TempPathFor(destination);
        try
        {
            T result = WriteTo(temp, write);
            File.Move(temp, destination, overwrite);
            return result;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static T WriteTo<T>(string temp, Func<Stream, T> write)
    {
        using var output = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
        });
        T result = write(output);
        output.Flush(flushToDisk: true);
        return result;
    }

    /// <summary>A hidden temporary file beside <paramref name="target"/> whose name never contains <c>tfevents</c>.</summary>
    private static string TempPathFor(string target)
    {
        string name = BackupFileName(Path.GetFileName(target)).Replace(BackupMarker, "tfrepair", StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(target)!, $".{name}.{Guid.NewGuid():N}.tmp");
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetDirectoryName(a), Path.GetDirectoryName(b),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: a leftover temp file is hidden and never read as an event file
        }
    }
}
