using TbPowerShell.Core.Model;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Reading;

/// <summary>Finds runs the way TensorBoard does: every directory holding a file whose name contains <c>tfevents</c>.</summary>
public static class LogDirectory
{
    /// <summary>
    /// Every run below <paramref name="root"/> (recursively, the root included), ordered by name.
    /// Directories that cannot be listed are passed to <paramref name="onInaccessible"/> and skipped.
    /// </summary>
    public static IReadOnlyList<EventRun> FindRuns(string root, Action<string, Exception>? onInaccessible = null)
    {
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

    /// <summary>The run name of <paramref name="directory"/> seen from <paramref name="root"/>: '/'-separated, "." for the root.</summary>
    public static string RelativeName(string root, string directory)
    {
        string relative = Path.GetRelativePath(root, directory);
        return relative == "." ? "." : relative.Replace('\\', '/');
    }
}
