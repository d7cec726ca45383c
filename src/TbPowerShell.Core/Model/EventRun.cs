namespace TbPowerShell.Core.Model;

/// <summary>A run: a directory holding event files.</summary>
/// <param name="Name">The directory relative to the root searched, with '/' separators; "." for the root itself.</param>
/// <param name="Directory">The directory's full path.</param>
/// <param name="Files">Its event files, full paths, in lexicographic order of their names.</param>
public sealed record EventRun(string Name, string Directory, IReadOnlyList<string> Files)
{
    /// <summary>The total size of the run's event files in bytes, measured at discovery.</summary>
    public long TotalBytes { get; init; }
}
