using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>A fact that runs only when TB_BROWSER_BENCH=1 (bench/BoardBrowser.bench.ps1 sets it): the browser benchmarks.</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    /// <summary>Skips the benchmark unless asked for.</summary>
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("TB_BROWSER_BENCH") != "1")
        {
            Skip = "A benchmark: run bench/BoardBrowser.bench.ps1 (TB_BROWSER_BENCH=1).";
        }
    }
}

/// <summary>
/// The page's timings on 100 runs x 100 k scalars: the first chart drawn after the page opens
/// (target &lt; 1 s) and a redraw of that card (target &lt; 100 ms), and the same on 1 run x 1 k points (the baseline).
/// Figures go to out/bench/board-browser.txt as name=value lines, which bench/BoardBrowser.bench.ps1 prints.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Bench")]
public sealed class BrowserBench : IDisposable
{
    private const int Runs = 100;
    private const int PointsPerRun = 100_000;
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _timelines = [];
    private readonly Dictionary<string, double> _complete = [];

    /// <summary>Takes the shared browser.</summary>
    public BrowserBench(BrowserFixture browser) => _browser = browser;

    [BenchFact]
    public async Task FirstChartAndCardDrawOnAHundredRunsOfAHundredThousandPoints()
    {
        // bench/BoardBrowser.bench.ps1 gives a folder it times Show-TbBoard on afterwards.
        string logDir = Environment.GetEnvironmentVariable("TB_BENCH_LOGDIR") is { Length: > 0 } given ? given : _dir.Sub("runs");
        string smallDir = _dir.Sub("small");
        var clock = Stopwatch.StartNew();
        Write(logDir, Runs, PointsPerRun);
        var written = clock.Elapsed;
        Write(smallDir, 1, 1_000);

        var small = await Measure(smallDir, 1, "small");
        var large = await Measure(logDir, Runs, nameof(FirstChartAndCardDrawOnAHundredRunsOfAHundredThousandPoints));

        var lines = new[]
        {
            $"runs={Runs}",
            $"points-per-run={PointsPerRun}",
            $"written-s={written.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}",
            $"start-ms={large.Start.ToString("F0", CultureInfo.InvariantCulture)}",
            $"first-chart-ms={large.FirstChart.ToString("F0", CultureInfo.InvariantCulture)}",
            $"complete-chart-ms={_complete[nameof(FirstChartAndCardDrawOnAHundredRunsOfAHundredThousandPoints)].ToString("F0", CultureInfo.InvariantCulture)}",
            $"baseline-complete-chart-ms={_complete["small"].ToString("F0", CultureInfo.InvariantCulture)}",
            $"redraw-ms={large.Redraw.ToString("F1", CultureInfo.InvariantCulture)}",
            $"points-drawn={large.Points}",
            $"page-draw-ms={large.PageDraw.ToString("F1", CultureInfo.InvariantCulture)}",
            $"baseline-first-chart-ms={small.FirstChart.ToString("F0", CultureInfo.InvariantCulture)}",
            $"baseline-redraw-ms={small.Redraw.ToString("F1", CultureInfo.InvariantCulture)}",
        };
        string outDir = Path.Combine(Path.GetDirectoryName(PageSupport.ScreenshotDir)!, "bench");
        Directory.CreateDirectory(outDir);
        File.WriteAllLines(Path.Combine(outDir, "board-browser.txt"), lines);
        File.WriteAllLines(Path.Combine(outDir, "board-browser-timeline.txt"), _timelines.Select(t => t.Key + ": " + t.Value));
        Assert.True(large.FirstChart > 0);
    }

    private static void Write(string logDir, int runs, int points)
    {
        if (Directory.Exists(logDir) && Directory.GetDirectories(logDir).Length == runs)
        {
            return;
        }
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, r =>
        {
            using var writer = new TbWriter(Path.Combine(logDir, $"run{r:000}"), new TbWriterOptions { MaxQueue = 1 << 20 });
            for (long step = 0; step < points; step++)
            {
                writer.AddScalar("train/loss", Math.Exp(-step * 3.0 / points) + 0.01 * Math.Sin(step + r), step);
            }
        });
    }

    /// <summary>Starts a board, opens its page: the start time, the first chart's time after the page opened, the median card redraw.</summary>
    private async Task<(double Start, double FirstChart, double Redraw, int Points, double PageDraw)> Measure(string logDir, int runs, string screenshot)
    {
        var clock = Stopwatch.StartNew();
        using var server = BoardServer.Start(new BoardOptions { LogDirs = [logDir] });
        double start = clock.Elapsed.TotalMilliseconds;

        var page = await _browser.NewPageAsync();
        // TB_BENCH_TRACE=1: a Chrome trace of the page until its first chart, to out/bench/<name>.trace.json (chrome://tracing,
        // or the Performance panel of DevTools), to see where the main thread's time goes.
        var trace = Environment.GetEnvironmentVariable("TB_BENCH_TRACE") == "1" ? await ChromeTrace.StartAsync(page) : null;
        // TB_BENCH_PROFILE=1: V8's sampling profile of the same span, to out/bench/<name>.cpuprofile (DevTools' Performance panel).
        ICDPSession? profiler = null;
        if (Environment.GetEnvironmentVariable("TB_BENCH_PROFILE") == "1")
        {
            profiler = await page.Context.NewCDPSessionAsync(page);
            await profiler.SendAsync("Profiler.enable");
            await profiler.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
            await profiler.SendAsync("Profiler.start");
        }
        await page.GotoAsync(server.Url.AbsoluteUri);
        // Waited for by the page's own timer, not WaitForFunctionAsync: Playwright's polling injects its script into the
        // page and runs it every frame, on the main thread whose time is being measured.
        await page.EvaluateAsync(@"() => new Promise(resolve => {
            const look = () => (window.tbDebug && window.tbDebug.firstChartDrawn !== undefined ? resolve() : setTimeout(look, 100));
            look();
        })");
        if (profiler is not null)
        {
            var profile = await profiler.SendAsync("Profiler.stop");
            var file = Path.Combine(Path.GetDirectoryName(PageSupport.ScreenshotDir)!, "bench", screenshot + ".cpuprofile");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, profile!.Value.GetProperty("profile").GetRawText());
        }
        if (trace is not null)
        {
            await trace.StopAsync(Path.Combine(Path.GetDirectoryName(PageSupport.ScreenshotDir)!, "bench", screenshot + ".trace.json"));
        }
        // performance.now() counts from the navigation's start: the page opening.
        double firstChart = await page.EvaluateAsync<double>("() => window.tbDebug.firstChartDrawn");
        // The first chart may be a preview (runs still being read); the complete one follows.
        await page.WaitForFunctionAsync("() => window.tbDebug.completeChartDrawn !== undefined", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        double completeChart = await page.EvaluateAsync<double>("() => window.tbDebug.completeChartDrawn");
        _complete[screenshot] = completeChart;
        // Where the time went: when each API answer ended (ms from the page's start), for the bench's details.
        var timeline = await page.EvaluateAsync<string>(@"() => performance.getEntriesByType('resource')
            .filter(e => !e.name.includes('/api/media/'))
            .map(e => new URL(e.name).pathname.replace('/static/', '') + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd)
                + (e.serverTiming || []).map(t => ' ' + t.name + ' ' + Math.round(t.duration)).join(''))
            .join(', ') + '; DOMContentLoaded ' + Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventStart)
            + '; marks ' + performance.getEntriesByType('mark').map(m => m.name.replace('tb-', '') + ' ' + Math.round(m.startTime)).join(', ')");
        _timelines[screenshot] = timeline;
        await PageSupport.WaitForSeriesAsync(page, "train/loss", runs);
        int points = int.Parse(await page.GetByTestId("card-train/loss").GetAttributeAsync("data-point-count") ?? "0", CultureInfo.InvariantCulture);
        // The page's own timing of its last render (data-draw-ms: series to lines, groups and uPlot, without the frame).
        double pageDraw = double.Parse(await page.GetByTestId("card-train/loss").GetAttributeAsync("data-draw-ms") ?? "NaN", CultureInfo.InvariantCulture);

        // A redraw of the card from its loaded series (smoothing, grouping and uPlot), to the next frame.
        var draws = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            draws.Add(await page.EvaluateAsync<double>(@"async () => {
                const card = [...window.tbDebug.board.scalarCards.values()].find(c => c.tag.name === 'train/loss');
                const t0 = performance.now();
                card.render();
                await new Promise(r => requestAnimationFrame(() => r()));
                return performance.now() - t0;
            }"));
        }
        draws.Sort();
        _timelines[screenshot + " render parts"] = await page.EvaluateAsync<string>(@"() => {
            const card = [...window.tbDebug.board.scalarCards.values()].find(c => c.tag.name === 'train/loss');
            return JSON.stringify(card.timing, (k, v) => typeof v === 'number' ? Math.round(v * 10) / 10 : v);
        }");
        await PageSupport.ScreenshotAsync(page, screenshot);
        await page.Context.CloseAsync();
        return (start, firstChart, draws[2], points, pageDraw);
    }

    /// <summary>Deletes the logs.</summary>
    public void Dispose() => _dir.Dispose();
}

/// <summary>A Chrome trace of a page over the DevTools protocol (Playwright for .NET has no browser tracing of its own).</summary>
internal sealed class ChromeTrace
{
    private readonly ICDPSession _session;
    private readonly List<string> _events = [];
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChromeTrace(ICDPSession session) => _session = session;

    /// <summary>Starts tracing the page's timeline (main thread tasks, layout, paint, script, network, performance marks).</summary>
    public static async Task<ChromeTrace> StartAsync(IPage page)
    {
        var trace = new ChromeTrace(await page.Context.NewCDPSessionAsync(page));
        trace._session.Event("Tracing.dataCollected").OnEvent += (_, e) =>
        {
            if (e is not { } data) return;
            lock (trace._events)
            {
                foreach (var item in data.GetProperty("value").EnumerateArray()) trace._events.Add(item.GetRawText());
            }
        };
        trace._session.Event("Tracing.tracingComplete").OnEvent += (_, _) => trace._complete.TrySetResult();
        await trace._session.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading,v8.execute,toplevel",
            ["transferMode"] = "ReportEvents",
        });
        return trace;
    }

    /// <summary>Stops tracing and writes the trace (Chrome's JSON trace format) to <paramref name="path"/>.</summary>
    public async Task StopAsync(string path)
    {
        await _session.SendAsync("Tracing.end");
        await _complete.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lock (_events) File.WriteAllText(path, "{\"traceEvents\":[\n" + string.Join(",\n", _events) + "\n]}");
    }
}
