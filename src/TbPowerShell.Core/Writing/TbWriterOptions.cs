namespace TbPowerShell;

/// <summary>How a <see cref="TbWriter"/> buffers and names its file.</summary>
public sealed class TbWriterOptions
{
    /// <summary>
    /// Default time between background writes: 1 second. TensorBoard reloads every 5 seconds, so
    /// values show up at its next reload; PyTorch's 120 s leaves an interactive user staring at an
    /// empty chart. One small write a second costs nothing measurable.
    /// </summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Default number of pending events that triggers a background write at once: 1000. Large
    /// enough that a tight loop writes in big batches (millions of scalars a second), small enough
    /// (a few tens of kilobytes of scalars) that little is at risk between writes.
    /// </summary>
    public const int DefaultMaxQueue = 1000;

    /// <summary>How often pending events are written to the file (and so become visible to readers).</summary>
    public TimeSpan FlushInterval { get; set; } = DefaultFlushInterval;

    /// <summary>Pending events that trigger a write before the interval is up.</summary>
    public int MaxQueue { get; set; } = DefaultMaxQueue;

    /// <summary>Appended to the event file name, as PyTorch's <c>filename_suffix</c>.</summary>
    public string? FilenameSuffix { get; set; }

    /// <summary>
    /// As PyTorch's <c>purge_step</c>: writes <c>SessionLog.START</c> at this step so TensorBoard
    /// drops values a crashed earlier session logged at this step and later.
    /// </summary>
    public long? PurgeStep { get; set; }

    /// <summary>The global step the writer starts with.</summary>
    public long GlobalStep { get; set; }

    internal void Validate()
    {
        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "The flush interval must be above zero and at most one day.");
        }
        if (MaxQueue < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueue), MaxQueue, "The queue length must be at least 1.");
        }
        if (FilenameSuffix is not null && FilenameSuffix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The file name suffix '{FilenameSuffix}' holds characters not allowed in file names.", nameof(FilenameSuffix));
        }
    }
}
