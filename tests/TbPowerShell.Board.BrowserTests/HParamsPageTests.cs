using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>
/// The HParams tab in a real browser: the sweep table sorted by a metric, the parallel coordinates
/// brushed on a metric axis and a row picked, each selecting runs as the board's run filter; and the
/// tab in the offline report. Each test saves a screenshot.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HParamsPageTests : IDisposable
{
    private static readonly (string Run, double Lr, string Optimizer, bool UseBn, double Accuracy)[] Trials =
    [
        ("trial0", 0.001, "adam", true, 0.62),
        ("trial1", 0.003, "sgd", false, 0.71),
        ("trial2", 0.01, "adam", false, 0.80),
        ("trial3", 0.03, "sgd", true, 0.86),
        ("trial4", 0.05, "adam", true, 0.93),
        ("trial5", 0.1, "sgd", false, 0.90),
    ];

    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly List<BoardServer> _servers = new();

    /// <summary>Takes the shared browser.</summary>
    public HParamsPageTests(BrowserFixture browser) => _browser = browser;

    /// <summary>Six trials, each a run with a loss curve, its hyperparameters and final metrics; and a run without any.</summary>
    private string WriteSweep()
    {
        string logDir = _dir.Sub("sweep");
        var domains = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Of("adam", "sgd"), ["lr"] = HParamDomain.Interval(0.001, 0.1) };
        foreach (var t in Trials)
        {
            using var w = new TbWriter(Path.Combine(logDir, t.Run));
            for (int step = 0; step < 20; step++) w.AddScalar("loss", (1 - t.Accuracy) + 1.0 / (step + 1), step);
            var hp = new KeyValuePair<string, object>[] { new("lr", t.Lr), new("optimizer", t.Optimizer), new("use_bn", t.UseBn) };
            w.AddValue(HParamsSummary.Experiment(HParamsSummary.Definitions(hp, domains), ["accuracy", "final_loss"]), 19);
            w.AddValue(HParamsSummary.SessionStart(hp), 19);
            w.AddValue(HParamsSummary.SessionEnd(), 19);
            w.AddScalar("accuracy", t.Accuracy, 19);
            w.AddScalar("final_loss", 1 - t.Accuracy, 19);
        }
        using (var plain = new TbWriter(Path.Combine(logDir, "plain"))) plain.AddScalar("loss", 1, 0);
        return logDir;
    }

    private async Task<string[]> RowRunsAsync(IPage page) =>
        (await page.Locator("[data-testid=hparams-table] tbody tr").AllAsync())
            .Select(r => r.GetAttributeAsync("data-testid").Result!["hparams-row-".Length..]).ToArray();

    private static Task<string[]> HiddenAsync(IPage page) =>
        page.EvaluateAsync<string[]>("() => [...window.tbDebug.state.hidden].sort()");

    [Fact]
    public async Task TheSweepTableSortsByAMetricAndBrushingAnAxisFiltersTheRuns()
    {
        var server = BoardServer.Start(new BoardOptions { LogDirs = [WriteSweep()] });
        _servers.Add(server);
        var page = await _browser.NewPageAsync();
        await page.SetViewportSizeAsync(1400, 900);
        await PageSupport.OpenAsync(page, server.Url, "#tab=hparams");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=hparams-table] tbody tr').length === 6");
        Assert.Equal("6", (await page.GetByTestId("tab-hparams").Locator(".count").TextContentAsync())?.Trim());
        Assert.Equal(6, await page.Locator("[data-testid=hparams-parcoords] polyline").CountAsync());

        // Sort by the metric: the first click puts the best trial first.
        await page.Locator("[data-testid=hparams-table] th", new PageLocatorOptions { HasTextString = "accuracy" }).First.ClickAsync();
        Assert.Equal(Trials.OrderByDescending(t => t.Accuracy).Select(t => t.Run), await RowRunsAsync(page));

        // Brush the upper half of the accuracy axis: the runs above the middle stay, the others (and the run without hyperparameters) are hidden.
        var axis = await page.GetByTestId("hparams-axis-accuracy").BoundingBoxAsync();
        Assert.NotNull(axis);
        float x = axis!.X + axis.Width / 2;
        await page.Mouse.MoveAsync(x, axis.Y + 1);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x, axis.Y + axis.Height * 0.3f, new MouseMoveOptions { Steps = 4 });
        await page.Mouse.MoveAsync(x, axis.Y + axis.Height * 0.5f, new MouseMoveOptions { Steps = 4 });
        await page.Mouse.UpAsync();
        double mid = (Trials.Min(t => t.Accuracy) + Trials.Max(t => t.Accuracy)) / 2;
        string[] expectedHidden = [.. Trials.Where(t => t.Accuracy < mid).Select(t => t.Run).Append("plain").Order(StringComparer.Ordinal)];
        await page.WaitForFunctionAsync("n => window.tbDebug.state.hidden.length === n", expectedHidden.Length);
        Assert.Equal(expectedHidden, await HiddenAsync(page));
        Assert.Contains("hide=plain", page.Url);
        Assert.Equal(Trials.Count(t => t.Accuracy < mid), await page.Locator("[data-testid=hparams-table] tr.off").CountAsync());
        await PageSupport.ScreenshotAsync(page, nameof(TheSweepTableSortsByAMetricAndBrushingAnAxisFiltersTheRuns));

        // Picking a row narrows the brushed selection to it; the scalars tab then draws that run only.
        await page.GetByTestId("hparams-row-trial4").ClickAsync();
        await page.WaitForFunctionAsync("() => window.tbDebug.state.hidden.length === 6");
        Assert.DoesNotContain("trial4", await HiddenAsync(page));
        await page.GetByTestId("tab-scalars").ClickAsync();
        await PageSupport.WaitForSeriesAsync(page, "loss", 1);

        // Clearing the selection shows every run again.
        await page.GetByTestId("tab-hparams").ClickAsync();
        await page.GetByTestId("hparams-clear").ClickAsync();
        await page.WaitForFunctionAsync("() => window.tbDebug.state.hidden.length === 0");
    }

    [Fact]
    public async Task TheReportHasTheHParamsTabWithTheNetworkBlocked()
    {
        string report = _dir.Sub("report.html");
        using (var output = File.Create(report))
        {
            BoardReport.Write(output, new BoardOptions { LogDirs = [WriteSweep()] }, new ReportOptions { Title = "sweep" });
        }
        var page = await _browser.NewPageAsync();
        var requested = new List<string>();
        await page.Context.RouteAsync(new Regex("^(https?|wss?)://"), async route =>
        {
            requested.Add(route.Request.Url);
            await route.AbortAsync();
        });
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.SetViewportSizeAsync(1400, 900);
        await page.GotoAsync(new Uri(report).AbsoluteUri + "#tab=hparams");
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=hparams-table] tbody tr').length === 6");
        Assert.Equal(Trials.Select(t => t.Run), await RowRunsAsync(page));
        Assert.Empty(requested);
        Assert.Empty(errors);
        await PageSupport.ScreenshotAsync(page, nameof(TheReportHasTheHParamsTabWithTheNetworkBlocked));
    }

    /// <summary>Stops the servers and deletes the logs.</summary>
    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _dir.Dispose();
    }
}
