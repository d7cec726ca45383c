using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

public sealed class SkimAndSummaryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A run where images are most of the bytes: a 20 kB image every 10 steps, two scalars every step.</summary>
    private string WriteImageHeavy(string run = "heavy", int steps = 200)
    {
        string dir = _dir.Sub(run);
        var random = new Random(3);
        using var writer = new TbWriter(dir);
        for (int step = 0; step < steps; step++)
        {
            var at = new TbTimestamp(1.7e9 + step);
            writer.AddScalar("loss", 1.0 / (step + 1), step, at);
            if (step % 10 == 0)
            {
                var blob = new byte[20_000];
                random.NextBytes(blob);
                writer.AddValue(SummaryValues.Image("input", blob, 100, 100, 2), step, at);
                var wav = new byte[6_000];
                random.NextBytes(wav);
                writer.AddValue(SummaryValues.Audio("voice", wav, 8000, 1, 3000), step, at);
            }
            writer.AddScalar("lr", 0.1, step, at);
        }
        writer.Close();
        return writer.Path;
    }

    private static (List<ScalarRecord> Scalars, List<ValueRecord> Values, List<ValueHeader> Counted, List<EventReadError> Errors) ReadAll(
        string file, EventKinds kinds, EventKinds counted = EventKinds.None)
    {
        var result = (new List<ScalarRecord>(), new List<ValueRecord>(), new List<ValueHeader>(), new List<EventReadError>());
        using var reader = new EventFileReader(file, null, null, 0, kinds) { CountedKinds = counted };
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    result.Item1.Add(reader.Current);
                    break;
                case EventReadResult.Value:
                    result.Item2.Add(reader.CurrentValue!);
                    break;
                case EventReadResult.Counted:
                    result.Item3.Add(reader.CurrentHeader);
                    break;
                case EventReadResult.Error:
                    result.Item4.Add(reader.LastError!);
                    break;
                default:
                    return result;
            }
        }
    }

    [Fact]
    public void ScalarsOnlyGivesTheSameScalarsAsAFullRead()
    {
        string file = WriteImageHeavy();
        var full = ReadAll(file, EventKinds.All);
        var scalars = ReadAll(file, EventKinds.Scalar);
        Assert.Equal(400, scalars.Scalars.Count);
        Assert.Equal(full.Scalars, scalars.Scalars);
        Assert.Empty(scalars.Values);
        Assert.Equal(20, full.Values.OfType<ImageRecord>().Count());
    }

    [Fact]
    public void LargeUnwantedPayloadsAreNeitherReadNorChecked()
    {
        string file = WriteImageHeavy();
        // Corrupt a byte deep inside the first image's payload: its data CRC no longer verifies.
        var bytes = File.ReadAllBytes(file);
        int image = IndexOf(bytes, new Random(3).Next() is var _ ? FirstImageBytes() : default);
        Assert.True(image > 0);
        bytes[image + 10_000] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var full = ReadAll(file, EventKinds.All);
        var error = Assert.Single(full.Errors);
        Assert.Equal(EventReadErrorKind.DataCrc, error.Kind);

        // Asked for scalars only, the reader passed the image over from its head: it never saw the damage.
        var scalars = ReadAll(file, EventKinds.Scalar);
        Assert.Empty(scalars.Errors);
        Assert.Equal(400, scalars.Scalars.Count);

        // Counting images does not decode them either, and sees every one (the damaged one too).
        var counted = ReadAll(file, EventKinds.Scalar, EventKinds.Image | EventKinds.Audio);
        Assert.Empty(counted.Errors);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i * 10), counted.Counted.Where(h => h.Kind == EventKinds.Image).Select(h => h.Step));
        Assert.All(counted.Counted.Where(h => h.Kind == EventKinds.Image), h => Assert.Equal(("input", "images"), (h.Tag, h.Plugin)));
        Assert.Equal(20, counted.Counted.Count(h => h.Kind == EventKinds.Audio && h.Tag == "voice" && h.Plugin == "audio"));
        Assert.Equal(counted.Counted.Select(h => h.WallTime), counted.Counted.Select(h => 1.7e9 + h.Step));
    }

    private static byte[] FirstImageBytes()
    {
        var random = new Random(3);
        var blob = new byte[20_000];
        random.NextBytes(blob);
        return blob[..64];
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    [Fact]
    public void SmallRecordsAreAlwaysChecked()
    {
        // The damaged fixture's bad record is small: a scalar-only read still reports it.
        string file = Fixtures.EventFile("damaged", "crc_middle");
        var scalars = ReadAll(file, EventKinds.Scalar);
        Assert.Single(scalars.Errors);
    }

    [Fact]
    public void CountingMatchesAFullReadOnEveryFixture()
    {
        foreach (var run in LogDirectory.FindRuns(Fixtures.Path("pytorch")))
        {
            var state = new RunTagState();
            var countedState = new RunTagState();
            foreach (string file in run.Files)
            {
                var full = ReadAllWithState(file, EventKinds.All, EventKinds.None, state);
                var counted = ReadAllWithState(file, EventKinds.Scalar, EventKinds.All, countedState);
                Assert.Equal(full.Scalars, counted.Scalars);
                var expected = full.Values.Where(v => v is not ImageRecord { Sample: > 0 } and not AudioRecord { Sample: > 0 })
                    .SelectMany(v => Stored(v).Select(t => (t.Tag, v.Step, t.Kind))).ToList();
                Assert.Equal(expected, counted.Counted.Select(h => (h.Tag, h.Step, h.Kind)).ToList());
            }
        }
    }

    private static (List<ScalarRecord> Scalars, List<ValueRecord> Values, List<ValueHeader> Counted) ReadAllWithState(
        string file, EventKinds kinds, EventKinds counted, RunTagState state)
    {
        var result = (new List<ScalarRecord>(), new List<ValueRecord>(), new List<ValueHeader>());
        using var reader = new EventFileReader(file, null, state, 0, kinds) { CountedKinds = counted };
        for (var r = reader.Next(); r is not (EventReadResult.EndOfData or EventReadResult.Truncated); r = reader.Next())
        {
            if (r == EventReadResult.Scalar)
            {
                result.Item1.Add(reader.Current);
            }
            else if (r == EventReadResult.Value)
            {
                result.Item2.Add(reader.CurrentValue!);
            }
            else if (r == EventReadResult.Counted)
            {
                result.Item3.Add(reader.CurrentHeader);
            }
        }
        return result;
    }

    /// <summary>The stored tags of a record: a mesh's components are tags of their own (name_VERTEX, ...), counted one by one.</summary>
    private static IEnumerable<(string Tag, EventKinds Kind)> Stored(ValueRecord value) => value is MeshRecord mesh
        ? new[] { (mesh.Vertices, "_VERTEX"), (mesh.Faces, "_FACE"), (mesh.Colors, "_COLOR") }
            .Where(c => c.Item1 is not null).Select(c => (mesh.Tag + c.Item2, EventKinds.Mesh))
        : new[] { (value.Tag, KindOf(value)) };

    private static EventKinds KindOf(ValueRecord value) => value switch
    {
        ImageRecord => EventKinds.Image,
        AudioRecord => EventKinds.Audio,
        TextRecord => EventKinds.Text,
        HistogramRecord => EventKinds.Histogram,
        HParamsRecord => EventKinds.Hyperparameters,
        GraphRecord => EventKinds.Graph,
        PrCurveRecord => EventKinds.PrCurve,
        LayoutRecord => EventKinds.Layout,
        _ => EventKinds.Tensor,
    };

    [Fact]
    public void ScalarSummariesCarryASparklineOfTheWholeSeriesAndOthersNone()
    {
        string dir = _dir.Sub("sparkline");
        using (var writer = new TbWriter(dir))
        {
            for (int step = 0; step < 1000; step++)
            {
                writer.AddScalar("spiky", step == 500 ? 10 : 0, step);
                writer.AddScalar("rising", step / 125, step);
            }
            writer.AddValue(SummaryValues.Text("notes", "hello"), 0);
        }
        var summary = new RunSummaryScanner(LogDirectory.FindRuns(dir)).Scan()
            .Single(i => i.Kind == ReadItemKind.Summary).Summary!;
        var sparklines = summary.Tags.ToDictionary(t => t.Tag, t => t.Sparkline);

        Assert.Equal("▁▁▁▁▁▁▁█▁▁▁▁▁▁▁▁", sparklines["spiky"]);
        // A staircase: most buckets hold one level (spread 0), so a bucket where the next level begins
        // shows that level, as a spike would be shown.
        Assert.Equal("▁▂▂▃▃▄▄▅▅▆▆▇▇███", sparklines["rising"]);
        Assert.Equal("", sparklines["notes/text_summary"]);
    }

    [Fact]
    public void SummariesSayWhichScalarSeriesAreConstantAsTheDashboardCompares()
    {
        string dir = _dir.Sub("constancy");
        using (var writer = new TbWriter(dir))
        {
            var series = new Dictionary<string, double[]>
            {
                ["same"] = new[] { 0.5, 0.5, 0.5 },
                ["zeros"] = new[] { 0.0, -0.0, 0.0 },
                ["changes"] = new[] { 1.0, 1.0, 2.0 },
                ["nan"] = new[] { double.NaN, double.NaN },
                ["later-nan"] = new[] { 3.0, double.NaN },
                ["single"] = new[] { 7.0 },
            };
            foreach (var (tag, values) in series)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    writer.AddScalar(tag, values[i], i);
                }
            }
        }
        var summary = new RunSummaryScanner(LogDirectory.FindRuns(dir), kinds: EventKinds.Scalar).Scan()
            .Single(i => i.Kind == ReadItemKind.Summary).Summary!;
        var constant = summary.Tags.ToDictionary(t => t.Tag, t => t.IsConstant);
        Assert.Equal(new Dictionary<string, bool>
        {
            ["same"] = true, ["zeros"] = true, ["changes"] = false, ["nan"] = false, ["later-nan"] = false, ["single"] = true,
        }, constant);
    }

    [Fact]
    public void SummariesAgreeWithAFullReadAndComeInRunOrder()
    {
        WriteImageHeavy("a", 120);
        WriteImageHeavy("b", 60);
        var runs = LogDirectory.FindRuns(_dir.Path).Concat(LogDirectory.FindRuns(Fixtures.Path("pytorch"))).ToList();
        var scanner = new RunSummaryScanner(runs, new RunReadOptions { MaxDegreeOfParallelism = 2 });
        var items = scanner.Scan().ToList();
        var summaries = items.Where(i => i.Kind == ReadItemKind.Summary).Select(i => i.Summary!).ToList();
        Assert.Equal(runs.Select(r => r.Name), summaries.Select(s => s.Run.Name));
        Assert.Equal(items.Select(i => i.Kind + i.Run.Name), scanner.ScanSequentially().Select(i => i.Kind + i.Run.Name));

        var a = summaries[0];
        Assert.Equal(2 * 120 + 2 * 12, a.Values);
        Assert.Equal(0, a.FirstStep);
        Assert.Equal(119, a.LastStep);
        Assert.Equal(0, a.DamagedRegions);
        var loss = Assert.Single(a.Tags, t => t.Tag == "loss");
        Assert.Equal((EventKinds.Scalar, "scalars", 120L, 0L, 119L), (loss.Kind, loss.Plugin, loss.Count, loss.FirstStep, loss.LastStep));
        Assert.Equal((double)(float)(1.0 / 120), loss.LastValue);
        Assert.Equal((double)(float)(1.0 / 120), loss.Min);
        Assert.Equal(1.0, loss.Max);
        var input = Assert.Single(a.Tags, t => t.Tag == "input");
        Assert.Equal((EventKinds.Image, "images", 12L, 110L, 1.7e9 + 110), (input.Kind, input.Plugin, input.Count, input.LastStep, input.LastWallTime));
        Assert.Null(input.LastValue);
        Assert.Equal(new[] { "input", "loss", "lr", "voice" }, a.Tags.Select(t => t.Tag));

        // Every fixture: the counts a full read gives.
        foreach (var summary in summaries.Skip(2))
        {
            var state = new RunTagState();
            var expected = new Dictionary<(string, EventKinds), long>();
            foreach (string file in summary.Run.Files)
            {
                var full = ReadAllWithState(file, EventKinds.All, EventKinds.None, state);
                foreach (var s in full.Scalars)
                {
                    expected[(s.Tag, EventKinds.Scalar)] = expected.GetValueOrDefault((s.Tag, EventKinds.Scalar)) + 1;
                }
                foreach (var v in full.Values.Where(v => v is not ImageRecord { Sample: > 0 } and not AudioRecord { Sample: > 0 }))
                {
                    foreach (var t in Stored(v))
                    {
                        expected[t] = expected.GetValueOrDefault(t) + 1;
                    }
                }
            }
            Assert.Equal(expected.OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2).Select(e => (e.Key.Item1, e.Key.Item2, e.Value)),
                         summary.Tags.Select(t => (t.Tag, t.Kind, t.Count)));
        }
    }

    [Fact]
    public void DamageIsCountedAndReportedBeforeTheSummary()
    {
        var runs = LogDirectory.FindRuns(Fixtures.Path("damaged"));
        var items = new RunSummaryScanner(runs).Scan().ToList();
        var crc = items.Where(i => i.Run.Name == "crc_middle").ToList();
        Assert.Equal(ReadItemKind.Damaged, crc[0].Kind);
        Assert.Equal(ReadItemKind.Summary, crc[^1].Kind);
        Assert.Equal(1, crc[^1].Summary!.DamagedRegions);
        Assert.True(crc[^1].Summary!.Values > 0);
    }

    [Fact]
    public void AFileCutInsideALargePayloadIsTruncatedThereNotSkippedPast()
    {
        string file = WriteImageHeavy();
        var bytes = File.ReadAllBytes(file);
        int image = IndexOf(bytes, FirstImageBytes());
        File.WriteAllBytes(file, bytes[..(image + 5_000)]);

        using var reader = new EventFileReader(file, kinds: EventKinds.Scalar) { CountedKinds = EventKinds.Image };
        var scalars = new List<ScalarRecord>();
        EventReadResult result;
        while ((result = reader.Next()) is EventReadResult.Scalar or EventReadResult.Counted)
        {
            if (result == EventReadResult.Scalar)
            {
                scalars.Add(reader.Current);
            }
            else
            {
                Assert.Fail("The cut image must not be counted.");
            }
        }
        Assert.Equal(EventReadResult.Truncated, result);
        Assert.True(reader.Offset < image && reader.Offset > image - 200, $"resume offset {reader.Offset}, image bytes at {image}");
        Assert.Equal(new[] { "loss" }, scalars.Select(s => s.Tag));

        // Once the writer has finished the record, reading resumes there and passes over the image.
        File.WriteAllBytes(file, bytes);
        using var resumed = new EventFileReader(file, startOffset: reader.Offset, kinds: EventKinds.Scalar);
        Assert.Equal(EventReadResult.Scalar, resumed.Next());
        Assert.Equal(("lr", 0L), (resumed.Current.Tag, resumed.Current.Step));
    }

    [Fact]
    public void ALargeGraphIsPassedOverLikeAnUnwantedImage()
    {
        string dir = _dir.Sub("graph");
        var graph = new byte[50_000];
        new Random(1).NextBytes(graph);
        string file;
        using (var writer = new TbWriter(dir))
        {
            writer.AddScalar("before", 1, 0, new TbTimestamp(1.7e9));
            writer.AddEvent(new TbPowerShell.Core.Proto.Event { WallTime = 1.7e9, Step = 0, GraphDef = Google.Protobuf.ByteString.CopyFrom(graph) });
            writer.AddScalar("after", 2, 1, new TbTimestamp(1.7e9 + 1));
            writer.Close();
            file = writer.Path;
        }
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.AsSpan().IndexOf(graph.AsSpan(0, 64)) + 30_000] ^= 0x55;
        File.WriteAllBytes(file, bytes);

        var scalars = ReadAll(file, EventKinds.Scalar);
        Assert.Equal(new[] { "before", "after" }, scalars.Scalars.Select(s => s.Tag));
        Assert.Empty(scalars.Errors);
        Assert.Equal(EventReadErrorKind.DataCrc, Assert.Single(ReadAll(file, EventKinds.All).Errors).Kind);
    }
}
