using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TbPowerShell.Board.Http;

/// <summary>
/// A small HTTP/1.1 server on the loopback addresses only (127.0.0.1, and [::1] when it can bind). GET and HEAD
/// only, no request bodies, keep-alive, gzip when accepted. It refuses (403) any request whose Host header is
/// not this server's loopback name and port (DNS rebinding), and adds the security headers to every response,
/// errors included. Everything else (tokens, routes) is the handler's.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private const int MaxHeaderBytes = 32 * 1024;
    private const int MaxConnections = 256;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    private readonly List<TcpListener> _listeners = [];
    private readonly Func<HttpRequest, HttpResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly HashSet<string> _hosts;
    private readonly string _contentSecurityPolicy;
    private int _stopped;

    private LoopbackHttpServer(Func<HttpRequest, HttpResponse> handler, string contentSecurityPolicy, List<TcpListener> listeners, int port)
    {
        _handler = handler;
        _contentSecurityPolicy = contentSecurityPolicy;
        _listeners = listeners;
        Port = port;
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { $"127.0.0.1:{port}", $"localhost:{port}", $"[::1]:{port}" };
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The addresses listened on.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _listeners.Select(l => (IPEndPoint)l.LocalEndpoint).ToList();

    /// <summary>
    /// Listens on 127.0.0.1:<paramref name="port"/> (0: a free port) and on [::1] at the same port when possible.
    /// A port in use throws <see cref="SocketException"/> with <see cref="SocketError.AddressAlreadyInUse"/>.
    /// </summary>
    public static LoopbackHttpServer Start(int port, string contentSecurityPolicy, Func<HttpRequest, HttpResponse> handler)
    {
        for (var attempt = 0; ; attempt++)
        {
            var v4 = Listen(IPAddress.Loopback, port);
            var chosen = ((IPEndPoint)v4.LocalEndpoint).Port;
            var listeners = new List<TcpListener> { v4 };
            if (Socket.OSSupportsIPv6)
            {
                try
                {
                    listeners.Add(Listen(IPAddress.IPv6Loopback, chosen));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && port == 0 && attempt < 20)
                {
                    // The free IPv4 port is taken on IPv6: pick another pair.
                    v4.Stop();
                    continue;
                }
                catch (SocketException)
                {
                    // No IPv6 loopback here (or the port is someone else's on IPv6): IPv4 alone.
                }
            }
            var server = new LoopbackHttpServer(handler, contentSecurityPolicy, listeners, chosen);
            foreach (var listener in listeners) _ = server.AcceptLoop(listener);
            return server;
        }
    }

    private static TcpListener Listen(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        // Lets a new board take the port at once after Stop, despite connections left in TIME_WAIT. Plain SO_REUSEADDR,
        // set raw: .NET's ReuseAddress also sets SO_REUSEPORT on Unix, which would let two boards share a port.
        if (OperatingSystem.IsLinux()) listener.Server.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) listener.Server.SetRawSocketOption(0xffff, 4, BitConverter.GetBytes(1));
        if (address.AddressFamily == AddressFamily.InterNetworkV6) listener.Server.DualMode = false;
        try
        {
            listener.Start();
        }
        catch
        {
            listener.Server.Dispose();
            throw;
        }
        return listener;
    }

    private async Task AcceptLoop(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (_connections.Count >= MaxConnections)
            {
                // A local process opening connections without end gets refused, not served into exhaustion.
                socket.Dispose();
                continue;
            }
            _connections.TryAdd(socket, 0);
            _ = Task.Run(() => Serve(socket));
        }
    }

    private async Task Serve(Socket socket)
    {
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var buffer = new RequestBuffer();
            while (!_stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(IdleTimeout);
                var head = await buffer.ReadHeadAsync(stream, MaxHeaderBytes, idle.Token).ConfigureAwait(false);
                if (head is null) return;
                var (request, problem) = Parse(head);
                HttpResponse response;
                bool headOnly = request?.Method == "HEAD";
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
                var keepAlive = request?.KeepAlive == true && problem is null && response.Stream is null;
                await WriteAsync(stream, request, response, keepAlive, headOnly).ConfigureAwait(false);
                if (!keepAlive) return;
            }
        }
        catch (Exception)
        {
            // A client that went away, a timeout, or a stop: the connection ends, the server goes on.
        }
        finally
        {
            _connections.TryRemove(socket, out _);
            try { socket.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            socket.Dispose();
        }
    }

    private static (HttpRequest? Request, HttpResponse? Problem) Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal)) return (null, HttpResponse.Error(400, "Bad request."));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0) continue;
            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            // A repeated Host is an attack or a broken client: it never matches one of ours.
            headers[name] = headers.TryGetValue(name, out var earlier) ? (name.Equals("host", StringComparison.OrdinalIgnoreCase) ? "" : earlier + ", " + value) : value;
        }
        var method = parts[0];
        var target = parts[1];
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
        var version11 = parts[2] == "HTTP/1.1";
        var connection = headers.TryGetValue("connection", out var c) ? c : "";
        var keepAlive = version11 ? !connection.Contains("close", StringComparison.OrdinalIgnoreCase) : connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
        var request = new HttpRequest { Method = method, RawPath = rawPath, Query = query, Headers = headers, KeepAlive = keepAlive };
        if (method is not ("GET" or "HEAD")) return (request, HttpResponse.Error(405, "Only GET."));
        if ((headers.TryGetValue("content-length", out var length) && length != "0") || headers.ContainsKey("transfer-encoding"))
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

    private async Task WriteAsync(NetworkStream stream, HttpRequest? request, HttpResponse response, bool keepAlive, bool headOnly)
    {
        var body = response.Body;
        var gzip = false;
        if (response.Stream is null && response.Writer is null && body.Length > 860 && request?.Header("accept-encoding") is { } accepted
            && accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) && !response.ContentType.StartsWith("image/", StringComparison.Ordinal)
            && !response.ContentType.StartsWith("audio/", StringComparison.Ordinal))
        {
            var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(body);
            body = compressed.ToArray();
            gzip = true;
        }
        var streamed = response.Writer is not null;
        if (streamed && request?.Header("accept-encoding") is { } wanted && wanted.Contains("gzip", StringComparison.OrdinalIgnoreCase)) gzip = true;
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        if (streamed) head.Append("Transfer-Encoding: chunked\r\n");
        else if (response.Stream is null) head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        if (gzip) head.Append("Content-Encoding: gzip\r\n");
        head.Append("Vary: Accept-Encoding\r\n");
        head.Append("Content-Security-Policy: ").Append(_contentSecurityPolicy).Append("\r\n");
        head.Append("X-Content-Type-Options: nosniff\r\n");
        head.Append("Referrer-Policy: no-referrer\r\n");
        head.Append("X-Frame-Options: DENY\r\n");
        head.Append("Cross-Origin-Resource-Policy: same-origin\r\n");
        if (!response.Headers.Any(h => h.Key.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase))) head.Append("Cache-Control: no-store\r\n");
        foreach (var (name, value) in response.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token).ConfigureAwait(false);
        if (response.Stream is not null)
        {
            if (!headOnly) await response.Stream(stream, _stop.Token).ConfigureAwait(false);
            return;
        }
        if (streamed)
        {
            if (headOnly) return;
            using (var chunked = new ChunkedStream(stream))
            {
                using (var buffered = new BufferedStream(chunked, 64 * 1024))
                {
                    if (gzip)
                    {
                        using var zip = new GZipStream(buffered, CompressionLevel.Fastest, leaveOpen: true);
                        response.Writer!(zip);
                    }
                    else
                    {
                        response.Writer!(buffered);
                    }
                }
            }
            return;
        }
        if (!headOnly) await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>HTTP/1.1 chunked transfer coding over the connection; disposing writes the last chunk.</summary>
    private sealed class ChunkedStream(Stream inner) : Stream
    {
        private bool _ended;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.IsEmpty) return;
            inner.Write(Encoding.ASCII.GetBytes(buffer.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
            inner.Write(buffer);
            inner.Write("\r\n"u8);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_ended)
            {
                _ended = true;
                inner.Write("0\r\n\r\n"u8);
                inner.Flush();
            }
            base.Dispose(disposing);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "Status",
    };

    /// <summary>Stops listening and closes every open connection; the port is free when this returns.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stop.Cancel();
        foreach (var listener in _listeners) listener.Stop();
        foreach (var socket in _connections.Keys)
        {
            try { socket.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            socket.Dispose();
        }
    }

    /// <summary>Reads request heads off a connection, keeping bytes that arrived beyond one head for the next.</summary>
    private sealed class RequestBuffer
    {
        private byte[] _bytes = new byte[4096];
        private int _count;

        public async Task<string?> ReadHeadAsync(Stream stream, int limit, CancellationToken cancellation)
        {
            var searched = 0;
            while (true)
            {
                var end = IndexOfHeadEnd(Math.Max(0, searched - 3));
                if (end >= 0)
                {
                    var head = Encoding.Latin1.GetString(_bytes, 0, end);
                    var consumed = end + 4;
                    Buffer.BlockCopy(_bytes, consumed, _bytes, 0, _count - consumed);
                    _count -= consumed;
                    return head;
                }
                searched = _count;
                if (_count >= limit) throw new InvalidDataException("Request head too long.");
                if (_count == _bytes.Length) Array.Resize(ref _bytes, Math.Min(limit, _bytes.Length * 2));
                var read = await stream.ReadAsync(_bytes.AsMemory(_count), cancellation).ConfigureAwait(false);
                if (read == 0) return null;
                _count += read;
            }
        }

        private int IndexOfHeadEnd(int from)
        {
            for (var i = from; i + 3 < _count; i++)
            {
                if (_bytes[i] == '\r' && _bytes[i + 1] == '\n' && _bytes[i + 2] == '\r' && _bytes[i + 3] == '\n') return i;
            }
            return -1;
        }
    }
}
