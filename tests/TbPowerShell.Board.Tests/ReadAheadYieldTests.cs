using System.Diagnostics;
using System.Text.Json;
using TbPowerShell.Core.Tests;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

/// <summary>
/// The read-ahead stands aside for the page: it reads a run whole only while no request is in flight, a request never
/// queues behind the run the read-ahead holds, and a run small enough for the tag listing's peek is read whole by it.
/// </summary>
public sealed class ReadAheadYieldTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs longer than the peek (64 KiB), so that only a whole read loads them.</summary>
    private void WriteRuns(int runs, int points)
    {
        for (var r = 0; r < runs; r++)
        {
            using var w = new TbWriter(_dir.Sub($"run{r}"));
            for (var i = 0; i < points; i++) w.AddScalar("loss", i * 0.5 + r, i);
        }
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < within, $"Not within {within.TotalSeconds} s: {what}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void QuietWhenNoRequestWasEverMade()
    {
        var activity = new RequestActivity();
        var clock = Stopwatch.StartNew();
        Assert.True(activity.WaitForQuiet(CancellationToken.None));
        Assert.True(clock.Elapsed < RequestActivity.QuietPeriod);
    }

    [Fact]
    public async Task AWaitEndsAQuietPeriodAfterTheLastRequestEnds()
    {
        var activity = new RequestActivity();
        activity.Begin();
        activity.Begin();
        var waiting = Task.Run(() => activity.WaitForQuiet(CancellationToken.None));
        Thread.Sleep(150);
        Assert.False(waiting.IsCompleted);
        activity.End();
        Thread.Sleep(150);
        Assert.False(waiting.IsCompleted); // one request still in flight
        var ended = Stopwatch.StartNew();
        activity.End();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(ended.Elapsed >= RequestActivity.QuietPeriod - TimeSpan.FromMilliseconds(20), $"ended after {ended.Elapsed}");
        Assert.Equal(0, activity.InFlight);
    }

    [Fact]
    public void APageThatNeverStopsAskingCannotStarveTheReadAhead()
    {
        var activity = new RequestActivity();
        activity.Begin();
        var clock = Stopwatch.StartNew();
        Assert.True(activity.WaitForQuiet(CancellationToken.None));
        Assert.InRange(clock.Elapsed, RequestActivity.LongestWait - TimeSpan.FromMilliseconds(20), RequestActivity.LongestWait + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AStopEndsTheWait()
    {
        var activity = new RequestActivity();
        activity.Begin();
        using var stop = new CancellationTokenSource();
        var waiting = Task.Run(() => activity.WaitForQuiet(stop.Token));
        Thread.Sleep(100);
        stop.Cancel();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void TheReadAheadReadsNoRunWholeWhileARequestIsInFlightAndAllOnceThePageIsQuiet()
    {
        WriteRuns(3, 60_000); // about 1.6 MB a run: several slices each
        using var store = new BoardStore(new BoardOptions { LogDirs = [_dir.Path], PollInterval = TimeSpan.FromSeconds(30) }, [_dir.Path]);
        var runs = store.Runs();
        store.Activity.Begin(); // a page's request, in flight from before the read-ahead starts
        store.StartPolling();
        // The heads and previews are short and go on (the tags are asked for first); no run is read whole.
        WaitUntil(() => runs.All(r => r.Peeked), TimeSpan.FromSeconds(10), "every run peeked");
        Thread.Sleep(600);
        Assert.All(runs, r => Assert.False(r.Loaded));
        store.Activity.End();
        WaitUntil(() => runs.All(r => r.Loaded), TimeSpan.FromSeconds(20), "every run read whole once quiet");
        foreach (var run in runs)
        {
            // Read in slices, every value once and in order.
            var series = run.Scalars.Values.Single();
            Assert.Equal(60_000, series.Count);
            var r = int.Parse(run.Name["run".Length..], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < series.Count; i += 997)
            {
                Assert.Equal(i, series.StepAt(i));
                Assert.Equal(i * 0.5 + r, series.ValueAt(i));
            }
        }
    }

    /// <summary>The length of the file's last record (its records framed one after another from the start).</summary>
    private static int LastRecordLength(byte[] file)
    {
        var at = 0;
        var last = 0;
        while (at < file.Length)
        {
            last = (int)BitConverter.ToUInt64(file, at) + TbPowerShell.Core.Records.TfRecord.Overhead;
            at += last;
        }
        return last;
    }

    [Fact]
    public void ARunEndingInARecordStillBeingWrittenIsReadWholeWithoutSpinning()
    {
        WriteRuns(1, 40_000);
        var file = Directory.GetFiles(_dir.Sub("run0")).Single();
        // Half of a record more: a writer in the middle of its next record.
        var bytes = File.ReadAllBytes(file);
        // (A valid header and the first bytes of its payload: the file's last record again, cut.)
        using (var append = new FileStream(file, FileMode.Append)) append.Write(bytes.AsSpan(bytes.Length - LastRecordLength(bytes), 16));
        using var store = new BoardStore(new BoardOptions { LogDirs = [_dir.Path], PollInterval = TimeSpan.FromSeconds(30) }, [_dir.Path]);
        var run = store.Runs().Single();
        store.StartPolling();
        WaitUntil(() => run.Loaded, TimeSpan.FromSeconds(20), "the run read whole");
        Assert.Equal(40_000, run.Scalars.Values.Single().Count);
    }

    [Fact]
    public async Task ARequestsPeekDoesTheFreeRunsFirstAndWaitsOnlyForTheOnesHeld()
    {
        // More runs held than the machine has cores: a peek that waited on each in turn would block every thread of
        // its loop on them and never reach the free run.
        var heldCount = Math.Max(2, Environment.ProcessorCount) + 1;
        WriteRuns(heldCount + 1, 20_000);
        using var board = BoardClient.StartLazy(_dir.Path);
        var runs = board.Server.Store.Runs().OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var held = runs.Take(heldCount).ToList();
        var free = runs[heldCount];
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Factory.StartNew(() =>
        {
            foreach (var run in held) Monitor.Enter(run.Gate);
            holding.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            foreach (var run in held) Monitor.Exit(run.Gate);
        }, TaskCreationOptions.LongRunning);
        holding.Wait();
        var peek = Task.Run(() => board.Server.Store.Peek());
        try
        {
            WaitUntil(() => free.Peeked, TimeSpan.FromSeconds(10), "the free run peeked while the others are held");
            Assert.All(held, r => Assert.False(r.Peeked));
            Assert.False(peek.IsCompleted);
        }
        finally
        {
            release.Set();
            await holder;
        }
        await peek.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(runs, r => Assert.True(r.Peeked));
    }

    [Fact]
    public async Task ARunThePeekReadToItsEndIsReadWholeAndALongerOneIsNot()
    {
        using (var small = new TbWriter(_dir.Sub("small"))) for (var i = 0; i < 100; i++) small.AddScalar("loss", i, i);
        using (var large = new TbWriter(_dir.Sub("large"))) for (var i = 0; i < 20_000; i++) large.AddScalar("loss", i, i);
        using var board = BoardClient.StartLazy(_dir.Path);
        board.Server.Store.Peek();
        var byName = board.Server.Store.Runs().ToDictionary(r => r.Name);
        Assert.True(byName["small"].Loaded);
        Assert.Equal(100, byName["small"].Scalars.Values.Single().Count);
        Assert.True(byName["large"].Peeked);
        // The large run's summary waits for its whole read; the small one's is known from the peek.
        var runs = (await board.Json("api/runs")).EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(100, runs["small"].GetProperty("values").GetInt64());
        Assert.Equal(99, runs["small"].GetProperty("lastStep").GetInt64());
    }

    [Fact]
    public async Task AnswersSayWhereTheServersTimeWentAndAPreviewComesWhole()
    {
        WriteRuns(2, 20_000);
        using var board = BoardClient.StartLazy(_dir.Path);
        var tags = await board.Json("api/tags");
        var tag = tags.EnumerateArray().Single().GetProperty("id").GetInt32();
        using var response = await board.Http.GetAsync($"api/scalars?tag={tag}&points=300&preview=1");
        Assert.True(response.IsSuccessStatusCode);
        var timing = string.Join(",", response.Headers.GetValues("Server-Timing"));
        Assert.Matches(@"^queue;dur=\d+(\.\d)?, app;dur=\d+(\.\d)?$", timing);
        // One body with its length (no chunks): the page's first chart waits for one write, not one per run.
        Assert.False(response.Headers.TransferEncodingChunked ?? false);
        var series = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("series");
        Assert.Equal(2, series.GetArrayLength());
        Assert.All(series.EnumerateArray(), s => Assert.True(s.GetProperty("preview").GetBoolean()));
    }
}
