using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Multi-run reading, the one type for it: <see cref="Read"/> reads many runs at once on several threads,
/// <see cref="ReadSequentially"/> one after another on the calling thread, and a run summary scan runs the same
/// per-run loop (<c>ReadRun</c>). <see cref="Read"/> delivers items on the consumer's thread in exactly the
/// order a sequential read gives: run by run, file by file, record by record. The files of one run are read in
/// order by one worker, sharing one <see cref="RunTagState"/>. Later runs are read ahead into bounded buffers.
/// Cancelling the token, or disposing the enumerator, stops the workers promptly; a failure other than a
/// file's I/O error (which becomes a <see cref="ReadItemKind.Unreadable"/> item) is rethrown to the consumer
/// once the items before it have been delivered.
/// </summary>
public sealed partial class RunReader
{
    private readonly IReadOnlyList<EventRun> _runs;
    private readonly RunReadOptions _options;

    /// <summary>Prepares to read <paramref name="runs"/> (named as the caller wants them named) with <paramref name="options"/>.</summary>
    public RunReader(IReadOnlyList<EventRun> runs, RunReadOptions? options = null)
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
            (index, sink, token) => ReadRun(_runs[index], states[index], options, EventKinds.None, null, sink.Add, token),
            options.Parallelism, options.BatchSize, options.BatchesPerRun, options.Window, Stats, cancellation,
            item => item.Value switch
            {
                null => 0,
                ImageRecord image => image.Encoded.Length,
                AudioRecord audio => audio.Encoded.Length,
                TensorRecord tensor => tensor.Bytes?.Sum(b => (long)b.Length) ?? tensor.Values.Length * 8L,
                HistogramRecord histogram => histogram.Buckets.Length * 24L,
                GraphRecord graph => graph.Bytes.Length,
                _ => 0,
            },
            options.MaxBatchBytes, options.MaxBufferedBytesPerRun);
        return new BatchItems(batches);
    }

    /// <summary>
    /// Reads the runs one after another on the calling thread, lazily: the order <see cref="Read"/> reproduces,
    /// and the baseline it is measured against.
    /// </summary>
    public IEnumerable<RunReadItem> ReadSequentially(CancellationToken cancellation = default) => new SequentialItems(_runs, _options, cancellation);
}
