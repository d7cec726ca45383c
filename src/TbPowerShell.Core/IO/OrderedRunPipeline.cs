using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace TbPowerShell.Core.IO;

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

/// <summary>
/// Runs one producer per run on a few worker threads and hands their items to the consumer in run order.
/// Workers take runs in order and may be at most <c>window</c> runs ahead of the consumer; each run buffers at
/// most <c>batchesPerRun</c> batches, so memory stays bounded however large the runs are.
/// </summary>
internal static class OrderedRunPipeline
{
    /// <summary>Collects a run's items into batches and hands them over, waiting while the run's buffer is full.</summary>
    internal sealed class Sink<T>
    {
        private readonly BlockingCollection<T[]> _buffer;
        private readonly int _batchSize;
        private readonly CancellationToken _cancellation;
        private readonly RunPipelineStats _stats;
        private T[] _batch;
        private int _count;

        internal Sink(BlockingCollection<T[]> buffer, int batchSize, CancellationToken cancellation, RunPipelineStats stats)
        {
            _buffer = buffer;
            _batchSize = batchSize;
            _cancellation = cancellation;
            _stats = stats;
            _batch = new T[batchSize];
        }

        public void Add(T item)
        {
            _batch[_count++] = item;
            if (_count == _batchSize)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_count == 0)
            {
                return;
            }
            var full = _count == _batch.Length ? _batch : _batch[.._count];
            _stats.Buffered(1);
            if (!_buffer.TryAdd(full))
            {
                _stats.Waiting(1);
                try
                {
                    _buffer.Add(full, _cancellation);
                }
                catch
                {
                    _stats.Buffered(-1);
                    throw;
                }
                finally
                {
                    _stats.Waiting(-1);
                }
            }
            _batch = new T[_batchSize];
            _count = 0;
        }
    }

    public static IEnumerable<T> Run<T>(int runCount, Action<int, Sink<T>, CancellationToken> readRun, int degreeOfParallelism,
                                        int batchSize, int batchesPerRun, int window, RunPipelineStats stats, CancellationToken cancellation)
    {
        if (runCount == 0)
        {
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = stop.Token;
        var buffers = new BlockingCollection<T[]>[runCount];
        for (int i = 0; i < runCount; i++)
        {
            buffers[i] = new BlockingCollection<T[]>(new ConcurrentQueue<T[]>(), batchesPerRun);
        }
        var faults = new Exception?[runCount];
        using var slots = new SemaphoreSlim(window);
        int next = -1;

        void Work()
        {
            while (true)
            {
                if (!slots.Wait(0))
                {
                    stats.Waiting(1);
                    try
                    {
                        slots.Wait(token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    finally
                    {
                        stats.Waiting(-1);
                    }
                }
                int run = Interlocked.Increment(ref next);
                if (run >= runCount)
                {
                    slots.Release();
                    return;
                }
                var sink = new Sink<T>(buffers[run], batchSize, token, stats);
                try
                {
                    try
                    {
                        readRun(run, sink, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        // Deliver what was read before the failure, then the failure.
                        faults[run] = e;
                    }
                    sink.Flush();
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                finally
                {
                    buffers[run].CompleteAdding();
                }
            }
        }

        var workers = new Task[Math.Max(1, Math.Min(degreeOfParallelism, runCount))];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            for (int run = 0; run < runCount; run++)
            {
                foreach (var batch in buffers[run].GetConsumingEnumerable(token))
                {
                    stats.Buffered(-1);
                    foreach (var item in batch)
                    {
                        yield return item;
                    }
                }
                if (Volatile.Read(ref faults[run]) is { } fault)
                {
                    ExceptionDispatchInfo.Throw(fault);
                }
                slots.Release();
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                Task.WaitAll(workers);
            }
            catch (AggregateException)
            {
                // Workers end on cancellation; their failures were delivered through their runs.
            }
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }
}
