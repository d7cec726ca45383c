using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// A multiply-mix hash of every byte, eight at a time, the last eight (or four) read where they end so that no
    /// byte loop is needed: tags are short, and this runs once for every value read. Not for hostile keys: a
    /// collision costs a compare.
    /// </summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong Prime = 0x9E3779B97F4A7C15UL;
        int length = bytes.Length;
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        ulong h = (ulong)length * Prime;
        if (length >= 8)
        {
            int i = 0;
            for (; i + 8 < length; i += 8)
            {
                h = Mix(h, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            }
            h = Mix(h, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8)));
        }
        else if (length >= 4)
        {
            ulong low = Unsafe.ReadUnaligned<uint>(ref start);
            ulong high = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4));
            h = Mix(h, low | (high << 32));
        }
        else
        {
            // 1 to 3 bytes: the first, the middle and the last (with the length, that tells them all apart).
            ulong v = start | ((ulong)Unsafe.Add(ref start, length >> 1) << 8) | ((ulong)Unsafe.Add(ref start, length - 1) << 16);
            h = Mix(h, v);
        }
        return (h ^ (h >> 29)) * Prime;

        static ulong Mix(ulong h, ulong v) => BitOperations.RotateLeft((h ^ v) * Prime, 31);
    }
}
