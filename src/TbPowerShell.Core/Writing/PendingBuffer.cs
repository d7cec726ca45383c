namespace TbPowerShell.Core.Writing;

/// <summary>A growable byte buffer of framed records waiting to be written.</summary>
internal sealed class PendingBuffer
{
    private byte[] _data = new byte[64 * 1024];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    /// <summary>Space for <paramref name="size"/> more bytes; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (Length + size > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + size));
        }
        return _data.AsSpan(Length, size);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Puts <paramref name="front"/> before the current contents (a batch that failed to write).</summary>
    public void Prepend(ReadOnlySpan<byte> front)
    {
        var merged = new byte[Math.Max(_data.Length, front.Length + Length)];
        front.CopyTo(merged);
        _data.AsSpan(0, Length).CopyTo(merged.AsSpan(front.Length));
        _data = merged;
        Length += front.Length;
    }

    public void Clear()
    {
        Length = 0;
        // Do not keep a huge buffer after a burst (an image batch, say).
        if (_data.Length > 16 * 1024 * 1024)
        {
            _data = new byte[64 * 1024];
        }
    }
}
