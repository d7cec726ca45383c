using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Following;

/// <summary>Something an <see cref="EventFollower"/> follows: a log directory (all its runs) or one event file.</summary>
public sealed record FollowTarget
{
    private FollowTarget(string path, bool isDirectory, string? namingRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = Storage.LogLocation.Full(path);
        IsDirectory = isDirectory;
        NamingRoot = namingRoot is null ? null : Storage.LogLocation.Full(namingRoot);
    }

    /// <summary>The directory or file, as a full path.</summary>
    public string Path { get; }

    /// <summary>True for a log directory (every run below it, new ones included); false for one file.</summary>
    public bool IsDirectory { get; }

    /// <summary>
    /// The directory run names are relative to. Null: the directory itself for a log directory
    /// (its own files form the run "."), the file's directory for a file (run ".").
    /// </summary>
    public string? NamingRoot { get; }

    /// <summary>
    /// A log directory: every directory below it (itself included) holding files whose name contains
    /// <c>tfevents</c> is a run, also one that appears later. The directory need not exist yet.
    /// </summary>
    /// <param name="path">The log directory to follow (its runs, present and future).</param>
    /// <param name="namingRoot">The directory run names are relative to; null for <paramref name="path"/> itself.</param>
    public static FollowTarget Directory(string path, string? namingRoot = null) => new(path, true, namingRoot);

    /// <summary>One event file. It need not exist yet; if it is deleted and comes back, it goes on where it was with the same bytes, else it is read again from the start, announced.</summary>
    /// <param name="path">The one event file to follow.</param>
    /// <param name="namingRoot">The directory its run name is relative to; null for the file's own directory (run ".").</param>
    public static FollowTarget File(string path, string? namingRoot = null) => new(path, false, namingRoot);

    /// <summary>The target's name for the run in <paramref name="runDirectory"/>.</summary>
    internal string RunName(string runDirectory) =>
        LogDirectory.RelativeName(NamingRoot ?? (IsDirectory ? Path : Storage.LogLocation.Parent(Path) ?? Path), runDirectory);
}
