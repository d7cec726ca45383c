using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Encodes <c>Event{wall_time, step, summary{value{tag, simple_value}}}</c> straight into bytes,
/// the form PyTorch's <c>add_scalar</c> writes. The bytes equal what Google.Protobuf writes for
/// the same message (a test checks this); doing it by hand avoids four allocations per scalar.
/// </summary>
internal static class ScalarEventEncoder
{

    /// <summary>The payload size for <paramref name="tagByteCount"/> UTF-8 tag bytes.</summary>
    public static int PayloadSize(int tagByteCount, double wallTime, long step)
    {
        int value = 1 + VarintSize((ulong)tagByteCount) + tagByteCount + 5;
        int summary = 1 + VarintSize((ulong)value) + value;
        int size = 1 + VarintSize((ulong)summary) + summary;
        if (wallTime != 0)
        {
            size += 9;
        }
        if (step != 0)
        {
            size += 1 + VarintSize((ulong)step);
        }
        return size;
    }

    /// <summary>Writes the payload; <paramref name="destination"/> must hold <see cref="PayloadSize"/> bytes.</summary>
    public static int Write(Span<byte> destination, string tag, int tagByteCount, double wallTime, long step, float value)
    {
        int p = 0;
        if (wallTime != 0)
        {
            destination[p++] = ScalarEventKeys.WallTime;
            BinaryPrimitives.WriteDoubleLittleEndian(destination.Slice(p), wallTime);
            p += 8;
        }
        if (step != 0)
        {
            destination[p++] = ScalarEventKeys.Step;
            p += WriteVarint(destination.Slice(p), (ulong)step);
        }
        int valueSize = 1 + VarintSize((ulong)tagByteCount) + tagByteCount + 5;
        int summarySize = 1 + VarintSize((ulong)valueSize) + valueSize;
        destination[p++] = ScalarEventKeys.Summary;
        p += WriteVarint(destination.Slice(p), (ulong)summarySize);
        destination[p++] = ScalarEventKeys.Value;
        p += WriteVarint(destination.Slice(p), (ulong)valueSize);
        destination[p++] = ScalarEventKeys.Tag;
        p += WriteVarint(destination.Slice(p), (ulong)tagByteCount);
        p += Encoding.UTF8.GetBytes(tag, destination.Slice(p));
        destination[p++] = ScalarEventKeys.SimpleValue;
        BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(p), value);
        return p + 4;
    }

    internal static int VarintSize(ulong value) => value == 0 ? 1 : (70 - BitOperations.LeadingZeroCount(value)) / 7;

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }
}
