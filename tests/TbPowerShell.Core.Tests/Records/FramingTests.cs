using System.Buffers.Binary;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Records;

public class FramingTests
{
    private static byte[] Frame(byte[] payload)
    {
        var record = new byte[payload.Length + TfRecord.Overhead];
        Assert.Equal(record.Length, TfRecord.Write(payload, record));
        return record;
    }

    [Fact]
    public void WriteProducesLittleEndianLengthAndMaskedCrcs()
    {
        byte[] payload = [1, 2, 3, 4, 5];
        var record = Frame(payload);
        Assert.Equal(21, record.Length);
        Assert.Equal(5ul, BinaryPrimitives.ReadUInt64LittleEndian(record));
        Assert.Equal(MaskedCrc32C.ComputeMasked(record.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(8)));
        Assert.Equal(payload, record.AsSpan(12, 5).ToArray());
        Assert.Equal(MaskedCrc32C.ComputeMasked(payload), BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(17)));
        Assert.True(TfRecord.TryReadHeader(record, out ulong length));
        Assert.Equal(5ul, length);
        Assert.True(TfRecord.VerifyPayload(payload, record.AsSpan(17)));
    }

    [Fact]
    public void WriteRejectsTooSmallDestination()
    {
        Assert.Throws<ArgumentException>(() => TfRecord.Write(new byte[10], new byte[25]));
    }

    [Fact]
    public void HeaderWithBadCrcDoesNotVerify()
    {
        var record = Frame([9, 9, 9]);
        record[0] ^= 0x01;
        Assert.False(TfRecord.TryReadHeader(record, out _));
    }

    public static TheoryData<bool> StreamKinds => new() { true, false };

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void RandomPayloadsRoundTripInOneStream(bool onDisk)
    {
        var random = new Random(20240501);
        // Empty, tiny, exactly the initial buffer, above it, 100 KB+, 300 KB, and small ones after
        // the large ones (the buffer must slide and shrink its view correctly).
        int[] sizes = [0, 1, 2, 100, 65536 - 16, 65536, 65537, 100_000, 102_401, 0, 7, 300_000, 1, 70_000, 3, 64 * 1024 * 3 + 5];
        var payloads = sizes.Select(n =>
        {
            var p = new byte[n];
            random.NextBytes(p);
            return p;
        }).ToList();

        using var temp = new TempDir();
        Stream stream = onDisk ? new FileStream(temp.Sub("records.bin"), FileMode.Create, FileAccess.ReadWrite) : new MemoryStream();
        using (stream)
        {
            var offsets = new List<long>();
            foreach (var p in payloads)
            {
                offsets.Add(stream.Position);
                stream.Write(Frame(p));
            }
            stream.Flush();
            long end = stream.Position;

            using var reader = new RecordReader(stream, 0);
            for (int i = 0; i < payloads.Count; i++)
            {
                Assert.Equal(RecordStatus.Record, reader.Read());
                Assert.Equal(offsets[i], reader.RecordOffset);
                Assert.True(payloads[i].AsSpan().SequenceEqual(reader.Payload), $"payload {i} ({payloads[i].Length} bytes) differs");
            }
            Assert.Equal(RecordStatus.EndOfData, reader.Read());
            Assert.Equal(end, reader.Offset);
            Assert.Equal(RecordStatus.EndOfData, reader.Read());
        }
    }

    [Fact]
    public void ReaderCanStartAtARecordOffset()
    {
        var a = Frame([1, 2, 3]);
        var b = Frame(new byte[70_000]);
        var c = Frame([4]);
        var stream = new MemoryStream([.. a, .. b, .. c]);
        using var reader = new RecordReader(stream, a.Length + b.Length);
        Assert.Equal(RecordStatus.Record, reader.Read());
        Assert.Equal(new byte[] { 4 }, reader.Payload.ToArray());
        Assert.Equal(RecordStatus.EndOfData, reader.Read());
    }

    [Fact]
    public void EveryCutOfARecordIsTruncatedAtItsStart()
    {
        var first = Frame([10, 20, 30]);
        var second = Frame(Enumerable.Range(0, 40).Select(i => (byte)i).ToArray());
        byte[] all = [.. first, .. second];
        for (int cut = first.Length + 1; cut < all.Length; cut++)
        {
            using var reader = new RecordReader(new MemoryStream(all[..cut]));
            Assert.Equal(RecordStatus.Record, reader.Read());
            Assert.Equal(RecordStatus.Truncated, reader.Read());
            Assert.Equal(first.Length, reader.Offset);
        }
    }
}
