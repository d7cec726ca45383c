using System.Management.Automation;
using TbPowerShell.Board;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes the board of log directories as one self-contained HTML file (data, script, styles and images inside) that opens offline.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "TbReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportTbReportCommand : PSCmdlet
{
    /// <summary>Log directories to report on (searched recursively for runs); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] LogDir { get; set; } = null!;

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Only tags matching one of these wildcard patterns (letter case ignored). Default: every tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Tag { get; set; }

    /// <summary>Only runs matching one of these wildcard patterns (letter case ignored). Default: every run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Run { get; set; }

    /// <summary>The report's title (the page's title and heading).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Title { get; set; }

    /// <summary>At most this many steps of each run's image and audio tags, evenly spaced (first and last kept); 0 for every step.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxMediaSteps { get; set; } = 10;

    /// <summary>Histograms with more buckets are merged into at most this many; 0 keeps every bucket.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxHistogramBuckets { get; set; } = 30;

    /// <summary>Overwrite a read-only file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Do not overwrite an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Emit the file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{path}' is a directory: -Path names the HTML file to write."),
                ErrorIds.FileWriteFailed, ErrorCategory.InvalidArgument, path));
        }
        var dirs = LogDirectories();
        if (dirs.Count == 0)
        {
            return;
        }
        if (NoClobber && File.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"The file '{path}' exists already (-NoClobber)."),
                ErrorIds.FileExists, ErrorCategory.ResourceExists, path));
        }
        if (!ShouldProcess(path, "Export a board report"))
        {
            return;
        }

        var source = new BoardOptions { LogDirs = dirs };
        var options = new ReportOptions { TagFilter = Tag is null ? null : NamePatterns.Matcher(Tag), RunFilter = Run is null ? null : NamePatterns.Matcher(Run), Title = Title ?? DefaultTitle(dirs), MaxMediaSteps = MaxMediaSteps, MaxHistogramBuckets = MaxHistogramBuckets };
        // Written beside the target and moved over it, so a failed export leaves no half file.
        string? folder = System.IO.Path.GetDirectoryName(path);
        string temp = System.IO.Path.Combine(string.IsNullOrEmpty(folder) ? "." : folder, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                BoardReport.Write(output, source, options);
            }
            if (Force && File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly))
            {
                File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.FileWriteFailed, ErrorCategory.WriteError, path));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }

    private static string DefaultTitle(IReadOnlyList<string> dirs) =>
        "TbPowerShell report: " + string.Join(", ", dirs.Select(d => Core.Storage.LogLocation.FileName(d) is { Length: > 0 } name ? name : d));

    private List<string> LogDirectories()
    {
        var dirs = new List<string>();
        foreach (var (path, _) in LogPaths.Resolve(this, LogDir, null))
        {
            if (!LogPaths.IsDirectory(path))
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{path}' is a file: Export-TbReport reports on log directories."),
                    ErrorIds.NotADirectory, ErrorCategory.InvalidArgument, path));
                continue;
            }
            string full = Core.Storage.LogLocation.IsStore(path) ? path : System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
            if (!dirs.Contains(full, StringComparer.Ordinal))
            {
                dirs.Add(full);
            }
        }
        return dirs;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a stray temporary file is all that is left
        }
    }
}
