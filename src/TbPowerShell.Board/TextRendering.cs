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

    /// <summary>
    /// The sanitized HTML of a text value: a rank-2 text tensor is a table (as TensorBoard's text plugin draws it), each
    /// cell's markdown rendered and sanitized; any other is <paramref name="markdown"/> rendered.
    /// </summary>
    public static string HtmlOf(TbPowerShell.Core.Model.TextRecord text, string markdown)
    {
        if (text.Shape is not [var rows, var columns] || columns <= 0 || rows * columns != text.Strings.Length)
        {
            return ToHtml(markdown);
        }
        var html = new System.Text.StringBuilder("<table><tbody>");
        for (long r = 0; r < rows; r++)
        {
            html.Append("<tr>");
            for (long c = 0; c < columns; c++)
            {
                // A cell's markdown as inline content: one paragraph loses its <p>.
                var cell = Markdown.ToHtml(text.Strings[r * columns + c], Pipeline).Trim();
                if (cell.StartsWith("<p>", StringComparison.Ordinal) && cell.EndsWith("</p>", StringComparison.Ordinal) && cell.IndexOf("<p>", 3, StringComparison.Ordinal) < 0)
                {
                    cell = cell[3..^4];
                }
                html.Append("<td>").Append(cell).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        return Sanitize(html.ToString());
    }

    /// <summary>The markdown of a text value: its strings, one paragraph each (a table's cells in row order).</summary>
    public static string MarkdownOf(TbPowerShell.Core.Model.TextRecord text) => string.Join("\n\n", text.Strings);
}
