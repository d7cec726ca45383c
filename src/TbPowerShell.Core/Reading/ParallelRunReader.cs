using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>How a <see cref="ParallelRunReader"/> or <see cref="RunSummaryScanner"/> reads.</summary>
public sealed class RunReadOptions
{
    /// <summary>Which tags to read; null for all. Called from worker threads: it must be thread-safe.</summary>
    public Func<string, bool>? TagFilter { get; init; }

    /// <summary>The kinds of values to decode and deliver (default scalars); the others are skipped undecoded.</summary>
    public EventKinds Kinds { get; init; } = EventKinds.Scalar;

    /// <summary>
    /// Where to start reading some files (full path to offset, such as the <see cref="RunReadItem.Offset"/> of an earlier
    /// read's <see cref="ReadItemKind.EndOfFile"/> or <see cref="ReadItemKind.Truncated"/>); other files start at 0.
    /// Read from worker threads: do not change it during a read.
    /// </summary>
    public IReadOnlyDictionary<string, long>? StartOffsets { get; init; }

    /// <summary>How many runs are read at once (default: the processor count).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Items per batch handed from a worker to the consumer (default 4096).</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>
    /// Payload bytes (images, audio, tensors) after which a batch is handed over even when not full (default 1 MB),
    /// so that buffering stays bounded in bytes too.
    /// </summary>
    public long MaxBatchBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Batches a run may have waiting for the consumer before its worker waits (default 32, about 130 thousand
    /// scalars): deep enough that a worker reading a later run is not held up by the consumer's pace on an
    /// earlier one, which is what lets several cores work at once while the output order stays sequential.
    /// </summary>
    public int BatchesPerRun { get; init; } = 32;

    /// <summary>Payload bytes (images, audio, tensors) a run may have waiting for the consumer (default 8 MB).</summary>
    public long MaxBufferedBytesPerRun { get; init; } = 8 << 20;

    /// <summary>How many runs may be started but not yet consumed (default: twice the parallelism, at least 2).</summary>
    public int? ReadAheadRuns { get; init; }

    /// <summary>
    /// The tag state of each run (shared by its files, read in order); called once per run on the calling thread
    /// before reading starts, so a caller can keep states across calls. Default: a new state per run.
    /// </summary>
    public Func<EventRun, RunTagState>? TagStateOf { get; init; }

    internal int Parallelism => Math.Max(1, MaxDegreeOfParallelism);

    internal int Window => Math.Max(1, ReadAheadRuns ?? Math.Max(2, 2 * Parallelism));

    internal void Validate()
    {
        if (BatchSize < 1 || BatchesPerRun < 1 || MaxBatchBytes < 1 || MaxBufferedBytesPerRun < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "BatchSize and BatchesPerRun must be positive.");
        }
    }
}

/// <summary>
/// Reads many runs at once on several threads and delivers their items on the consumer's thread in exactly the
/// order a sequential read gives: run by run, file by file, record by record. The files of one run are read in
/// order by one worker, sharing one <see cref="RunTagState"/>. Later runs are read ahead into bounded buffers.
/// Cancelling the token, or disposing the enumerator, stops the workers promptly; a failure other than a
/// file's I/O error (which becomes a <see cref="ReadItemKind.Unreadable"/> item) is rethrown to the consumer
/// once the items before it have been delivered.
/// </summary>
public sealed class ParallelRunReader
{
    private readonly IReadOnlyList<EventRun> _runs;
    private readonly RunReadOptions _options;

    /// <summary>Prepares to read <paramref name="runs"/> (named as the caller wants them named) with <paramref name="options"/>.</summary>
    public ParallelRunReader(IReadOnlyList<EventRun> runs, RunReadOptions? options = null)
    {
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _options = options ?? new RunReadOptions();
        _options.Validate();
    }

    /// <summary>Buffering counters of the current read, for diagnostics and tests.</summary>
    public RunPipelineStats Stats { get; private set; } = new();

    /// <summary>The total bytes of the runs' files as measured when they were found (the 100 % of progress).</summary>
    public long TotalBytes => _runs.Sum(r => r.TotalBytes);

    /// <summary>Reads every run; enumerate once. Items come on the enumerating thread.</summary>
    public IEnumerable<RunReadItem> Read(CancellationToken cancellation = default)
    {
        Stats = new RunPipelineStats();
        var states = _runs.Select(r => _options.TagStateOf?.Invoke(r) ?? new RunTagState()).ToArray();
        var options = _options;
        var batches = OrderedRunPipeline.RunBatches<RunReadItem>(_runs.Count,
            (index, sink, token) => RunFiles.Read(_runs[index], states[index], options, EventKinds.None, null, sink.Add, token),
            options.Parallelism, options.BatchSize, options.BatchesPerRun, options.Window, Stats, cancellation,
            item => item.Value switch
            {
                null => 0,
                ImageRecord image => image.Encoded.Length,
                AudioRecord audio => audio.Encoded.Length,
                TensorRecord tensor => tensor.Bytes?.Sum(b => (long)b.Length) ?? tensor.Values.Length * 8L,
                HistogramRecord histogram => histogram.Buckets.Length * 24L,
                _ => 0,
            },
            options.MaxBatchBytes, options.MaxBufferedBytesPerRun);
        return new BatchItems(batches);
    }

    /// <summary>
    /// The items of the batches with their progress, one enumerator for both: an item is copied once on its way to
    /// the caller, not once per nested iterator.
    /// </summary>
    private sealed class BatchItems(IEnumerable<RunBatch<RunReadItem>> batches) : IEnumerable<RunReadItem>
    {
        public IEnumerator<RunReadItem> GetEnumerator() => new Enumerator(batches.GetEnumerator());

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator(IEnumerator<RunBatch<RunReadItem>> batches) : IEnumerator<RunReadItem>
        {
            private RunBatch<RunReadItem> _batch;
            private int _index;
            private long _closedBytes;
            private RunReadItem _current;

            public RunReadItem Current => _current;

            object System.Collections.IEnumerator.Current => _current;

            public bool MoveNext()
            {
                while (_index >= _batch.Count)
                {
                    if (!batches.MoveNext())
                    {
                        _batch = default;
                        _index = 0;
                        return false;
                    }
                    _batch = batches.Current;
                    _index = 0;
                }
                ref readonly var item = ref _batch.Items[_index++];
                if (item.ClosesFile)
                {
                    _closedBytes += item.Offset;
                    _current = item.WithBytesDone(_closedBytes);
                }
                else
                {
                    _current = item.WithBytesDone(_closedBytes + item.Offset);
                }
                return true;
            }

            public void Reset() => throw new NotSupportedException();

            public void Dispose() => batches.Dispose();
        }
    }

    /// <summary>
    /// Reads the runs one after another on the calling thread, lazily: the order <see cref="Read"/> reproduces,
    /// and the baseline it is measured against.
    /// </summary>
    public IEnumerable<RunReadItem> ReadSequentially(CancellationToken cancellation = default) => new SequentialRunItems(_runs, _options, cancellation);
}
