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

    // A store's failure (unreachable, access denied...) keeps its own id; a refused path of a store's configuration is invalid data.
    private void ReportUnreadable(string file, Exception e) =>
        WriteError(StoreErrors.OrDefault(e,
            Core.Storage.LogLocation.FileName(file) == ProjectorConfig.FileName ? ErrorIds.ProjectorConfigUnreadable : ErrorIds.EmbeddingFileUnreadable,
            e is FormatException or InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.ReadError, file));

    /// <summary>The runs holding a projector configuration under a directory, or the run of a file given (its folder).</summary>
    private new IEnumerable<(string Run, string Directory)> RunsOf(string path, string namingRoot)
    {
        if (LogPaths.IsDirectory(path))
        {
            IReadOnlyList<(string Run, string Directory)> runs;
            try
            {
                runs = ProjectorReader.FindRuns(path, (dir, e) => FileConditions.Report(this, ReadItemKind.Unreadable, dir, failure: e));
            }
            catch (Core.Storage.StoreException e)
            {
                WriteError(StoreErrors.Record(e, path)); // a store's listing failed: nothing of it to read
                yield break;
            }
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
        else if (LogPaths.IsFile(path))
        {
            string dir = Core.Storage.LogLocation.Parent(path)!;
            string name = LogDirectory.RelativeName(namingRoot, dir);
            if (RunWanted(name) && ConfigExists(dir))
            {
                UnmatchedRuns.Saw(name);
                yield return (name, dir);
            }
        }
    }

    /// <summary>True when the folder holds projector_config.pbtxt; a store's failure is written and counts as none.</summary>
    private bool ConfigExists(string dir)
    {
        try
        {
            return Core.Storage.LogLocation.FileExists(Core.Storage.LogLocation.Combine(dir, ProjectorConfig.FileName));
        }
        catch (Core.Storage.StoreException e)
        {
            WriteError(StoreErrors.Record(e, dir));
            return false;
        }
    }
}
