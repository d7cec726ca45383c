using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>The Graph tab in a real browser: PyTorch's graph as a collapsible tree of its module scopes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GraphPageTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly List<BoardServer> _servers = new();

    /// <summary>Takes the shared browser.</summary>
    public GraphPageTests(BrowserFixture browser) => _browser = browser;

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _dir.Dispose();
    }

    /// <summary>A log directory with PyTorch's graph fixture as the run "pytorch".</summary>
    private string CopyFixture()
    {
        string run = _dir.Sub("runs", "pytorch");
        Directory.CreateDirectory(run);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "pytorch", "graph")))
        {
            File.Copy(file, Path.Combine(run, Path.GetFileName(file)));
        }
        return _dir.Sub("runs");
    }

    [Fact]
    public async Task TheReportShowsTheGraphOfflineToo()
    {
        string report = _dir.Sub("report.html");
        using (var output = File.Create(report))
        {
            BoardReport.Write(output, new BoardOptions { LogDirs = [CopyFixture()] }, new ReportOptions { Title = "graph" });
        }
        var page = await _browser.NewPageAsync();
        await page.Context.RouteAsync(new Regex("^(https?|wss?)://"), route => route.AbortAsync());
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(new Uri(report).AbsoluteUri + "#tab=graphs");
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");

        var relu = page.GetByTestId("graph-node-Net/input");
        await relu.WaitForAsync();
        Assert.Contains("aten::relu", await relu.TextContentAsync());
        Assert.Empty(errors);
        await PageSupport.ScreenshotAsync(page, nameof(TheReportShowsTheGraphOfflineToo));
    }

    [Fact]
    public async Task TheGraphTabShowsTheModuleTreeThatCollapses()
    {
        CopyFixture();
        var server = BoardServer.Start(new BoardOptions { LogDirs = [_dir.Sub("runs")] });
        _servers.Add(server);
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url, "#tab=graphs");

        var card = page.GetByTestId("graph-pytorch-__run_graph__");
        await card.WaitForAsync();
        Assert.Contains("GraphDef · 9 nodes", await card.TextContentAsync());
        var linear = page.GetByTestId("graph-node-Net/Linear[fc1]/31");
        await linear.WaitForAsync();
        Assert.True(await linear.IsVisibleAsync(), "the first two levels of scopes start open");
        Assert.Contains("aten::linear", await linear.TextContentAsync());
        Assert.Contains("[1,3]", await linear.TextContentAsync());
        // Scopes two levels down start closed: the parameter reads are listed but hidden.
        Assert.False(await page.GetByTestId("graph-node-Net/Linear[fc1]/weight/weight.1").IsVisibleAsync());
        Assert.Equal(1, await page.GetByTestId("tab-graphs").CountAsync());

        await PageSupport.ScreenshotAsync(page, nameof(TheGraphTabShowsTheModuleTreeThatCollapses));

        // Closing Net hides everything in it; opening it again shows it.
        var net = page.GetByTestId("graph-scope-Net").Locator("> summary");
        await net.ClickAsync();
        Assert.False(await linear.IsVisibleAsync());
        await net.ClickAsync();
        Assert.True(await linear.IsVisibleAsync());

        var metadata = page.GetByTestId("graph-pytorch-step1");
        await metadata.WaitForAsync();
        Assert.Contains("/device:CPU:0", await metadata.TextContentAsync());
    }
}
