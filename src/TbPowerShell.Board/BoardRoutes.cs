using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TbPowerShell.Board.Http;

namespace TbPowerShell.Board;

/// <summary>
/// The one table of routes, and the token check in front of it. A path is matched exactly as sent: any percent
/// escape, backslash or dot segment is refused (404), and no route takes a file path.
/// </summary>
internal sealed partial class BoardRoutes
{
    private readonly BoardStore _store;
    private readonly byte[] _token;
    private readonly DateTimeOffset _startTime;

    public BoardRoutes(BoardStore store, string token, DateTimeOffset startTime)
    {
        _store = store;
        _token = Encoding.ASCII.GetBytes(token);
        _startTime = startTime;
    }

    [GeneratedRegex("^/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$|^/$")]
    private static partial Regex SafePath();

    public HttpResponse Handle(HttpRequest request)
    {
        var path = request.RawPath;
        // Every path the board serves is plain: letters, digits, '.', '_', '-' and single '/'. Escapes, backslashes,
        // dot segments and absolute-form targets never reach a route.
        if (!SafePath().IsMatch(path) || path.Contains("..", StringComparison.Ordinal)) return HttpResponse.NotFound();
        var fromQuery = request.QueryValue("token");
        var given = fromQuery ?? request.Header("x-tb-token") ?? request.Cookie("tb_token");
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), _token))
            return HttpResponse.Error(401, "A token is required: open the board's URL as Show-TbBoard printed it.");
        var response = Route(request, path);
        if (fromQuery is not null)
            response.Headers.Add(new("Set-Cookie", $"tb_token={Encoding.ASCII.GetString(_token)}; HttpOnly; SameSite=Strict; Path=/"));
        return response;
    }

    private HttpResponse Route(HttpRequest request, string path)
    {
        if (path == "/") return new HttpResponse { ContentType = WebAssets.ContentTypeOf("index.html"), Body = WebAssets.ServedIndexHtml };
        if (path.StartsWith("/static/", StringComparison.Ordinal)) return Asset(path["/static/".Length..]);
        if (path.StartsWith("/api/media/", StringComparison.Ordinal)) return Media(path["/api/media/".Length..]);
        return path switch
        {
            "/api/info" => Json(w => BoardApi.Info(w, _store, _startTime, Title())),
            "/api/runs" => Json(w => BoardApi.Runs(w, _store)),
            "/api/tags" => Json(w => BoardApi.Tags(w, _store)),
            "/api/scalars" => Scalars(request),
            "/api/images" or "/api/audio" or "/api/text" or "/api/histograms" => Values(request),
            "/api/graphs" => Values(request),
            "/api/prcurves" => Values(request),
            "/api/events" => Events(),
            "/api/hparams" => Json(w => BoardHParams.Write(w, _store)),
            "/api/embeddings" => Json(w => BoardEmbeddings.List(w, _store)),
            "/api/embedding" => Embedding(request),
            _ => HttpResponse.NotFound(),
        };
    }

    private string Title() =>
        _store.LogDirs.Count == 0 ? "TbPowerShell board" : "TbPowerShell board: " + string.Join(", ", _store.LogDirs.Select(d => Path.GetFileName(d.TrimEnd('/', '\\'))));

    private static HttpResponse Json(Action<System.Text.Json.Utf8JsonWriter> write) => new()
    {
        ContentType = "application/json; charset=utf-8",
        Body = BoardApi.Json(write),
    };

    private static bool TryInt(string? text, out int value) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);

    private static bool TryLong(string? text, out long? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }

    private HttpResponse Scalars(HttpRequest request)
    {
        if (!TryInt(request.QueryValue("tag"), out var tagId) || _store.Tag(tagId) is not { } tag) return HttpResponse.Error(404, "No such tag.");
        var points = BoardApi.DefaultPoints;
        if (request.QueryValue("points") is { Length: > 0 } p && (!TryInt(p, out points) || points < 1 || points > 100_000))
            return HttpResponse.Error(400, "points must be 1 to 100000.");
        if (!TryLong(request.QueryValue("xmin"), out var xmin) || !TryLong(request.QueryValue("xmax"), out var xmax))
            return HttpResponse.Error(400, "xmin and xmax are steps.");
        List<BoardRun> runs = [];
        if (request.QueryValue("runs") is { Length: > 0 } list)
        {
            foreach (var part in list.Split(','))
            {
                if (!TryInt(part, out var id)) return HttpResponse.Error(400, "runs is a list of run ids.");
                if (_store.Run(id) is { } run) runs.Add(run);
            }
        }
        else
        {
            runs.AddRange(_store.RunsOf(tag).Select(id => _store.Run(id)!));
        }
        // Read first (a failure is a 500 answer), then stream the JSON: a card of many runs is never held whole.
        // preview=1 answers at once: a run not yet read whole is shown by its preview (a few places of each file).
        var preview = request.QueryValue("preview") == "1";
        if (preview) _store.PreviewAll(runs);
        else _store.LoadAll(runs);
        // A preview is small (a few places of each run): one body, gzipped once, sent whole. A chart's first answer goes
        // out in a write or two rather than a chunk per run.
        if (preview) return Json(w => BoardApi.Scalars(w, _store, tag, runs, points, xmin, xmax, preview));
        return new HttpResponse
        {
            ContentType = "application/json; charset=utf-8",
            Writer = stream =>
            {
                using var w = new System.Text.Json.Utf8JsonWriter(stream);
                BoardApi.Scalars(w, _store, tag, runs, points, xmin, xmax, preview);
            },
        };
    }

    private HttpResponse Values(HttpRequest request)
    {
        if (!TryInt(request.QueryValue("run"), out var runId) || _store.Run(runId) is not { } run) return HttpResponse.Error(404, "No such run.");
        if (!TryInt(request.QueryValue("tag"), out var tagId) || _store.Tag(tagId) is not { } tag) return HttpResponse.Error(404, "No such tag.");
        return Json(w => BoardApi.Values(w, _store, run, tag, (r, t, index, _) => $"{r.Id}-{t.Id}-{index}"));
    }

    private HttpResponse Embedding(HttpRequest request)
    {
        if (!TryInt(request.QueryValue("run"), out var runId) || !TryInt(request.QueryValue("index"), out var index)) return HttpResponse.Error(400, "run and index are numbers.");
        var body = BoardApi.Json(w =>
        {
            if (!BoardEmbeddings.Projection(w, _store, runId, index)) w.WriteNullValue();
        });
        if (body is [(byte)'n', (byte)'u', (byte)'l', (byte)'l']) return HttpResponse.Error(404, "No such embedding.");
        return new HttpResponse { ContentType = "application/json; charset=utf-8", Body = body };
    }

    [GeneratedRegex("^([0-9]{1,9})-([0-9]{1,9})-([0-9]{1,9})$")]
    private static partial Regex MediaId();

    private HttpResponse Media(string id)
    {
        var match = MediaId().Match(id);
        if (!match.Success) return HttpResponse.NotFound();
        var media = BoardApi.Media(_store, int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
        if (media is not { } m) return HttpResponse.NotFound();
        // no-store like every /api answer: a run read again (its file replaced) renumbers its media.
        return new HttpResponse { ContentType = m.ContentType, Body = m.Bytes };
    }

    private HttpResponse Events()
    {
        var channel = _store.Subscribe();
        return new HttpResponse
        {
            ContentType = "text/event-stream; charset=utf-8",
            Stream = async (stream, cancellation) =>
            {
                try
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes("retry: 2000\n\n"), cancellation).ConfigureAwait(false);
                    await stream.FlushAsync(cancellation).ConfigureAwait(false);
                    while (!cancellation.IsCancellationRequested)
                    {
                        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                        wait.CancelAfter(TimeSpan.FromSeconds(15));
                        string message;
                        try
                        {
                            if (!await channel.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) return;
                            if (!channel.Reader.TryRead(out message!)) continue;
                        }
                        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                        {
                            message = ": ping\n\n";
                        }
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(message), cancellation).ConfigureAwait(false);
                        await stream.FlushAsync(cancellation).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _store.Unsubscribe(channel);
                }
            },
        };
    }

    private static HttpResponse Asset(string name)
    {
        if (WebAssets.Get(name) is not { } bytes) return HttpResponse.NotFound();
        return new HttpResponse { ContentType = WebAssets.ContentTypeOf(name), Body = bytes };
    }
}
