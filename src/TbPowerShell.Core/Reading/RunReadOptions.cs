using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>How a <see cref="RunReader"/> or <see cref="RunSummaryScanner"/> reads.</summary>
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
