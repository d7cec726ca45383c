using Microsoft.Playwright;
using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>
/// The board page in a real browser against a real <see cref="BoardServer"/>: charts, smoothing,
/// filters, grouping, images, sanitized text and live updates. Each test saves a screenshot.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardPageTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly List<BoardServer> _servers = new();

    /// <summary>Takes the shared browser.</summary>
    public BoardPageTests(BrowserFixture browser) => _browser = browser;

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", "pytorch", .. parts]);

    private BoardServer Start(params string[] logDirs)
    {
        var server = BoardServer.Start(new BoardOptions { LogDirs = logDirs });
        _servers.Add(server);
        return server;
    }

    private BoardServer StartGenerated()
    {
        string logDir = _dir.Sub("runs");
        BoardLogs.Write(logDir);
        return Start(logDir);
    }

    [Fact]
    public async Task AScalarCardDrawsOneSeriesPerRun()
    {
        // scalars_multi: the tag "multi" in three runs, "group/inner" in two.
        var server = Start(Fixture("scalars_multi"));
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);

        await PageSupport.WaitForSeriesAsync(page, "multi", 3);
        await PageSupport.WaitForSeriesAsync(page, "group/inner", 2);
        Assert.True(await page.GetByTestId("card-multi").Locator("canvas").CountAsync() > 0, "the card draws on a canvas");
        await PageSupport.ScreenshotAsync(page, nameof(AScalarCardDrawsOneSeriesPerRun));
    }

    [Fact]
    public async Task TheSmoothedValueAtAStepEqualsTensorBoardSmoothingOfTheStoredValues()
    {
        var server = StartGenerated();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 3);

        // What Get-TbEvent -Smoothing 0.6 gives: the core's smoothing over the values as stored.
        var stored = Enumerable.Range(0, BoardLogs.Steps).Select(s => BoardLogs.StoredLoss(1, s)).ToArray();
        var expected = TensorBoardSmoothing.Smooth(stored, 0.6);
        foreach (int step in new[] { 0, 1, 25, BoardLogs.Steps - 1 })
        {
            double shown = await page.EvaluateAsync<double>("([tag, run, step]) => window.tbDebug.smoothed(tag, run, step)",
                new object[] { BoardLogs.LossTag, "adam_seed=2", step });
            Assert.Equal(expected[step], shown);
        }
        await PageSupport.ScreenshotAsync(page, nameof(TheSmoothedValueAtAStepEqualsTensorBoardSmoothingOfTheStoredValues));
    }

    [Fact]
    public async Task TheRunFilterAndTheRunCheckBoxesHideRuns()
    {
        var server = StartGenerated();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 3);

        await page.GetByTestId("run-filter").FillAsync("seed");
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 2);
        Assert.Contains("runs=seed", page.Url);

        await page.GetByTestId("run-toggle-adam_seed=2").UncheckAsync();
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 1);
        await PageSupport.ScreenshotAsync(page, nameof(TheRunFilterAndTheRunCheckBoxesHideRuns));
    }

    [Fact]
    public async Task GroupingRunsByANamePatternDrawsABand()
    {
        var server = StartGenerated();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 3);
        Assert.Equal("0", await page.GetByTestId("card-" + BoardLogs.LossTag).GetAttributeAsync("data-bands"));

        // adam_seed=1 and adam_seed=2 become one group, "adam" (a band); sgd stays alone.
        await page.GetByTestId("group-pattern").FillAsync(@"seed=\d+");
        await PageSupport.WaitForAttributeAsync(page, "card-" + BoardLogs.LossTag, "data-bands", "1");
        await PageSupport.ScreenshotAsync(page, nameof(GroupingRunsByANamePatternDrawsABand));
    }

    [Fact]
    public async Task TheImageSliderChangesThePicture()
    {
        var server = StartGenerated();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url, "#tab=images");
        var image = page.GetByTestId($"image-adam_seed=1-{BoardLogs.ImageTag}");
        var slider = page.GetByTestId($"image-slider-adam_seed=1-{BoardLogs.ImageTag}");
        await image.WaitForAsync();
        await page.WaitForFunctionAsync("el => el.complete && el.naturalWidth === 16", await image.ElementHandleAsync());
        string? last = await image.GetAttributeAsync("src");
        Assert.Equal("2", await slider.InputValueAsync());

        await slider.FocusAsync();
        await slider.PressAsync("Home");
        Assert.Equal("0", await slider.InputValueAsync());
        await page.WaitForFunctionAsync("([el, before]) => el.getAttribute('src') !== before && el.complete && el.naturalWidth === 16",
            new object[] { await image.ElementHandleAsync(), last! });
        // The picture itself changed: the first image is red, the last blue.
        var rgb = await page.EvaluateAsync<int[]>(@"el => {
            const c = document.createElement('canvas'); c.width = 16; c.height = 16;
            const g = c.getContext('2d'); g.drawImage(el, 0, 0);
            return Array.from(g.getImageData(8, 8, 1, 1).data.slice(0, 3));
        }", await image.ElementHandleAsync());
        Assert.Equal(new[] { 220, 30, 30 }, rgb);
        await PageSupport.ScreenshotAsync(page, nameof(TheImageSliderChangesThePicture));
    }

    [Fact]
    public async Task MarkdownWithScriptAndEventHandlersRendersInert()
    {
        var server = StartGenerated();
        var page = await _browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await PageSupport.OpenAsync(page, server.Url, "#tab=text");
        var text = page.GetByTestId($"text-adam_seed=1-{BoardLogs.TextTagRead}");
        await text.Locator("strong").WaitForAsync();
        Assert.Equal("bold words", await text.Locator("strong").First.TextContentAsync());

        // Click everything clickable, then give any handler time to fire.
        foreach (var link in await text.Locator("a").AllAsync())
        {
            await link.ClickAsync(new LocatorClickOptions { Force = true, Timeout = 2000 });
        }
        await page.WaitForTimeoutAsync(500);
        Assert.Empty(dialogs);
        Assert.Equal(0, await text.Locator("script").CountAsync());
        Assert.Equal(0, await text.Locator("[onerror], [onclick]").CountAsync());
        Assert.Equal(0, await text.Locator("a[href^='javascript']").CountAsync());
        await PageSupport.ScreenshotAsync(page, nameof(MarkdownWithScriptAndEventHandlersRendersInert));
    }

    [Fact]
    public async Task PointsWrittenAfterThePageOpenedAppearWithinFiveSeconds()
    {
        string run = _dir.Sub("live", "run");
        using var writer = new TbWriter(run);
        for (long step = 0; step < 10; step++)
        {
            writer.AddScalar("live/loss", 1.0 / (step + 1), step);
        }
        writer.Flush();
        var server = Start(_dir.Sub("live"));
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);
        await PageSupport.WaitForAttributeAsync(page, "card-live/loss", "data-point-count", "10");

        for (long step = 10; step < 15; step++)
        {
            writer.AddScalar("live/loss", 1.0 / (step + 1), step);
        }
        writer.Flush();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await PageSupport.WaitForAttributeAsync(page, "card-live/loss", "data-point-count", "15", timeoutMs: 5_000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        // A falling series of fewer than 20 points is drawn the right way up, its whole range in view.
        string yRange = await page.GetByTestId("card-live/loss").GetAttributeAsync("data-y-range") ?? "";
        var bounds = yRange.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(bounds[0] < bounds[1], $"y range {yRange}");
        // (The smoothed line sets it: it runs from near 1 down to under 0.1.)
        Assert.InRange(bounds[0], double.NegativeInfinity, 0.1);
        Assert.InRange(bounds[1], 0.9, double.PositiveInfinity);
        await PageSupport.ScreenshotAsync(page, nameof(PointsWrittenAfterThePageOpenedAppearWithinFiveSeconds));
    }

    [Fact]
    public async Task TheFirstViewLoadsTheCardsInTheWindowAtOnceAndTheRestWhenScrolledTo()
    {
        // Forty scalar tags in one group: a few cards fit in the window, the rest are far below.
        string logDir = _dir.Sub("many");
        using (var writer = new TbWriter(Path.Combine(logDir, "run")))
        {
            for (int t = 0; t < 40; t++)
            {
                for (long step = 0; step < 20; step++) writer.AddScalar($"metrics/m{t:00}", t + step * 0.1, step);
            }
        }
        var server = Start(logDir);
        var page = await _browser.NewPageAsync();
        var asked = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/api/scalars", StringComparison.Ordinal)) lock (asked) asked.Add(request.Url); };
        await PageSupport.OpenAsync(page, server.Url);
        await PageSupport.WaitForSeriesAsync(page, "metrics/m00", 1);
        await page.WaitForTimeoutAsync(500);
        int firstWave;
        lock (asked) firstWave = asked.Select(u => new Uri(u).Query).Select(q => q.Split("tag=")[1].Split('&')[0]).Distinct().Count();
        // The cards of the first rows, asked for at once (the first view does not wait for a layout to pick them) ...
        Assert.InRange(firstWave, 2, 20);
        Assert.Equal("0", await page.GetByTestId("card-metrics/m39").GetAttributeAsync("data-series-count"));
        // ... and the last card once it is scrolled into view.
        await page.GetByTestId("card-metrics/m39").ScrollIntoViewIfNeededAsync();
        await PageSupport.WaitForSeriesAsync(page, "metrics/m39", 1);
        await PageSupport.ScreenshotAsync(page, nameof(TheFirstViewLoadsTheCardsInTheWindowAtOnceAndTheRestWhenScrolledTo));
    }

    [Theory]
    [InlineData("toplevel", new[] { "zeta", "train/loss", "Loss", "alpha/a" })]
    [InlineData("prefixes", new[] { "train/loss", "beta/x", "Alpha/b", "alpha/a", "eval/acc" })]
    public async Task TheFirstCardsPreviewAskedForBeforeTheModulesRunIsTheFirstCardsAndIsTaken(string name, string[] tags)
    {
        // boot.js picks the first card by main.js's order on its own: the card the page shows first must take it.
        string logDir = _dir.Sub(name);
        for (int r = 0; r < 2; r++)
        {
            using var writer = new TbWriter(Path.Combine(logDir, $"run{r}"));
            for (long step = 0; step < 10; step++)
            {
                foreach (var tag in tags) writer.AddScalar(tag, step + r, step);
            }
        }
        var server = Start(logDir);
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url);
        string firstCard = await page.Locator("#view .scalar-card").First.GetAttributeAsync("data-testid") ?? "";
        await PageSupport.WaitForSeriesAsync(page, firstCard["card-".Length..], 2);
        int taken = await page.EvaluateAsync<int>("() => window.tbDebug.firstPreviewTaken ?? -1");
        int firstId = await page.EvaluateAsync<int>("name => window.tbDebug.board.tags.find(t => t.kind === 'scalar' && t.name === name).id", firstCard["card-".Length..]);
        Assert.Equal(firstId, taken);

        // A view with a tag filter in its URL shows another first card: no preview is asked for ahead, and it draws.
        var filtered = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(filtered, server.Url, "#tags=" + Uri.EscapeDataString(tags[^1]));
        await PageSupport.WaitForSeriesAsync(filtered, tags[^1], 2);
        Assert.Equal(-1, await filtered.EvaluateAsync<int>("() => window.tbDebug.firstPreviewTaken ?? -1"));
    }

    /// <summary>Stops the boards and deletes the logs.</summary>
    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Stop();
        }
        _dir.Dispose();
    }
}
