using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Repair;

namespace TbPowerShell.Core.Tests.Repair;

/// <summary>
/// EventFileRepair on the damaged fixtures and on files damaged here: the intact records byte for
/// byte, the source untouched, backups TensorBoard does not read, no half-written output.
/// </summary>
public sealed class EventFileRepairTests
{
    private static string Scalars => Fixtures.EventFile("pytorch", "scalars");

    /// <summary>Every record of a file as (offset, framed bytes), read with the plain record reader.</summary>
    private static List<(long Offset, byte[] Framed)> Records(byte[] file)
    {
        var list = new List<(long, byte[])>();
        using var reader = new RecordReader(new MemoryStream(file));
        while (true)
        {
            var status = reader.Read();
            if (status == RecordStatus.Record)
            {
                list.Add((reader.RecordOffset, file[(int)reader.RecordOffset..(int)reader.Offset]));
            }
            else if (status != RecordStatus.Damaged)
            {
                return list;
            }
        }
    }

    private static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

    [Theory]
    [InlineData("crc_middle", 65)]
    [InlineData("length_crc_middle", 65)]
    [InlineData("truncated_header", -1)]
    [InlineData("truncated_payload", -1)]
    [InlineData("truncated_data_crc", -1)]
    public void ACopyOfADamagedFixtureHoldsExactlyTheOtherRecordsByteForByte(string damagedCase, int lostRecord)
    {
        using var temp = new TempDir();
        var original = Records(File.ReadAllBytes(Scalars));
        int lost = lostRecord >= 0 ? lostRecord : original.Count - 1;
        byte[] expected = Concat(original.Where((_, i) => i != lost).Select(r => r.Framed));
        string source = Fixtures.EventFile("damaged", damagedCase);
        byte[] sourceBefore = File.ReadAllBytes(source);
        string destination = temp.Sub("fixed", Path.GetFileName(source));

        var result = EventFileRepair.CopyTo(source, destination);

        Assert.Equal(expected, File.ReadAllBytes(destination));
        Assert.Equal(sourceBefore, File.ReadAllBytes(source));
        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.Equal(original.Count - 1, result.RecordsKept);
        Assert.Equal(sourceBefore.Length - expected.Length, result.BytesRemoved);
        Assert.Equal(lostRecord < 0, result.EndedTruncated);
        Assert.False(result.InPlace);
        Assert.Null(result.BackupPath);
        Assert.Equal(destination, result.Destination);
        var region = Assert.Single(result.Regions);
        Assert.Equal(original[lost].Offset, region.Offset);
        var recheck = EventFileHealth.Check(destination);
        Assert.True(recheck.IsHealthy);
        Assert.Equal(original.Count - 1, recheck.IntactRecords);
        // Nothing else was left in the destination folder (no temporary file).
        Assert.Equal([destination], Directory.GetFiles(temp.Sub("fixed"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("histogram")]
    [InlineData("image")]
    [InlineData("audio")]
    public void AHealthyFileIsCopiedUnchanged(string fixture)
    {
        using var temp = new TempDir();
        string source = Fixtures.EventFile("pytorch", fixture);
        string destination = temp.Sub(Path.GetFileName(source));
        var result = EventFileRepair.CopyTo(source, destination);
        Assert.Equal(RepairOutcome.CopiedUnchanged, result.Outcome);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(destination));
        Assert.Empty(result.Regions);
        Assert.Equal(0, result.BytesRemoved);
    }

    [Fact]
    public void ACopyNeverGoesToItsSourceFolderNorOverAnExistingFileUnlessAsked()
    {
        using var temp = new TempDir();
        string source = temp.Sub("run", "events.out.tfevents.1.host.1.0");
        Directory.CreateDirectory(temp.Sub("run"));
        File.Copy(Fixtures.EventFile("damaged", "crc_middle"), source);

        var own = Assert.Throws<ArgumentException>(() => EventFileRepair.CopyTo(source, temp.Sub("run", "copy.tfevents")));
        Assert.Contains("twice", own.Message);
        Assert.Single(Directory.GetFiles(temp.Sub("run")));

        string destination = temp.Sub("fixed", Path.GetFileName(source));
        Directory.CreateDirectory(temp.Sub("fixed"));
        File.WriteAllText(destination, "keep me");
        Assert.Throws<IOException>(() => EventFileRepair.CopyTo(source, destination));
        Assert.Equal("keep me", File.ReadAllText(destination));

        var result = EventFileRepair.CopyTo(source, destination, overwrite: true);
        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.True(EventFileHealth.Check(destination).IsHealthy);
        Assert.Single(Directory.GetFiles(temp.Sub("fixed")));
    }

    [Fact]
    public void InPlaceReplacesTheFileAndKeepsTheOriginalUnderANameTensorBoardIgnores()
    {
        using var temp = new TempDir();
        string run = temp.Sub("run");
        Directory.CreateDirectory(run);
        string file = Path.Combine(run, Path.GetFileName(Scalars));
        File.Copy(Fixtures.EventFile("damaged", "crc_middle"), file);
        byte[] damaged = File.ReadAllBytes(file);
        var originalScalars = ReadScalars(Scalars);

        string backup = EventFileRepair.NewBackupPath(file);
        var result = EventFileRepair.InPlace(file, backup);

        Assert.True(result.InPlace);
        Assert.Equal(backup, result.BackupPath);
        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.Equal("events.out.tfbackup.1795723111.vm.21275.0", Path.GetFileName(backup));
        Assert.Equal(damaged, File.ReadAllBytes(backup));
        Assert.True(EventFileHealth.Check(file).IsHealthy);
        // The run still holds one event file: the backup is not read as a second copy of the events.
        var found = Assert.Single(LogDirectory.FindRuns(temp.Path));
        Assert.Equal([file], found.Files);
        Assert.Equal(2, Directory.GetFiles(run).Length);
        // Every scalar but the damaged record's one, in order.
        var repaired = ReadScalars(file);
        Assert.Equal(originalScalars.Count - 1, repaired.Count);
        Assert.All(repaired, s => Assert.Contains(s, originalScalars));
    }

    [Fact]
    public void InPlaceLeavesAHealthyFileAloneAndMakesNoBackup()
    {
        using var temp = new TempDir();
        string file = temp.Sub(Path.GetFileName(Scalars));
        File.Copy(Scalars, file);
        DateTime written = File.GetLastWriteTimeUtc(file);
        var result = EventFileRepair.InPlace(file, EventFileRepair.NewBackupPath(file));
        Assert.Equal(RepairOutcome.AlreadyHealthy, result.Outcome);
        Assert.Null(result.BackupPath);
        Assert.False(result.InPlace);
        Assert.Equal([file], Directory.GetFiles(temp.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public void BackupNamesNeverContainTfeventsAndNeverOverwriteEarlierBackups()
    {
        using var temp = new TempDir();
        string file = temp.Sub("events.out.tfevents.1700000000.host.7.0");
        File.WriteAllBytes(file, []);
        string first = EventFileRepair.NewBackupPath(file);
        Assert.Equal(temp.Sub("events.out.tfbackup.1700000000.host.7.0"), first);
        File.WriteAllBytes(first, []);
        Assert.Equal(first + ".1", EventFileRepair.NewBackupPath(file));
        Assert.Equal(temp.Sub("bak", "events.out.tfbackup.1700000000.host.7.0"), EventFileRepair.NewBackupPath(file, temp.Sub("bak")));
        Assert.Throws<ArgumentException>(() => EventFileRepair.InPlace(file, temp.Sub("x.tfevents.bak")));
    }

    [Fact]
    public void ACancelledRepairLeavesNoOutputAndTheSourceAsItWas()
    {
        using var temp = new TempDir();
        string file = temp.Sub("run", Path.GetFileName(Scalars));
        Directory.CreateDirectory(temp.Sub("run"));
        File.Copy(Fixtures.EventFile("damaged", "crc_middle"), file);
        byte[] before = File.ReadAllBytes(file);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => EventFileRepair.CopyTo(file, temp.Sub("fixed", "f.tfevents"), cancellation: cancel.Token));
        Assert.Empty(Directory.GetFiles(temp.Sub("fixed")));
        Assert.ThrowsAny<OperationCanceledException>(() => EventFileRepair.InPlace(file, EventFileRepair.NewBackupPath(file), cancel.Token));
        Assert.Equal([file], Directory.GetFiles(temp.Sub("run")));
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData(100_000UL)]                 // past the end of the file, below int.MaxValue
    [InlineData(1UL << 62)]                 // a length no file can hold
    [InlineData(0x8000_0000_0000_0010UL)]   // negative as an int64
    public void ALyingLengthWithAValidCrcCostsOneRecordNotTheRestOfTheFile(ulong lie)
    {
        byte[] bytes = File.ReadAllBytes(Scalars);
        var original = Records(bytes);
        const int victim = 40;
        long at = original[victim].Offset;
        BitConverter.TryWriteBytes(bytes.AsSpan((int)at, 8), lie);
        BitConverter.TryWriteBytes(bytes.AsSpan((int)at + 8, 4), MaskedCrc32C.ComputeMasked(bytes.AsSpan((int)at, 8)));

        // Intact records follow the lie, so it is damage: the record reader reads past it (it once stopped there)...
        Assert.Equal(original.Count - 1, Records(bytes).Count);
        // ...and the health check and the repair report it and keep the rest.
        var report = EventFileHealth.Check(new MemoryStream(bytes), "lie", null, default);
        var region = Assert.Single(report.Regions);
        Assert.Equal(DamageKind.ImplausibleLength, region.Kind);
        Assert.Equal(at, region.Offset);
        Assert.Equal(original[victim + 1].Offset - at, region.Length);
        Assert.Equal(original.Count - 1, report.IntactRecords);

        var repaired = new MemoryStream();
        EventFileRepair.WriteIntact(new MemoryStream(bytes), "lie", repaired, default);
        Assert.Equal(Concat(original.Where((_, i) => i != victim).Select(r => r.Framed)), repaired.ToArray());
    }

    [Fact]
    public void ATailStillBeingWrittenIsATruncatedTailNotALyingLength()
    {
        byte[] bytes = File.ReadAllBytes(Scalars);
        var original = Records(bytes);
        long last = original[^1].Offset;
        byte[] cut = bytes[..(int)(last + TfRecord.HeaderSize + 5)];
        var report = EventFileHealth.Check(new MemoryStream(cut), "cut", null, default);
        var region = Assert.Single(report.Regions);
        Assert.Equal(DamageKind.TruncatedTail, region.Kind);
        Assert.Equal(last, region.Offset);
        Assert.Equal(cut.Length - last, region.Length);
    }

    private static List<ScalarRecord> ReadScalars(string path)
    {
        var list = new List<ScalarRecord>();
        using var reader = new EventFileReader(path);
        EventReadResult r;
        while ((r = reader.Next()) is not (EventReadResult.EndOfData or EventReadResult.Truncated))
        {
            if (r == EventReadResult.Scalar)
            {
                list.Add(reader.Current);
            }
        }
        return list;
    }
}
