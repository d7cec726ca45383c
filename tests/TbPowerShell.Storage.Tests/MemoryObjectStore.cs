using System.Collections.Concurrent;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests;

/// <summary>
/// An object store in memory, with the semantics the providers have (whole-object uploads, appends that are
/// durable when they return, listing in key order) and failures to inject: what the core is tested against
/// without a server, and the reference the server-backed stores are compared with.
/// </summary>
public sealed class MemoryObjectStore(StoreWritePolicy? policy = null) : IObjectStore
{
    private readonly ConcurrentDictionary<string, Entry> _objects = new(StringComparer.Ordinal);

    /// <summary>The next this many appends or uploads fail as a lost connection.</summary>
    public int FailNext;

    /// <summary>Ranged reads served.</summary>
    public int Reads;

    /// <summary>Bytes served by ranged reads.</summary>
    public long BytesRead;

    /// <summary>When true, every call fails as a missing container.</summary>
    public bool ContainerMissing;

    public StoreWritePolicy WritePolicy { get; } = policy ?? new StoreWritePolicy(1024 * 1024, TimeSpan.FromSeconds(2), 64L * 1024 * 1024, 50_000);

    public IEnumerable<StoreEntry> List(StoreUri folder, CancellationToken cancellation = default)
    {
        CheckContainer(folder);
        foreach (var (key, entry) in _objects.Where(o => o.Key.StartsWith(folder.Prefix, StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            yield return new StoreEntry(folder.WithKey(key), entry.Length, entry.Modified);
        }
    }

    public StoreEntry? Stat(StoreUri location, CancellationToken cancellation = default)
    {
        CheckContainer(location);
        return _objects.TryGetValue(location.Key, out var e) ? new StoreEntry(location, e.Length, e.Modified) : null;
    }

    public Task<int> ReadAsync(StoreUri location, long offset, Memory<byte> buffer, CancellationToken cancellation = default)
    {
        CheckContainer(location);
        Interlocked.Increment(ref Reads);
        if (!_objects.TryGetValue(location.Key, out var e))
        {
            throw new StoreException(StoreErrorKind.NotFound, location.ToString(), $"'{location}' does not exist.");
        }
        lock (e)
        {
            int n = (int)Math.Max(0, Math.Min(buffer.Length, e.Length - offset));
            Interlocked.Add(ref BytesRead, n);
            e.Bytes.AsSpan((int)offset, n).CopyTo(buffer.Span);
            return Task.FromResult(n);
        }
    }

    public IObjectWriter CreateWriter(StoreUri location) => new Writer(this, location);

    public void Upload(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation = default)
    {
        CheckContainer(location);
        Fail(location);
        _objects[location.Key] = new Entry { Bytes = content.ToArray(), Length = content.Length, Modified = DateTimeOffset.UtcNow };
    }

    public void Delete(StoreUri location, CancellationToken cancellation = default) => _objects.TryRemove(location.Key, out _);

    public void Dispose()
    {
    }

    /// <summary>The bytes of an object (test assertions).</summary>
    public byte[] BytesOf(StoreUri location)
    {
        var e = _objects[location.Key];
        lock (e)
        {
            return e.Bytes.AsSpan(0, (int)e.Length).ToArray();
        }
    }

    private void CheckContainer(StoreUri location)
    {
        if (ContainerMissing)
        {
            throw new StoreException(StoreErrorKind.ContainerNotFound, location.ToString(), $"The container of '{location}' does not exist.");
        }
    }

    private void Fail(StoreUri location)
    {
        if (FailNext > 0 && Interlocked.Decrement(ref FailNext) >= 0)
        {
            throw new StoreException(StoreErrorKind.Unreachable, location.ToString(), $"Connection to the store lost while writing '{location}'.");
        }
    }

    private sealed class Entry
    {
        public byte[] Bytes = [];
        public long Length;
        public DateTimeOffset Modified;
    }

    private sealed class Writer(MemoryObjectStore store, StoreUri location) : IObjectWriter
    {
        public StoreUri Location => location;

        public long Length { get; private set; }

        public int Appends { get; private set; }

        public void Append(ReadOnlyMemory<byte> data, CancellationToken cancellation = default)
        {
            store.CheckContainer(location);
            store.Fail(location);
            var e = store._objects.GetOrAdd(location.Key, _ => new Entry { Modified = DateTimeOffset.UtcNow });
            lock (e)
            {
                if (e.Length + data.Length > e.Bytes.Length)
                {
                    Array.Resize(ref e.Bytes, (int)Math.Max(e.Bytes.Length * 2L, e.Length + data.Length));
                }
                data.Span.CopyTo(e.Bytes.AsSpan((int)e.Length));
                e.Length += data.Length;
                e.Modified = DateTimeOffset.UtcNow;
            }
            Length += data.Length;
            Appends++;
        }

        public void Dispose()
        {
        }
    }
}
