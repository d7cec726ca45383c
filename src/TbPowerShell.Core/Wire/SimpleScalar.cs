using System.Buffers.Binary;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Recognises the one event layout that makes up most of every log: an event holding exactly one
/// <c>simple_value</c> and nothing else, as PyTorch's <c>add_scalar</c>, tensorboardX and TbWriter write it
/// (<c>wall_time</c>, <c>step</c>, <c>summary { value { tag, simple_value } }</c>, fields in number order).
/// Anything else (other fields, metadata, several values, another order) is left to the general decoder,
/// which gives the same result for these bytes: this is a shortcut, never a second reading of the format.
/// </summary>
internal static class SimpleScalar
{

    /// <summary>True when <paramref name="payload"/> is an event of that layout; its parts are then in the out values.</summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool TryDecode(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> tag, out long step, out double wallTime, out float value)
    {
        tag = default;
        step = 0;
        wallTime = 0;
        value = 0;
        int p = 0;
        int end = payload.Length;
        if (end < 2)
        {
            return false;
        }
        if (payload[0] == ScalarEventKeys.WallTime)
        {
            if (end < 9)
            {
                return false;
            }
            wallTime = BinaryPrimitives.ReadDoubleLittleEndian(payload.Slice(1, 8));
            p = 9;
        }
        if (p < end && payload[p] == ScalarEventKeys.Step)
        {
            p++;
            ulong raw = 0;
            int shift = 0;
            while (true)
            {
                if (p >= end || shift > 63)
                {
                    return false;
                }
                byte b = payload[p++];
                raw |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
                shift += 7;
            }
            step = (long)raw;
        }
        // The summary, its one value and that value's tag: each a key and a length that must close what holds it.
        if (!TryEnter(payload, ref p, ScalarEventKeys.Summary, out int length) || p + length != end
            || !TryEnter(payload, ref p, ScalarEventKeys.Value, out length) || p + length != end
            || !TryEnter(payload, ref p, ScalarEventKeys.Tag, out length) || length > end - p)
        {
            return false;
        }
        tag = payload.Slice(p, length);
        p += length;
        if (end - p != 5 || payload[p] != ScalarEventKeys.SimpleValue)
        {
            return false;
        }
        value = BinaryPrimitives.ReadSingleLittleEndian(payload.Slice(p + 1, 4));
        return true;
    }

    /// <summary>Reads <paramref name="key"/> and the length that follows it (at most 5 bytes, below 2^31).</summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool TryEnter(ReadOnlySpan<byte> payload, ref int p, byte key, out int length)
    {
        length = 0;
        if (p >= payload.Length || payload[p] != key)
        {
            return false;
        }
        p++;
        uint raw = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (p >= payload.Length)
            {
                return false;
            }
            byte b = payload[p++];
            if (shift == 28 && (b & 0x70) != 0)
            {
                return false;
            }
            raw |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (raw > int.MaxValue)
                {
                    return false;
                }
                length = (int)raw;
                return true;
            }
        }
        return false;
    }
}
