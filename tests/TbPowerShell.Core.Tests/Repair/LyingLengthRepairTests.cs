using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Repair;

namespace TbPowerShell.Core.Tests.Repair;

/// <summary>
/// EventFileHealth and EventFileRepair on a damaged first header, a lying length mid-file and at the tail, and many
/// lying headers; and an in-place repair through a symbolic link.
/// </summary>
public sealed class LyingLengthRepairTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Cases => new() { "first", "mid", "tail", "many" };

    private static DamagedFile Make(string name) => name switch
    {
        "first" => DamagedFile.FirstHeaderDamaged(),
        "mid" => DamagedFile.LyingLengthMidFile(),
        "tail" => DamagedFile.LyingLengthAtTail(),
        _ => DamagedFile.ManyLyingHeaders(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheHealthCheckReportsEachRegionAndCountsEveryIntactRecord(string name)
    {
        var file = Make(name);
        var report = EventFileHealth.Check(file.WriteTo(_temp.Sub(name)));
        var expected = file.Damage.Select(d => new DamagedRegion(d.Offset, d.Length, name == "first" ? DamageKind.LengthCrc : DamageKind.ImplausibleLength)).ToList();
        if (file.TailOffset >= 0)
        {
            expected.Add(new DamagedRegion(file.TailOffset, file.Length - file.TailOffset, DamageKind.TruncatedTail));
        }
        Assert.Equal(expected, report.Regions);
        // The file_version record counts too, when intact.
        Assert.Equal(file.Steps.Count + (name == "first" ? 0 : 1), report.IntactRecords);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ARepairedCopyHoldsEveryIntactRecordAndReadsClean(string name)
    {
        var file = Make(name);
        string source = file.WriteTo(_temp.Sub("runs", name));
        string copy = _temp.Sub("fixed", name, Path.GetFileName(source));
        var result = EventFileRepair.CopyTo(source, copy);

        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        var outcome = Read.File(copy);
        Assert.Empty(outcome.Errors);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(file.Steps, outcome.Scalars.Select(s => s.Step).ToList());
        Assert.Empty(EventFileHealth.Check(copy).Regions);
    }

    [LinkFact]
    public void InPlaceThroughASymbolicLinkRepairsTheFileItPointsToAndKeepsTheLink()
    {
        var file = DamagedFile.LyingLengthMidFile();
        string target = file.WriteTo(_temp.Sub("store"));
        string link = _temp.Sub("run", Path.GetFileName(target));
        Directory.CreateDirectory(_temp.Sub("run"));
        File.CreateSymbolicLink(link, target);

        Assert.Equal(target, EventFileRepair.ResolveLinks(link));
        string backup = EventFileRepair.NewBackupPath(EventFileRepair.ResolveLinks(link));
        var result = EventFileRepair.InPlace(link, backup);

        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.True(result.InPlace);
        Assert.Equal(link, result.Source);
        Assert.Equal(target, result.Destination);
        Assert.Equal(_temp.Sub("store"), Path.GetDirectoryName(result.BackupPath));
        Assert.Equal(file.Bytes, File.ReadAllBytes(backup));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal(file.Steps, Read.File(link).Scalars.Select(s => s.Step).ToList());
        Assert.Empty(EventFileHealth.Check(target).Regions);
        Assert.Equal([link], Directory.GetFileSystemEntries(_temp.Sub("run")));
        Assert.Equal(2, Directory.GetFiles(_temp.Sub("store")).Length); // the repaired file and its backup, no temporary file left
    }

    [Fact]
    public void ResolveLinksGivesAPathThatIsNoLinkAsItIs()
    {
        string path = DamagedFile.LyingLengthMidFile().WriteTo(_temp.Sub("plain"));
        Assert.Equal(path, EventFileRepair.ResolveLinks(path));
        Assert.Equal(path, EventFileRepair.ResolveLinks(Path.Combine(_temp.Sub("plain"), ".", Path.GetFileName(path))));
    }

    [Fact]
    public void HealthAndRecordReaderAgreeOnWhatIsIntact()
    {
        var file = DamagedFile.ManyLyingHeaders(groups: 7, perGroup: 33);
        var bytes = file.Bytes;
        var kept = new MemoryStream();
        var report = EventFileRepair.WriteIntact(new MemoryStream(bytes), "many", kept, default);
        using var reader = new RecordReader(new MemoryStream(kept.ToArray()));
        long records = 0;
        while (reader.Read() == RecordStatus.Record)
        {
            records++;
        }
        Assert.Equal(report.IntactRecords, records);
        Assert.Equal(8, report.Regions.Count);
    }
}
