using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Board;

/// <summary>
/// The JSON of the API, written straight from the store (one writer per answer, no intermediate objects for
/// series). Shared by the server's routes and the offline report, so both have the same shapes.
/// </summary>
internal static class BoardApi
{
    public const int DefaultPoints = 1000;

    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    public static void Info(Utf8JsonWriter w, BoardStore store, DateTimeOffset startTime, string title)
    {
        w.WriteStartObject();
        w.WriteStartArray("logDirs");
        foreach (var dir in store.LogDirs) w.WriteStringValue(dir);
        w.WriteEndArray();
        w.WriteString("startTime", startTime);
        w.WriteBoolean("live", store.Live);
        w.WriteString("title", title);
        w.WriteEndObject();
    }

    public static void Runs(Utf8JsonWriter w, BoardStore store)
    {
        w.WriteStartArray();
        var now = DateTime.UtcNow;
        foreach (var run in store.Runs())
        {
            // The facts the run's last read published: a run being read now does not hold up the table.
            var loaded = run.Loaded;
            var facts = run.Facts;
            w.WriteStartObject();
            w.WriteNumber("id", run.Id);
            w.WriteString("name", run.Name);
            if (run.LastWrite > Epoch) w.WriteString("lastWrite", new DateTimeOffset(run.LastWrite, TimeSpan.Zero));
            else w.WriteNull("lastWrite");
            w.WriteBoolean("writing", store.Live && run.LastGrowth > DateTime.MinValue && now - run.LastGrowth < TimeSpan.FromSeconds(10)
                                       || store.Live && run.LastWrite > Epoch && now - run.LastWrite < TimeSpan.FromSeconds(10));
            if (loaded)
            {
                w.WriteNumber("damaged", facts.Damaged);
                w.WriteNumber("tagCount", facts.TagIds.Length);
                w.WriteNumber("values", facts.ValueCount);
                WriteNullable(w, "firstStep", facts.FirstStep);
                WriteNullable(w, "lastStep", facts.LastStep);
            }
            else
            {
                w.WriteNull("damaged");
                w.WriteNull("tagCount");
                w.WriteNull("values");
                w.WriteNull("firstStep");
                w.WriteNull("lastStep");
            }
            w.WriteNumber("colorIndex", run.Id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void Tags(Utf8JsonWriter w, BoardStore store, Func<BoardTag, bool>? keep = null, ISet<int>? runIds = null)
    {
        w.WriteStartArray();
        foreach (var tag in store.Tags())
        {
            if (keep is not null && !keep(tag)) continue;
            w.WriteStartObject();
            w.WriteNumber("id", tag.Id);
            w.WriteString("name", tag.Name);
            w.WriteString("kind", KindName(tag.Kind));
            w.WriteStartArray("runs");
            foreach (var id in store.RunsOf(tag))
            {
                if (runIds is null || runIds.Contains(id)) w.WriteNumberValue(id);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string KindName(EventKinds kind) => kind switch
    {
        EventKinds.Scalar => "scalar",
        EventKinds.Image => "image",
        EventKinds.Audio => "audio",
        EventKinds.Text => "text",
        EventKinds.Histogram => "histogram",
        EventKinds.Hyperparameters => "hparams",
        EventKinds.Graph => "graph",
        EventKinds.Mesh => "mesh",
        EventKinds.PrCurve => "prcurve",
        EventKinds.Layout => "layout",
        _ => "tensor",
    };

    /// <summary>The scalars of <paramref name="tag"/> for <paramref name="runs"/>, downsampled to <paramref name="points"/> buckets (null: full resolution).</summary>
    // The first chart waits for this loop while the process is young: optimized at once rather than after a while.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scalars(Utf8JsonWriter w, BoardStore store, BoardTag tag, IEnumerable<BoardRun> runs, int? points, long? xmin, long? xmax,
        bool preview = false)
    {
        w.WriteStartObject();
        w.WriteNumber("tag", tag.Id);
        w.WriteStartArray("series");
        var asked = runs.ToList();
        if (!preview) store.LoadAll(asked);
        var buckets = points is { } wanted ? BucketsPerSeries(wanted, asked.Count) : (int?)null;
        foreach (var run in asked)
        {
            // A preview answers at once: runs read whole give their data, the others their preview (marked so).
            var fromPreview = preview && !run.Loaded;
            var previewed = fromPreview ? store.Preview(run) : null;
            lock (fromPreview ? run.PreviewGate : run.Gate)
            {
                ScalarSeries? series;
                if (previewed is not null) previewed.TryGetValue(tag.Id, out series);
                else run.Scalars.TryGetValue(tag.Id, out series);
                if (series is null) continue;
                series.EnsureSorted();
                var (lo, hi) = ChartDownsampler.Range(series.Count, series.StepAt, xmin, xmax);
                int[]? kept = buckets is { } p && hi - lo > 4L * p
                    ? ChartDownsampler.Downsample(series.Count, series.StepAt, series.ValueAt, p, xmin, xmax)
                    : null;
                var count = kept?.Length ?? hi - lo;
                [MethodImpl(MethodImplOptions.AggressiveOptimization)]
                int At(int i) => kept is null ? lo + i : kept[i];
                // A downsampled answer is a picture: its values are written in float's shortest form when the series
                // holds floats (what simple_value stores), its steps and wall times (in whole milliseconds) as
                // differences from the point before. Full resolution is exact and plain.
                var compact = kept is not null;
                var delta = compact && DeltaSafe(series, count, At);
                w.WriteStartObject();
                w.WriteNumber("run", run.Id);
                if (delta) w.WriteBoolean("delta", true);
                if (fromPreview) w.WriteBoolean("preview", true);
                w.WriteStartArray("step");
                long before = 0;
                for (var i = 0; i < count; i++)
                {
                    var step = series.StepAt(At(i));
                    w.WriteNumberValue(delta ? step - before : step);
                    before = step;
                }
                w.WriteEndArray();
                w.WriteStartArray("wall");
                before = 0;
                for (var i = 0; i < count; i++)
                {
                    var wall = series.WallAt(At(i));
                    if (delta)
                    {
                        var ms = (long)Math.Round(wall * 1000);
                        w.WriteNumberValue(ms - before);
                        before = ms;
                    }
                    else
                    {
                        WriteDouble(w, compact ? Math.Round(wall, 3) : wall);
                    }
                }
                w.WriteEndArray();
                w.WriteStartArray("value");
                var asFloat = compact && series.FloatValues;
                for (var i = 0; i < count; i++)
                {
                    var value = series.ValueAt(At(i));
                    if (!double.IsFinite(value)) w.WriteNullValue();
                    else if (asFloat) w.WriteNumberValue((float)value);
                    else w.WriteNumberValue(value);
                }
                w.WriteEndArray();
                w.WriteNumber("total", series.Count);
                w.WriteBoolean("downsampled", compact || fromPreview);
                WriteDouble(w, "last", series.Last);
                WriteDouble(w, "min", series.Min);
                WriteDouble(w, "max", series.Max);
                if (double.IsNaN(series.Min)) w.WriteNull("stepAtMin");
                else w.WriteNumber("stepAtMin", series.StepAtMin);
                w.WriteEndObject();
            }
            // A writer over a stream holds everything until flushed: one series at a time goes out.
            w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// The most points one downsampled card may hold across its runs (up to four a bucket: first, min, max, last).
    /// A card of many runs gets fewer buckets per run, so it stays under a megabyte on the wire however many
    /// runs it shows; zooming asks again for the range shown, at full resolution once the range is small enough.
    /// </summary>
    public const int CardPointBudget = 60_000;

    /// <summary>The fewest buckets a run gets, however many runs share the card.</summary>
    public const int MinBucketsPerSeries = 100;

    /// <summary>Buckets per run for a card of <paramref name="runs"/> runs when <paramref name="points"/> were asked for.</summary>
    public static int BucketsPerSeries(int points, int runs) =>
        Math.Min(points, Math.Max(MinBucketsPerSeries, CardPointBudget / (4 * Math.Max(1, runs))));

    // Differences are exact in JavaScript only while every step and wall time (in ms) stays within 2^53.
    private static bool DeltaSafe(ScalarSeries series, int count, Func<int, int> at)
    {
        const long Limit = 1L << 52;
        for (var i = 0; i < count; i++)
        {
            var step = series.StepAt(at(i));
            var wall = series.WallAt(at(i));
            if (step is > Limit or < -Limit || !double.IsFinite(wall) || Math.Abs(wall) * 1000 > Limit) return false;
        }
        return true;
    }

    /// <summary>The values of one run and tag: images, audio, text, histograms or graphs (by the tag's kind).</summary>
    public static void Values(Utf8JsonWriter w, BoardStore store, BoardRun run, BoardTag tag, Func<BoardRun, BoardTag, int, ValueRecord, string> media,
        Func<ValueRecord, bool>? keep = null, Func<ValueRecord, ValueRecord>? map = null)
    {
        store.Load(run);
        w.WriteStartArray();
        lock (run.Gate)
        {
            if (run.Values.TryGetValue(tag.Id, out var list))
            {
                for (var index = 0; index < list.Count; index++)
                {
                    var value = list[index];
                    if (keep is not null && !keep(value))
                    {
                        continue;
                    }
                    if (map is not null)
                    {
                        value = map(value);
                    }
                    w.WriteStartObject();
                    w.WriteNumber("step", value.Step);
                    WriteDouble(w, "wall", value.WallTime);
                    switch (value)
                    {
                        case ImageRecord image:
                            w.WriteNumber("sample", image.Sample);
                            w.WriteNumber("width", image.Width);
                            w.WriteNumber("height", image.Height);
                            w.WriteString("format", image.Format);
                            if (image.Format == "gif") w.WriteNumber("frames", TbPowerShell.Core.Imaging.GifVideo.FrameCount(image.Encoded));
                            w.WriteString("media", media(run, tag, index, image));
                            break;
                        case AudioRecord audio:
                            w.WriteNumber("sample", audio.Sample);
                            WriteDouble(w, "sampleRate", audio.SampleRate);
                            w.WriteNumber("channels", audio.Channels);
                            w.WriteString("contentType", audio.ContentType);
                            w.WriteString("label", audio.Label);
                            w.WriteString("media", media(run, tag, index, audio));
                            break;
                        case TextRecord text:
                            var markdown = TextRendering.MarkdownOf(text);
                            w.WriteString("markdown", markdown);
                            w.WriteString("html", TextRendering.HtmlOf(text, markdown));
                            w.WriteStartArray("shape");
                            foreach (var d in text.Shape) w.WriteNumberValue(d);
                            w.WriteEndArray();
                            break;
                        case HistogramRecord histogram:
                            WriteDouble(w, "min", histogram.Min);
                            WriteDouble(w, "max", histogram.Max);
                            WriteDouble(w, "count", histogram.Count);
                            w.WriteStartArray("buckets");
                            foreach (var bucket in histogram.Buckets)
                            {
                                w.WriteStartArray();
                                WriteDouble(w, bucket.Left);
                                WriteDouble(w, bucket.Right);
                                WriteDouble(w, bucket.Count);
                                w.WriteEndArray();
                            }
                            w.WriteEndArray();
                            break;
                        case GraphRecord graph:
                            BoardGraph.Write(w, graph);
                            break;
                        case PrCurveRecord curve:
                            BoardPrCurves.Write(w, curve);
                            break;
                        case TensorRecord tensor:
                            w.WriteString("plugin", tensor.Plugin);
                            w.WriteString("dtype", tensor.DType);
                            w.WriteStartArray("shape");
                            foreach (var d in tensor.Shape) w.WriteNumberValue(d);
                            w.WriteEndArray();
                            break;
                    }
                    w.WriteEndObject();
                }
            }
        }
        w.WriteEndArray();
    }

    /// <summary>The bytes and content type of a run's media value, or null.</summary>
    public static (byte[] Bytes, string ContentType)? Media(BoardStore store, int runId, int tagId, int index)
    {
        if (store.Run(runId) is not { } run) return null;
        store.Load(run);
        lock (run.Gate)
        {
            if (!run.Values.TryGetValue(tagId, out var list) || index < 0 || index >= list.Count) return null;
            return list[index] switch
            {
                ImageRecord image => (image.Encoded, ImageContentType(image.Format)),
                AudioRecord audio => (audio.Encoded, string.IsNullOrEmpty(audio.ContentType) ? "audio/wav" : audio.ContentType),
                _ => null,
            };
        }
    }

    public static string ImageContentType(string format) => format.ToLowerInvariant() switch
    {
        "png" or "image/png" => "image/png",
        "jpeg" or "jpg" or "image/jpeg" => "image/jpeg",
        "gif" or "image/gif" => "image/gif",
        "webp" or "image/webp" => "image/webp",
        "bmp" or "image/bmp" => "image/bmp",
        _ => "application/octet-stream",
    };

    private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }

    /// <summary>Runs <paramref name="write"/> into a fresh buffer and returns the UTF-8 JSON.</summary>
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return buffer.WrittenSpan.ToArray();
    }
}
