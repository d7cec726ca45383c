namespace TbPowerShell.Core.Following;

/// <summary>
/// A read-only view of a file that ends at a fixed length: a follower reads what existed when it
/// looked, and a writer appending meanwhile cannot keep it on one file.
/// </summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => limit;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long left = limit - inner.Position;
        if (left <= 0)
        {
            return 0;
        }
        return inner.Read(left < buffer.Length ? buffer.Slice(0, (int)left) : buffer);
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
