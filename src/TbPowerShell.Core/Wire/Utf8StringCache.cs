using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Turns the UTF-8 bytes of tags and plugin names into strings without allocating a new string for
/// every event: a log holds few distinct tags, each repeated many times. This lookup is on the path of
/// every value read, so it is an open-addressing table with a cheap hash over all the bytes (tags that
/// differ only in the middle, <c>layers.17.weight</c> and <c>layers.18.weight</c>, still spread).
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxEntries = 4096;
    private Entry[] _slots = new Entry[16];
    private int _count;

    private struct Entry
    {
        public ulong Hash;
        public byte[]? Utf8;
        public string Text;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }
        ulong hash = Hash(utf8);
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)(hash >> 40) & mask; ; i = (i + 1) & mask)
        {
            ref Entry entry = ref slots[i];
            if (entry.Utf8 is null)
            {
                break;
            }
            if (entry.Hash == hash && utf8.SequenceEqual(entry.Utf8))
            {
                return entry.Text;
            }
        }

        string text = Encoding.UTF8.GetString(utf8);
        if (_count < MaxEntries)
        {
            if ((_count + 1) * 2 > slots.Length)
            {
                Grow();
            }
            Insert(_slots, hash, utf8.ToArray(), text);
            _count++;
        }
        return text;
    }

    private void Grow()
    {
        var bigger = new Entry[_slots.Length * 2];
        foreach (var entry in _slots)
        {
            if (entry.Utf8 is not null)
            {
                Insert(bigger, entry.Hash, entry.Utf8, entry.Text);
            }
        }
        _slots = bigger;
    }

    private static void Insert(Entry[] slots, ulong hash, byte[] utf8, string text)
    {
        int mask = slots.Length - 1;
        int i = (int)(hash >> 40) & mask;
        while (slots[i].Utf8 is not null)
        {
            i = (i + 1) & mask;
        }
        slots[i] = new Entry { Hash = hash, Utf8 = utf8, Text = text };
    }

    /// <summary>A multiply-rotate hash of every byte, eight at a time. Not for hostile keys: a collision costs a compare.</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong Prime = 0x9E3779B97F4A7C15UL;
        ulong h = (ulong)bytes.Length * Prime;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i))) * Prime, 29);
        }
        if (i < bytes.Length)
        {
            // The last 1..7 bytes, as a little-endian number (the length is already in the hash).
            ulong tail = 0;
            for (int j = bytes.Length - 1; j >= i; j--)
            {
                tail = (tail << 8) | bytes[j];
            }
            h = BitOperations.RotateLeft((h ^ tail) * Prime, 29);
        }
        return (h ^ (h >> 32)) * Prime;
    }
}
