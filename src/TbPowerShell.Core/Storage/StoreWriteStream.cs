using System.Diagnostics;

namespace TbPowerShell.Core.Storage;

/// <summary>
/// A write-only stream making one object: writes wait in memory until <see cref="Flush"/> finds enough of them
/// (<see cref="StoreWritePolicy.UploadBytes"/>) or the oldest old enough (<see cref="StoreWritePolicy.UploadInterval"/>),
/// and <see cref="FlushToStore"/> sends them all. A failed send keeps every byte it did not get into the store, to
/// be sent by the next flush. <see cref="Full"/> tells the writer to start a new object (the store's limits).
/// </summary>
public sealed class StoreWriteStream : Stream
{
    private readonly IObjectWriter _writer;
    private readonly StoreWritePolicy _policy;
    private byte[] _buffer = new byte[64 * 1024];
    private int _buffered;
    private long _oldestTicks; // when the oldest unsent byte was written (Stopwatch ticks), 0 when none
    private bool _disposed;

    /// <summary>Starts the object at <paramref name="location"/> in <paramref name="store"/>.</summary>
    public StoreWriteStream(IObjectStore store, StoreUri location)
    {
        _writer = store.CreateWriter(location);
        _policy = store.WritePolicy;
        Location = location;
    }

    /// <summary>The object written.</summary>
    public StoreUri Location { get; }

    /// <summary>Bytes in the store.</summary>
    public long Durable => _writer.Length;

    /// <summary>Bytes written but not yet in the store.</summary>
    public int Unsent => _buffered;

    /// <summary>True once the object reached the store's limits: close it and write on in a new one.</summary>
    public bool Full => _writer.Length >= _policy.RollBytes || _writer.Appends >= _policy.MaxAppends - 1;

    /// <summary>True when unsent bytes have waited <see cref="StoreWritePolicy.UploadInterval"/>.</summary>
    public bool Due => _buffered > 0 && Stopwatch.GetElapsedTime(_oldestTicks) >= _policy.UploadInterval;

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => !_disposed;

    /// <inheritdoc/>
    public override long Length => _writer.Length + _buffered;

    /// <inheritdoc/>
    public override long Position
    {
        get => Length;
        set
        {
            if (value != Length)
            {
                throw new NotSupportedException("An object being written can only be appended to.");
            }
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_buffered + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(_buffer.Length * 2L, _buffered + (long)data.Length)));
        }
        if (_buffered == 0 && data.Length > 0)
        {
            _oldestTicks = Stopwatch.GetTimestamp();
        }
        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += data.Length;
    }

    /// <summary>Sends the unsent bytes when there are enough of them, or the oldest has waited long enough.</summary>
    public override void Flush()
    {
        if (_buffered >= _policy.UploadBytes || Due)
        {
            FlushToStore();
        }
    }

    /// <summary>Sends every unsent byte: when it returns they are in the store.</summary>
    /// <exception cref="StoreException">The store failed (after its retries); the bytes not sent are kept.</exception>
    public void FlushToStore(CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int sent = 0;
        try
        {
            while (sent < _buffered)
            {
                int n = Math.Min(_buffered - sent, _policy.MaxAppendBytes);
                _writer.Append(_buffer.AsMemory(sent, n), cancellation);
                sent += n;
            }
        }
        finally
        {
            if (sent > 0)
            {
                Buffer.BlockCopy(_buffer, sent, _buffer, 0, _buffered - sent);
                _buffered -= sent;
                if (_buffered > 0)
                {
                    _oldestTicks = Stopwatch.GetTimestamp();
                }
            }
        }
    }

    /// <summary>Takes the unsent bytes out of the stream (a writer that gives up on the store saves them elsewhere).</summary>
    public byte[] TakeUnsent()
    {
        var bytes = _buffer.AsSpan(0, _buffered).ToArray();
        _buffered = 0;
        return bytes;
    }

    /// <summary>Cuts unsent bytes back to <paramref name="value"/> (a writer withdrawing a batch it will retry); sent bytes stay.</summary>
    public override void SetLength(long value)
    {
        if (value < _writer.Length || value > Length)
        {
            throw new NotSupportedException($"Only unsent bytes can be cut: the object has {_writer.Length} bytes in the store and {_buffered} unsent.");
        }
        _buffered = (int)(value - _writer.Length);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <summary>Sends what is unsent, then closes; a failure to send is thrown (and the bytes stay for <see cref="TakeUnsent"/>).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            if (_buffered > 0)
            {
                FlushToStore(); // throws with the bytes kept; the stream stays open for a retry or TakeUnsent
            }
            _disposed = true;
            _writer.Dispose();
        }
        base.Dispose(disposing);
    }
}
