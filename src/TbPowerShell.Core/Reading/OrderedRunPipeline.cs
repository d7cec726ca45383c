using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace TbPowerShell.Core.Reading;

/// <summary>Items handed over together: the first <see cref="Count"/> of <see cref="Items"/>, holding <see cref="Bytes"/> bytes of payload.</summary>
internal readonly record struct RunBatch<T>(T[] Items, int Count, long Bytes);

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
        private readonly BlockingCollection<RunBatch<T>> _buffer;
        private readonly int _batchSize;
        private readonly CancellationToken _cancellation;
        private readonly RunPipelineStats _stats;
        private readonly ConcurrentBag<T[]> _pool;
        private readonly Func<T, long>? _weigh;
        private readonly long _maxBatchBytes;
        private readonly ByteBudget? _budget;
        private T[] _batch;
        private int _count;
        private long _bytes;

        internal Sink(BlockingCollection<RunBatch<T>> buffer, int batchSize, CancellationToken cancellation, RunPipelineStats stats,
                      ConcurrentBag<T[]> pool, Func<T, long>? weigh, long maxBatchBytes, ByteBudget? budget = null)
        {
            _budget = budget;
            _buffer = buffer;
            _batchSize = batchSize;
            _cancellation = cancellation;
            _stats = stats;
            _pool = pool;
            _weigh = weigh;
            _maxBatchBytes = maxBatchBytes;
            _batch = Rent();
        }

        public void Add(T item)
        {
            _batch[_count++] = item;
            if (_weigh is not null)
            {
                _bytes += _weigh(item);
            }
            // A batch ends at so many items, or at so many bytes of payload (images), so that what is
            // buffered stays bounded in bytes as well as in items.
            if (_count == _batchSize || _bytes >= _maxBatchBytes)
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
            RunBatch<T> full;
            if (_count * 4 >= _batch.Length)
            {
                // The batch goes as it is: the consumer reads its first Count items and gives the array back.
                full = new RunBatch<T>(_batch, _count, _bytes);
                _batch = Rent();
            }
            else
            {
                // A batch cut short (by payload bytes, or at the end of a run) goes as a copy of its own size, so
                // that runs of large images do not each hold a batch-sized array per buffered image.
                full = new RunBatch<T>(_batch[.._count], _count, _bytes);
                Array.Clear(_batch, 0, _count);
            }
            _count = 0;
            long bytes = _bytes;
            _bytes = 0;
            // Payload bytes (images, audio) a run holds for the consumer are bounded too.
            _budget?.Acquire(bytes, _cancellation);
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
        }

        // Batches are reused: allocating one per few thousand items would put every batch of large
        // items on the large-object heap and make the workers wait on full collections.
        private T[] Rent() => _pool.TryTake(out var batch) ? batch : new T[_batchSize];
    }

    /// <summary>
    /// The payload bytes one run may hold for the consumer: a worker waits while the run holds more
    /// than the limit (one batch is always let through, so a single large item cannot block a run).
    /// </summary>
    internal sealed class ByteBudget
    {
        private readonly long _limit;
        private long _held;

        public ByteBudget(long limit) => _limit = limit;

        public void Acquire(long bytes, CancellationToken cancellation)
        {
            lock (this)
            {
                while (_held > 0 && _held + bytes > _limit)
                {
                    cancellation.ThrowIfCancellationRequested();
                    Monitor.Wait(this, 50);
                }
                _held += bytes;
            }
        }

        public void Release(long bytes)
        {
            if (bytes == 0)
            {
                return;
            }
            lock (this)
            {
                _held -= bytes;
                Monitor.PulseAll(this);
            }
        }
    }

    /// <summary>The items of every run, in run order, one at a time.</summary>
    public static IEnumerable<T> Run<T>(int runCount, Action<int, Sink<T>, CancellationToken> readRun, int degreeOfParallelism,
                                        int batchSize, int batchesPerRun, int window, RunPipelineStats stats, CancellationToken cancellation)
    {
        foreach (var batch in RunBatches(runCount, readRun, degreeOfParallelism, batchSize, batchesPerRun, window, stats, cancellation))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                yield return batch.Items[i];
            }
        }
    }

    /// <summary>
    /// The items of every run, in run order, a batch at a time: a batch is valid until the next one is asked for
    /// (its array is then cleared and reused). Consumers on a hot path take items from the batch themselves, without
    /// a second iterator copying each one.
    /// </summary>
    public static IEnumerable<RunBatch<T>> RunBatches<T>(int runCount, Action<int, Sink<T>, CancellationToken> readRun, int degreeOfParallelism,
                                        int batchSize, int batchesPerRun, int window, RunPipelineStats stats, CancellationToken cancellation,
                                        Func<T, long>? weigh = null, long maxBatchBytes = long.MaxValue, long maxRunBytes = long.MaxValue)
    {
        if (runCount == 0)
        {
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = stop.Token;
        var buffers = new BlockingCollection<RunBatch<T>>[runCount];
        for (int i = 0; i < runCount; i++)
        {
            buffers[i] = new BlockingCollection<RunBatch<T>>(new ConcurrentQueue<RunBatch<T>>(), batchesPerRun);
        }
        var faults = new Exception?[runCount];
        var budgets = new ByteBudget?[runCount];
        if (weigh is not null && maxRunBytes < long.MaxValue)
        {
            for (int i = 0; i < runCount; i++)
            {
                budgets[i] = new ByteBudget(maxRunBytes);
            }
        }
        var pool = new ConcurrentBag<T[]>();
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
                var sink = new Sink<T>(buffers[run], batchSize, token, stats, pool, weigh, maxBatchBytes, budgets[run]);
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
                    yield return batch;
                    budgets[run]?.Release(batch.Bytes);
                    if (batch.Items.Length == batchSize)
                    {
                        // Drop the references (image bytes) before the batch waits in the pool.
                        Array.Clear(batch.Items, 0, batch.Count);
                        pool.Add(batch.Items);
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
