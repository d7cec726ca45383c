using System.Globalization;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Tests.Analysis;

/// <summary>
/// The streaming wide table (a layout scan, then rows as they complete) against the whole table built at the
/// end, on real event files read by <see cref="RunReader"/>: the same rows, cells and order in every case.
/// </summary>
public sealed class PivotStreamingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every figure of a row, exactly, so two tables compare bit for bit.</summary>
    private sealed class RowText : IShapedOutput<string>
    {
        public string Scalar(string run, string file, in ScalarRecord scalar, double? smoothed) => throw new InvalidOperationException("a pivot emits rows only");

        public string Value(string run, string file, ValueRecord value) => throw new InvalidOperationException("a pivot emits rows only");

        public string PivotRow(PivotRow row, IReadOnlyList<string> tags) =>
            string.Create(CultureInfo.InvariantCulture, $"{row.Run}@{row.Step} t={row.WallTime:R} ")
            + string.Join(" ", tags.Select((t, i) => string.Create(CultureInfo.InvariantCulture,
                $"{t}={Cell(row.Values[i])}{(row.Smoothed is null ? "" : "~" + Cell(row.Smoothed[i]))}")));

        private static string Cell(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>What a pivoting read hands on, and how many rows had left when each value arrived.</summary>
    private sealed record Table(List<string> Rows, List<int> RowsOutWhenFed, bool Streamed);

    private static Table Pivot(IReadOnlyList<EventRun> runs, ReadShape shape, bool stream, int parallelism = 2)
    {
        var rows = new List<string>();
        var fed = new List<int>();
        var shaper = new ReadShaper<string>(shape, new RowText(), rows.Add);
        var options = new RunReadOptions { MaxDegreeOfParallelism = parallelism, BatchSize = 7 };
        bool streamed = false;
        if (stream && shaper.CanStreamPivot && PivotLayoutScanner.Scan(runs, shape.Filter, options) is { } layout)
        {
            shaper.KnowPivotLayout(layout);
            streamed = true;
        }
        foreach (var item in new RunReader(runs, options).Read())
        {
            if (item.Kind == ReadItemKind.Scalar)
            {
                fed.Add(rows.Count);
                shaper.Scalar(item.Run.Name, item.File, item.Scalar);
            }
        }
        shaper.Complete();
        return new Table(rows, fed, streamed);
    }

    /// <summary>The streaming table equals the whole one; returns the streaming one.</summary>
    private static Table SameAsWholeTable(IReadOnlyList<EventRun> runs, ReadShape? shape = null, bool expectStreamed = true)
    {
        shape ??= new ReadShape { Pivot = true };
        var whole = Pivot(runs, shape, stream: false);
        var streaming = Pivot(runs, shape, stream: true);
        Assert.NotEmpty(whole.Rows);
        Assert.Equal(whole.Rows, streaming.Rows);
        Assert.Equal(expectStreamed, streaming.Streamed);
        // The whole table leaves only at the end.
        Assert.All(whole.RowsOutWhenFed, n => Assert.Equal(0, n));
        return streaming;
    }

    private static void Write(string runDir, string suffix, IEnumerable<(string Tag, long Step, double Value)> values)
    {
        using var writer = new TbWriter(runDir, new TbWriterOptions { FilenameSuffix = suffix });
        double t = 1.7e9;
        foreach (var (tag, step, value) in values)
        {
            writer.AddScalar(tag, value, step, new TbTimestamp(t += 0.25));
        }
    }

    /// <summary>A training loop: every step logs loss, most log accuracy, some the learning rate; some steps log loss twice.</summary>
    private static IEnumerable<(string, long, double)> Training(long from, long to, int seed)
    {
        var random = new Random(seed);
        for (long step = from; step < to; step++)
        {
            yield return ("train/loss", step, random.NextDouble());
            if (step % 5 != 3)
            {
                yield return ("train/accuracy", step, random.NextDouble());
            }
            if (step % 10 == 0)
            {
                yield return ("lr", step, 1e-3 / (1 + step));
            }
            if (step % 7 == 0)
            {
                yield return ("train/loss", step, -random.NextDouble());   // a duplicate: the later one wins
            }
        }
    }

    private IReadOnlyList<EventRun> Runs() => LogDirectory.FindRuns(_dir.Sub("logs"));

    [Fact]
    public void InOrderRunsStreamTheSameRowsAsTheWholeTableAndEachRowLeavesWhenALaterStepArrives()
    {
        for (int r = 0; r < 5; r++)
        {
            Write(_dir.Sub("logs", $"run{r}"), "", Training(0, 200 + r * 30, r));
        }
        var streaming = SameAsWholeTable(Runs());
        // Rows left while reading: by the last value fed, all but the run's last row had gone.
        int rows = streaming.Rows.Count;
        Assert.Equal(rows - 1, streaming.RowsOutWhenFed[^1]);
        Assert.Equal(0, streaming.RowsOutWhenFed[0]);
        Assert.Equal(1, streaming.RowsOutWhenFed.First(n => n > 0));
    }

    [Fact]
    public void ARunWrittenTagByTagIsHeldWholeAndComesOutSortedLikeTheWholeTable()
    {
        var values = Training(0, 120, 1).ToList();
        Write(_dir.Sub("logs", "a-ordered"), "", Training(0, 50, 2));
        // Tag by tag (as a CSV sorted by tag gives them): steps go back at each new tag.
        Write(_dir.Sub("logs", "b-by-tag"), "", values.OrderBy(v => v.Item1, StringComparer.Ordinal));
        Write(_dir.Sub("logs", "c-ordered"), "", Training(0, 50, 3));
        var streaming = SameAsWholeTable(Runs());
        // The first run's rows left before the held run was read to its end.
        Assert.Contains(streaming.RowsOutWhenFed, n => n >= 49);
    }

    [Fact]
    public void ARestartedRunWhoseSecondFileGoesBackIsHeldAndMergedLikeTheWholeTable()
    {
        string run = _dir.Sub("logs", "restarted");
        Write(run, ".0", Training(0, 150, 4));
        Write(run, ".1", Training(100, 260, 5));   // resumed from a checkpoint at step 100: steps 100..149 twice
        Write(_dir.Sub("logs", "steady"), "", Training(0, 80, 6));
        Assert.Equal(2, Runs().Single(r => r.Name == "restarted").Files.Count);
        SameAsWholeTable(Runs());
    }

    [Fact]
    public void ARunOfSeveralFilesThatCarryOnInOrderStreams()
    {
        string run = _dir.Sub("logs", "long");
        Write(run, ".0", Training(0, 100, 7));
        Write(run, ".1", Training(100, 200, 8));
        Write(run, ".2", Training(199, 300, 9));   // one step shared by two files: a row across files
        var streaming = SameAsWholeTable(Runs());
        Assert.Equal(300, streaming.Rows.Count);
        Assert.True(streaming.RowsOutWhenFed[^1] >= 298);
    }

    [Fact]
    public void StepBoundsDecideBothTheColumnsAndTheOrderAsInTheWholeTable()
    {
        // "lr" only at steps 0, 10, 20... and the out-of-order part only below step 40: with MinStep 41 and
        // MaxStep 49 "lr" has no value kept, so it is no column, and the run counts as in order.
        Write(_dir.Sub("logs", "a"), "", Training(0, 100, 10).Concat(Training(0, 40, 11)));
        Write(_dir.Sub("logs", "b"), "", Training(0, 100, 12));
        var shape = new ReadShape { Pivot = true, Filter = new ReadFilter { MinStep = 41, MaxStep = 49 } };
        var streaming = SameAsWholeTable(Runs(), shape);
        Assert.DoesNotContain(streaming.Rows, row => row.Contains(" lr=", StringComparison.Ordinal));
        var all = SameAsWholeTable(Runs());
        Assert.Contains(all.Rows, row => row.Contains(" lr=", StringComparison.Ordinal));
    }

    [Fact]
    public void SmoothedCellsStreamAsTheWholeTableHasThem()
    {
        Write(_dir.Sub("logs", "a"), "", Training(0, 120, 13));
        Write(_dir.Sub("logs", "b"), "", Training(0, 120, 14).OrderBy(v => v.Item1, StringComparer.Ordinal));
        SameAsWholeTable(Runs(), new ReadShape { Pivot = true, Smoothing = 0.6 });
        SameAsWholeTable(Runs(), new ReadShape { Pivot = true, MovingAverage = 5 });
    }

    [Fact]
    public void TagsMissingFromSomeRunsAreColumnsOfEveryRow()
    {
        Write(_dir.Sub("logs", "a"), "", Training(0, 30, 15).Where(v => v.Item1 != "lr"));
        Write(_dir.Sub("logs", "b"), "", new[] { ("zeta", 3L, 1.0), ("eval/loss", 3L, 2.0), ("zeta", 9L, 3.0) });
        var streaming = SameAsWholeTable(Runs());
        Assert.StartsWith("a@0 ", streaming.Rows[0], StringComparison.Ordinal);
        Assert.Contains("zeta=-", streaming.Rows[0], StringComparison.Ordinal);
        Assert.EndsWith("eval/loss=- train/accuracy=- train/loss=- zeta=3", streaming.Rows[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ARunNameReachedTwiceFallsBackToTheWholeTable()
    {
        Write(_dir.Sub("x", "run"), "", Training(0, 40, 16));
        Write(_dir.Sub("y", "other"), "", Training(0, 40, 17));
        Write(_dir.Sub("z", "run"), "", Training(40, 80, 18));
        var runs = LogDirectory.FindRuns(_dir.Sub("x"))
            .Concat(LogDirectory.FindRuns(_dir.Sub("y")))
            .Concat(LogDirectory.FindRuns(_dir.Sub("z")))
            .ToList();
        Assert.Equal(new[] { "run", "other", "run" }, runs.Select(r => r.Name));
        Assert.Null(PivotLayoutScanner.Scan(runs, ReadFilter.All, new RunReadOptions()));
        var table = SameAsWholeTable(runs, expectStreamed: false);
        // Today's order: the run first seen first, both of its parts together.
        Assert.Equal(80, table.Rows.TakeWhile(r => r.StartsWith("run@", StringComparison.Ordinal)).Count());
    }

    [Fact]
    public void ATailNeedsEverySeriesToItsEndSoThePivotIsNotStreamed()
    {
        var shaper = new ReadShaper<string>(new ReadShape { Pivot = true, Tail = 3 }, new RowText(), _ => { });
        Assert.False(shaper.CanStreamPivot);
        Assert.Throws<InvalidOperationException>(() => shaper.KnowPivotLayout(new PivotLayout(new[] { "a" }, Array.Empty<string>())));
        Assert.False(new ReadShaper<string>(new ReadShape(), new RowText(), _ => { }).CanStreamPivot);
    }

    [Fact]
    public void ALayoutComesBeforeAnyValue()
    {
        var shaper = new ReadShaper<string>(new ReadShape { Pivot = true }, new RowText(), _ => { });
        shaper.Scalar("r", "f", new ScalarRecord("t", 1, 1, 1));
        Assert.Throws<InvalidOperationException>(() => shaper.KnowPivotLayout(new PivotLayout(new[] { "t" }, Array.Empty<string>())));
    }

    [Fact]
    public void TheScanFindsTheColumnsInOrdinalOrderAndTheRunsWhoseStepsGoBack()
    {
        Write(_dir.Sub("logs", "fine"), "", new[] { ("b", 1L, 1.0), ("a", 1L, 2.0), ("B", 2L, 3.0), ("a", 2L, 4.0) });
        Write(_dir.Sub("logs", "back"), "", new[] { ("a", 5L, 1.0), ("a", 4L, 2.0) });
        var layout = PivotLayoutScanner.Scan(Runs(), ReadFilter.All, new RunReadOptions { MaxDegreeOfParallelism = 2 })!;
        Assert.Equal(new[] { "B", "a", "b" }, layout.Columns);
        Assert.True(layout.IsInOrder("fine"));
        Assert.False(layout.IsInOrder("back"));
    }

    [Fact]
    public void AStreamLeavesOutTagsTheLayoutDidNotSeeAndHoldsARunWhoseStepsGoBackAfterTheScan()
    {
        // What a file growing between the scan and the read can bring: a new tag, a step that goes back.
        var rows = new List<PivotRow>();
        var stream = new ScalarPivotStream(new PivotLayout(new[] { "y", "x" }, Array.Empty<string>()), smooths: false, rows.Add);
        stream.Add("r", "x", 1, 10, 1.0);
        stream.Add("r", "new", 1, 11, 9.0);
        stream.Add("r", "x", 2, 12, 2.0);
        Assert.Single(rows);
        stream.Add("r", "y", 0, 13, 3.0);   // back: step 2 leaves, the rest of the run is held
        stream.Add("r", "x", 3, 14, 4.0);
        Assert.Equal(2, rows.Count);
        stream.Complete();
        Assert.Equal(new[] { 1L, 2L, 0L, 3L }, rows.Select(r => r.Step));
        Assert.Equal(new double?[] { 1.0, null }, rows[0].Values);
        Assert.Equal(10, rows[0].WallTime);
        Assert.Equal(new double?[] { null, 3.0 }, rows[2].Values);
        Assert.Equal(4, stream.ValueCount);
    }
}
