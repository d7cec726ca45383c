using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Reading;

public class ReaderTests
{
    /// <summary>Writes <paramref name="count"/> scalars "s" = i at step i, and returns the file's record offsets.</summary>
    private static (string Path, List<long> Offsets) WriteScalars(string dir, int count)
    {
        string path;
        using (var writer = new TbWriter(dir, new TbWriterOptions { MaxQueue = 100_000 }))
        {
            path = writer.Path;
            for (int i = 0; i < count; i++)
            {
                writer.AddScalar("s", i, i, new TbTimestamp(1_700_000_000 + i));
            }
        }
        var offsets = new List<long>();
        using var records = new RecordReader(path);
        while (records.Read() == RecordStatus.Record)
        {
            offsets.Add(records.RecordOffset);
        }
        Assert.Equal(count + 1, offsets.Count);
        return (path, offsets);
    }

    [Fact]
    public void LargeFileIsStreamedWithConstantMemory()
    {
        using var temp = new TempDir();
        const int count = 200_000;
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            for (int i = 0; i < count; i++)
            {
                writer.AddScalar(i % 2 == 0 ? "train/loss" : "train/accuracy", i * 0.5, i);
            }
        }
        long length = new FileInfo(path).Length;
        Assert.True(length > 5_000_000, $"file is only {length} bytes");

        var counting = new CountingStream(RecordReader.OpenShared(path));
        using var reader = new EventFileReader(counting, path, null, null, 0);
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(0.0, reader.Current.Value);
        // The first value comes before the file is read: a small offset, and one buffer's worth of reads.
        Assert.True(reader.Offset < 1000, $"offset {reader.Offset}");
        Assert.True(counting.BytesRead <= 256 * 1024, $"read {counting.BytesRead} of {length} bytes for the first value");

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        int n = 1;
        int outOfOrder = 0;
        double sum = 0;
        EventReadResult result;
        while ((result = reader.Next()) == EventReadResult.Scalar)
        {
            // No Assert in the loop: it would allocate and spoil the measurement.
            if (reader.Current.Step != n)
            {
                outOfOrder++;
            }
            sum += reader.Current.Value;
            n++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(0, outOfOrder);
        Assert.Equal(EventReadResult.EndOfData, result);
        Assert.Equal(count, n);
        Assert.Equal(0.5 * count * (count - 1) / 2, sum);
        Assert.Equal(length, counting.BytesRead);
        Assert.Equal(length, reader.Offset);
        Assert.Equal(count + 1, reader.RecordsRead);
        // Constant memory: reading 200k values allocates next to nothing (tags are cached,
        // values are structs, the buffer is reused).
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes reading a {length}-byte file");
    }

    [Fact]
    public void TruncatedTailCanBeResumedOnceTheRestIsWritten()
    {
        using var temp = new TempDir();
        var (source, offsets) = WriteScalars(temp.Sub("src"), 10);
        byte[] all = File.ReadAllBytes(source);
        long last = offsets[^1];
        int cut = (int)(last + (all.Length - last) / 2);

        string copy = temp.Sub("events.out.tfevents.copy");
        File.WriteAllBytes(copy, all[..cut]);
        var first = Read.File(copy);
        Assert.Empty(first.Errors);
        Assert.Equal(EventReadResult.Truncated, first.End);
        Assert.Equal(last, first.EndOffset);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (double)i), first.Scalars.Select(s => s.Value));

        using (var append = new FileStream(copy, FileMode.Append))
        {
            append.Write(all, cut, all.Length - cut);
        }
        var resumed = Read.File(copy, startOffset: first.EndOffset);
        Assert.Empty(resumed.Errors);
        var scalar = Assert.Single(resumed.Scalars);
        Assert.Equal(9.0, scalar.Value);
        Assert.Equal(9, scalar.Step);
        Assert.Equal(1_700_000_009.0, scalar.WallTime);
        Assert.Equal(EventReadResult.EndOfData, resumed.End);
        Assert.Equal(all.Length, resumed.EndOffset);
    }

    [Fact]
    public void SameReaderContinuesAfterTruncationWhenTheWriterCatchesUp()
    {
        using var temp = new TempDir();
        var (source, offsets) = WriteScalars(temp.Sub("src"), 3);
        byte[] all = File.ReadAllBytes(source);
        int cut = (int)offsets[^1] + 5; // inside the last record's header

        string copy = temp.Sub("events.out.tfevents.live");
        File.WriteAllBytes(copy, all[..cut]);
        using var reader = new EventFileReader(copy);
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(EventReadResult.Truncated, reader.Next());
        Assert.Equal(offsets[^1], reader.Offset);
        Assert.Equal(EventReadResult.Truncated, reader.Next());

        using (var append = new FileStream(copy, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            append.Write(all, cut, all.Length - cut);
        }
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(2.0, reader.Current.Value);
        Assert.Equal(EventReadResult.EndOfData, reader.Next());
    }

    [Fact]
    public void ReaderFollowsALiveWriter()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromDays(1), MaxQueue = 1_000_000 });
        using var reader = new EventFileReader(writer.Path);
        Assert.Equal(EventReadResult.EndOfData, reader.Next()); // just the header so far
        Assert.Equal("brain.Event:2", reader.FileVersion);
        writer.AddScalar("live", 1, 1);
        writer.Flush();
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(1.0, reader.Current.Value);
        Assert.Equal(EventReadResult.EndOfData, reader.Next());
        writer.AddScalar("live", 2, 2);
        writer.Flush();
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal(2.0, reader.Current.Value);
    }

    [Fact]
    public void FlippedPayloadByteCostsOneRecord()
    {
        using var temp = new TempDir();
        var (path, offsets) = WriteScalars(temp.Path, 100);
        byte[] bytes = File.ReadAllBytes(path);
        long record = offsets[50]; // the 50th scalar (record 0 is the file_version event)
        bytes[record + TfRecord.HeaderSize + 3] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var outcome = Read.File(path);
        Assert.Equal(99, outcome.Scalars.Count);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.DataCrc, error.Kind);
        Assert.Equal(record, error.Offset);
        Assert.Equal(offsets[51], error.ResumedAt);
        Assert.Equal(offsets[51] - record, error.SkippedBytes);
        Assert.Same(error, outcome.Items[49]);
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i != 49).Select(i => (double)i), outcome.Scalars.Select(s => s.Value));
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Contains(path, error.Message);
        Assert.Contains($"byte {record}", error.Message);
        Assert.Contains($"resumed at byte {offsets[51]}", error.Message);
    }

    [Fact]
    public void FlippedLengthByteIsSkippedToTheNextIntactRecord()
    {
        using var temp = new TempDir();
        var (path, offsets) = WriteScalars(temp.Path, 100);
        byte[] bytes = File.ReadAllBytes(path);
        long record = offsets[50];
        bytes[record] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var outcome = Read.File(path);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.LengthCrc, error.Kind);
        Assert.Equal(record, error.Offset);
        Assert.True(error.SkippedBytes > 0);
        Assert.Equal(offsets[51] - record, error.SkippedBytes);
        Assert.Equal(offsets[51], error.ResumedAt);
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i != 49).Select(i => (double)i), outcome.Scalars.Select(s => s.Value));
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
    }

    [Fact]
    public void LengthThatClaimsTheRestOfTheFileCostsOnlyItsOwnRecord()
    {
        using var temp = new TempDir();
        var (path, offsets) = WriteScalars(temp.Path, 20);
        byte[] bytes = File.ReadAllBytes(path);
        long record = offsets[5];
        // A length with a valid CRC that is far larger than the record: its data CRC cannot verify.
        TfRecord.WriteHeader((int)(bytes.Length - record - TfRecord.Overhead), bytes.AsSpan((int)record));
        File.WriteAllBytes(path, bytes);

        var outcome = Read.File(path);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.DataCrc, error.Kind);
        Assert.Equal(record, error.Offset);
        // The lying length is not trusted to say where the next record starts: the intact records
        // it claims to span are found again, so only the damaged record is lost.
        Assert.Equal(offsets[6], error.ResumedAt);
        Assert.Equal(offsets[6] - record, error.SkippedBytes);
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 4).Select(i => (double)i), outcome.Scalars.Select(s => s.Value));
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
    }

    [Fact]
    public void DamagedLastRecordSkipsToTheEnd()
    {
        using var temp = new TempDir();
        var (path, offsets) = WriteScalars(temp.Path, 5);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offsets[^1] + 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var outcome = Read.File(path);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.LengthCrc, error.Kind);
        Assert.Equal(-1, error.ResumedAt);
        Assert.Equal(bytes.Length - offsets[^1], error.SkippedBytes);
        Assert.Equal(4, outcome.Scalars.Count);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(bytes.Length, outcome.EndOffset);
    }

    [Fact]
    public void IntactRecordThatIsNotAnEventIsReportedAndSkipped()
    {
        using var temp = new TempDir();
        var (path, _) = WriteScalars(temp.Path, 2);
        long badOffset = new FileInfo(path).Length;
        byte[] garbage = [0x00, 0xFF, 0xFF]; // field number 0: not a protobuf message
        var framed = new byte[garbage.Length + TfRecord.Overhead];
        TfRecord.Write(garbage, framed);
        using (var append = new FileStream(path, FileMode.Append))
        {
            append.Write(framed);
        }
        using (var writer = new TbWriter(temp.Sub("other")))
        {
            writer.AddScalar("s", 2, 2, new TbTimestamp(1_700_000_002));
            writer.Flush();
            byte[] more = File.ReadAllBytes(writer.Path);
            long secondRecord;
            using (var records = new RecordReader(writer.Path))
            {
                records.Read();
                secondRecord = records.Offset;
            }
            using var append = new FileStream(path, FileMode.Append);
            append.Write(more, (int)secondRecord, more.Length - (int)secondRecord);
        }

        var outcome = Read.File(path);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.UnparsablePayload, error.Kind);
        Assert.Equal(badOffset, error.Offset);
        Assert.Equal(framed.Length, error.SkippedBytes);
        Assert.Equal(badOffset + framed.Length, error.ResumedAt);
        Assert.Equal([0.0, 1.0, 2.0], outcome.Scalars.Select(s => s.Value));
        Assert.Contains("not a valid event", error.Message);
    }

    [Fact]
    public void ReadingFromAnOffsetSkipsEarlierRecords()
    {
        using var temp = new TempDir();
        var (path, offsets) = WriteScalars(temp.Path, 10);
        var outcome = Read.File(path, startOffset: offsets[7]);
        Assert.Equal([6.0, 7.0, 8.0, 9.0], outcome.Scalars.Select(s => s.Value));
        Assert.Null(outcome.FileVersion); // the first event was not read
    }
}
