using Microsoft.Playwright;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>The Embeddings tab in a real browser: a PCA scatter per embedding, labels in the tooltip, colour by a column.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbeddingsPageTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private BoardServer? _server;

    /// <summary>Takes the shared browser.</summary>
    public EmbeddingsPageTests(BrowserFixture browser) => _browser = browser;

    public void Dispose()
    {
        _server?.Dispose();
        _dir.Dispose();
    }

    /// <summary>Three clusters of 20 points in 5-D, labelled by name and class, in run "clusters".</summary>
    private string WriteClusters()
    {
        string run = _dir.Sub("runs", "clusters");
        using (var w = new TbWriter(run)) w.AddScalar("loss", 1, 0);
        var rng = new Random(7);
        var values = new List<double>();
        var labels = new List<IReadOnlyList<string>>();
        string[] classes = ["cat", "dog", "bird"];
        for (int i = 0; i < 60; i++)
        {
            int c = i % 3;
            for (int d = 0; d < 5; d++) values.Add((d == c ? 6 : 0) + rng.NextDouble());
            labels.Add(["point" + i, classes[c]]);
        }
        ProjectorWriter.Write(run, new ProjectorData("features", 3, values.ToArray(), 60, 5, labels, ["name", "class"]));
        return _dir.Sub("runs");
    }

    [Fact]
    public async Task TheEmbeddingsTabDrawsAPcaScatterWithLabelsInTheTooltipColouredByAColumn()
    {
        _server = BoardServer.Start(new BoardOptions { LogDirs = [WriteClusters()] });
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, _server.Url, "#tab=embeddings");
        var card = page.GetByTestId("embedding-clusters-features");
        await card.Locator("circle.emb-point").Nth(59).WaitForAsync();
        Assert.Equal(60, await card.Locator("circle.emb-point").CountAsync());
        Assert.Contains("60 points × 5", await card.Locator(".card-foot").TextContentAsync());

        // Coloured at first by the first column that reads as categories: class (name has 60 distinct values), three colours.
        var select = page.GetByTestId("embedding-color-clusters-features");
        Assert.Equal("1", await select.InputValueAsync());
        const string Fills = "cs => cs.map(c => c.getAttribute('fill'))";
        var fills = await card.Locator("circle.emb-point").EvaluateAllAsync<string[]>(Fills);
        Assert.Equal(3, fills.Distinct().Count());
        Assert.Equal(fills[0], fills[3]);
        Assert.NotEqual(fills[0], fills[1]);
        Assert.Equal(3, await card.Locator(".emb-key").CountAsync());
        // By name: 20 colours and grey for the rest; by the run's colour: one.
        await select.SelectOptionAsync("0");
        Assert.Equal(21, (await card.Locator("circle.emb-point").EvaluateAllAsync<string[]>(Fills)).Distinct().Count());
        await select.SelectOptionAsync("-1");
        Assert.Single((await card.Locator("circle.emb-point").EvaluateAllAsync<string[]>(Fills)).Distinct());
        await select.SelectOptionAsync("1");

        // The tooltip names the point under the mouse (a neighbour drawn on top may be the one hovered) with every column.
        await card.Locator("circle.emb-point").Nth(4).HoverAsync();
        var tip = page.GetByTestId("embedding-tip-clusters-features");
        await Assertions.Expect(tip).ToBeVisibleAsync();
        string head = await tip.Locator(".emb-tip-head").TextContentAsync() ?? "";
        int index = int.Parse(head.Replace("point ", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        string text = await tip.TextContentAsync() ?? "";
        Assert.Contains("name: point" + index, text);
        Assert.Contains("class: " + new[] { "cat", "dog", "bird" }[index % 3], text);
        // The clusters separate on the first two components: each class's points lie apart from the others'.
        var xy = await card.Locator("circle.emb-point").EvaluateAllAsync<double[][]>(
            "cs => cs.map(c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))])");
        double Spread(int c) => xy.Where((_, i) => i % 3 == c).Max(p => Math.Abs(p[0] - xy[c][0]) + Math.Abs(p[1] - xy[c][1]));
        double Gap(int a, int b) => Math.Abs(xy[a][0] - xy[b][0]) + Math.Abs(xy[a][1] - xy[b][1]);
        Assert.True(Gap(0, 1) > 2 * Math.Max(Spread(0), Spread(1)), "cat and dog clusters apart");
        await PageSupport.ScreenshotAsync(page, nameof(TheEmbeddingsTabDrawsAPcaScatterWithLabelsInTheTooltipColouredByAColumn));
    }

    [Fact]
    public async Task TheOfflineReportDrawsTheEmbeddingsWithTheNetworkBlocked()
    {
        string logDir = WriteClusters();
        string report = _dir.Sub("report.html");
        using (var output = File.Create(report))
        {
            BoardReport.Write(output, new BoardOptions { LogDirs = [logDir] }, new ReportOptions { Title = "offline" });
        }
        var page = await _browser.NewPageAsync();
        var requested = new List<string>();
        await page.Context.RouteAsync(new System.Text.RegularExpressions.Regex("^(https?|wss?)://"), async route =>
        {
            requested.Add(route.Request.Url);
            await route.AbortAsync();
        });
        await page.GotoAsync(new Uri(report).AbsoluteUri + "#tab=embeddings");
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");
        var card = page.GetByTestId("embedding-clusters-features");
        await card.Locator("circle.emb-point").Nth(59).WaitForAsync();
        Assert.Equal(60, await card.Locator("circle.emb-point").CountAsync());
        Assert.Empty(requested);
        await PageSupport.ScreenshotAsync(page, nameof(TheOfflineReportDrawsTheEmbeddingsWithTheNetworkBlocked));
    }
}
