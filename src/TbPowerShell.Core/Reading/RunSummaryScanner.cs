using TbPowerShell.Core.Model;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Summarizes many runs at once: per run, its tags with counts, first and last steps and wall times, and the
/// last, smallest and largest value of scalars. Scalars are decoded; every other value is only counted (large
/// payloads are passed over with a seek). Runs are scanned in parallel and delivered in order: each run's
/// damaged regions and file endings, then one <see cref="ReadItemKind.Summary"/> item.
/// </summary>
public sealed class RunSummaryScanner
{
    private readonly IReadOnlyList<EventRun> _runs;
    private readonly RunReadOptions _options;
    private readonly EventKinds _kinds;

    /// <summary>Prepares to scan <paramref name="runs"/> for values of <paramref name="kinds"/> (default all).</summary>
    /// <param name="runs">The runs, named as the caller wants them named.</param>
    /// <param name="options">Tag filter and parallelism; <see cref="RunReadOptions.Kinds"/> is ignored.</param>
    /// <param name="kinds">The kinds of values to summarize.</param>
    public RunSummaryScanner(IReadOnlyList<EventRun> runs, RunReadOptions? options = null, EventKinds kinds = EventKinds.All)
    {
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        options ??= new RunReadOptions();
        options.Validate();
        _options = new RunReadOptions
        {
            TagFilter = options.TagFilter,
            Kinds = kinds & EventKinds.Scalar,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            BatchSize = 256,
            BatchesPerRun = options.BatchesPerRun,
            ReadAheadRuns = options.ReadAheadRuns,
            TagStateOf = options.TagStateOf,
            StartOffsets = options.StartOffsets,
        };
        _kinds = kinds;
    }

    /// <summary>Buffering counters of the current scan.</summary>
    public RunPipelineStats Stats { get; private set; } = new();

    /// <summary>Scans every run; items come on the enumerating thread, in run order.</summary>
    public IEnumerable<RunReadItem> Scan(CancellationToken cancellation = default)
    {
        Stats = new RunPipelineStats();
        var states = _runs.Select(r => _options.TagStateOf?.Invoke(r) ?? new RunTagState()).ToArray();
        EventKinds counted = _kinds & ~EventKinds.Scalar;
        return OrderedRunPipeline.Run<RunReadItem>(_runs.Count, (index, sink, token) =>
            {
                var run = _runs[index];
                var builder = new Builder(states[index]);
                int damaged = 0, unreadable = 0;
                RunReader.ReadRun(run, states[index], _options, counted, builder, item =>
                {
                    if (item.Kind == ReadItemKind.Damaged)
                    {
                        damaged++;
                    }
                    else if (item.Kind is ReadItemKind.Unreadable or ReadItemKind.NotEventFile)
                    {
                        unreadable++;
                    }
                    sink.Add(item);
                }, token);
                sink.Add(new RunReadItem(ReadItemKind.Summary, new RunFile(run, run.Directory), default, builder.Build(run, damaged, unreadable), run.TotalBytes));
            },
            _options.Parallelism, _options.BatchSize, _options.BatchesPerRun, _options.Window, Stats, cancellation);
    }

    /// <summary>Scans the runs one after another on the calling thread (the baseline of the parallel scan).</summary>
    public IEnumerable<RunReadItem> ScanSequentially(CancellationToken cancellation = default) =>
        new RunSummaryScanner(_runs, new RunReadOptions
        {
            TagFilter = _options.TagFilter,
            MaxDegreeOfParallelism = 1,
            ReadAheadRuns = 1,
            TagStateOf = _options.TagStateOf,
        }, _kinds).Scan(cancellation);

    private sealed class Builder : RunReader.IValueSink
    {
        private readonly Dictionary<(string Tag, EventKinds Kind), TagSummary> _tags = new();
        private readonly Dictionary<string, TagSummary> _scalarsByInstance = new(ReferenceEqualityComparer.Instance);
        private readonly RunTagState _state;
        private long _count;
        private long _firstStep, _lastStep;
        private double _firstWall, _lastWall;

        public Builder(RunTagState state) => _state = state;

        public void Scalar(in ScalarRecord scalar)
        {
            // A reader gives the same string instance for a tag every time: find its series by reference
            // first, which costs far less than hashing the tag's characters for every value.
            if (!_scalarsByInstance.TryGetValue(scalar.Tag, out var summary))
            {
                summary = Get(scalar.Tag, EventKinds.Scalar, PluginNames.Scalars);
                _scalarsByInstance[scalar.Tag] = summary;
            }
            summary.AddScalar(scalar.Step, scalar.WallTime, scalar.Value);
            Note(scalar.Step, scalar.WallTime);
        }

        public void Counted(in ValueHeader header)
        {
            Get(header.Tag, header.Kind, header.Plugin).Add(header.Step, header.WallTime);
            Note(header.Step, header.WallTime);
        }

        public void Value(ValueRecord value)
        {
            // Only scalars are decoded in a scan; other kinds arrive counted.
        }

        private TagSummary Get(string tag, EventKinds kind, string plugin)
        {
            if (!_tags.TryGetValue((tag, kind), out var summary))
            {
                summary = new TagSummary(tag, kind, _state.PluginOf(tag) ?? plugin);
                _tags[(tag, kind)] = summary;
            }
            return summary;
        }

        private void Note(long step, double wallTime)
        {
            if (_count++ == 0)
            {
                _firstStep = step;
                _lastStep = step;
                _firstWall = wallTime;
            }
            else
            {
                // The step range, not file order: a run that logs an image at step 0 after its last scalar still ends at its highest step.
                _firstStep = Math.Min(_firstStep, step);
                _lastStep = Math.Max(_lastStep, step);
            }
            _lastWall = wallTime;
        }

        public RunSummary Build(EventRun run, int damaged, int unreadable)
        {
            var tags = _tags.Values.OrderBy(t => t.Tag, StringComparer.Ordinal).ThenBy(t => t.Kind).ToList();
            var summary = new RunSummary(run, tags, damaged, unreadable);
            if (_count > 0)
            {
                summary.FirstStep = _firstStep;
                summary.LastStep = _lastStep;
                summary.FirstWallTime = _firstWall;
                summary.LastWallTime = _lastWall;
            }
            return summary;
        }
    }
}
