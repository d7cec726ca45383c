using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

public sealed class RunReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes runs of different sizes, some with two files, some with images and text.</summary>
    private IReadOnlyList<EventRun> WriteRuns(int runs, int scalarsPerRun, bool media = false)
    {
        var random = new Random(7);
        for (int r = 0; r < runs; r++)
        {
            string runDir = _dir.Sub("logs", $"run{r:00}");
            int files = r % 3 == 0 ? 2 : 1;
            int count = scalarsPerRun + r * 37;
            for (int f = 0; f < files; f++)
            {
                using var writer = new TbWriter(runDir, new TbWriterOptions { FilenameSuffix = $".{f}" });
                for (int i = 0; i < count; i++)
                {
                    long step = f * count + i;
                    writer.AddScalar(i % 2 == 0 ? "loss" : "acc/train", Math.Sin(i + r), step, new TbTimestamp(1.7e9 + step));
                    if (media && i % 50 == 0)
                    {
                        var blob = new byte[5000 + random.Next(3000)];
                        random.NextBytes(blob);
                        writer.AddValue(SummaryValues.Image("sample", blob, 10, 10, 3), step, new TbTimestamp(1.7e9 + step));
                        writer.AddValue(SummaryValues.Text("note", $"step {step}"), step, new TbTimestamp(1.7e9 + step));
                    }
                }
            }
        }
        return LogDirectory.FindRuns(_dir.Sub("logs"));
    }

    private static string Describe(RunReadItem item) => item.Kind switch
    {
        ReadItemKind.Scalar => $"S {item.Run.Name} {Path.GetFileName(item.File)} {item.Scalar} @{item.Offset} {item.BytesDone}",
        ReadItemKind.Value => $"V {item.Run.Name} {Path.GetFileName(item.File)} {item.Value!.GetType().Name} {item.Value.Tag} {item.Value.Step} {item.Value.WallTime} @{item.Offset}",
        ReadItemKind.Damaged => $"D {item.Run.Name} {item.Error!.Message}",
        ReadItemKind.Unreadable => $"F {item.Run.Name} {Path.GetFileName(item.File)} {item.Exception!.GetType().Name}",
        _ => $"{item.Kind} {item.Run.Name} {Path.GetFileName(item.File)} @{item.Offset} {item.BytesDone}",
    };

    /// <summary>The oracle: each run's files read one after another with EventFileReader, sharing one tag state.</summary>
    private static List<string> ReadWithFileReader(IEnumerable<EventRun> runs, EventKinds kinds)
    {
        var lines = new List<string>();
        foreach (var run in runs)
        {
            var state = new RunTagState();
            foreach (string file in run.Files)
            {
                using var reader = new EventFileReader(file, null, state, 0, kinds);
                for (var result = reader.Next(); ; result = reader.Next())
                {
                    if (result == EventReadResult.Scalar)
                    {
                        lines.Add($"S {run.Name} {reader.Current}");
                    }
                    else if (result == EventReadResult.Value)
                    {
                        lines.Add($"V {run.Name} {reader.CurrentValue!.GetType().Name} {reader.CurrentValue.Tag} {reader.CurrentValue.Step}");
                    }
                    else if (result == EventReadResult.Error)
                    {
                        lines.Add($"D {run.Name} {reader.LastError!.Message}");
                    }
                    else
                    {
                        lines.Add($"end {run.Name} {Path.GetFileName(file)} {result} @{reader.Offset}");
                        break;
                    }
                }
            }
        }
        return lines;
    }

    private static string Short(RunReadItem item) => item.Kind switch
    {
        ReadItemKind.Scalar => $"S {item.Run.Name} {item.Scalar}",
        ReadItemKind.Value => $"V {item.Run.Name} {item.Value!.GetType().Name} {item.Value.Tag} {item.Value.Step}",
        ReadItemKind.Damaged => $"D {item.Run.Name} {item.Error!.Message}",
        _ => $"end {item.Run.Name} {Path.GetFileName(item.File)} {(item.Kind == ReadItemKind.EndOfFile ? "EndOfData" : item.Kind.ToString())} @{item.Offset}",
    };

    [Fact]
    public void ManyRunsGiveExactlyTheSequentialOrder()
    {
        var runs = WriteRuns(14, 900, media: true);
        var fixtures = LogDirectory.FindRuns(Fixtures.Path("pytorch")).Concat(LogDirectory.FindRuns(Fixtures.Path("damaged")));
        var all = runs.Concat(fixtures.Select(r => r with { Name = "fixture/" + r.Name })).ToList();
        Assert.True(all.Count > 30);
        var options = new RunReadOptions { Kinds = EventKinds.All, BatchSize = 7, BatchesPerRun = 2, MaxDegreeOfParallelism = 3 };
        var byBytes = new RunReadOptions { Kinds = EventKinds.All, BatchSize = 5000, MaxBatchBytes = 20_000, BatchesPerRun = 1, MaxDegreeOfParallelism = 2 };
        var reader = new RunReader(all, options);

        var parallel = reader.Read().Select(Describe).ToList();
        var sequential = reader.ReadSequentially().Select(Describe).ToList();

        Assert.Equal(sequential, parallel);
        Assert.Equal(sequential, new RunReader(all, byBytes).Read().Select(Describe).ToList());
        Assert.Equal(ReadWithFileReader(all, EventKinds.All), reader.Read().Select(Short).ToList());
        Assert.Contains(parallel, l => l.StartsWith("D fixture/", StringComparison.Ordinal));
        Assert.Contains(parallel, l => l.StartsWith("V run03 ", StringComparison.Ordinal) && l.Contains("ImageRecord"));
        Assert.Equal(all.Sum(r => r.Files.Count), reader.Read().Count(i => i.ClosesFile));
    }

    [Fact]
    public void ProgressReachesTheTotalSize()
    {
        var runs = WriteRuns(5, 300);
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 64 });
        var items = reader.Read().ToList();
        Assert.Equal(reader.TotalBytes, items[^1].BytesDone);
        Assert.True(items.Zip(items.Skip(1)).All(p => p.First.BytesDone <= p.Second.BytesDone));
        Assert.Equal(runs.Sum(r => (300 + int.Parse(r.Name[3..]) * 37) * r.Files.Count), items.Count(i => i.Kind == ReadItemKind.Scalar));
    }

    [Fact]
    public void BuffersStayBoundedWhileTheConsumerWaits()
    {
        var runs = WriteRuns(10, 20_000);
        var options = new RunReadOptions { BatchSize = 100, BatchesPerRun = 2, MaxDegreeOfParallelism = 2, ReadAheadRuns = 3 };
        var reader = new RunReader(runs, options);
        using var items = reader.Read().GetEnumerator();
        Assert.True(items.MoveNext());

        // Stop consuming until both workers wait for the consumer: what they hold then is all they will hold.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (reader.Stats.WaitingWorkers < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.Equal(2, reader.Stats.WaitingWorkers);
        int bound = options.ReadAheadRuns!.Value * options.BatchesPerRun + options.MaxDegreeOfParallelism;
        Assert.InRange(reader.Stats.BufferedBatches, 1, bound);

        long count = 1;
        while (items.MoveNext())
        {
            count++;
        }
        long expected = ReadWithFileReader(runs, EventKinds.Scalar).Count;
        Assert.Equal(expected, count);
        Assert.InRange(reader.Stats.PeakBufferedBatches, 1, bound);
        Assert.Equal(0, reader.Stats.BufferedBatches);
    }

    [Fact]
    public void PayloadBytesHeldPerRunStayWithinTheBudget()
    {
        // Runs of images: each image its own batch; the batch count alone would let a run hold 32.
        for (int r = 0; r < 4; r++)
        {
            using var writer = new TbWriter(_dir.Sub("images", $"run{r}"));
            for (int i = 0; i < 40; i++)
            {
                writer.AddValue(SummaryValues.Image("big", new byte[100_000], 10, 10, 3), i, new TbTimestamp(1.7e9 + i));
            }
        }
        var runs = LogDirectory.FindRuns(_dir.Sub("images"));
        var options = new RunReadOptions
        {
            Kinds = EventKinds.Image, MaxBatchBytes = 1, BatchesPerRun = 32, MaxBufferedBytesPerRun = 250_000, MaxDegreeOfParallelism = 2,
        };
        var reader = new RunReader(runs, options);
        int images = 0;
        int peakWhilePaused = 0;
        foreach (var item in reader.Read())
        {
            if (item.Kind == ReadItemKind.Value && ++images == 1)
            {
                // Stop consuming for a while: the workers fill what the budget lets them.
                Thread.Sleep(700);
                peakWhilePaused = reader.Stats.BufferedBatches;
            }
        }
        Assert.Equal(160, images);
        // Each run ahead holds at most 3 images (two within 250 kB, plus the one always let through).
        Assert.InRange(peakWhilePaused, 1, 4 * 3);
        Assert.True(reader.Stats.PeakBufferedBatches <= 4 * 3 + 4, $"peak {reader.Stats.PeakBufferedBatches} batches");
    }

    [Fact]
    public void CancellationStopsTheReadAndTheWorkers()
    {
        var runs = WriteRuns(8, 20_000);
        using var cancel = new CancellationTokenSource();
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 100, BatchesPerRun = 2 });
        long seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var item in reader.Read(cancel.Token))
            {
                if (++seen == 1000)
                {
                    cancel.Cancel();
                }
            }
        });
        Assert.InRange(seen, 1000, 1000 + 2 * 100);
        // The enumerator's disposal waited for the workers: nothing is left running or buffered.
        Assert.Equal(0, reader.Stats.WaitingWorkers);
    }

    [Fact]
    public void LeavingEarlyStopsTheWorkers()
    {
        var runs = WriteRuns(6, 20_000);
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 50, BatchesPerRun = 1 });
        var first = reader.Read().Take(10).ToList();
        Assert.Equal(10, first.Count);
        Assert.Equal(0, reader.Stats.WaitingWorkers);
    }

    [Fact]
    public void AFileThatFailsIsReportedInPlaceAndTheOthersAreRead()
    {
        var runs = WriteRuns(4, 200).ToList();
        string gone = Path.Combine(runs[1].Directory, "events.out.tfevents.0000000000.gone.1.0");
        var broken = runs[1] with { Files = new[] { runs[1].Files[0], gone } };
        runs[1] = broken;
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 16 });
        var items = reader.Read().ToList();

        var failed = Assert.Single(items, i => i.Kind == ReadItemKind.Unreadable);
        Assert.Equal(gone, failed.File);
        Assert.IsAssignableFrom<IOException>(failed.Exception);
        int at = items.IndexOf(failed);
        Assert.Equal("run01", items[at - 1].Run.Name);
        Assert.Equal(ReadItemKind.EndOfFile, items[at - 1].Kind);
        Assert.Equal("run02", items[at + 1].Run.Name);
        Assert.Equal(items.Select(Describe), reader.ReadSequentially().Select(Describe));
    }

    [Fact]
    public void AFailureOtherThanIoReachesTheConsumerAfterTheItemsBeforeIt()
    {
        var runs = WriteRuns(5, 200).ToList();
        // A bug, not an I/O error: a null file name makes the reader throw ArgumentNullException in run02's worker.
        runs[2] = runs[2] with { Files = new[] { runs[2].Files[0], null! } };
        var reader = new RunReader(runs, new RunReadOptions { BatchSize = 16 });
        var names = new List<string>();
        Assert.ThrowsAny<ArgumentException>(() =>
        {
            foreach (var item in reader.Read())
            {
                names.Add(item.Run.Name + " " + item.Kind);
            }
        });
        Assert.True(names.Contains("run01 EndOfFile"), string.Join(",", names.Distinct()));
        Assert.Contains("run02 EndOfFile", names);
        Assert.DoesNotContain(names, n => n.StartsWith("run03", StringComparison.Ordinal));
        var before = runs.Take(2).Append(runs[2] with { Files = new[] { runs[2].Files[0] } });
        Assert.Equal(ReadWithFileReader(before, EventKinds.Scalar).Count, names.Count);
    }

    [Fact]
    public void ReadingResumesAtTheOffsetsOfAnEarlierRead()
    {
        var runs = WriteRuns(3, 100);
        var first = new RunReader(runs).Read().ToList();
        var ends = first.Where(i => i.Kind == ReadItemKind.EndOfFile).ToDictionary(i => i.File, i => i.Offset);
        Assert.Equal(runs.Sum(r => r.Files.Count), ends.Count);

        // A run grows: only the new values are read from where the last read ended.
        using (var writer = new TbWriter(runs[1].Directory, new TbWriterOptions { FilenameSuffix = ".late" }))
        {
            writer.AddScalar("late", 5, 999, new TbTimestamp(1.8e9));
        }
        var again = LogDirectory.FindRuns(_dir.Sub("logs"));
        var second = new RunReader(again, new RunReadOptions { StartOffsets = ends }).Read().ToList();
        var scalar = Assert.Single(second, i => i.Kind == ReadItemKind.Scalar);
        Assert.Equal(("run01", "late", 999L), (scalar.Run.Name, scalar.Scalar.Tag, scalar.Scalar.Step));
        Assert.All(second.Where(i => i.File != scalar.File), i => Assert.Equal(ends[i.File], i.Offset));
    }

    [Fact]
    public void TheSequentialReadGivesTheParallelReadsItemsInEveryCase()
    {
        // Media, a run with no files, a file that is not an event file, a damaged file, a missing file and resumed offsets:
        // the sequential read (the parallel read's baseline, and what one run uses) gives the same items, progress included.
        var runs = WriteRuns(6, 150, media: true).ToList();
        runs.Insert(2, new EventRun("empty", _dir.Sub("logs", "empty"), Array.Empty<string>()));
        string notEvents = Path.Combine(runs[3].Directory, "events.out.tfevents.0000000001.notes.txt");
        File.WriteAllText(notEvents, "not an event file at all");
        string damaged = runs[4].Files[0];
        var bytes = File.ReadAllBytes(damaged);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(damaged, bytes);
        string gone = Path.Combine(runs[5].Directory, "events.out.tfevents.0000000002.gone");
        runs[3] = runs[3] with { Files = [.. runs[3].Files, notEvents] };
        runs[5] = runs[5] with { Files = [.. runs[5].Files, gone] };
        var starts = new Dictionary<string, long> { [runs[6].Files[0]] = new FileInfo(runs[6].Files[0]).Length / 2 };
        // Half-way into a file is not a record boundary: the resumed read reports damage there, the same way both times.
        foreach (var kinds in new[] { EventKinds.Scalar, EventKinds.All })
        {
            var options = new RunReadOptions { BatchSize = 64, Kinds = kinds, StartOffsets = starts };
            var reader = new RunReader(runs, options);
            var parallel = reader.Read().Select(Describe).ToList();
            Assert.Equal(parallel, reader.ReadSequentially().Select(Describe).ToList());
            Assert.Contains(parallel, line => line.StartsWith("NotEventFile run02", StringComparison.Ordinal));
            // (A scalar-only read passes large images over unchecked, so only the full read must see the flipped byte.)
            Assert.True(kinds != EventKinds.All || parallel.Any(line => line.StartsWith("D run03", StringComparison.Ordinal)));
            Assert.Contains(parallel, line => line.StartsWith("F run04", StringComparison.Ordinal));
            Assert.Equal(kinds == EventKinds.All, parallel.Any(line => line.StartsWith("V ", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void ADefaultItemHasNoRunOrFileAndDoesNotThrow()
    {
        var item = default(RunReadItem);
        Assert.Null(item.Run);
        Assert.Null(item.File);
        Assert.Null(item.Value);
        Assert.False(item.ClosesFile);
    }
}
