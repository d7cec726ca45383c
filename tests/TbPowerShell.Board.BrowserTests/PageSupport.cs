using Microsoft.Playwright;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>Opening a board's page, waiting for it, and keeping a screenshot of what it showed.</summary>
internal static class PageSupport
{
    /// <summary>out/screenshots at the repository root (kept as a CI artifact), or TB_SCREENSHOTS.</summary>
    public static string ScreenshotDir
    {
        get
        {
            string? given = Environment.GetEnvironmentVariable("TB_SCREENSHOTS");
            if (!string.IsNullOrEmpty(given))
            {
                return given;
            }
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TbPowerShell.sln")))
            {
                dir = dir.Parent;
            }
            return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "out", "screenshots");
        }
    }

    /// <summary>Opens the page (with a view state in the hash, if given) and waits until it has loaded runs and tags.</summary>
    public static async Task OpenAsync(IPage page, Uri url, string hash = "")
    {
        await page.GotoAsync(url.AbsoluteUri + hash);
        await page.WaitForFunctionAsync("() => window.tbDebug && window.tbDebug.ready === true");
    }

    /// <summary>Waits until the scalar card of <paramref name="tag"/> draws <paramref name="count"/> series.</summary>
    public static async Task WaitForSeriesAsync(IPage page, string tag, int count)
    {
        // The whole data, not the preview a card may show first while runs are read.
        await WaitForAttributeAsync(page, "card-" + tag, "data-preview", "false");
        await WaitForAttributeAsync(page, "card-" + tag, "data-series-count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the element of a test id has an attribute of a value.</summary>
    public static async Task WaitForAttributeAsync(IPage page, string testId, string attribute, string value, float timeoutMs = 15_000)
    {
        var handle = await page.GetByTestId(testId).ElementHandleAsync(new LocatorElementHandleOptions { Timeout = timeoutMs });
        try
        {
            await page.WaitForFunctionAsync("([el, name, value]) => el.getAttribute(name) === value",
                new object[] { handle, attribute, value }, new PageWaitForFunctionOptions { Timeout = timeoutMs });
        }
        catch (TimeoutException)
        {
            string? actual = await handle.GetAttributeAsync(attribute);
            throw new TimeoutException($"{testId}'s {attribute} stayed '{actual}', not '{value}'.");
        }
    }

    /// <summary>Saves a screenshot of the page as out/screenshots/<paramref name="name"/>.png.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        string path = Path.Combine(ScreenshotDir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        return path;
    }
}
