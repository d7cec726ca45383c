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
/// (target &lt; 1 s) and a redraw of that card (target &lt; 100 ms). Figures go to out/bench/board-browser.txt.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Bench")]
public sealed class BrowserBench : IDisposable
{
    private const int Runs = 100;
    private const int PointsPerRun = 100_000;
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();

    /// <summary>Takes the shared browser.</summary>
    public BrowserBench(BrowserFixture browser) => _browser = browser;

    [BenchFact]
    public async Task FirstChartAndCardDrawOnAHundredRunsOfAHundredThousandPoints()
    {
        string logDir = _dir.Sub("runs");
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, r =>
        {
            using var writer = new TbWriter(Path.Combine(logDir, $"run{r:000}"), new TbWriterOptions { MaxQueue = 1 << 20 });
            for (long step = 0; step < PointsPerRun; step++)
            {
                writer.AddScalar("train/loss", Math.Exp(-step / 30_000.0) + 0.01 * Math.Sin(step + r), step);
            }
        });
        var written = clock.Elapsed;

        clock.Restart();
        using var server = BoardServer.Start(new BoardOptions { LogDirs = [logDir] });
        var started = clock.Elapsed;

        var page = await _browser.NewPageAsync();
        await page.GotoAsync(server.Url.AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.firstChartDrawn !== undefined",
            null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        double firstChart = await page.EvaluateAsync<double>("() => window.tbDebug.firstChartDrawn");
        await PageSupport.WaitForSeriesAsync(page, "train/loss", Runs);
        int points = int.Parse(await page.GetByTestId("card-train/loss").GetAttributeAsync("data-point-count") ?? "0", CultureInfo.InvariantCulture);

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
        await PageSupport.ScreenshotAsync(page, nameof(FirstChartAndCardDrawOnAHundredRunsOfAHundredThousandPoints));

        var lines = new[]
        {
            $"board browser bench: {Runs} runs x {PointsPerRun:N0} scalars (written in {written.TotalSeconds:F1} s)",
            $"  BoardServer.Start            {started.TotalMilliseconds,8:F0} ms   (target < 1000 ms)",
            $"  first chart drawn after open {firstChart,8:F0} ms   (target < 1000 ms)",
            $"  card redraw, median of 5     {draws[2],8:F1} ms   (target < 100 ms; {points:N0} points drawn, to the next frame)",
        };
        string outDir = Path.Combine(Path.GetDirectoryName(PageSupport.ScreenshotDir)!, "bench");
        Directory.CreateDirectory(outDir);
        File.WriteAllLines(Path.Combine(outDir, "board-browser.txt"), lines);
        Assert.True(firstChart > 0);
    }

    /// <summary>Deletes the logs.</summary>
    public void Dispose() => _dir.Dispose();
}
