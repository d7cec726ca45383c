using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>Our reader against what TensorBoard's own loader read from PyTorch's files.</summary>
public class FixtureReadingTests
{
    private sealed record ReadScalar(string Run, string File, ScalarRecord Value);

    private static void AssertSame(ExpectedScalar expected, string run, string file, ScalarRecord actual, int index)
    {
        string where = $"#{index} ({expected.Run}/{expected.File} {expected.Tag}@{expected.Step})";
        Assert.True(expected.Run == run, $"{where}: run '{run}'");
        Assert.True(expected.File == file, $"{where}: file '{file}'");
        Assert.True(expected.Tag == actual.Tag, $"{where}: tag '{actual.Tag}'");
        Assert.True(expected.Step == actual.Step, $"{where}: step {actual.Step}");
        Bits.Equal(expected.WallTime, actual.WallTime, where + " wall_time");
        Bits.Equal(expected.Value, actual.Value, where + " value");
    }

    /// <summary>
    /// raw: the values as stored (simple_value and new-style tensors); migrated: after TensorBoard
    /// turned old encodings into scalar tensors, what its dashboards show. Ours must equal both.
    /// </summary>
    [Theory]
    [InlineData("pytorch.raw.jsonl")]
    [InlineData("pytorch.migrated.jsonl")]
    public void PyTorchScalarsEqualTensorBoardsReading(string jsonl)
    {
        var expected = Expected.Scalars(jsonl);
        var runs = LogDirectory.FindRuns(Fixtures.Path("pytorch"));

        // Every run TensorBoard saw is a run we find, and no other.
        Assert.Equal(Expected.Runs(jsonl), new SortedSet<string>(runs.Select(r => r.Name), StringComparer.Ordinal));

        var actual = new List<ReadScalar>();
        foreach (var run in runs)
        {
            var state = new RunTagState();
            foreach (var file in run.Files)
            {
                var outcome = Read.File(file, state);
                Assert.True(outcome.Errors.Count == 0, string.Join("; ", outcome.Errors.Select(e => e.Message)));
                Assert.Equal(EventReadResult.EndOfData, outcome.End);
                Assert.Equal(new FileInfo(file).Length, outcome.EndOffset);
                Assert.Equal("brain.Event:2", outcome.FileVersion);
                actual.AddRange(outcome.Scalars.Select(s => new ReadScalar(run.Name, Path.GetFileName(file), s)));
            }
        }

        // The order of runs is ours (ordinal names); within a run it must be TensorBoard's.
        foreach (var group in expected.GroupBy(e => e.Run))
        {
            var mine = actual.Where(a => a.Run == group.Key).ToList();
            var theirs = group.ToList();
            Assert.True(theirs.Count == mine.Count, $"run '{group.Key}': expected {theirs.Count} scalars, read {mine.Count}");
            for (int i = 0; i < theirs.Count; i++)
            {
                AssertSame(theirs[i], mine[i].Run, mine[i].File, mine[i].Value, i);
            }
        }
        Assert.Equal(expected.Count, actual.Count);

        // The comparison covered what it claims to: both encodings and the special values.
        Assert.Contains(expected, e => e.Plugin == "scalars");
        if (jsonl.Contains("raw"))
        {
            Assert.Contains(expected, e => e.Plugin == "");
        }
        Assert.Contains(expected, e => BitConverter.DoubleToInt64Bits(e.Value) == BitConverter.DoubleToInt64Bits(-0.0));
        Assert.Contains(expected, e => double.IsNaN(e.Value));
        Assert.Contains(expected, e => e.Step == long.MaxValue);
        Assert.Contains(actual, a => BitConverter.DoubleToInt64Bits(a.Value.Value) == BitConverter.DoubleToInt64Bits(-0.0));
    }

    [Fact]
    public void NewStyleScalarTensorsAreReadLikeSimpleValues()
    {
        var scalars = Read.File(Fixtures.EventFile("pytorch", "scalars")).Scalars;
        var f32 = Assert.Single(scalars, s => s.Tag == "new_style/f32");
        var f64 = Assert.Single(scalars, s => s.Tag == "new_style/f64");
        Assert.Equal(0.25, f32.Value);
        Assert.Equal(1L, f32.Step);
        Bits.Equal(0.1, f64.Value, "float64 tensor keeps full precision");
        Assert.Equal(2L, f64.Step);
    }

    [Fact]
    public void TagFilterKeepsOnlyWantedTags()
    {
        var all = Read.File(Fixtures.EventFile("pytorch", "scalars")).Scalars;
        var loss = Read.File(Fixtures.EventFile("pytorch", "scalars"), filter: t => t == "loss").Scalars;
        Assert.NotEmpty(loss);
        Assert.All(loss, s => Assert.Equal("loss", s.Tag));
        Assert.Equal(all.Where(s => s.Tag == "loss"), loss);
    }

    /// <summary>Record offsets of the undamaged original, read with the framing reader.</summary>
    private static List<long> OriginalRecordOffsets()
    {
        var offsets = new List<long>();
        using var reader = new RecordReader(Fixtures.EventFile("pytorch", "scalars"));
        while (reader.Read() == RecordStatus.Record)
        {
            offsets.Add(reader.RecordOffset);
        }
        Assert.Equal(RecordStatus.EndOfData, reader.Read());
        return offsets;
    }

    private static List<ScalarRecord> OriginalScalars() => Read.File(Fixtures.EventFile("pytorch", "scalars")).Scalars;

    private static void AssertPrefixOfExpected(string damageCase, List<ScalarRecord> actual)
    {
        var expected = Expected.Scalars("damaged.raw.jsonl").Where(e => e.Run == damageCase).ToList();
        Assert.True(actual.Count >= expected.Count, $"{damageCase}: read {actual.Count} scalars, TensorBoard read {expected.Count}");
        string file = Path.GetFileName(Fixtures.EventFile("damaged", damageCase));
        for (int i = 0; i < expected.Count; i++)
        {
            AssertSame(expected[i], damageCase, file, actual[i], i);
        }
    }

    [Theory]
    [InlineData("truncated_header")]
    [InlineData("truncated_payload")]
    [InlineData("truncated_data_crc")]
    public void TruncatedFilesStopAtTheCutRecord(string damageCase)
    {
        var offsets = OriginalRecordOffsets();
        Assert.Equal(131, offsets.Count);
        string path = Fixtures.EventFile("damaged", damageCase);

        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        AssertPrefixOfExpected(damageCase, outcome.Scalars);
        Assert.Equal(EventReadResult.Truncated, outcome.End);
        Assert.Equal(offsets[^1], outcome.EndOffset);
        // Everything before the cut record, and nothing else.
        Assert.Equal(OriginalScalars().Take(OriginalScalars().Count - 1), outcome.Scalars);
        Assert.Equal(Expected.DataLossRecordsRead("damaged.raw.jsonl", damageCase), offsets.Count - 1);

        // Resuming there finds the same truncated record at once.
        var again = Read.File(path, startOffset: outcome.EndOffset);
        Assert.Empty(again.Scalars);
        Assert.Empty(again.Errors);
        Assert.Equal(EventReadResult.Truncated, again.End);
        Assert.Equal(outcome.EndOffset, again.EndOffset);
    }

    [Fact]
    public void DataCrcDamageIsReportedAndEveryLaterRecordRead()
    {
        var offsets = OriginalRecordOffsets();
        int damaged = Expected.DataLossRecordsRead("damaged.raw.jsonl", "crc_middle");
        Assert.Equal(65, damaged);
        string path = Fixtures.EventFile("damaged", "crc_middle");

        var outcome = Read.File(path);
        AssertPrefixOfExpected("crc_middle", outcome.Scalars);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.DataCrc, error.Kind);
        Assert.Equal(offsets[damaged], error.Offset);
        Assert.Equal(offsets[damaged + 1], error.ResumedAt);
        Assert.Equal(offsets[damaged + 1] - offsets[damaged], error.SkippedBytes);
        Assert.Equal(Path.GetFullPath(path), Path.GetFullPath(error.File));
        Assert.Contains(path, error.Message);
        Assert.Contains(offsets[damaged].ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);

        // The error comes after the 64 scalars of records 1..64, and the rest follows.
        Assert.IsType<EventReadError>(outcome.Items[damaged - 1]);
        var original = OriginalScalars();
        var expected = original.Take(damaged - 1).Concat(original.Skip(damaged)).ToList();
        Assert.Equal(original.Count - 1, outcome.Scalars.Count);
        Assert.Equal(expected, outcome.Scalars);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
    }

    [Fact]
    public void LengthCrcDamageIsReportedSkippedAndLaterRecordsRead()
    {
        var offsets = OriginalRecordOffsets();
        int damaged = Expected.DataLossRecordsRead("damaged.raw.jsonl", "length_crc_middle");
        string path = Fixtures.EventFile("damaged", "length_crc_middle");

        var outcome = Read.File(path);
        AssertPrefixOfExpected("length_crc_middle", outcome.Scalars);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(EventReadErrorKind.LengthCrc, error.Kind);
        Assert.Equal(offsets[damaged], error.Offset);
        Assert.True(error.SkippedBytes > 0);
        Assert.Equal(offsets[damaged + 1], error.ResumedAt);
        Assert.Equal(offsets[damaged + 1] - offsets[damaged], error.SkippedBytes);
        Assert.Contains(path, error.Message);
        Assert.Contains(offsets[damaged].ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);

        var original = OriginalScalars();
        Assert.Equal(original.Take(damaged - 1).Concat(original.Skip(damaged)), outcome.Scalars);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
    }

    [Fact]
    public void EmptyFileYieldsNothing()
    {
        string path = Fixtures.EventFile("damaged", "empty");
        Assert.True(EventFileReader.LooksLikeEventFile(path));
        var outcome = Read.File(path);
        Assert.Empty(outcome.Items);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(0, outcome.EndOffset);
        Assert.Null(outcome.FileVersion);
    }

    [Fact]
    public void LooksLikeEventFileTellsEventFilesFromOthers()
    {
        Assert.True(EventFileReader.LooksLikeEventFile(Fixtures.EventFile("pytorch", "scalars")));
        Assert.False(EventFileReader.LooksLikeEventFile(Fixtures.Path("pytorch", "embedding", "projector_config.pbtxt")));
        Assert.False(EventFileReader.LooksLikeEventFile(Fixtures.Path("pytorch.raw.jsonl")));
    }
}
