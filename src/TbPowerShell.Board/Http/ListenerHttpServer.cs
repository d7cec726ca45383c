using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace TbPowerShell.Board.Http;

/// <summary>
/// The board's HTTP server, on <see cref="HttpListener"/> with prefixes for <c>127.0.0.1</c> and <c>localhost</c> at
/// one port only, so it listens on the IPv4 loopback address and nowhere else (HttpListener cannot take an IPv6
/// literal prefix on Linux and macOS). GET and HEAD only, no request bodies, gzip when accepted.
/// <para>
/// Two gates on the Host header (DNS rebinding): HttpListener itself answers 404 to a host name that is not one of
/// its prefixes, and this server answers 403 to a request whose Host is not exactly one of its loopback names with its
/// port (HttpListener ignores the port of the Host header). Every response this server writes, errors included,
/// carries the security headers; routing uses the raw request target (<see cref="HttpListenerRequest.RawUrl"/>),
/// never HttpListener's canonicalised URL, which would decode <c>%2e</c> and <c>%2f</c>.
/// </para>
/// </summary>
internal sealed class ListenerHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpRequest, HttpResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _hosts;
    private readonly string _contentSecurityPolicy;
    private readonly RequestActivity? _activity;
    private int _stopped;

    private ListenerHttpServer(HttpListener listener, Func<HttpRequest, HttpResponse> handler, string contentSecurityPolicy, int port,
        RequestActivity? activity)
    {
        _listener = listener;
        _activity = activity;
        _handler = handler;
        _contentSecurityPolicy = contentSecurityPolicy;
        Port = port;
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { $"127.0.0.1:{port}", $"localhost:{port}" };
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The addresses listened on: the IPv4 loopback address at <see cref="Port"/>.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => [new IPEndPoint(IPAddress.Loopback, Port)];

    /// <summary>
    /// Listens on 127.0.0.1:<paramref name="port"/> (0: a free port). A port in use (by another process, or another
    /// board of this one) throws <see cref="SocketException"/> with <see cref="SocketError.AddressAlreadyInUse"/>.
    /// <paramref name="activity"/>, when given, counts each request from its start to its last byte written (an event
    /// stream only until its headers are sent).
    /// </summary>
    public static ListenerHttpServer Start(int port, string contentSecurityPolicy, Func<HttpRequest, HttpResponse> handler,
        RequestActivity? activity = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            // HttpListener takes no port 0: ask the system for a free port, then claim it (another may win it between).
            var chosen = port != 0 ? port : FreePort();
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add($"http://127.0.0.1:{chosen}/");
            listener.Prefixes.Add($"http://localhost:{chosen}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException e)
            {
                listener.Close();
                if (port == 0 && attempt < 20) continue;
                throw new SocketException((int)SocketError.AddressAlreadyInUse, $"Port {chosen} is in use: {e.Message}");
            }
            var server = new ListenerHttpServer(listener, handler, contentSecurityPolicy, chosen, activity);
            _ = server.AcceptLoop();
            return server;
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            var accepted = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = Task.Run(() => Serve(context, accepted));
        }
    }

    private async Task Serve(HttpListenerContext context, long accepted)
    {
        var listenerResponse = context.Response;
        _activity?.Begin();
        var active = _activity is not null;
        void Ended()
        {
            if (active) _activity!.End();
            active = false;
        }
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (request, problem) = Parse(context.Request);
            HttpResponse response;
            if (problem is not null) response = problem;
            else if (request!.Header("host") is not { } host || !_hosts.Contains(host)) response = HttpResponse.Error(403, "Forbidden host.");
            else
            {
                try
                {
                    response = _handler(request);
                }
                catch (Exception e)
                {
                    response = HttpResponse.Error(500, e.Message);
                }
            }
            // Where a request's time went on the server (the page's Resource Timing shows it; the browser benchmark prints it):
            // waiting for a thread, and the handler's work before the body is written.
            var handled = System.Diagnostics.Stopwatch.GetTimestamp();
            listenerResponse.Headers.Set("Server-Timing", FormattableString.Invariant(
                $"queue;dur={System.Diagnostics.Stopwatch.GetElapsedTime(accepted, started).TotalMilliseconds:F1}, app;dur={System.Diagnostics.Stopwatch.GetElapsedTime(started, handled).TotalMilliseconds:F1}"));
            await WriteAsync(listenerResponse, request, response, context.Request.HttpMethod == "HEAD", Ended).ConfigureAwait(false);
            listenerResponse.Close();
        }
        catch (Exception)
        {
            // A client that went away, or a stop: the connection ends, the server goes on.
            try { listenerResponse.Abort(); } catch (Exception) { }
        }
        finally
        {
            Ended();
        }
    }

    private static (HttpRequest? Request, HttpResponse? Problem) Parse(HttpListenerRequest source)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? name in source.Headers.AllKeys)
        {
            if (name is null) continue;
            var values = source.Headers.GetValues(name) ?? [];
            // A repeated Host is an attack or a broken client: it never matches one of ours.
            headers[name] = name.Equals("host", StringComparison.OrdinalIgnoreCase) && values.Length != 1 ? "" : string.Join(", ", values);
        }
        var target = source.RawUrl ?? "/";
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var rawPath = target;
        var mark = target.IndexOf('?');
        if (mark >= 0)
        {
            rawPath = target[..mark];
            foreach (var pair in target[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var key = Unescape(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Unescape(pair[(eq + 1)..]);
                if (key is not null && value is not null) query.TryAdd(key, value);
            }
        }
        var request = new HttpRequest { Method = source.HttpMethod, RawPath = rawPath, Query = query, Headers = headers, KeepAlive = source.KeepAlive };
        if (source.HttpMethod is not ("GET" or "HEAD")) return (request, HttpResponse.Error(405, "Only GET."));
        if (source.HasEntityBody || headers.ContainsKey("transfer-encoding") || (headers.TryGetValue("content-length", out var length) && length != "0"))
            return (request, HttpResponse.Error(400, "No request bodies."));
        return (request, null);
    }

    private static string? Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private async Task WriteAsync(HttpListenerResponse target, HttpRequest? request, HttpResponse response, bool headOnly, Action streaming)
    {
        var acceptsGzip = request?.Header("accept-encoding") is { } accepted && accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var body = response.Body;
        var gzip = false;
        if (response.Stream is null && response.Writer is null && body.Length > 860 && acceptsGzip
            && !response.ContentType.StartsWith("image/", StringComparison.Ordinal) && !response.ContentType.StartsWith("audio/", StringComparison.Ordinal))
        {
            var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(body);
            body = compressed.ToArray();
            gzip = true;
        }
        var streamed = response.Writer is not null;
        if (streamed && acceptsGzip) gzip = true;
        target.StatusCode = response.Status;
        target.ContentType = response.ContentType;
        var headers = target.Headers;
        if (gzip) headers.Set("Content-Encoding", "gzip");
        headers.Set("Vary", "Accept-Encoding");
        headers.Set("Content-Security-Policy", _contentSecurityPolicy);
        headers.Set("X-Content-Type-Options", "nosniff");
        headers.Set("Referrer-Policy", "no-referrer");
        headers.Set("X-Frame-Options", "DENY");
        headers.Set("Cross-Origin-Resource-Policy", "same-origin");
        if (!response.Headers.Any(h => h.Key.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase))) headers.Set("Cache-Control", "no-store");
        foreach (var (name, value) in response.Headers) headers.Add(name, value);
        if (response.Stream is not null)
        {
            target.SendChunked = true;
            // A stream lasts as long as the page is open: it is not a request in flight.
            streaming();
            if (!headOnly) await response.Stream(target.OutputStream, _stop.Token).ConfigureAwait(false);
            return;
        }
        if (streamed)
        {
            target.SendChunked = true;
            if (headOnly) return;
            using var buffered = new BufferedStream(target.OutputStream, 64 * 1024);
            if (gzip)
            {
                using var zip = new GZipStream(buffered, CompressionLevel.Fastest, leaveOpen: true);
                response.Writer!(zip);
            }
            else
            {
                response.Writer!(buffered);
            }
            return;
        }
        target.ContentLength64 = body.Length;
        if (!headOnly) await target.OutputStream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>Stops listening and closes every open connection; the port is free when this returns.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stop.Cancel();
        try
        {
            _listener.Abort();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
