using Microsoft.Playwright;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>The board's PR curves tab (a card per run and tag with a step slider) and text tables, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PrCurvePageTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly List<BoardServer> _servers = new();

    /// <summary>Takes the shared browser.</summary>
    public PrCurvePageTests(BrowserFixture browser) => _browser = browser;

    /// <summary>Run "model": a PR curve at steps 0..2 that gets better each step, and a 3 x 2 text table.</summary>
    private BoardServer StartWritten()
    {
        string logDir = _dir.Sub("runs");
        var rng = new Random(7);
        var labels = Enumerable.Range(0, 400).Select(i => (double)(i % 2)).ToArray();
        var noise = labels.Select(_ => rng.NextDouble()).ToArray();
        using (var w = new TbWriter(Path.Combine(logDir, "model")))
        {
            for (int step = 0; step < 3; step++)
            {
                double signal = 0.2 * step;
                var predictions = labels.Select((l, i) => Math.Clamp(l * signal + (1 - signal) * noise[i], 0, 1)).ToArray();
                w.AddValue(PrCurves.Value("val/pr", PrCurves.Compute(labels, predictions, 51)), step);
            }
            w.AddValue(TextTables.Value("results", new[,] { { "epoch", "loss" }, { "1", "**0.5**" }, { "2", "0.25" } }), 0);
        }
        var server = BoardServer.Start(new BoardOptions { LogDirs = [logDir] });
        _servers.Add(server);
        return server;
    }

    [Fact]
    public async Task APrCurveCardDrawsPrecisionAgainstRecallAndItsSliderChangesTheStep()
    {
        var server = StartWritten();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url, "#tab=prcurves");
        var canvas = page.GetByTestId("prcurve-model-val/pr");
        var slider = page.GetByTestId("prcurve-slider-model-val/pr");
        await canvas.WaitForAsync();
        var card = page.Locator(".prcurve-card");
        await Assertions.Expect(card.Locator(".step-label")).ToContainTextAsync("step 2 (3/3)");
        await Assertions.Expect(card.Locator(".pr-info")).ToContainTextAsync("51 thresholds · positives 200 · negatives 200");
        Assert.Equal("2", await slider.InputValueAsync());

        // The curve is drawn: pixels of the run's colour in the plot area.
        string countColoured = @"el => {
            const g = el.getContext('2d'); const d = g.getImageData(0, 0, el.width, el.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
            return n; }";
        Assert.True(await canvas.EvaluateAsync<int>(countColoured) > 100, "the curve is drawn in the run's colour");

        // Hovering reads the nearest threshold.
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height * 0.3f);
        await Assertions.Expect(card.Locator(".pr-info")).ToContainTextAsync("threshold ");
        await PageSupport.ScreenshotAsync(page, nameof(APrCurveCardDrawsPrecisionAgainstRecallAndItsSliderChangesTheStep));

        await slider.FocusAsync();
        await slider.PressAsync("Home");
        await Assertions.Expect(card.Locator(".step-label")).ToContainTextAsync("step 0 (1/3)");
    }

    [Fact]
    public async Task ATextTableIsDrawnAsATable()
    {
        var server = StartWritten();
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url, "#tab=text");
        var text = page.GetByTestId("text-model-results/text_summary");
        await text.Locator("table").WaitForAsync();
        Assert.Equal(3, await text.Locator("tr").CountAsync());
        Assert.Equal(6, await text.Locator("td").CountAsync());
        Assert.Equal("0.5", await text.Locator("td strong").TextContentAsync());
        await PageSupport.ScreenshotAsync(page, nameof(ATextTableIsDrawnAsATable));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Stop();
        }
        _dir.Dispose();
    }
}
