using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Finds a <see cref="PivotLayout"/> by reading the runs' scalars once (in parallel): a reading of runs, so it lives
/// here and the layout it makes stays pure analysis.
/// </summary>
public static class PivotLayoutScanner
{
    /// <summary>
    /// Scans the scalars of <paramref name="runs"/> that a read with <paramref name="options"/> gives and
    /// <paramref name="filter"/> keeps (its step and time bounds). Null when a run name or directory occurs
    /// more than once: the rows of such a run would come from reads apart, which only the whole table can
    /// put together. Each run is read with a new <see cref="RunTagState"/>, as a read that has not read the
    /// run before does; <see cref="RunReadOptions.TagStateOf"/> is not called.
    /// </summary>
    public static PivotLayout? Scan(IReadOnlyList<EventRun> runs, ReadFilter filter, RunReadOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(options);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            if (!names.Add(run.Name) || !directories.Add(run.Directory))
            {
                return null;
            }
        }
        var scanOptions = new RunReadOptions
        {
            TagFilter = options.TagFilter,
            Kinds = EventKinds.Scalar,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            StartOffsets = options.StartOffsets,
        };
        var columns = new HashSet<string>(StringComparer.Ordinal);
        var outOfOrder = new List<string>();
        var found = OrderedRunPipeline.Run<RunScan>(runs.Count, (index, sink, token) =>
            {
                var scan = new RunScan(filter);
                RunReader.ReadRun(runs[index], new RunTagState(), scanOptions, EventKinds.None, scan, _ => { }, token);
                sink.Add(scan);
            },
            scanOptions.Parallelism, 1, 1, scanOptions.Window, new RunPipelineStats(), cancellation);
        int i = 0;
        foreach (var scan in found)
        {
            columns.UnionWith(scan.Tags);
            if (!scan.InOrder)
            {
                outOfOrder.Add(runs[i].Name);
            }
            i++;
        }
        return new PivotLayout(columns, outOfOrder);
    }

    /// <summary>One run's part of the scan: its tags with a kept value, and whether its kept steps stayed in order.</summary>
    private sealed class RunScan : RunReader.IValueSink
    {
        private readonly ReadFilter _filter;
        private readonly HashSet<string> _instances = new(ReferenceEqualityComparer.Instance);
        private string? _lastTag;
        private long _highest = long.MinValue;

        public RunScan(ReadFilter filter) => _filter = filter;

        public bool InOrder { get; private set; } = true;

        public IEnumerable<string> Tags => _instances;

        // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Scalar(in ScalarRecord scalar)
        {
            if (!_filter.Keeps(scalar.Step, scalar.WallTime))
            {
                return;
            }
            // A reader gives the same string instance for a tag every time: most values need no hashing at all.
            if (!ReferenceEquals(scalar.Tag, _lastTag))
            {
                _instances.Add(scalar.Tag);
                _lastTag = scalar.Tag;
            }
            if (scalar.Step < _highest)
            {
                InOrder = false;
            }
            else
            {
                _highest = scalar.Step;
            }
        }

        public void Counted(in ValueHeader header)
        {
            // Nothing is counted: the scan reads scalars only.
        }

        public void Value(ValueRecord value)
        {
            // Only scalars are decoded.
        }
    }
}
