using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads the embeddings of TensorBoard's projector (points, labels, sprite) from log directories, ours and PyTorch's.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbEmbedding", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TbEmbedding))]
public sealed class GetTbEmbeddingCommand : TbLogPathCommandBase
{
    /// <summary>Read only the configuration and labels, not the points (Points empty, Count and Dimension 0): fast on large embeddings.</summary>
    [Parameter]
    public SwitchParameter NoPoints { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, namingRoot) in ResolveInputsWithNamingRoots())
        {
            foreach (var (run, dir) in RunsOf(path, namingRoot))
            {
                if (!seen.Add(dir))
                {
                    continue;
                }
                foreach (var embedding in ProjectorReader.ReadRun(run, dir, !NoPoints, ReportUnreadable))
                {
                    if (Stopped.IsCancellationRequested)
                    {
                        return;
                    }
                    if (TagFilter is not null && !TagFilter(embedding.Tag))
                    {
                        continue;
                    }
                    UnmatchedTags.Saw(embedding.Tag);
                    WriteObject(new TbEmbedding(embedding));
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing() => ReportUnmatchedNames("embeddings");

    private void ReportUnreadable(string file, Exception e) =>
        WriteError(new ErrorRecord(e,
            System.IO.Path.GetFileName(file) == ProjectorConfig.FileName ? ErrorIds.ProjectorConfigUnreadable : ErrorIds.EmbeddingFileUnreadable,
            e is FormatException ? ErrorCategory.InvalidData : ErrorCategory.ReadError, file));

    /// <summary>The runs holding a projector configuration under a directory, or the run of a file given (its folder).</summary>
    private new IEnumerable<(string Run, string Directory)> RunsOf(string path, string namingRoot)
    {
        if (Directory.Exists(path))
        {
            var runs = ProjectorReader.FindRuns(path, (dir, e) => FileConditions.Report(this, ReadItemKind.Unreadable, dir, failure: e));
            foreach (var (_, dir) in runs)
            {
                string name = LogDirectory.RelativeName(namingRoot, dir);
                if (RunWanted(name))
                {
                    UnmatchedRuns.Saw(name);
                    yield return (name, dir);
                }
            }
        }
        else if (File.Exists(path))
        {
            string dir = System.IO.Path.GetDirectoryName(path)!;
            string name = LogDirectory.RelativeName(namingRoot, dir);
            if (RunWanted(name) && File.Exists(System.IO.Path.Combine(dir, ProjectorConfig.FileName)))
            {
                UnmatchedRuns.Saw(name);
                yield return (name, dir);
            }
        }
    }
}
