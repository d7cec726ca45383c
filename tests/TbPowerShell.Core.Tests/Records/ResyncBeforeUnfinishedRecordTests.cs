using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Records;

/// <summary>
/// Damage followed by a record a writer has not finished: resynchronising must stop at that record
/// (not skip to the end of the data), so it is read once it is complete.
/// </summary>
public class ResyncBeforeUnfinishedRecordTests
{
    private static byte[] Record(byte fill, int length)
    {
        var payload = Enumerable.Repeat(fill, length).ToArray();
        var record = new byte[length + TfRecord.Overhead];
        TfRecord.Write(payload, record);
        return record;
    }

    [Fact]
    public void DamageThenHalfWrittenRecordStopsAtThatRecordAndReadsItWhenComplete()
    {
        var first = Record(1, 40);
        var garbage = Enumerable.Range(0, 57).Select(i => (byte)(i * 37 + 11)).ToArray();
        var last = Record(2, 300);
        int half = 150;
        var stream = new MemoryStream();
        stream.Write(first);
        stream.Write(garbage);
        stream.Write(last, 0, half);

        long lastOffset = first.Length + garbage.Length;
        using (var reader = new RecordReader(stream, 0))
        {
            Assert.Equal(RecordStatus.Record, reader.Read());
            Assert.Equal(RecordStatus.Damaged, reader.Read());
            Assert.Equal(first.Length, reader.LastDamage!.Offset);
            Assert.Equal(lastOffset, reader.LastDamage.ResumedAt);
            Assert.Equal(RecordStatus.Truncated, reader.Read());
            Assert.Equal(lastOffset, reader.Offset);
        }

        // The writer finishes the record: reading from the kept offset gets it, whole.
        stream.Write(last, half, last.Length - half);
        using var resumed = new RecordReader(stream, lastOffset);
        Assert.Equal(RecordStatus.Record, resumed.Read());
        Assert.Equal(Enumerable.Repeat((byte)2, 300), resumed.Payload.ToArray());
        Assert.Equal(RecordStatus.EndOfData, resumed.Read());
    }

    [Fact]
    public void ALyingLengthFollowedByIntactRecordsIsStillSkipped()
    {
        var first = Record(1, 40);
        var liar = new byte[TfRecord.HeaderSize + 10];
        TfRecord.WriteHeader(1_000_000, liar);   // verifies, but claims far more than the file holds
        var second = Record(3, 20);
        var data = first.Concat(liar).Concat(second).ToArray();
        // Break the record after the first so resynchronising starts before the liar.
        data[first.Length + 8] ^= 0xFF;
        using var reader = new RecordReader(new MemoryStream(data), 0);
        Assert.Equal(RecordStatus.Record, reader.Read());
        Assert.Equal(RecordStatus.Damaged, reader.Read());
        Assert.Equal(first.Length + liar.Length, reader.LastDamage!.ResumedAt);
        Assert.Equal(RecordStatus.Record, reader.Read());
        Assert.Equal(Enumerable.Repeat((byte)3, 20), reader.Payload.ToArray());
    }
}
