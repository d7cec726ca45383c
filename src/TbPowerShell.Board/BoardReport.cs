using System.Text;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Board;

/// <summary>
/// Export-TbReport's core: one self-contained HTML file (the board's page with its modules, styles and uPlot
/// inlined, and the data embedded as JSON in <c>&lt;script id="tb-report"&gt;</c>) that opens offline.
/// </summary>
public static partial class BoardReport
{
    /// <summary>Writes the report of <paramref name="source"/> (its log directories, or its values) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, BoardOptions source, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var logDirs = source.Data is null ? source.LogDirs.Select(Path.GetFullPath).ToList() : [];
        using var store = new BoardStore(source, logDirs);
        var json = Encoding.UTF8.GetString(BoardApi.Json(w => WriteData(w, store, options)));
        var html = Page(json, options.Title);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(html);
    }

    private static void WriteData(System.Text.Json.Utf8JsonWriter w, BoardStore store, ReportOptions options)
    {
        store.LoadAll();
        var runNames = options.Runs is null ? null : new HashSet<string>(options.Runs, StringComparer.Ordinal);
        var tagNames = options.Tags is null ? null : new HashSet<string>(options.Tags, StringComparer.Ordinal);
        var runs = store.Runs().Where(r => runNames is null || runNames.Contains(r.Name)).ToList();
        var runIds = runs.Select(r => r.Id).ToHashSet();
        var tags = store.Tags().Where(t => tagNames is null || tagNames.Contains(t.Name)).ToList();
        w.WriteStartObject();
        w.WritePropertyName("info");
        BoardApi.Info(w, store, DateTimeOffset.Now, options.Title);
        w.WritePropertyName("runs");
        // Only the runs asked for, each as the API gives it.
        var runsJson = System.Text.Json.JsonDocument.Parse(BoardApi.Json(x => BoardApi.Runs(x, store)));
        w.WriteStartArray();
        foreach (var run in runsJson.RootElement.EnumerateArray())
        {
            if (runIds.Contains(run.GetProperty("id").GetInt32())) run.WriteTo(w);
        }
        w.WriteEndArray();
        w.WritePropertyName("tags");
        var tagIds = tags.Select(t => t.Id).ToHashSet();
        BoardApi.Tags(w, store, t => tagIds.Contains(t.Id), runIds);
        w.WriteStartObject("scalars");
        foreach (var tag in tags.Where(t => t.Kind == EventKinds.Scalar))
        {
            w.WritePropertyName(tag.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            BoardApi.Scalars(w, store, tag, runs, null, null, null);
        }
        w.WriteEndObject();
        foreach (var (section, kind) in new[] { ("images", EventKinds.Image), ("audio", EventKinds.Audio), ("text", EventKinds.Text), ("histograms", EventKinds.Histogram) })
        {
            w.WriteStartObject(section);
            foreach (var tag in tags.Where(t => t.Kind == kind))
            {
                foreach (var run in runs)
                {
                    bool has;
                    lock (run.Gate) has = run.Values.ContainsKey(tag.Id);
                    if (!has) continue;
                    w.WritePropertyName(run.Id + ":" + tag.Id);
                    BoardApi.Values(w, store, run, tag, (_, _, _, value) => DataUrl(value));
                }
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static string DataUrl(ValueRecord value) => value switch
    {
        ImageRecord image => "data:" + BoardApi.ImageContentType(image.Format) + ";base64," + Convert.ToBase64String(image.Encoded),
        AudioRecord audio => "data:" + (string.IsNullOrEmpty(audio.ContentType) ? "audio/wav" : audio.ContentType) + ";base64," + Convert.ToBase64String(audio.Encoded),
        _ => "",
    };

    [GeneratedRegex("<link[^>]*href=\"/static/([^\"]+\\.css)\"[^>]*>")]
    private static partial Regex StyleLink();

    [GeneratedRegex("<script[^>]*src=\"/static/([^\"]+)\"[^>]*></script>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<title>.*?</title>", RegexOptions.Singleline)]
    private static partial Regex TitleTag();

    /// <summary>The page with everything it loads inlined: no URL in it points anywhere.</summary>
    internal static string Page(string json, string title)
    {
        var html = WebAssets.IndexHtml;
        var imports = new StringBuilder("{\"imports\":{");
        var first = true;
        foreach (var (name, bytes) in WebAssets.All.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!name.EndsWith(".js", StringComparison.Ordinal) || name.StartsWith("vendor/", StringComparison.Ordinal)) continue;
            if (!first) imports.Append(',');
            first = false;
            imports.Append('"').Append("tb/").Append(name).Append("\":\"data:text/javascript;base64,").Append(Convert.ToBase64String(bytes)).Append('"');
        }
        imports.Append("}}");
        html = WebAssets.ImportMap().Replace(html, _ => "<script type=\"importmap\">" + imports + "</script>", 1);
        html = StyleLink().Replace(html, m => WebAssets.Get(m.Groups[1].Value) is { } css ? "<style>\n" + Encoding.UTF8.GetString(css).Replace("</", "<\\/") + "\n</style>" : "");
        html = ScriptTag().Replace(html, m =>
        {
            var name = m.Groups[1].Value;
            if (m.Value.Contains("type=\"module\"", StringComparison.Ordinal))
                return "<script type=\"module\">import \"tb/" + name + "\";</script>";
            return WebAssets.Get(name) is { } js ? "<script>\n" + Encoding.UTF8.GetString(js).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "\n</script>" : "";
        });
        html = TitleTag().Replace(html, "<title>" + System.Net.WebUtility.HtmlEncode(title) + "</title>", 1);
        // System.Text.Json escapes '<', '>' and '&', so the data cannot close its script element.
        var data = "<script type=\"application/json\" id=\"tb-report\">" + json + "</script>\n";
        var bodyEnd = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return bodyEnd >= 0 ? html.Insert(bodyEnd, data) : html + data;
    }
}
