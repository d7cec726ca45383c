using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>
/// Every reader of records above RecordReader (EventFileReader, LooksLikeEventFile, the run readers and the summary
/// scanner behind Get-TbRun and Get-TbTag) reads past a damaged first header and a lying length, reports them as damage,
/// and leaves a length running past the end at the tail as a truncated file, not damage.
/// </summary>
public sealed class ReadPastDamageTests : IDisposable
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

    private static EventReadErrorKind KindOf(string name) => name == "first" ? EventReadErrorKind.LengthCrc : EventReadErrorKind.LengthBeyondEnd;

    [Theory]
    [MemberData(nameof(Cases))]
    public void EventFileReaderReportsTheDamageAndReturnsEveryIntactValue(string name)
    {
        var file = Make(name);
        string path = file.WriteTo(_temp.Sub(name));
        var outcome = Read.File(path);

        Assert.Equal(file.Steps, outcome.Scalars.Select(s => s.Step).ToList());
        Assert.All(outcome.Scalars, s => Assert.Equal(s.Step, (long)s.Value));
        Assert.Equal(file.Damage, outcome.Errors.Select(e => (e.Offset, e.SkippedBytes)).ToList());
        Assert.All(outcome.Errors, e => Assert.Equal(KindOf(name), e.Kind));
        Assert.All(outcome.Errors, e => Assert.Equal(e.Offset + e.SkippedBytes, e.ResumedAt));
        if (file.TailOffset >= 0)
        {
            Assert.Equal(EventReadResult.Truncated, outcome.End);
            Assert.Equal(file.TailOffset, outcome.EndOffset);
        }
        else
        {
            Assert.Equal(EventReadResult.EndOfData, outcome.End);
        }
    }

    [Fact]
    public void ALyingLengthReadsTheSameWhenLargeRecordsAreSkimmed()
    {
        var file = DamagedFile.LyingLengthMidFile();
        string path = file.WriteTo(_temp.Sub("skim"));
        // Reading only scalars of a tag makes the reader peek at records (the skim path) rather than read them.
        using var reader = new EventFileReader(path, tag => tag == "loss", kinds: EventKinds.Scalar) { CountedKinds = EventKinds.Image };
        var steps = new List<long>();
        var errors = new List<EventReadError>();
        EventReadResult result;
        while ((result = reader.Next()) is not (EventReadResult.EndOfData or EventReadResult.Truncated))
        {
            if (result == EventReadResult.Scalar)
            {
                steps.Add(reader.Current.Step);
            }
            else if (result == EventReadResult.Error)
            {
                errors.Add(reader.LastError!);
            }
        }
        Assert.Equal(EventReadResult.EndOfData, result);
        Assert.Equal(file.Steps, steps);
        Assert.Equal(EventReadErrorKind.LengthBeyondEnd, Assert.Single(errors).Kind);
        Assert.Contains("runs past the end of the file", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithAnyIntactRecordLooksLikeAnEventFile()
    {
        Assert.True(EventFileReader.LooksLikeEventFile(DamagedFile.FirstHeaderDamaged().WriteTo(_temp.Sub("first"))));
        Assert.True(EventFileReader.LooksLikeEventFile(DamagedFile.LyingLengthAtTail().WriteTo(_temp.Sub("tail"))));
        var garbage = new byte[50_000];
        new Random(3).NextBytes(garbage);
        string other = _temp.Sub("other.bin");
        File.WriteAllBytes(other, garbage);
        Assert.False(EventFileReader.LooksLikeEventFile(other));
        File.WriteAllBytes(other, garbage.Concat(HandFramed.Scalar("loss", 1, 1)).ToArray());
        Assert.True(EventFileReader.LooksLikeEventFile(other));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheRunReadersReportTheDamageAndReturnEveryIntactValue(string name)
    {
        var file = Make(name);
        file.WriteTo(_temp.Sub(name));
        var runs = LogDirectory.FindRuns(_temp.Sub(name));
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 7, MaxDegreeOfParallelism = 2 });
        foreach (var items in new[] { reader.Read().ToList(), reader.ReadSequentially().ToList() })
        {
            Assert.DoesNotContain(items, i => i.Kind == ReadItemKind.NotEventFile);
            Assert.Equal(file.Steps, items.Where(i => i.Kind == ReadItemKind.Scalar).Select(i => i.Scalar.Step).ToList());
            var damage = items.Where(i => i.Kind == ReadItemKind.Damaged).Select(i => i.Error!).ToList();
            Assert.Equal(file.Damage, damage.Select(e => (e.Offset, e.SkippedBytes)).ToList());
            Assert.All(damage, e => Assert.Equal(KindOf(name), e.Kind));
            var end = items[^1];
            Assert.Equal(file.TailOffset >= 0 ? ReadItemKind.Truncated : ReadItemKind.EndOfFile, end.Kind);
            if (file.TailOffset >= 0)
            {
                Assert.Equal(file.TailOffset, end.Offset);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheSummaryScannerCountsEveryIntactValueAndEachDamagedRegion(string name)
    {
        var file = Make(name);
        file.WriteTo(_temp.Sub(name));
        var items = new RunSummaryScanner(LogDirectory.FindRuns(_temp.Sub(name))).Scan().ToList();
        var summary = items.Single(i => i.Kind == ReadItemKind.Summary).Summary!;
        Assert.Equal(file.Steps.Count, summary.Values);
        Assert.Equal(file.Damage.Count, summary.DamagedRegions);
        Assert.Equal(0, summary.UnreadableFiles);
        var loss = Assert.Single(summary.Tags);
        Assert.Equal(file.Steps[^1], loss.LastStep);
        Assert.Equal(file.Damage.Count, items.Count(i => i.Kind == ReadItemKind.Damaged));
        Assert.DoesNotContain(items, i => i.Kind == ReadItemKind.NotEventFile);
    }
}
