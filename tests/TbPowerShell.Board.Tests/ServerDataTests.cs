using System.Text.Json;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Tests;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

public sealed class ServerDataTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static double[] Values(JsonElement series) =>
        series.GetProperty("value").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    private static bool Delta(JsonElement series) => series.TryGetProperty("delta", out var d) && d.GetBoolean();

    /// <summary>The steps, as the page decodes them (a downsampled answer sends differences).</summary>
    private static long[] Steps(JsonElement series)
    {
        var raw = series.GetProperty("step").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        if (Delta(series)) for (var i = 1; i < raw.Length; i++) raw[i] += raw[i - 1];
        return raw;
    }

    /// <summary>The wall times in seconds, as the page decodes them (differences in whole milliseconds when downsampled).</summary>
    private static double[] Walls(JsonElement series)
    {
        if (!Delta(series)) return series.GetProperty("wall").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var ms = series.GetProperty("wall").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        for (var i = 1; i < ms.Length; i++) ms[i] += ms[i - 1];
        return ms.Select(m => m / 1000.0).ToArray();
    }

    [Fact]
    public async Task RunsAndTagsAreListedWithTheirKinds()
    {
        using (var a = new TbWriter(_dir.Sub("a")))
        {
            a.AddScalar("loss", 1, 0);
            a.AddValue(SummaryValues.Text("notes", "hello"), 0);
        }
        using (var b = new TbWriter(_dir.Sub("b"))) b.AddScalar("acc", 0.5, 3);
        using var board = BoardClient.StartLazy(_dir.Path);
        Assert.Equal(2, board.Server.RunCount);
        var runs = (await board.Json("api/runs")).EnumerateArray().ToList();
        Assert.Equal(["a", "b"], runs.Select(r => r.GetProperty("name").GetString()).Order());
        // Before any read: the scan's facts only (written just now, so still writing); the summary comes later.
        Assert.All(runs, r => Assert.Equal(JsonValueKind.String, r.GetProperty("lastWrite").ValueKind));
        Assert.All(runs, r => Assert.True(r.GetProperty("writing").GetBoolean()));
        Assert.All(runs, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("tagCount").ValueKind));
        Assert.Equal(runs.Select(r => r.GetProperty("id").GetInt32()), runs.Select(r => r.GetProperty("colorIndex").GetInt32()));
        var tags = (await board.Json("api/tags")).EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("scalar", tags["loss"].GetProperty("kind").GetString());
        Assert.Equal("text", tags["notes/text_summary"].GetProperty("kind").GetString());
        Assert.Equal([await board.RunId("b")], tags["acc"].GetProperty("runs").EnumerateArray().Select(r => r.GetInt32()));
        var after = (await board.Json("api/runs")).EnumerateArray().Single(r => r.GetProperty("name").GetString() == "a");
        Assert.Equal(2, after.GetProperty("tagCount").GetInt32());
        Assert.Equal(2, after.GetProperty("values").GetInt64());
        var info = await board.Json("api/info");
        Assert.True(info.GetProperty("live").GetBoolean());
        Assert.Equal(Path.GetFullPath(_dir.Path), info.GetProperty("logDirs")[0].GetString());
    }

    [Fact]
    public async Task ScalarsAreExactAtFullResolutionAndNotSmoothed()
    {
        var rng = new Random(7);
        var written = Enumerable.Range(0, 500).Select(_ => (double)(float)(rng.NextDouble() * 10 - 5)).ToArray();
        using (var w = new TbWriter(_dir.Sub("run")))
        {
            for (var i = 0; i < written.Length; i++) w.AddScalar("noisy", written[i], i * 2);
            w.AddScalar("odd", double.NaN, 1000);
            w.AddScalar("odd", double.PositiveInfinity, 1001);
        }
        using var board = BoardClient.Start(_dir.Path);
        var reply = await board.Json($"api/scalars?tag={await board.TagId("noisy")}");
        var series = Assert.Single(reply.GetProperty("series").EnumerateArray());
        Assert.Equal(written, Values(series));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i * 2), Steps(series));
        Assert.False(series.GetProperty("downsampled").GetBoolean());
        Assert.Equal(500, series.GetProperty("total").GetInt32());
        Assert.Equal(written[^1], series.GetProperty("last").GetDouble());
        Assert.Equal(written.Min(), series.GetProperty("min").GetDouble());
        Assert.Equal(written.Max(), series.GetProperty("max").GetDouble());
        Assert.Equal(2L * Array.IndexOf(written, written.Min()), series.GetProperty("stepAtMin").GetInt64());
        var odd = Assert.Single((await board.Json($"api/scalars?tag={await board.TagId("odd")}")).GetProperty("series").EnumerateArray());
        Assert.All(odd.GetProperty("value").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
        var cut = Assert.Single((await board.Json($"api/scalars?tag={await board.TagId("noisy")}&xmin=100&xmax=199")).GetProperty("series").EnumerateArray());
        Assert.Equal(Enumerable.Range(50, 50).Select(i => (long)i * 2), Steps(cut));
    }

    [Fact]
    public async Task ADownsampledSeriesKeepsASingleSpike()
    {
        using (var w = new TbWriter(_dir.Sub("run")))
        {
            for (var i = 0; i < 100_000; i++) w.AddScalar("flat", i == 61_234 ? 1e6 : 1.0, i);
        }
        using var board = BoardClient.Start(_dir.Path);
        var series = Assert.Single((await board.Json($"api/scalars?tag={await board.TagId("flat")}&points=100")).GetProperty("series").EnumerateArray());
        Assert.True(series.GetProperty("downsampled").GetBoolean());
        Assert.True(series.GetProperty("step").GetArrayLength() <= 400);
        var steps = Steps(series);
        var values = Values(series);
        Assert.Equal(1e6, values[Array.IndexOf(steps, 61_234L)]);
        Assert.Equal(0, steps[0]);
        Assert.Equal(99_999, steps[^1]);
        Assert.Equal(100_000, series.GetProperty("total").GetInt32());
        Assert.Equal(1e6, series.GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task ACardOfManyRunsStaysWithinThePointBudgetAndKeepsEveryRunsSpike()
    {
        const int Runs = 60;
        for (var r = 0; r < Runs; r++)
        {
            using var w = new TbWriter(_dir.Sub($"run{r:00}"));
            // Every run has one spike at its own step, and wall times a quarter second apart.
            for (var i = 0; i < 20_000; i++) w.AddScalar("loss", i == 1000 + r * 300 ? 50.0 + r : 1.0 + (i % 7) * 0.01, i, new TbTimestamp(1_700_000_000 + r + i * 0.25));
        }
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        var series = (await board.Json($"api/scalars?tag={tag}&points=1000")).GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(Runs, series.Count);
        var buckets = BoardApi.BucketsPerSeries(1000, Runs);
        Assert.Equal(BoardApi.CardPointBudget / (4 * Runs), buckets);
        Assert.True(series.Sum(s => s.GetProperty("step").GetArrayLength()) <= BoardApi.CardPointBudget);
        foreach (var (s, r) in series.Select((s, i) => (s, i)))
        {
            Assert.True(Delta(s));
            Assert.True(s.GetProperty("step").GetArrayLength() <= 4 * buckets);
            var steps = Steps(s);
            var walls = Walls(s);
            var values = Values(s);
            var spike = Array.IndexOf(steps, 1000L + r * 300);
            Assert.True(spike >= 0, $"run {r} lost its spike");
            Assert.Equal(50.0 + r, values[spike]);
            Assert.Equal(0, steps[0]);
            Assert.Equal(19_999, steps[^1]);
            // Wall times decode to the millisecond: each kept point's own.
            for (var i = 0; i < steps.Length; i++) Assert.Equal(1_700_000_000 + r + steps[i] * 0.25, walls[i], 3);
        }
        // A card of one run gets the buckets it asked for.
        Assert.Equal(1000, BoardApi.BucketsPerSeries(1000, 1));
        Assert.Equal(BoardApi.MinBucketsPerSeries, BoardApi.BucketsPerSeries(1000, 10_000));
    }

    [Fact]
    public async Task StepsBeyondJavaScriptsExactIntegersAreSentPlain()
    {
        using (var w = new TbWriter(_dir.Sub("run")))
        {
            for (var i = 0; i < 5000; i++) w.AddScalar("big", i, (1L << 60) + i * 1000L);
        }
        using var board = BoardClient.Start(_dir.Path);
        var series = (await board.Json($"api/scalars?tag={await board.TagId("big")}&points=100")).GetProperty("series")[0];
        Assert.True(series.GetProperty("downsampled").GetBoolean());
        Assert.False(Delta(series));
        Assert.Equal((1L << 60) + 4999 * 1000L, Steps(series)[^1]);
    }

    [Fact]
    public async Task PointsWrittenAfterTheStartAppearWithinTwoSecondsWithAnEvent()
    {
        using var writer = new TbWriter(_dir.Sub("live"));
        writer.AddScalar("loss", 1, 0);
        writer.Flush();
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        Assert.Single(Steps((await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0]));

        using var events = new HttpRequestMessage(HttpMethod.Get, "api/events");
        using var stream = await board.Http.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        var sawScalars = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line == "event: scalars") return await reader.ReadLineAsync();
            }
            return null;
        });
        await Task.Delay(300);

        var written = DateTime.UtcNow;
        writer.AddScalar("loss", 2, 1);
        writer.AddScalar("loss", 3, 2);
        writer.Flush();
        long[] steps = [];
        while (DateTime.UtcNow - written < TimeSpan.FromSeconds(2))
        {
            steps = Steps((await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0]);
            if (steps.Length == 3) break;
            await Task.Delay(50);
        }
        Assert.Equal([0L, 1, 2], steps);
        var data = await sawScalars.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.NotNull(data);
        using var doc = JsonDocument.Parse(data!["data: ".Length..]);
        Assert.Equal(await board.RunId("live"), doc.RootElement.GetProperty("run").GetInt32());
        Assert.Contains(tag, doc.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetInt32()));
    }

    [Fact]
    public async Task AFileReplacedByAShorterOneIsReadAgainFromTheStart()
    {
        var dir = _dir.Sub("run");
        using (var w = new TbWriter(dir)) for (var i = 0; i < 1000; i++) w.AddScalar("loss", i, i);
        var file = Directory.GetFiles(dir).Single();
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        Assert.Equal(1000, (await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0].GetProperty("total").GetInt32());
        var shorter = _dir.Sub("shorter");
        using (var w = new TbWriter(shorter)) for (var i = 0; i < 3; i++) w.AddScalar("loss", 100 + i, i);
        File.Copy(Directory.GetFiles(shorter).Single(), file, overwrite: true);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        double[] values = [];
        while (DateTime.UtcNow < deadline)
        {
            values = Values((await board.Json($"api/scalars?tag={tag}&runs={await board.RunId("run")}")).GetProperty("series")[0]);
            if (values.Length == 3) break;
            await Task.Delay(100);
        }
        Assert.Equal([100.0, 101, 102], values);
    }

    /// <summary>Values of the run's one series once <paramref name="done"/> holds for them (polled for up to 5 s).</summary>
    private static async Task<double[]> ValuesWhen(BoardClient board, string run, int tag, Func<double[], bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        double[] values = [];
        while (DateTime.UtcNow < deadline)
        {
            board.Server.Store.Poll();
            values = Values((await board.Json($"api/scalars?tag={tag}&runs={await board.RunId(run)}")).GetProperty("series")[0]);
            if (done(values)) break;
            await Task.Delay(100);
        }
        return values;
    }

    private string WriteRun(string name, int count, Func<int, double> value)
    {
        var dir = _dir.Sub(name);
        using (var w = new TbWriter(dir)) for (var i = 0; i < count; i++) w.AddScalar("loss", value(i), i);
        return Directory.GetFiles(dir).Single();
    }

    [Fact]
    public async Task AFileReplacedByALongerOneIsReadAgainFromTheStart()
    {
        var file = WriteRun("run", 1000, i => i);
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        Assert.Equal(1000, Values((await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0]).Length);
        // Another file, longer, renamed over the one read: reading on at the old offset would mix both.
        var longer = WriteRun("elsewhere/longer", 3000, i => 5000 + i);
        File.Move(longer, file, overwrite: true);
        var values = await ValuesWhen(board, "run", tag, v => v.Length != 1000);
        Assert.Equal(Enumerable.Range(5000, 3000).Select(i => (double)i), values);
    }

    [Fact]
    public async Task AFileRewrittenInPlaceToTheSameLengthIsReadAgain()
    {
        var file = WriteRun("run", 1000, i => i);
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        Assert.Equal(999.0, Values((await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0])[^1]);
        // The same layout with other values: the same length, the same inode, other bytes.
        var other = WriteRun("elsewhere/other", 1000, i => -i);
        var bytes = File.ReadAllBytes(other);
        Assert.Equal(new FileInfo(file).Length, bytes.Length);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) stream.Write(bytes);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        var values = await ValuesWhen(board, "run", tag, v => v[^1] != 999.0);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (double)-i), values);
    }

    [Fact]
    public async Task AByteIdenticalCopyRenamedOverGoesOnWhereItWas()
    {
        var file = WriteRun("run", 1000, i => i);
        using var board = BoardClient.Start(_dir.Path);
        var tag = await board.TagId("loss");
        Assert.Equal(1000, Values((await board.Json($"api/scalars?tag={tag}")).GetProperty("series")[0]).Length);
        // What rsync does: a new file with the same bytes and more, renamed over the old one.
        var more = WriteRun("elsewhere/more", 1200, i => i);
        var copy = file + ".tmp";
        var bytes = File.ReadAllBytes(file).Concat(File.ReadAllBytes(more).AsSpan((int)new FileInfo(file).Length).ToArray()).ToArray();
        File.WriteAllBytes(copy, bytes);
        File.Move(copy, file, overwrite: true);
        var values = await ValuesWhen(board, "run", tag, v => v.Length >= 1200);
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => (double)i), values);
    }

    [Fact]
    public async Task ANewRunAppearsWhileTheBoardRuns()
    {
        using (var w = new TbWriter(_dir.Sub("first"))) w.AddScalar("loss", 1, 0);
        using var board = BoardClient.Start(_dir.Path);
        Assert.Single((await board.Json("api/runs")).EnumerateArray());
        using (var w = new TbWriter(_dir.Sub("second"))) w.AddScalar("loss", 2, 0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < deadline && (await board.Json("api/runs")).GetArrayLength() < 2) await Task.Delay(100);
        var second = await board.RunId("second");
        var series = (await board.Json($"api/scalars?tag={await board.TagId("loss")}&runs={second}")).GetProperty("series");
        Assert.Equal([2.0], Values(series[0]));
    }

    [Fact]
    public async Task TextHtmlIsSanitized()
    {
        const string markdown = "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) and [ok](https://example.com)\n\n**bold**";
        using (var w = new TbWriter(_dir.Sub("run"))) w.AddValue(SummaryValues.Text("notes", markdown), 5);
        using var board = BoardClient.Start(_dir.Path);
        var item = Assert.Single((await board.Json($"api/text?run={await board.RunId("run")}&tag={await board.TagId("notes/text_summary")}")).EnumerateArray());
        Assert.Equal(5, item.GetProperty("step").GetInt64());
        Assert.Equal(markdown, item.GetProperty("markdown").GetString());
        var html = item.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex("<[^>]*\\son[a-z]+=", System.Text.RegularExpressions.RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Contains("href=\"https://example.com\"", html);
        Assert.Contains("<h1", html);
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>ok", "onerror")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "javascript:")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "alert")]
    [InlineData("<img src=\"data:image/png;base64,AAAA\">", "data:")]
    [InlineData("<script>alert(1)</script>", "<script")]
    [InlineData("<style>body{}</style>", "<style")]
    [InlineData("<iframe src=\"https://x\"></iframe>", "<iframe")]
    [InlineData("<object data=\"x\"></object>", "<object")]
    [InlineData("<form action=\"https://x\"><input></form>", "<form")]
    [InlineData("<p style=\"color:red\" onclick=\"x()\">p</p>", "on")]
    [InlineData("<svg><script>alert(1)</script></svg>", "<svg")]
    public void TheSanitizerRemovesWhatTheAllowlistDoesNotName(string html, string forbidden)
    {
        var clean = TextRendering.Sanitize(html);
        Assert.DoesNotContain(forbidden, clean.Replace("<p>p</p>", ""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheSanitizerKeepsSafeLinksAndFormatting()
    {
        Assert.Equal("<a href=\"https://example.com/\">x</a>", TextRendering.Sanitize("<a href=\"https://example.com/\">x</a>"));
        Assert.Equal("<a href=\"mailto:a@b.c\">m</a>", TextRendering.Sanitize("<a href=\"mailto:a@b.c\">m</a>"));
        Assert.Equal("<table><tbody><tr><td>1</td></tr></tbody></table>", TextRendering.Sanitize("<table><tr><td>1</td></tr></table>"));
    }

    [Fact]
    public async Task APayloadBombInTheLogDirDoesNotStopTheServer()
    {
        foreach (var bomb in PayloadBombs.All)
        {
            Directory.CreateDirectory(_dir.Sub("bombs", bomb.Name));
            PayloadBombs.WriteFile(Path.Combine(_dir.Sub("bombs", bomb.Name), "events.out.tfevents.1.bomb"), bomb);
        }
        using (var w = new TbWriter(_dir.Sub("good"))) w.AddScalar("after", 42, 0);
        using var board = BoardClient.Start(_dir.Path);
        var tags = await board.Json("api/tags");
        Assert.Contains("after", tags.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var good = await board.RunId("good");
        var series = (await board.Json($"api/scalars?tag={await board.TagId("after")}&runs={good}")).GetProperty("series");
        Assert.Equal([42.0], Values(series[0]));
        Assert.Equal(PayloadBombs.All.Count + 1, (await board.Json("api/runs")).GetArrayLength());
        foreach (var tag in tags.EnumerateArray())
        {
            foreach (var run in tag.GetProperty("runs").EnumerateArray())
            {
                var kind = tag.GetProperty("kind").GetString();
                var path = kind == "scalar" ? $"api/scalars?tag={tag.GetProperty("id")}&runs={run}" : $"api/{Route(kind!)}?run={run}&tag={tag.GetProperty("id")}";
                using var response = await board.Http.GetAsync(path);
                Assert.True((int)response.StatusCode is 200 or 404 or 500, path);
            }
        }
        Assert.Equal(200, board.Raw("/api/runs").Status);
    }

    private static string Route(string kind) => kind switch
    {
        "image" => "images",
        "histogram" => "histograms",
        "prcurve" => "prcurves",
        "tensor" => "text",
        _ => kind,
    };

    [Fact]
    public async Task TagsComeFromTheHeadOfEachRunAndTheRestArriveAsARunsEvent()
    {
        WriteRunWithALateTag();
        using var board = BoardClient.StartLazy(_dir.Path);
        using var events = new HttpRequestMessage(HttpMethod.Get, "api/events");
        using var stream = await board.Http.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        var sawRuns = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line == "event: runs") return true;
            }
            return false;
        });
        await Task.Delay(200);
        var first = (await board.Json("api/tags")).EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("early", first);
        Assert.DoesNotContain("late", first);
        Assert.True(await sawRuns.WaitAsync(TimeSpan.FromSeconds(10)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await board.Json("api/tags")).EnumerateArray().Any(t => t.GetProperty("name").GetString() == "late") && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Contains("late", (await board.Json("api/tags")).EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var early = (await board.Json($"api/scalars?tag={await board.TagId("early")}&points=100000")).GetProperty("series")[0];
        Assert.Equal(40_000, early.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Range(0, 40_000).Select(i => (double)i), Values(early));
    }

    /// <summary>A run "long": 40,000 values of tag "early", then one of tag "late" (past the head read for tags).</summary>
    private void WriteRunWithALateTag()
    {
        using var w = new TbWriter(_dir.Sub("long"));
        for (var i = 0; i < 40_000; i++) w.AddScalar("early", i, i);
        w.AddScalar("late", 1, 40_000);
    }

    [Fact]
    public async Task TheRunsTableAndTheTagListAnswerWhileARunIsBeingRead()
    {
        using (var w = new TbWriter(_dir.Sub("run"))) for (var i = 0; i < 100; i++) w.AddScalar("loss", i, i);
        using var board = BoardClient.Start(_dir.Path);
        var run = board.Server.Store.Runs().Single();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!run.Loaded && DateTime.UtcNow < deadline) await Task.Delay(20);
        // A read in progress holds the run's lock for as long as it takes (seconds on a large run).
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            lock (run.Gate)
            {
                holding.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        });
        try
        {
            holding.Wait();
            var runs = await board.Json("api/runs").WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(100, runs[0].GetProperty("values").GetInt64());
            Assert.Equal(99, runs[0].GetProperty("lastStep").GetInt64());
            var tags = await board.Json("api/tags").WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal([run.Id], tags[0].GetProperty("runs").EnumerateArray().Select(r => r.GetInt32()));
        }
        finally
        {
            release.Set();
            await reader;
        }
    }

    [Fact]
    public async Task APreviewAnswersAtOnceWithPlacesSpreadOverTheWholeRunAndTheFullAnswerFollows()
    {
        using (var w = new TbWriter(_dir.Sub("long"))) for (var i = 0; i < 100_000; i++) w.AddScalar("loss", i * 2.0, i);
        using var board = BoardClient.StartLazy(_dir.Path);
        var run = board.Server.Store.Runs().Single();
        board.Server.Store.Peek();
        // A read in progress holds the run (as a long one would): the preview does not wait for it.
        JsonElement preview;
        int tag;
        using (var holding = new ManualResetEventSlim())
        using (var release = new ManualResetEventSlim())
        {
            var reader = Task.Run(() =>
            {
                lock (run.Gate)
                {
                    holding.Set();
                    release.Wait(TimeSpan.FromSeconds(30));
                }
            });
            holding.Wait();
            try
            {
                Assert.False(run.Loaded);
                var answer = await board.Http.GetStringAsync($"api/scalars?tag=0&points=1000&preview=1").WaitAsync(TimeSpan.FromSeconds(10));
                preview = System.Text.Json.JsonDocument.Parse(answer).RootElement.GetProperty("series")[0].Clone();
                Assert.False(run.Loaded);
            }
            finally
            {
                release.Set();
                await reader;
            }
            tag = await board.TagId("loss");
        }
        Assert.Equal(0, tag);
        Assert.True(preview.GetProperty("preview").GetBoolean());
        var steps = Steps(preview);
        var values = Values(preview);
        Assert.InRange(steps.Length, BoardStore.PreviewWindows, BoardStore.PreviewWindows * BoardStore.PreviewScalarsPerWindow);
        Assert.True(steps[0] < 100_000 / BoardStore.PreviewWindows, $"first step {steps[0]}");
        Assert.True(steps[^1] > 100_000 - 100_000 / BoardStore.PreviewWindows, $"last step {steps[^1]}");
        Assert.Equal(steps.Select(s => s * 2.0), values);
        Assert.Equal(steps.Order(), steps);
        // The full answer has no preview in it.
        var full = (await board.Json($"api/scalars?tag={tag}&points=1000")).GetProperty("series")[0];
        Assert.False(full.TryGetProperty("preview", out _));
        Assert.Equal(100_000, full.GetProperty("total").GetInt32());
        Assert.True(run.Loaded);
        // Once a run is read whole, a preview request gets its real data.
        var after = (await board.Json($"api/scalars?tag={tag}&points=1000&preview=1")).GetProperty("series")[0];
        Assert.False(after.TryGetProperty("preview", out _));
        Assert.Equal(100_000, after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ABoardReadsAheadWithoutBeingAsked()
    {
        WriteRunWithALateTag();
        using var board = BoardClient.Start(_dir.Path);
        // No request yet: the runs are read in the background, the whole of them.
        var run = board.Server.Store.Runs().Single();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!run.Loaded && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(run.Loaded);
        Assert.Equal(40_001, run.ValueCount);
        Assert.Contains("late", (await board.Json("api/tags")).EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ImagesAreServedByMediaIdWithTheirBytesAndHistogramsWithTheirBuckets()
    {
        var png = TbPowerShell.Core.Imaging.PngCodec.Encode(new TbPowerShell.Core.Imaging.ImagePixels(2, 3, 3, Enumerable.Range(0, 18).Select(i => (byte)(i * 10)).ToArray()));
        using (var w = new TbWriter(_dir.Sub("run")))
        {
            w.AddValue(SummaryValues.Image("pic", png, 2, 3, 3), 4);
            w.AddValue(SummaryValues.Histogram("weights", HistogramBuilder.Build([1.0, 2.0, 2.0, 3.0, 10.0])), 7);
        }
        using var board = BoardClient.Start(_dir.Path);
        var run = await board.RunId("run");
        var image = Assert.Single((await board.Json($"api/images?run={run}&tag={await board.TagId("pic")}")).EnumerateArray());
        Assert.Equal(4, image.GetProperty("step").GetInt64());
        Assert.Equal(2, image.GetProperty("width").GetInt32());
        Assert.Equal(3, image.GetProperty("height").GetInt32());
        var media = image.GetProperty("media").GetString()!;
        Assert.Matches("^[0-9]+-[0-9]+-[0-9]+$", media);
        using var bytes = await board.Http.GetAsync("api/media/" + media);
        Assert.Equal("image/png", bytes.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await bytes.Content.ReadAsByteArrayAsync());
        Assert.Equal(404, board.Raw("/api/media/999-0-0").Status);
        Assert.Equal(404, board.Raw("/api/media/" + media + "9").Status);
        var histogram = Assert.Single((await board.Json($"api/histograms?run={run}&tag={await board.TagId("weights")}")).EnumerateArray());
        Assert.Equal(7, histogram.GetProperty("step").GetInt64());
        Assert.Equal(1.0, histogram.GetProperty("min").GetDouble());
        Assert.Equal(10.0, histogram.GetProperty("max").GetDouble());
        Assert.Equal(5.0, histogram.GetProperty("count").GetDouble());
        var buckets = histogram.GetProperty("buckets").EnumerateArray().ToList();
        Assert.All(buckets, b => Assert.Equal(3, b.GetArrayLength()));
        Assert.Equal(5.0, buckets.Sum(b => b[2].GetDouble()));
        Assert.Equal(404, (int)(await board.Http.GetAsync($"api/images?run={run}&tag=999")).StatusCode);
        Assert.Equal(404, (int)(await board.Http.GetAsync($"api/images?run=999&tag=0")).StatusCode);
    }

    [Fact]
    public async Task DoubleValuesHugeStepsAndOutOfOrderPointsSurviveTheCompactStore()
    {
        var data = new BoardData();
        data.Add("r", new TbPowerShell.Core.Model.ScalarRecord("x", 5, 1.0, 0.5));
        data.Add("r", new TbPowerShell.Core.Model.ScalarRecord("x", 3_000_000_000L, 2.0, 0.1));
        data.Add("r", new TbPowerShell.Core.Model.ScalarRecord("x", -7, 3.0, 1e300));
        data.Add("r", new TbPowerShell.Core.Model.ScalarRecord("x", 6, 4.0, double.NegativeInfinity));
        using var board = new BoardClient(BoardServer.Start(new BoardOptions { Data = data }));
        var series = (await board.Json($"api/scalars?tag={await board.TagId("x")}")).GetProperty("series")[0];
        Assert.Equal([-7L, 5, 6, 3_000_000_000L], Steps(series));
        Assert.Equal([1e300, 0.5, double.NaN, 0.1], Values(series));
        Assert.Equal([3.0, 1.0, 4.0, 2.0], series.GetProperty("wall").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.1, series.GetProperty("last").GetDouble());
        Assert.Equal(JsonValueKind.Null, series.GetProperty("min").ValueKind);
        Assert.Equal(1e300, series.GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task PipelineValuesAreServedExactlyWithoutReadingDisk()
    {
        var data = new BoardData();
        data.Add("p", new TbPowerShell.Core.Model.ScalarRecord("loss", 3, 10.5, 0.25));
        data.Add("p", new TbPowerShell.Core.Model.ScalarRecord("loss", 1, 10.0, 0.75));
        data.Add("q", new TbPowerShell.Core.Model.TextRecord("note", 0, 1.0, ["*hi*"], [1]));
        using var board = new BoardClient(BoardServer.Start(new BoardOptions { Data = data }));
        Assert.Equal(2, board.Server.RunCount);
        Assert.False((await board.Json("api/info")).GetProperty("live").GetBoolean());
        var series = (await board.Json($"api/scalars?tag={await board.TagId("loss")}")).GetProperty("series")[0];
        Assert.Equal([1L, 3], Steps(series));
        Assert.Equal([0.75, 0.25], Values(series));
        var text = (await board.Json($"api/text?run={await board.RunId("q")}&tag={await board.TagId("note")}"))[0];
        Assert.Contains("<em>hi</em>", text.GetProperty("html").GetString());
    }
}
