using System.Management.Automation;
using TbPowerShell.Completion;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// What the cmdlets that read log directories share: -Path (wildcards) or -LiteralPath, -Tag and -Run
/// filters with wildcards and tab completion, the path resolution of <see cref="LogPaths"/>, and a
/// cancellation token that Ctrl+C cancels.
/// </summary>
public abstract class TbLogPathCommandBase : PSCmdlet, IDisposable
{
    /// <summary>The name of the -Path parameter set.</summary>
    protected const string PathSet = "Path";

    /// <summary>The name of the -LiteralPath parameter set.</summary>
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>How often long reads update their progress bar.</summary>
    protected static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();

    /// <summary>
    /// Event files or directories (searched recursively for runs); wildcards allowed. Default: the current directory.
    /// Alias -LogDir, the name Show-TbBoard, Export-TbReport and the writing cmdlets use.
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [Alias("LogDir")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>Event files or directories, taken literally. Binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>Only tags matching one of these wildcard patterns.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TbTagCompleter))]
    public string[]? Tag { get; set; }

    /// <summary>Only runs whose name matches one of these wildcard patterns.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TbRunCompleter))]
    public string[]? Run { get; set; }

    /// <summary>Cancelled on Ctrl+C.</summary>
    protected CancellationToken Stopped => _stop.Token;

    /// <summary>The tag and run filter built from -Tag and -Run (PowerShell wildcards, case-insensitive); its tag predicate is safe to call from reader threads.</summary>
    protected ReadFilter NameFilter { get; private set; } = ReadFilter.All;

    /// <summary>The filter built from -Tag, safe to call from reader threads; null for all tags.</summary>
    protected Func<string, bool>? TagFilter => NameFilter.Tag;

    /// <summary>This call's progress bar id (distinct between cmdlets of one pipeline).</summary>
    protected int ProgressId => Math.Abs(GetHashCode() % 10000) + 1;

    /// <summary>True when -Run was given.</summary>
    protected bool FiltersRuns => NameFilter.Run is not null;

    /// <summary>The literal -Tag values no value read has had so far (see <see cref="ReportUnmatchedNames"/>).</summary>
    private protected UnmatchedNames UnmatchedTags { get; private set; } = new(null);

    /// <summary>The literal -Run values no run found has had so far.</summary>
    private protected UnmatchedNames UnmatchedRuns { get; private set; } = new(null);

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        var tag = Tag is null ? null : NamePatterns.Matcher(Tag);
        var run = Run is null ? null : NamePatterns.Matcher(Run);
        NameFilter = new ReadFilter { Tag = tag, Run = run };
        UnmatchedTags = new UnmatchedNames(Tag);
        UnmatchedRuns = new UnmatchedNames(Run);
    }

    /// <summary>
    /// At the end of a read: one non-terminating error (<see cref="ErrorIds.RunNotFound"/> or
    /// <see cref="ErrorIds.TagNotFound"/>, ObjectNotFound, the value as target) for each literal -Run or -Tag value
    /// that matched nothing in the whole read, as <c>Get-Process -Name nope</c> does. Wildcards stay silent.
    /// </summary>
    /// <param name="tagsOf">What the tags were looked for among, for the message (e.g. "Scalar values").</param>
    private protected void ReportUnmatchedNames(string tagsOf)
    {
        foreach (string run in UnmatchedRuns.Pending)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"Cannot find a run named '{run}' below the paths read. Check the name (Get-TbRun lists the runs)."),
                ErrorIds.RunNotFound, ErrorCategory.ObjectNotFound, run));
        }
        foreach (string tag in UnmatchedTags.Pending)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"Cannot find the tag '{tag}' among the {tagsOf} of the runs read. Check the name (Get-TbTag lists the tags)."),
                ErrorIds.TagNotFound, ErrorCategory.ObjectNotFound, tag));
        }
    }

    /// <summary>How a set of -Type values reads in a message: "Scalar values", "Image or Text values", "values".</summary>
    private protected static string ValuesOf(IEnumerable<TbEventType> types)
    {
        var names = types.Distinct().ToList();
        return names.Contains(TbEventType.All) ? "values" : string.Join(" or ", names) + " values";
    }


    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>The kinds of values selected by -Type values.</summary>
    protected static EventKinds KindsOf(IEnumerable<TbEventType> types)
    {
        var kinds = EventKinds.None;
        foreach (var type in types)
        {
            kinds |= type switch
            {
                TbEventType.Scalar => EventKinds.Scalar,
                TbEventType.Image => EventKinds.Image,
                TbEventType.Audio => EventKinds.Audio,
                TbEventType.Text => EventKinds.Text,
                TbEventType.Histogram => EventKinds.Histogram,
                TbEventType.Tensor => EventKinds.Tensor,
                TbEventType.Hyperparameter => EventKinds.Hyperparameters,
                TbEventType.Graph => EventKinds.Graph,
                TbEventType.Mesh => EventKinds.Mesh,
                TbEventType.PrCurve => EventKinds.PrCurve,
                TbEventType.Layout => EventKinds.Layout,
                _ => EventKinds.All,
            };
        }
        return kinds;
    }

    /// <summary>True when a run of this name passes -Run.</summary>
    protected bool RunWanted(string name) => NameFilter.WantsRun(name);

    /// <summary>The paths given, resolved (see <see cref="LogPaths.Resolve"/>); bad ones are reported as errors.</summary>
    protected IEnumerable<(string Path, string? NamingRoot)> ResolveInputs() =>
        LogPaths.Resolve(this, Path, ParameterSetName == LiteralPathSet ? LiteralPath : null);

    /// <summary>
    /// The paths given, resolved, each with the directory its runs are named from: a directory names
    /// runs from itself (or, for items piped from Get-ChildItem, from the current location, so a file
    /// gets the same run name whichever item reached it); a file names its run from the current location;
    /// a wildcard pattern from the folder before its first wildcard.
    /// </summary>
    protected IEnumerable<(string Path, string NamingRoot)> ResolveInputsWithNamingRoots()
    {
        string currentDir = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        bool fromItems = ParameterSetName == LiteralPathSet && MyInvocation.ExpectingInput;
        foreach (var (path, namingRoot) in ResolveInputs())
        {
            if (Core.Storage.LogLocation.IsStore(path))
            {
                // A store location names its runs from itself, or an object its run from its folder.
                yield return (path, namingRoot ?? (LogPaths.IsDirectory(path) ? path : Core.Storage.LogLocation.Parent(path)!));
                continue;
            }
            yield return (path, namingRoot ?? (Directory.Exists(path) && !fromItems ? path : currentDir));
        }
    }

    /// <summary>
    /// The runs under a directory (searched recursively) or the run of one event file, named from
    /// <paramref name="namingRoot"/>; runs -Run does not want are left out, directories that cannot be
    /// listed are reported as <c>EventFileUnreadable</c> errors.
    /// </summary>
    protected IEnumerable<EventRun> RunsOf(string path, string namingRoot)
    {
        if (LogPaths.IsDirectory(path))
        {
            IReadOnlyList<EventRun> runs;
            try
            {
                runs = LogDirectory.FindRuns(path, (dir, e) =>
                    FileConditions.Report(this, ReadItemKind.Unreadable, dir, failure: e));
            }
            catch (Core.Storage.StoreException e)
            {
                WriteError(StoreErrors.Record(e, path)); // a store's listing failed: nothing of it to read
                yield break;
            }
            foreach (var run in runs)
            {
                string name = namingRoot == path ? run.Name : LogDirectory.RelativeName(namingRoot, run.Directory);
                if (RunWanted(name))
                {
                    UnmatchedRuns.Saw(name);
                    yield return run with { Name = name };
                }
            }
        }
        else if (LogPaths.IsFile(path))
        {
            string dir = Core.Storage.LogLocation.Parent(path)!;
            string name = LogDirectory.RelativeName(namingRoot, dir);
            if (RunWanted(name))
            {
                UnmatchedRuns.Saw(name);
                yield return new EventRun(name, dir, new[] { path }) { TotalBytes = LogPaths.SafeLength(path) };
            }
        }
    }

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
