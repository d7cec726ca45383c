using System.Text;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Records;

public class CrcTests
{
    [Fact]
    public void MaskedCrcOfDesignTestVector()
    {
        // DESIGN.md: masked CRC of the bytes 1a 11 followed by "CRC test, one two" is 0x5794d08a.
        byte[] data = [0x1a, 0x11, .. Encoding.ASCII.GetBytes("CRC test, one two")];
        Assert.Equal(0x5794d08au, MaskedCrc32C.ComputeMasked(data));
        Assert.Equal(0x5794d08au, MaskedCrc32C.Mask(MaskedCrc32C.Compute(data)));
    }

    [Fact]
    public void Crc32CStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, MaskedCrc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Crc32COfEmptyAndKnownVectors()
    {
        Assert.Equal(0u, MaskedCrc32C.Compute(ReadOnlySpan<byte>.Empty));
        // RFC 3720 (iSCSI) B.4: 32 bytes of zeros and 32 bytes of 0xFF.
        Assert.Equal(0x8A9136AAu, MaskedCrc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, MaskedCrc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        // RFC 3720 B.4: 32 bytes ascending 0..31 (exercises the 8-byte loop and no tail).
        Assert.Equal(0x46DD794Eu, MaskedCrc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void ComputeAgreesWithBitwiseReferenceForEveryTailLength()
    {
        var random = new Random(1234);
        for (int length = 0; length < 40; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(ReferenceCrc32C(data), MaskedCrc32C.Compute(data));
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(0xE3069283u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x80000000u)]
    public void MaskIsRotateRight15PlusDelta(uint crc)
    {
        uint expected = unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
        Assert.Equal(expected, MaskedCrc32C.Mask(crc));
    }

    [Fact]
    public void MaskOfZeroIsTheDelta()
    {
        Assert.Equal(0xA282EAD8u, MaskedCrc32C.Mask(0));
        Assert.Equal(0xA282EAD8u + 0x20000u, MaskedCrc32C.Mask(1));
    }

    private static uint ReferenceCrc32C(byte[] data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }
}
