using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.S3;

/// <summary>
/// An S3 object being written. S3 objects cannot be appended to, so the writer keeps the object's bytes so far in memory
/// and each <see cref="Append"/> PUTs the whole object again (what tensorboardX's S3 writer does): a reader always finds a
/// prefix of the final file, and an append that fails leaves the object, <see cref="Length"/> and <see cref="Appends"/> as
/// they were. <see cref="S3ObjectStore.Policy"/> bounds the cost of the re-uploads.
/// </summary>
public sealed class S3ObjectWriter : IObjectWriter
{
    private readonly S3ObjectStore _store;
    private readonly object _gate = new();
    private byte[] _bytes = [];
    private long _length;
    private int _appends;

    internal S3ObjectWriter(S3ObjectStore store, StoreUri location)
    {
        _store = store;
        Location = location;
    }

    /// <inheritdoc/>
    public StoreUri Location { get; }

    /// <inheritdoc/>
    public long Length => Interlocked.Read(ref _length);

    /// <inheritdoc/>
    public int Appends => Volatile.Read(ref _appends);

    /// <inheritdoc/>
    public void Append(ReadOnlyMemory<byte> data, CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            long next = _length + data.Length;
            if (next > Array.MaxLength)
            {
                throw new StoreException(StoreErrorKind.Failed, Location.ToString(),
                    $"'{Location}' would pass {Array.MaxLength} bytes, more than one S3 object written in memory can hold; roll to a new object first.");
            }
            if (next > _bytes.Length)
            {
                Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(next, Math.Max(64 * 1024, _bytes.Length * 2L))));
            }
            // Bytes past _length are scratch until the PUT succeeds, so a failed one changes nothing.
            data.Span.CopyTo(_bytes.AsSpan((int)_length));
            _store.Put(Location, _bytes.AsMemory(0, (int)next), cancellation);
            Interlocked.Exchange(ref _length, next);
            Interlocked.Increment(ref _appends);
        }
    }

    /// <summary>Lets go of the bytes held (the object stays in the store as last put).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _bytes = [];
        }
    }
}
