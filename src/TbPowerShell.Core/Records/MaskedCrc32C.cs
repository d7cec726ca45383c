using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbPowerShell.Core.Records;

/// <summary>
/// CRC-32C (Castagnoli) as TFRecord uses it, with TensorFlow's mask so that a CRC stored inside
/// CRC-checked data does not verify itself.
/// </summary>
public static class MaskedCrc32C
{
    private const uint MaskDelta = 0xA282EAD8u;

    /// <summary>The plain CRC-32C of <paramref name="data"/> (hardware-accelerated where the CPU has it).</summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C is the raw update step (no pre/post inversion): add both here.
        uint crc = 0xFFFFFFFFu;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }
        // The tail in at most three steps (4, 2, 1 bytes) rather than a byte at a time: short records
        // (a scalar event is about 40 bytes) spend a good part of their check here.
        if (i + 4 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
            i += 4;
        }
        if (i + 2 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i)));
            i += 2;
        }
        if (i < length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }
        return ~crc;
    }

    /// <summary>Applies TensorFlow's mask: rotate right by 15 bits and add a constant.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as stored in a TFRecord.</summary>
    public static uint ComputeMasked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
