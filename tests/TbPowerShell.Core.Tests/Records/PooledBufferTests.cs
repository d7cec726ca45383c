using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Records;

/// <summary>
/// A record reader's buffer comes from the shared pool and goes back on Dispose (previews open readers by the
/// thousand): readers one after another and side by side must still each read their own bytes, a buffer grown past
/// the pool's array must not be given back, and Dispose twice must not give one array to two readers.
/// </summary>
public class PooledBufferTests
{
    private static byte[] Records(params byte[][] payloads)
    {
        var stream = new MemoryStream();
        foreach (var payload in payloads)
        {
            var record = new byte[payload.Length + TfRecord.Overhead];
            TfRecord.Write(payload, record);
            stream.Write(record);
        }
        return stream.ToArray();
    }

    private static byte[] Payload(int length, byte seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(seed + i * 7);
        return bytes;
    }

    private static List<byte[]> ReadAll(RecordReader reader)
    {
        var read = new List<byte[]>();
        while (reader.Read() == RecordStatus.Record) read.Add(reader.Payload.ToArray());
        return read;
    }

    [Fact]
    public void ReadersOneAfterAnotherAndSideBySideEachReadTheirOwnBytes()
    {
        var a = Records(Payload(100, 1), Payload(3000, 2), Payload(10, 3));
        var b = Records(Payload(50, 9), Payload(60_000, 8));
        for (var round = 0; round < 50; round++)
        {
            using var first = new RecordReader(new MemoryStream(a));
            using var second = new RecordReader(new MemoryStream(b));
            // Interleaved: each record read from one, then the other, so a shared array would mix them.
            Assert.Equal(RecordStatus.Record, first.Read());
            Assert.Equal(RecordStatus.Record, second.Read());
            Assert.Equal(Payload(100, 1), first.Payload.ToArray());
            Assert.Equal(Payload(50, 9), second.Payload.ToArray());
            Assert.Equal([Payload(3000, 2), Payload(10, 3)], ReadAll(first));
            Assert.Equal([Payload(60_000, 8)], ReadAll(second));
        }
    }

    [Fact]
    public void ABufferGrownForALargeRecordIsNotGivenToThePoolAndLaterReadersAreRight()
    {
        // A 200 KB record grows the buffer past the pool's 64 KiB array.
        var large = Records(Payload(10, 4), Payload(200_000, 5), Payload(20, 6));
        using (var reader = new RecordReader(new MemoryStream(large)))
        {
            Assert.Equal([Payload(10, 4), Payload(200_000, 5), Payload(20, 6)], ReadAll(reader));
        }
        for (var round = 0; round < 20; round++)
        {
            using var reader = new RecordReader(new MemoryStream(Records(Payload(40_000, (byte)round), Payload(5, 7))));
            Assert.Equal([Payload(40_000, (byte)round), Payload(5, 7)], ReadAll(reader));
        }
    }

    [Fact]
    public void DisposingTwiceGivesTheBufferBackOnce()
    {
        var bytes = Records(Payload(1000, 1));
        var reader = new RecordReader(new MemoryStream(bytes));
        Assert.Equal(RecordStatus.Record, reader.Read());
        reader.Dispose();
        reader.Dispose();
        // Were the array given back twice, two of these readers would share it and read each other's bytes.
        using var x = new RecordReader(new MemoryStream(Records(Payload(30_000, 2))));
        using var y = new RecordReader(new MemoryStream(Records(Payload(30_000, 3))));
        Assert.Equal(RecordStatus.Record, x.Read());
        Assert.Equal(RecordStatus.Record, y.Read());
        Assert.Equal(Payload(30_000, 2), x.Payload.ToArray());
        Assert.Equal(Payload(30_000, 3), y.Payload.ToArray());
    }

    [Fact]
    public void StartingSmallReadsAFewKilobytesForTheFirstRecordsAndTheSameRecords()
    {
        var payloads = Enumerable.Range(0, 2000).Select(i => Payload(20, (byte)i)).ToArray();
        var bytes = Records(payloads);
        var counting = new CountingStream(new MemoryStream(bytes));
        using var reader = new RecordReader(counting);
        reader.StartSmall();
        Assert.Equal(RecordStatus.Record, reader.Read());
        // One record of 36 bytes: a short read (4 KiB), not the 64 KiB a whole-file reader starts with.
        Assert.InRange(counting.BytesRead, 36, 8 * 1024);
        var rest = ReadAll(reader);
        Assert.Equal(payloads.Skip(1).Select(p => p).ToList(), rest);
    }
}
