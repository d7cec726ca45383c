namespace TbPowerShell.Core.Tests;

/// <summary>
/// A real file stream whose writes fail while <see cref="Failing"/> is set, as a full disk does:
/// half of the bytes reach the file, then an <see cref="IOException"/> is thrown.
/// </summary>
internal sealed class FailingStream : Stream
{
    private readonly FileStream _inner;
    private int _failures;

    public FailingStream(string path)
    {
        _inner = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        });
    }

    public volatile bool Failing;

    public int Failures => Volatile.Read(ref _failures);

    public override bool CanRead => false;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Failing)
        {
            Interlocked.Increment(ref _failures);
            _inner.Write(buffer[..(buffer.Length / 2)]);
            throw new IOException("No space left on device");
        }
        _inner.Write(buffer);
    }

    public override void Flush()
    {
        if (Failing)
        {
            Interlocked.Increment(ref _failures);
            throw new IOException("No space left on device");
        }
        _inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void SetLength(long value) => _inner.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
