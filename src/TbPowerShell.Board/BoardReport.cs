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
        var logDirs = source.Data is null ? source.LogDirs.Select(TbPowerShell.Core.Storage.LogLocation.Full).ToList() : [];
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
        var runs = store.Runs().Where(r => (runNames is null || runNames.Contains(r.Name)) && (options.RunFilter is null || options.RunFilter(r.Name))).ToList();
        var runIds = runs.Select(r => r.Id).ToHashSet();
        var tags = store.Tags().Where(t => (tagNames is null || tagNames.Contains(t.Name)) && (options.TagFilter is null || options.TagFilter(t.Name))).ToList();
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
        foreach (var (section, kind) in new[] { ("images", EventKinds.Image), ("audio", EventKinds.Audio), ("text", EventKinds.Text), ("histograms", EventKinds.Histogram),
                     ("graphs", EventKinds.Graph), ("prcurves", EventKinds.PrCurve) })
        {
            w.WriteStartObject(section);
            foreach (var tag in tags.Where(t => t.Kind == kind))
            {
                foreach (var run in runs)
                {
                    HashSet<long>? kept = null;
                    lock (run.Gate)
                    {
                        if (!run.Values.TryGetValue(tag.Id, out var list)) continue;
                        if (kind is EventKinds.Image or EventKinds.Audio && options.MaxMediaSteps > 0)
                        {
                            kept = SpreadSteps(list.Select(v => v.Step), options.MaxMediaSteps);
                        }
                    }
                    w.WritePropertyName(run.Id + ":" + tag.Id);
                    BoardApi.Values(w, store, run, tag, (_, _, _, value) => DataUrl(value), kept is null ? null : v => kept.Contains(v.Step),
                        v => v is HistogramRecord h && options.MaxHistogramBuckets > 0 ? Rebin(h, options.MaxHistogramBuckets) : v);
                }
            }
            w.WriteEndObject();
        }
        w.WritePropertyName("hparams");
        BoardHParams.Write(w, store, r => runIds.Contains(r.Id));
        w.WritePropertyName("embeddings");
        BoardEmbeddings.Report(w, store, runIds);
        w.WriteEndObject();
    }

    /// <summary>At most <paramref name="count"/> of the distinct steps, evenly spaced over them, the first and the last included.</summary>
    internal static HashSet<long> SpreadSteps(IEnumerable<long> steps, int count)
    {
        var distinct = steps.Distinct().Order().ToArray();
        if (distinct.Length <= count)
        {
            return distinct.ToHashSet();
        }
        var kept = new HashSet<long>();
        for (int i = 0; i < count; i++)
        {
            kept.Add(distinct[count == 1 ? distinct.Length - 1 : (int)Math.Round(i * (distinct.Length - 1) / (double)(count - 1))]);
        }
        return kept;
    }

    /// <summary>
    /// <paramref name="histogram"/> drawn again on at most <paramref name="max"/> buckets of equal width over the same
    /// range, each source bucket's count split between the new buckets it overlaps in proportion to the overlap (as
    /// TensorBoard's histogram views re-bin before drawing): the total count and the range stay exact, and the shape
    /// keeps its proportions where PyTorch's buckets grow wider away from zero. With an infinite edge, neighbouring
    /// buckets are summed instead.
    /// </summary>
    internal static HistogramRecord Rebin(HistogramRecord histogram, int max)
    {
        var buckets = histogram.Buckets;
        if (buckets.Length <= max)
        {
            return histogram;
        }
        double left = buckets[0].Left, right = buckets[^1].Right;
        var merged = new HistogramBucket[max];
        if (!double.IsFinite(left) || !double.IsFinite(right) || !(right > left) || !double.IsFinite(right - left))
        {
            for (int i = 0; i < max; i++)
            {
                int from = (int)((long)i * buckets.Length / max);
                int to = (int)((long)(i + 1) * buckets.Length / max);
                double sum = 0;
                for (int j = from; j < to; j++)
                {
                    sum += buckets[j].Count;
                }
                merged[i] = new HistogramBucket(buckets[from].Left, buckets[to - 1].Right, sum);
            }
            return histogram with { Buckets = merged };
        }
        double width = (right - left) / max;
        var counts = new double[max];
        foreach (var bucket in buckets)
        {
            if (bucket.Count == 0)
            {
                continue;
            }
            double span = bucket.Right - bucket.Left;
            int first = Math.Clamp((int)((bucket.Left - left) / width), 0, max - 1);
            int last = Math.Clamp((int)((bucket.Right - left) / width), 0, max - 1);
            if (first == last || !(span > 0))
            {
                counts[first] += bucket.Count;
                continue;
            }
            for (int k = first; k <= last; k++)
            {
                double lo = Math.Max(bucket.Left, left + k * width);
                double hi = Math.Min(bucket.Right, k == max - 1 ? right : left + (k + 1) * width);
                if (hi > lo)
                {
                    counts[k] += bucket.Count * (hi - lo) / span;
                }
            }
        }
        for (int i = 0; i < max; i++)
        {
            merged[i] = new HistogramBucket(left + i * width, i == max - 1 ? right : left + (i + 1) * width, counts[i]);
        }
        return histogram with { Buckets = merged };
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
            if (name == "boot.js") return ""; // its early requests have no server to go to in a report
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
