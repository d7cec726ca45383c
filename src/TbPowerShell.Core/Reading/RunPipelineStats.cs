namespace TbPowerShell.Core.Reading;

/// <summary>Counters of an <see cref="OrderedRunPipeline"/>, for diagnostics and tests.</summary>
public sealed class RunPipelineStats
{
    private int _buffered;
    private int _peak;
    private int _waiting;

    /// <summary>Batches read but not yet taken by the consumer.</summary>
    public int BufferedBatches => Volatile.Read(ref _buffered);

    /// <summary>The most batches ever buffered at once.</summary>
    public int PeakBufferedBatches => Volatile.Read(ref _peak);

    /// <summary>Workers waiting for the consumer (their run's buffer or the read-ahead window is full).</summary>
    public int WaitingWorkers => Volatile.Read(ref _waiting);

    internal void Buffered(int delta)
    {
        int now = Interlocked.Add(ref _buffered, delta);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    internal void Waiting(int delta) => Interlocked.Add(ref _waiting, delta);
}
