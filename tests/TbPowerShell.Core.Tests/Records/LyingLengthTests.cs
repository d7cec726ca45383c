using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Records;

/// <summary>
/// RecordReader on a damaged first header, a lying length mid-file, a length running past the end at the tail and
/// many lying headers: damage is reported and read past when intact records follow, the tail stays truncated.
/// </summary>
public sealed class LyingLengthTests
{
    private sealed record Outcome(List<long> Records, List<RecordDamage> Damage, RecordStatus End, long EndOffset);

    private static Outcome ReadAll(byte[] bytes)
    {
        using var reader = new RecordReader(new MemoryStream(bytes));
        var records = new List<long>();
        var damage = new List<RecordDamage>();
        while (true)
        {
            var status = reader.Read();
            switch (status)
            {
                case RecordStatus.Record:
                    records.Add(reader.RecordOffset);
                    break;
                case RecordStatus.Damaged:
                    damage.Add(reader.LastDamage!);
                    break;
                default:
                    return new Outcome(records, damage, status, reader.Offset);
            }
        }
    }

    [Fact]
    public void ADamagedFirstHeaderIsSkippedAndTheRecordsAfterItAreRead()
    {
        var file = DamagedFile.FirstHeaderDamaged();
        var outcome = ReadAll(file.Bytes);
        var damage = Assert.Single(outcome.Damage);
        Assert.Equal(RecordDamageKind.LengthCrc, damage.Kind);
        Assert.Equal(0, damage.Offset);
        Assert.Equal(file.Damage[0].Length, damage.ResumedAt);
        Assert.Equal(61, outcome.Records.Count);
        Assert.Equal(RecordStatus.EndOfData, outcome.End);
    }

    [Fact]
    public void ALyingLengthMidFileIsDamageAndTheRecordsAfterItAreRead()
    {
        var file = DamagedFile.LyingLengthMidFile();
        var outcome = ReadAll(file.Bytes);
        var damage = Assert.Single(outcome.Damage);
        Assert.Equal(RecordDamageKind.LengthBeyondEnd, damage.Kind);
        Assert.Equal(file.Damage[0].Offset, damage.Offset);
        Assert.Equal(file.Damage[0].Length, damage.SkippedBytes);
        Assert.Equal(damage.Offset + damage.SkippedBytes, damage.ResumedAt);
        Assert.Equal(1 + 50, outcome.Records.Count);
        Assert.Equal(RecordStatus.EndOfData, outcome.End);
    }

    [Fact]
    public void ALengthRunningPastTheEndAtTheTailIsTruncatedNotDamage()
    {
        var file = DamagedFile.LyingLengthAtTail();
        var outcome = ReadAll(file.Bytes);
        Assert.Empty(outcome.Damage);
        Assert.Equal(1 + 20, outcome.Records.Count);
        Assert.Equal(RecordStatus.Truncated, outcome.End);
        Assert.Equal(file.TailOffset, outcome.EndOffset);
    }

    [Fact]
    public void ManyLyingHeadersGiveOneRegionPerRunOfThemAndEveryIntactRecord()
    {
        var file = DamagedFile.ManyLyingHeaders();
        var outcome = ReadAll(file.Bytes);
        Assert.Equal(file.Damage, outcome.Damage.Select(d => (d.Offset, d.SkippedBytes)).ToList());
        Assert.All(outcome.Damage, d => Assert.Equal(RecordDamageKind.LengthBeyondEnd, d.Kind));
        Assert.Equal(1 + file.Steps.Count, outcome.Records.Count);
        Assert.Equal(RecordStatus.Truncated, outcome.End);
        Assert.Equal(file.TailOffset, outcome.EndOffset);
    }

    [Fact]
    public void PeekReportsALyingLengthAsDamageAndATailAsTruncated()
    {
        var mid = DamagedFile.LyingLengthMidFile();
        using (var reader = new RecordReader(new MemoryStream(mid.Bytes), mid.Damage[0].Offset))
        {
            Assert.Equal(RecordStatus.Damaged, reader.Peek(512, minLengthForHead: 0));
            Assert.Equal(RecordDamageKind.LengthBeyondEnd, reader.LastDamage!.Kind);
            Assert.Equal(mid.Damage[0].Offset + mid.Damage[0].Length, reader.Offset);
            Assert.Equal(RecordStatus.Record, reader.Peek(512));
        }
        var tail = DamagedFile.LyingLengthAtTail();
        using var atTail = new RecordReader(new MemoryStream(tail.Bytes), tail.TailOffset);
        Assert.Equal(RecordStatus.Truncated, atTail.Peek(512));
        Assert.Equal(tail.TailOffset, atTail.Offset);
    }

    [Fact]
    public void ARecordRunningPastTheEndIsReadOnceTheWriterFinishesIt()
    {
        var stream = new MemoryStream();
        stream.Write(HandFramed.FileVersion());
        var record = HandFramed.Scalar("loss", 1, 1);
        long at = stream.Length;
        stream.Write(record, 0, 20);
        using var reader = new RecordReader(stream);
        Assert.Equal(RecordStatus.Record, reader.Read());
        Assert.Equal(RecordStatus.Truncated, reader.Read());
        Assert.Equal(at, reader.Offset);

        // The same reader, asked again once the record is whole (what was scanned before no longer holds).
        stream.Write(record, 20, record.Length - 20);
        Assert.Equal(RecordStatus.Record, reader.Read());
        Assert.Equal(at, reader.RecordOffset);
        Assert.Equal(RecordStatus.EndOfData, reader.Read());
    }

    [Fact]
    public void HoldsRecordsIsTrueForAnyFileWithAnIntactRecordAndFalseForOthers()
    {
        Assert.True(RecordReader.HoldsRecords(new MemoryStream()));
        Assert.True(RecordReader.HoldsRecords(new MemoryStream(DamagedFile.FirstHeaderDamaged().Bytes)));
        Assert.True(RecordReader.HoldsRecords(new MemoryStream(DamagedFile.LyingLengthAtTail().Bytes)));
        var random = new byte[100_000];
        new Random(5).NextBytes(random);
        Assert.False(RecordReader.HoldsRecords(new MemoryStream(random)));
        var recordAtTheEnd = random.Concat(HandFramed.Scalar("loss", 1, 1)).ToArray();
        Assert.True(RecordReader.HoldsRecords(new MemoryStream(recordAtTheEnd)));
    }
}
