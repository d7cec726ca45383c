using System.Buffers.Binary;

namespace TbPowerShell.Core.Records;

/// <summary>
/// TFRecord framing: <c>u64 length | u32 masked_crc(length) | payload | u32 masked_crc(payload)</c>,
/// all little-endian.
/// </summary>
public static class TfRecord
{
    /// <summary>Bytes before the payload: the length and its CRC.</summary>
    public const int HeaderSize = 12;

    /// <summary>Bytes of framing around a payload.</summary>
    public const int Overhead = 16;

    /// <summary>How many whole records a span of framed records (as a writer made them) holds; a partial one at the end is not counted.</summary>
    public static int Count(ReadOnlySpan<byte> records)
    {
        int count = 0;
        while (records.Length >= Overhead)
        {
            ulong length = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(records);
            if (length > (ulong)(records.Length - Overhead))
            {
                break;
            }
            records = records[(Overhead + (int)length)..];
            count++;
        }
        return count;
    }

    /// <summary>Writes the framed record for <paramref name="payload"/> into <paramref name="destination"/>.</summary>
    /// <returns>The bytes written: <c>payload.Length + 16</c>.</returns>
    public static int Write(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int total = payload.Length + Overhead;
        if (destination.Length < total)
        {
            throw new ArgumentException("Destination is too small for the framed record.", nameof(destination));
        }
        WriteHeader(payload.Length, destination);
        payload.CopyTo(destination.Slice(HeaderSize));
        WriteFooter(destination.Slice(HeaderSize, payload.Length), destination.Slice(HeaderSize + payload.Length));
        return total;
    }

    /// <summary>Writes the 12-byte header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(int payloadLength, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(8), MaskedCrc32C.ComputeMasked(destination.Slice(0, 8)));
    }

    /// <summary>Writes the 4-byte payload CRC that follows <paramref name="payload"/>.</summary>
    public static void WriteFooter(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, MaskedCrc32C.ComputeMasked(payload));
    }

    /// <summary>Reads a header; true when the length's CRC verifies.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong payloadLength)
    {
        payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(header);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(8));
        return stored == MaskedCrc32C.ComputeMasked(header.Slice(0, 8));
    }

    /// <summary>True when the payload CRC stored in <paramref name="footer"/> matches <paramref name="payload"/>.</summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool VerifyPayload(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> footer)
    {
        return BinaryPrimitives.ReadUInt32LittleEndian(footer) == MaskedCrc32C.ComputeMasked(payload);
    }
}
