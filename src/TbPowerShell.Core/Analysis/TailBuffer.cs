namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Keeps the last <see cref="Count"/> items of each series (a run and tag) and gives them back in the
/// order they were added, so "the last N values per tag" keeps the file order of the values kept.
/// Memory is bounded by <see cref="Count"/> items per series.
/// </summary>
/// <typeparam name="T">The items kept.</typeparam>
public sealed class TailBuffer<T>
{
    private readonly Dictionary<(string Run, string Tag), Queue<(long Sequence, T Item)>> _series = new();
    private long _sequence;

    /// <summary>Keeps up to <paramref name="count"/> items per series.</summary>
    public TailBuffer(int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The count cannot be negative.");
        }
        Count = count;
    }

    /// <summary>Items kept per series.</summary>
    public int Count { get; }

    /// <summary>Adds an item to the series (<paramref name="run"/>, <paramref name="tag"/>), dropping that series' oldest when full.</summary>
    public void Add(string run, string tag, T item)
    {
        long sequence = _sequence++;
        if (Count == 0)
        {
            return;
        }
        if (!_series.TryGetValue((run, tag), out var queue))
        {
            queue = new Queue<(long, T)>(Math.Min(Count, 64));
            _series[(run, tag)] = queue;
        }
        if (queue.Count == Count)
        {
            queue.Dequeue();
        }
        queue.Enqueue((sequence, item));
    }

    /// <summary>Every item kept, in the order added, and empties the buffer.</summary>
    public IReadOnlyList<T> Drain()
    {
        var all = new List<(long Sequence, T Item)>();
        foreach (var queue in _series.Values)
        {
            all.AddRange(queue);
        }
        _series.Clear();
        all.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return all.Select(x => x.Item).ToList();
    }
}
