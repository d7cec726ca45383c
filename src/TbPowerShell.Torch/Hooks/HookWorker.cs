using System.Collections.Concurrent;

namespace TbPowerShell.Torch;

/// <summary>
/// The thread that turns what hooks copied out of tensors into PNGs, histograms and scalars and
/// hands them to the writer, so the training thread only copies. One per writer; bounded, so a
/// slow disk slows training down rather than losing values. Drained when the writer closes.
/// </summary>
internal sealed class HookWorker
{
    private const int Capacity = 256;
    private static readonly ConcurrentDictionary<TbWriter, HookWorker> s_workers = new();

    private readonly BlockingCollection<(TbHookRegistration Owner, Action Work)> _queue = new(Capacity);
    private readonly Thread _thread;

    private HookWorker(TbWriter writer)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "TbPowerShell hooks " + System.IO.Path.GetFileName(writer.LogDir) };
        _thread.Start();
    }

    public static HookWorker For(TbWriter writer) => s_workers.GetOrAdd(writer, w => new HookWorker(w));

    /// <summary>Queues work; blocks while the queue is full. False once the worker stopped.</summary>
    public bool Post(TbHookRegistration owner, Action work)
    {
        try
        {
            _queue.Add((owner, work));
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // completed: the writer is closing
        }
    }

    /// <summary>Finishes the queued work and stops (the writer is closing).</summary>
    public static void Drain(TbWriter writer)
    {
        if (s_workers.TryRemove(writer, out var worker))
        {
            worker._queue.CompleteAdding();
            if (Thread.CurrentThread != worker._thread)
            {
                worker._thread.Join();
            }
        }
    }

    private void Run()
    {
        foreach (var (owner, work) in _queue.GetConsumingEnumerable())
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                owner.Fail(e);
            }
        }
    }
}
