namespace TbPowerShell.Core.Storage;

/// <summary>
/// A read-only, seekable stream over an object, read by ranged GETs of <see cref="StoreSettings.ReadBlockBytes"/> with up to
/// <see cref="StoreSettings.ReadsInFlight"/> of them ahead of the reader, so a sequential read runs near the store's bandwidth
/// rather than at one request's latency. <see cref="Length"/> is the length the object had when seen; <see cref="Refresh"/>
/// looks again (a follower reading an object that grows). Not thread-safe, like a file stream.
/// </summary>
public sealed class StoreReadStream : Stream
{
    private readonly IObjectStore _store;
    private readonly int _blockBytes;
    private readonly int _inFlight;
    private readonly Dictionary<long, Task<Block>> _blocks = [];
    private readonly CancellationTokenSource _cancel = new();
    private long _length;
    private long _position;
    private long _origin = -1; // blocks are counted from the first byte read, so a reader resuming mid-object reads no byte twice
    private bool _disposed;

    /// <summary>Opens <paramref name="location"/>, whose length is <paramref name="length"/> (from a listing or a stat).</summary>
    public StoreReadStream(IObjectStore store, StoreUri location, long length, StoreSettings? settings = null)
    {
        settings ??= StoreSettings.Default;
        _store = store;
        Location = location;
        _length = length;
        _blockBytes = Math.Max(4096, settings.ReadBlockBytes);
        _inFlight = Math.Max(1, settings.ReadsInFlight);
    }

    /// <summary>Opens <paramref name="location"/> after a look at its length.</summary>
    /// <exception cref="StoreException">The object is not there (<see cref="StoreErrorKind.NotFound"/>) or the store failed.</exception>
    public static StoreReadStream Open(StoreUri location)
    {
        var store = ObjectStores.For(location);
        var entry = store.Stat(location) ?? throw new StoreException(StoreErrorKind.NotFound, location.ToString(), $"'{location}' does not exist.");
        return new StoreReadStream(store, location, entry.Length, ObjectStores.SettingsFor(location));
    }

    /// <summary>The object read.</summary>
    public StoreUri Location { get; }

    /// <summary>Stops a read waiting for the store (Ctrl+C): the reader's token, given by whoever reads through this stream.</summary>
    public CancellationToken Cancellation { get; set; }

    /// <summary>Ranged reads made so far (for tests and benchmarks).</summary>
    public int Requests { get; private set; }

    /// <summary>Bytes fetched from the store so far (for tests: a follower reads each byte once).</summary>
    public long BytesFetched => Interlocked.Read(ref _fetched);

    private long _fetched;

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => !_disposed;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Looks at the object's length again; returns it (a grown object's new bytes become readable).</summary>
    public long Refresh()
    {
        var entry = _store.Stat(Location, _cancel.Token) ?? throw new StoreException(StoreErrorKind.NotFound, Location.ToString(), $"'{Location}' does not exist any more.");
        if (entry.Length != _length)
        {
            // A block read short at the old end is read again.
            if (_origin >= 0)
            {
                _blocks.Remove(Math.Max(0, _length - 1 - _origin) / _blockBytes);
            }
            _length = entry.Length;
        }
        return _length;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int total = 0;
        while (buffer.Length > 0 && _position < _length)
        {
            if (_origin < 0 || _position < _origin)
            {
                _origin = _position;
                _blocks.Clear();
            }
            long index = (_position - _origin) / _blockBytes;
            var block = Fetch(index);
            int within = (int)(_position - _origin - index * _blockBytes);
            int available = Math.Min(block.Count - within, (int)Math.Min(int.MaxValue, _length - _position));
            if (available <= 0)
            {
                if (block.Count < _blockBytes && _origin + index * _blockBytes + block.Count < _length)
                {
                    _blocks.Remove(index); // read short before the object grew: read it again
                    continue;
                }
                break;
            }
            int n = Math.Min(available, buffer.Length);
            block.Bytes.AsSpan(within, n).CopyTo(buffer);
            buffer = buffer[n..];
            _position += n;
            total += n;
        }
        return total;
    }

    private Block Fetch(long index)
    {
        // Drop what is behind the reader; start the block wanted and the ones after it.
        foreach (long old in _blocks.Keys.Where(k => k < index || k >= index + _inFlight).ToList())
        {
            _blocks.Remove(old);
        }
        long last = Math.Max(index, (_length - 1 - _origin) / _blockBytes);
        for (long i = index; i < index + _inFlight && i <= last; i++)
        {
            if (!_blocks.ContainsKey(i))
            {
                _blocks[i] = ReadBlock(i);
            }
        }
        try
        {
            var task = _blocks[index];
            if (!task.IsCompleted)
            {
                task.Wait(Cancellation); // a cancelled wait leaves the request to finish, unobserved
            }
            return task.GetAwaiter().GetResult();
        }
        catch
        {
            _blocks.Remove(index);
            throw;
        }
    }

    private async Task<Block> ReadBlock(long index)
    {
        Requests++;
        long start = _origin + index * _blockBytes;
        int size = (int)Math.Min(_blockBytes, Math.Max(0, _length - start));
        var bytes = new byte[size];
        int read = 0;
        while (read < size)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token, Cancellation);
            int n = await _store.ReadAsync(Location, start + read, bytes.AsMemory(read), both.Token).ConfigureAwait(false);
            if (n == 0)
            {
                break; // shorter than it was: the reader sees the end
            }
            read += n;
        }
        Interlocked.Add(ref _fetched, read);
        return new Block(bytes, read);
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            _cancel.Cancel();
            foreach (var task in _blocks.Values)
            {
                task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observed: nobody waits for it
            }
            _blocks.Clear();
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }

    private readonly record struct Block(byte[] Bytes, int Count);
}
