using TbPowerShell.Core.Model;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Core.Reading;

/// <summary>Finds runs the way TensorBoard does: every directory holding a file whose name contains <c>tfevents</c>.</summary>
public static class LogDirectory
{
    /// <summary>
    /// Every run below <paramref name="root"/> (recursively, the root included), ordered by name.
    /// Directories that cannot be listed are passed to <paramref name="onInaccessible"/> and skipped.
    /// </summary>
    /// <param name="root">A local folder, or a store URI (s3://, az://): one listing of every object below it.</param>
    /// <param name="onInaccessible">Told of local directories that cannot be listed (a store's failure is thrown).</param>
    /// <param name="onListed">Told the length and last write time of each event file in a store as the listing gave them (a follower needs no request per object).</param>
    public static IReadOnlyList<EventRun> FindRuns(string root, Action<string, Exception>? onInaccessible = null,
                                                   Action<string, long, DateTimeOffset>? onListed = null)
    {
        if (LogLocation.IsStore(root))
        {
            return FindStoreRuns(StoreUri.Parse(root), onListed);
        }
        root = Path.GetFullPath(root);
        var runs = new List<EventRun>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            var files = new List<string>();
            long bytes = 0;
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo sub)
                    {
                        // Do not follow links to directories: they can form cycles.
                        if (sub.LinkTarget is null)
                        {
                            pending.Push(sub.FullName);
                        }
                    }
                    else if (entry is FileInfo file && EventFileName.IsEventFileName(file.Name))
                    {
                        files.Add(file.FullName);
                        bytes += file.Length;
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                onInaccessible?.Invoke(dir, e);
                continue;
            }
            if (files.Count > 0)
            {
                files.Sort((a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b)));
                runs.Add(new EventRun(RelativeName(root, dir), dir, files) { TotalBytes = bytes });
            }
        }
        runs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return runs;
    }

    /// <summary>
    /// The runs below a store folder: one listing of every object under its prefix (paged by the store), grouped by
    /// "folder". A store has no directories to be refused, so a failure of the listing itself is thrown
    /// (<see cref="StoreException"/>: a missing container, refused credentials, an unreachable store).
    /// </summary>
    private static IReadOnlyList<EventRun> FindStoreRuns(StoreUri root, Action<string, long, DateTimeOffset>? onListed)
    {
        var byFolder = new SortedDictionary<string, (List<string> Files, long Bytes)>(StringComparer.Ordinal);
        foreach (var entry in ObjectStores.For(root).List(root))
        {
            if (!EventFileName.IsEventFileName(entry.Location.Name))
            {
                continue;
            }
            string folder = entry.Location.Parent!.ToString();
            if (!byFolder.TryGetValue(folder, out var run))
            {
                run = ([], 0);
            }
            run.Files.Add(entry.Location.ToString());
            onListed?.Invoke(entry.Location.ToString(), entry.Length, entry.LastModified);
            byFolder[folder] = (run.Files, run.Bytes + entry.Length);
        }
        var runs = new List<EventRun>();
        foreach (var (folder, (files, bytes)) in byFolder)
        {
            files.Sort((a, b) => string.CompareOrdinal(LogLocation.FileName(a), LogLocation.FileName(b)));
            runs.Add(new EventRun(RelativeName(root.ToString(), folder), folder, files) { TotalBytes = bytes });
        }
        runs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return runs;
    }

    /// <summary>The run name of <paramref name="directory"/> seen from <paramref name="root"/>: '/'-separated, "." for the root.</summary>
    public static string RelativeName(string root, string directory) => LogLocation.RelativeName(root, directory);
}
