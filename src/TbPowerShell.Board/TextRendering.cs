using Ganss.Xss;
using Markdig;

namespace TbPowerShell.Board;

/// <summary>
/// Text summaries as safe HTML: markdown with raw HTML disabled, then an allowlist sanitizer (no script, style,
/// iframe, object or form elements, no event-handler or style attributes, links and sources only http, https
/// and mailto).
/// </summary>
internal static class TextRendering
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().UseEmphasisExtras().Build();

    private static readonly ThreadLocal<HtmlSanitizer> Sanitizers = new(Create);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in new[] { "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "select",
                                    "textarea", "option", "optgroup", "link", "meta", "base", "svg", "math", "video", "audio", "source", "track" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowDataAttributes = false;
        return sanitizer;
    }

    /// <summary>The sanitized HTML of <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown) => Sanitize(Markdown.ToHtml(markdown, Pipeline));

    /// <summary>The allowlist pass alone (what any HTML that got past markdown would meet).</summary>
    internal static string Sanitize(string html) => Sanitizers.Value!.Sanitize(html);

    /// <summary>The markdown of a text value: its strings, one paragraph each (a table's cells in row order).</summary>
    public static string MarkdownOf(TbPowerShell.Core.Model.TextRecord text) => string.Join("\n\n", text.Strings);
}
