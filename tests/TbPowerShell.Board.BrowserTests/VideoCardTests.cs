using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>
/// Videos (animated GIFs, as add_video and Add-TbVideo write them) play in the image card, on the board and in the
/// offline report: the frame shown advances by itself, the pixels change with it, pause stops it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VideoCardTests : IDisposable
{
    private const string Tag = "bar";
    private const int Frames = 8;
    private const string TestId = "video-clip-" + Tag;
    private readonly BrowserFixture _browser;
    private readonly TempDir _dir = new();
    private readonly List<BoardServer> _servers = new();

    /// <summary>Takes the shared browser.</summary>
    public VideoCardTests(BrowserFixture browser) => _browser = browser;

    /// <summary>A log directory with run "clip": a video of 8 frames, a white bar moving right over a frame-coloured ground.</summary>
    private string WriteVideo()
    {
        const int h = 24, w = 32;
        var data = new float[Frames * 3 * h * w];
        for (int t = 0; t < Frames; t++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        bool bar = x / 4 == t;
                        data[((t * 3 + c) * h + y) * w + x] = bar ? 1f : c == t % 3 ? 0.5f : 0.1f;
                    }
                }
            }
        }
        var clip = VideoFrames.FromFloats(data, new[] { Frames, 3, h, w });
        string logDir = _dir.Sub("runs");
        using var writer = new TbWriter(Path.Combine(logDir, "clip"));
        writer.AddValue(SummaryValues.Image(Tag, GifVideo.Encode(clip, 8), clip.Width, clip.Height, clip.Channels), 1, new TbTimestamp(1700000000));
        return logDir;
    }

    private static async Task<(int Frame, string Pixels)> ShownAsync(IPage page)
    {
        string shown = await page.EvaluateAsync<string>(@"() => {
            const c = document.querySelector('[data-testid=""" + TestId + @"""]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let sum = 0; for (let i = 0; i < d.length; i += 7) sum = (sum * 31 + d[i]) % 1000000007;
            return c.dataset.frame + '|' + sum;
        }");
        return (int.Parse(shown.Split('|')[0], System.Globalization.CultureInfo.InvariantCulture), shown.Split('|')[1]);
    }

    private static async Task<int> WaitForFrameOtherThanAsync(IPage page, int frame) =>
        await (await page.WaitForFunctionAsync(
            "([id, f]) => { const c = document.querySelector(`[data-testid=\"${id}\"]`); return c && c.width > 0 && c.dataset.frame !== String(f) ? Number(c.dataset.frame) : false; }",
            new object[] { TestId, frame }, new PageWaitForFunctionOptions { Timeout = 10_000 })).JsonValueAsync<int>();

    private static async Task AssertPlaysAndPausesAsync(IPage page, string screenshot)
    {
        var canvas = page.GetByTestId(TestId);
        await canvas.WaitForAsync();
        int first = await WaitForFrameOtherThanAsync(page, -1);
        var a = await ShownAsync(page);
        await PageSupport.ScreenshotAsync(page, screenshot + "_a");
        int second = await WaitForFrameOtherThanAsync(page, a.Frame);
        var b = await ShownAsync(page);
        await PageSupport.ScreenshotAsync(page, screenshot + "_b");
        Assert.NotEqual(a.Frame, b.Frame);
        Assert.NotEqual(a.Pixels, b.Pixels); // the picture moved, not only the counter
        Assert.InRange(first, 0, Frames - 1);
        Assert.InRange(second, 0, Frames - 1);
        Assert.Matches(new Regex($"^frame [1-8] / {Frames}$"), await page.GetByTestId(TestId + "-frame").TextContentAsync() ?? "");

        await page.GetByTestId(TestId + "-play").ClickAsync();
        await PageSupport.WaitForAttributeAsync(page, TestId, "data-playing", "false");
        var paused = await ShownAsync(page);
        await page.WaitForTimeoutAsync(600); // more than four frames at 8 frames a second
        Assert.Equal(paused, await ShownAsync(page));
        await page.GetByTestId(TestId + "-play").ClickAsync();
        await WaitForFrameOtherThanAsync(page, paused.Frame);
    }

    [Fact]
    public async Task AVideoPlaysInItsImageCardAndPauses()
    {
        var server = BoardServer.Start(new BoardOptions { LogDirs = [WriteVideo()] });
        _servers.Add(server);
        var page = await _browser.NewPageAsync();
        await PageSupport.OpenAsync(page, server.Url, "#tab=images");
        await AssertPlaysAndPausesAsync(page, nameof(AVideoPlaysInItsImageCardAndPauses));
    }

    [Fact]
    public async Task AVideoPlaysInTheOfflineReport()
    {
        string report = _dir.Sub("report.html");
        using (var output = File.Create(report))
        {
            BoardReport.Write(output, new BoardOptions { LogDirs = [WriteVideo()] }, new ReportOptions { Title = "video" });
        }
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(new Uri(report).AbsoluteUri + "#tab=images");
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");
        await AssertPlaysAndPausesAsync(page, nameof(AVideoPlaysInTheOfflineReport));
        Assert.Empty(errors);
    }

    /// <summary>Stops the servers and deletes the logs.</summary>
    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Stop();
        }
        _dir.Dispose();
    }
}
