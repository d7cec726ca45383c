using Microsoft.Win32.SafeHandles;

namespace TbPowerShell.Core.Following;

/// <summary>
/// Recognises a file that was read up to an offset: keeps its first bytes and the bytes before that offset, and
/// tells at a later look whether the file still holds them. A file rewritten in place or replaced by another file
/// (however long) fails the check; the same bytes in another file (a copy renamed over it, as a sync tool does) pass.
/// Used by <see cref="EventFollower"/> and by anything else that reads files as they grow (the board).
/// </summary>
internal sealed class FileAnchor
{
    /// <summary>How many bytes at the start of a file, and before where reading got to, are kept.</summary>
    public const int Size = 32;

    private readonly byte[] _bytes = new byte[2 * Size];
    private int _headLength;
    private int _tailLength;

    /// <summary>The offset the kept bytes end at; -1 when none are kept (nothing is checked then).</summary>
    public long At { get; private set; } = -1;

    /// <summary>Forgets the kept bytes.</summary>
    public void Clear() => At = -1;

    /// <summary>Keeps the file's first bytes and the bytes before <paramref name="offset"/> (nothing for offset 0).</summary>
    public void Take(SafeFileHandle handle, long offset)
    {
        if (At == offset || offset == 0)
        {
            return;
        }
        int head = (int)Math.Min(Size, offset);
        if (ReadAt(handle, _bytes.AsSpan(0, head), 0) && ReadAt(handle, _bytes.AsSpan(Size, head), offset - head))
        {
            _headLength = head;
            _tailLength = head;
            At = offset;
        }
        else
        {
            At = -1;
        }
    }

    /// <summary>
    /// Why a file read up to <paramref name="offset"/> must be read again from its start, or null when it still holds
    /// what was read: it is now shorter than that, or its first bytes or the bytes before the offset differ from
    /// those kept. With no bytes kept for that offset, only the length is checked.
    /// </summary>
    public string? WhyReadAgain(string path, SafeFileHandle handle, long offset, long length)
    {
        if (length < offset)
        {
            return $"'{path}' is now {length} bytes long, shorter than the {offset} bytes already read: it was truncated or replaced, and is read again from the start.";
        }
        if (At != offset)
        {
            return null;
        }
        Span<byte> now = stackalloc byte[Size];
        var head = now.Slice(0, _headLength);
        if (ReadAt(handle, head, 0) && head.SequenceEqual(_bytes.AsSpan(0, _headLength)))
        {
            var tail = now.Slice(0, _tailLength);
            if (ReadAt(handle, tail, offset - _tailLength) && tail.SequenceEqual(_bytes.AsSpan(Size, _tailLength)))
            {
                return null;
            }
        }
        return $"'{path}' no longer holds the bytes already read (up to byte {offset}): it was rewritten or replaced, and is read again from the start.";
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the file ends first.</summary>
    private static bool ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read <= 0)
            {
                return false;
            }
            buffer = buffer.Slice(read);
            offset += read;
        }
        return true;
    }
}
