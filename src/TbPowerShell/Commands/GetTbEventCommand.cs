using System.Diagnostics;
using System.Management.Automation;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads the values of event files or whole log directories (many runs) as objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TbScalarEvent), typeof(TbSmoothedScalarEvent), typeof(TbPivotRow), typeof(TbImageEvent), typeof(TbAudioEvent), typeof(TbTextEvent), typeof(TbHistogramEvent), typeof(TbTensorEvent), typeof(TbHyperparameterEvent), typeof(TbGraphEvent), typeof(TbMeshEvent), typeof(TbPrCurveEvent), typeof(TbLayoutEvent))]
public sealed class GetTbEventCommand : TbLogPathCommandBase
{

    private readonly HashSet<string> _filesRead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunTagState> _runStates = new(StringComparer.Ordinal);
    private EventKinds _kinds;
    private readonly Dictionary<(string Run, string Tag), bool> _constantSeries = new();
    private ReadShaper<object> _shaping = null!;
    private ReadShape _shape = null!;
    private readonly List<List<EventRun>> _pivotReads = new();
    private readonly List<FollowTarget> _followTargets = new();

    /// <summary>The kinds of values to emit (default Scalar); other values are skipped without being decoded.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public TbEventType[] Type { get; set; } = { TbEventType.Scalar };

    /// <summary>Smooths scalars with TensorBoard's debiased exponential moving average of this weight (0 none, 0.999 heavy); adds a Smoothed property.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double Smoothing { get; set; }

    /// <summary>Smooths scalars with a trailing moving average over this many values; adds a Smoothed property.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MovingAverage { get; set; }

    /// <summary>Only values at this step or later.</summary>
    [Parameter]
    public long MinStep { get; set; } = long.MinValue;

    /// <summary>Only values at this step or earlier.</summary>
    [Parameter]
    public long MaxStep { get; set; } = long.MaxValue;

    /// <summary>Only values logged after this time.</summary>
    [Parameter]
    public DateTime After { get; set; }

    /// <summary>Only values logged before this time.</summary>
    [Parameter]
    public DateTime Before { get; set; }

    /// <summary>Only the last N values of each run and tag (after the step and time filters).</summary>
    [Parameter]
    [Alias("Last")]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; }

    /// <summary>Emits a wide table: one row per run and step, a column per tag (scalars only).</summary>
    [Parameter]
    public SwitchParameter Pivot { get; set; }

    /// <summary>Keeps following the files (new values, files and runs) until Ctrl+C, like Get-Content -Wait.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How many runs are read at the same time (default: the number of processors).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _kinds = KindsOf(Type);
        _shape = MakeShape();
        _shaping = new ReadShaper<object>(_shape, new EventOutput(_shape.Smooths, columns => PivotRowViews.TypeNameFor(this, columns)), WriteObject);
    }

    private ReadShape MakeShape()
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(Smoothing)) && bound.ContainsKey(nameof(MovingAverage)))
        {
            ThrowIncompatible("-Smoothing and -MovingAverage cannot be used together: choose one way of smoothing.", MovingAverage);
        }
        if (Pivot && _kinds != EventKinds.Scalar)
        {
            ThrowIncompatible("-Pivot makes a table of scalars: use it with -Type Scalar (the default).", Type);
        }
        if (Pivot && Wait)
        {
            ThrowIncompatible("-Pivot builds its table at the end of the data, which -Wait never reaches: use one or the other.", Wait);
        }
        if (MinStep > MaxStep)
        {
            ThrowInvalidRange($"-MinStep {MinStep} lies above -MaxStep {MaxStep}: no step can match.", MinStep);
        }
        double after = bound.ContainsKey(nameof(After)) ? TbTimestamp.FromDateTime(After).UnixSeconds : double.NegativeInfinity;
        double before = bound.ContainsKey(nameof(Before)) ? TbTimestamp.FromDateTime(Before).UnixSeconds : double.PositiveInfinity;
        if (after >= before)
        {
            ThrowInvalidRange($"-After {After:o} is not earlier than -Before {Before:o}: no time can match.", After);
        }
        return new ReadShape
        {
            Smoothing = bound.ContainsKey(nameof(Smoothing)) ? Smoothing : null,
            MovingAverage = bound.ContainsKey(nameof(MovingAverage)) ? MovingAverage : null,
            Filter = NameFilter with { MinStep = MinStep, MaxStep = MaxStep, After = after, Before = before },
            Tail = bound.ContainsKey(nameof(Tail)) ? Tail : null,
            Pivot = Pivot,
        };
    }

    private void ThrowIncompatible(string message, object target) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), ErrorIds.IncompatibleParameters,
            ErrorCategory.InvalidArgument, target));

    private void ThrowInvalidRange(string message, object target) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(null, message), ErrorIds.InvalidRange,
            ErrorCategory.InvalidArgument, target));

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Wait)
        {
            Follow();
        }
        else if (Pivot)
        {
            ReadPivot();
        }
        _shaping.Complete();
        if (!Wait)
        {
            // With -Wait a run or tag may appear later: names that match nothing yet are not errors there.
            ReportUnmatchedNames(ValuesOf(Type));
        }
    }



    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (path, namingRoot) in ResolveInputsWithNamingRoots())
        {
            if (Stopping)
            {
                return;
            }
            if (Wait)
            {
                _followTargets.Add(LogPaths.IsDirectory(path) ? FollowTarget.Directory(path, namingRoot) : FollowTarget.File(path, namingRoot));
                continue;
            }
            if (Pivot)
            {
                // Read at the end, when every run is known: the table's columns are all the tags of all of them.
                _pivotReads.Add(RunsOf(path, namingRoot).ToList());
                continue;
            }
            ReadFiles(RunsOf(path, namingRoot).ToList());
        }
    }

    /// <summary>
    /// -Pivot: the runs of every path, read in the order given. A first scan finds the table's columns and
    /// which runs log their steps in order, so rows leave as they complete (a run whose steps go back is held
    /// whole); without it (-Tail, or a run reached twice) the whole table is built first, as before.
    /// </summary>
    private void ReadPivot()
    {
        var reads = _pivotReads.Select(FreshRuns).Where(runs => runs.Count > 0).ToList();
        if (reads.Count == 0)
        {
            return;
        }
        if (_shaping.CanStreamPivot)
        {
            PivotLayout? layout;
            try
            {
                layout = PivotLayoutScanner.Scan(reads.SelectMany(runs => runs).ToList(), _shape.Filter,
                    new RunReadOptions { TagFilter = TagFilter, Kinds = _kinds, MaxDegreeOfParallelism = ThrottleLimit }, Stopped);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (layout is not null)
            {
                _shaping.KnowPivotLayout(layout);
                WriteVerbose($"-Pivot: {layout.Columns.Count} columns; rows leave as each step completes.");
            }
            else
            {
                WriteVerbose("-Pivot: a run is reached by more than one path, so the whole table is built before the first row.");
            }
        }
        foreach (var runs in reads)
        {
            ReadFreshRuns(runs);
        }
    }

    /// <summary>-Wait: everything that exists, then every new value, file and run, until Ctrl+C.</summary>
    private void Follow()
    {
        if (_followTargets.Count == 0)
        {
            return;
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Smoothing)))
        {
            // What exists now; series that appear while following are drawn raw until a value differs.
            var existing = _followTargets.SelectMany(t => RunsOf(t.Path, t.NamingRoot!)).ToList();
            if (!KnowConstantSeries(existing))
            {
                return;
            }
        }

        var options = new EventFollowerOptions
        {
            Kinds = _kinds,
            TagFilter = TagFilter,
            RunFilter = FiltersRuns ? RunWanted : null,
        };
        foreach (var item in new EventFollower(_followTargets, options, Stopped))
        {
            switch (item.Kind)
            {
                case ReadItemKind.Scalar:
                    _shaping.Scalar(item.Run, item.File, item.Scalar);
                    break;
                case ReadItemKind.Value:
                    _shaping.Value(item.Run, item.File, item.Value!);
                    break;
                case ReadItemKind.CaughtUp:
                    _shaping.CaughtUp();
                    WriteVerbose("Read everything that exists; following new values until Ctrl+C.");
                    break;
                default:
                    FileConditions.Report(this, item.Kind, item.File, damage: item.Error, failure: item.Failure, notice: item.Message);
                    break;
            }
        }
    }

    /// <summary>
    /// With -Smoothing: TensorBoard draws a constant series unsmoothed, which takes the whole series to
    /// know, so a summary scan of the runs (scalars only, in parallel; cheap next to emitting objects)
    /// finds those series first. False when Ctrl+C stopped it.
    /// </summary>
    private bool KnowConstantSeries(IReadOnlyList<EventRun> runs)
    {
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Smoothing)) || runs.Count == 0)
        {
            return true;
        }
        var scanner = new RunSummaryScanner(runs, new RunReadOptions { TagFilter = TagFilter, MaxDegreeOfParallelism = ThrottleLimit },
            EventKinds.Scalar);
        try
        {
            foreach (var item in scanner.Scan(Stopped))
            {
                if (item.Kind != ReadItemKind.Summary)
                {
                    continue;   // damage and unreadable files are reported by the read itself
                }
                foreach (var tag in item.Summary!.Tags.Where(t => t.Kind == EventKinds.Scalar))
                {
                    // A run reached again by another path: constant only if constant in both parts.
                    var key = (item.Run.Name, tag.Tag);
                    _constantSeries[key] = tag.IsConstant && (!_constantSeries.TryGetValue(key, out bool known) || known);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        _shaping.KnowConstantSeries(_constantSeries);
        return true;
    }

    private void ReadFiles(IReadOnlyList<EventRun> runs) => ReadFreshRuns(FreshRuns(runs));

    /// <summary>The runs with only the files no earlier path of this call reached (each file is read once per call).</summary>
    private List<EventRun> FreshRuns(IReadOnlyList<EventRun> runs)
    {
        var fresh = new List<EventRun>();
        foreach (var run in runs)
        {
            var files = run.Files.Where(f => _filesRead.Add(f)).ToList();
            if (files.Count == 0)
            {
                continue;
            }
            fresh.Add(files.Count == run.Files.Count ? run : run with { Files = files, TotalBytes = files.Sum(LogPaths.SafeLength) });
        }
        return fresh;
    }

    private void ReadFreshRuns(List<EventRun> fresh)
    {
        if (fresh.Count == 0)
        {
            return;
        }

        if (!KnowConstantSeries(fresh))
        {
            return;
        }
        long totalBytes = fresh.Sum(r => r.TotalBytes);
        ProgressRecord? progress = fresh.Sum(r => r.Files.Count) > 1
            ? new ProgressRecord(ProgressId, "Reading event files", "Starting") { PercentComplete = 0 }
            : null;
        var clock = Stopwatch.StartNew();
        var reader = new RunReader(fresh, new RunReadOptions
        {
            TagFilter = TagFilter,
            Kinds = _kinds,
            MaxDegreeOfParallelism = ThrottleLimit,
            // Runs keep what they learnt about their tags across paths of one call.
            TagStateOf = TagStateOf,
        });
        var lastProgress = TimeSpan.Zero;
        int sinceCheck = 0;
        try
        {
            // One run, or one thread: read on this thread (no workers to start, nothing to hand over).
            var items = ThrottleLimit == 1 || fresh.Count == 1 ? reader.ReadSequentially(Stopped) : reader.Read(Stopped);
            foreach (var item in items)
            {
                Handle(item);
                if (progress is not null && ++sinceCheck >= 4096)
                {
                    sinceCheck = 0;
                    var now = clock.Elapsed;
                    if (now - lastProgress >= ProgressInterval)
                    {
                        lastProgress = now;
                        progress.StatusDescription = $"{item.Run.Name}: {Core.Storage.LogLocation.FileName(item.File)}";
                        progress.PercentComplete = totalBytes > 0 ? (int)Math.Min(100, item.BytesDone * 100 / totalBytes) : 0;
                        WriteProgress(progress);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (progress is not null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private RunTagState TagStateOf(EventRun run)
    {
        if (!_runStates.TryGetValue(run.Directory, out var state))
        {
            state = new RunTagState();
            _runStates[run.Directory] = state;
        }
        return state;
    }

    private void Handle(in RunReadItem item)
    {
        switch (item.Kind)
        {
            case ReadItemKind.Scalar:
                if (UnmatchedTags.AnyPending)
                {
                    UnmatchedTags.Saw(item.Scalar.Tag);
                }
                _shaping.Scalar(item.Run.Name, item.File, item.Scalar);
                break;
            case ReadItemKind.Value:
                if (UnmatchedTags.AnyPending)
                {
                    UnmatchedTags.Saw(item.Value!.Tag);
                }
                _shaping.Value(item.Run.Name, item.File, item.Value!);
                break;
            default:
                FileConditions.Report(this, item.Kind, item.File, item.Offset, item.Error, item.Exception);
                break;
        }
    }

}
