using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>The report of Export-TbReport opens from a file with every network request refused, and draws its cards.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OfflineReportTests : IDisposable
{
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();

    /// <summary>Takes the shared browser.</summary>
    public OfflineReportTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task TheReportOpensWithTheNetworkBlockedAndDrawsItsCards()
    {
        string logDir = _dir.Sub("runs");
        BoardLogs.Write(logDir);
        string report = _dir.Sub("report.html");
        using (var output = File.Create(report))
        {
            BoardReport.Write(output, new BoardOptions { LogDirs = [logDir] }, new ReportOptions { Title = "offline" });
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

        await page.GotoAsync(new Uri(report).AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");
        await PageSupport.WaitForSeriesAsync(page, BoardLogs.LossTag, 3);
        Assert.Empty(requested);
        Assert.Empty(errors);
        await PageSupport.ScreenshotAsync(page, nameof(TheReportOpensWithTheNetworkBlockedAndDrawsItsCards));
    }

    /// <summary>Deletes the logs and the report.</summary>
    public void Dispose() => _dir.Dispose();
}
