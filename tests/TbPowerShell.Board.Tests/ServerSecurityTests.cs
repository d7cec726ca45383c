using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

public sealed class ServerSecurityTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly BoardClient _board;

    public ServerSecurityTests()
    {
        using (var writer = new TbWriter(_dir.Sub("run1")))
        {
            for (var i = 0; i < 10; i++) writer.AddScalar("loss", 1.0 / (i + 1), i);
        }
        _board = BoardClient.Start(_dir.Path);
    }

    public void Dispose()
    {
        _board.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("/api/runs")]
    [InlineData("/")]
    [InlineData("/static/api.js")]
    public void ARequestWithoutTheTokenIsUnauthorized(string path)
    {
        Assert.Equal(401, _board.Raw(path, token: false).Status);
        Assert.Equal(401, _board.Raw(path + "?token=wrong", token: false).Status);
        Assert.Equal(401, _board.Raw(path + "?token=" + _board.Server.Token + "x", token: false).Status);
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("evil.example.com:{port}")]
    [InlineData("localhost.evil.com:{port}")]
    [InlineData("[::1]:{port}")]
    public void AForeignHostNameIsRefusedByTheListener(string host)
    {
        // HttpListener answers a host that is none of its prefixes itself, before any code of ours runs.
        var (status, head) = _board.Raw("/api/runs", host.Replace("{port}", _board.Server.Port.ToString()));
        Assert.True(status is 400 or 404, $"status {status}");
        Assert.DoesNotContain("application/json", head);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:1")]
    [InlineData("localhost:80")]
    [InlineData("LOCALHOST:1{port}")]
    public void AHostWithAnotherPortIsForbidden(string host)
    {
        // HttpListener ignores the Host header's port: the board checks it, and says so with its own headers.
        var (status, head) = _board.Raw("/api/runs", host.Replace("{port}", _board.Server.Port.ToString()));
        Assert.Equal(403, status);
        Assert.Contains("X-Content-Type-Options: nosniff", head);
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("LocalHost:{port}")]
    [InlineData("127.0.0.1:{port}")]
    public void TheBoardsOwnLoopbackNamesAreAccepted(string host) =>
        Assert.Equal(200, _board.Raw("/api/runs", host.Replace("{port}", _board.Server.Port.ToString())).Status);

    [Theory]
    [InlineData("/static/../index.html")]
    [InlineData("/static/%2e%2e/index.html")]
    [InlineData("/static/%2E%2E/index.html")]
    [InlineData("/static/..%2findex.html")]
    [InlineData("/static/..%5cindex.html")]
    [InlineData("/static/..\\index.html")]
    [InlineData("/static\\api.js")]
    [InlineData("/static//etc/passwd")]
    [InlineData("//etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("/static/%252e%252e/index.html")]
    [InlineData("/static/%61pi.js")]
    [InlineData("http://127.0.0.1/static/api.js")]
    [InlineData("/static/C:/Windows/win.ini")]
    [InlineData("/api/media/..%2f..%2fetc%2fpasswd")]
    [InlineData("/api/media/0-0-0/../../x")]
    [InlineData("/api/runs/")]
    [InlineData("/static/")]
    [InlineData("/static/nothere.js")]
    public void TraversalsEscapesAndUnknownPathsAreNotFound(string target) => Assert.Equal(404, _board.Raw(target).Status);

    [Theory]
    [InlineData("/")]
    [InlineData("/api/runs")]
    [InlineData("/static/nothere.js")]
    [InlineData("/api/scalars?tag=999")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path)
    {
        using var response = await _board.Http.GetAsync(path.TrimStart('/'));
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("base-uri 'none'", csp);
        Assert.Contains("'sha256-", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        if (path.StartsWith("/api/", StringComparison.Ordinal)) Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public void TheCspHashMatchesThePagesImportMap()
    {
        var (_, head) = _board.Raw("/");
        var html = System.Text.Encoding.UTF8.GetString(WebAssetsBytes("index.html"));
        var map = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"importmap\">(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(map)));
        Assert.Contains($"'sha256-{hash}'", head);
    }

    [Fact]
    public async Task ThePagePreloadsTheModulesMainImportsAndNotTheViewsOfOtherTabs()
    {
        var page = await _board.Http.GetStringAsync("");
        var preloaded = System.Text.RegularExpressions.Regex.Matches(page, "<link rel=\"modulepreload\" href=\"/static/([^\"]+)\">")
            .Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        // What main.js and the modules it imports statically import, read from the sources as a browser would.
        Assert.Equal(new[] { "api.js", "colors.js", "scalars.js", "smoothing.js", "state.js", "util.js" }, preloaded);
        Assert.Equal(preloaded, WebAssets.StaticModules().ToList());
        // The views of the other tabs are imported when shown; every one of them is still served.
        var main = System.Text.Encoding.UTF8.GetString(WebAssetsBytes("main.js"));
        foreach (var view in new[] { "images.js", "audio.js", "text.js", "histograms.js", "graph.js", "prcurves.js", "embeddings.js", "runs.js", "hparams.js" })
        {
            Assert.DoesNotContain(view, preloaded);
            Assert.Contains($"import('tb/{view}')", main);
            using var served = await _board.Http.GetAsync("static/" + view);
            Assert.Equal("text/javascript", served.Content.Headers.ContentType?.MediaType);
        }
        using var api = await _board.Http.GetAsync("static/api.js");
        Assert.Equal("text/javascript", api.Content.Headers.ContentType?.MediaType);
    }

    private static byte[] WebAssetsBytes(string name)
    {
        using var stream = typeof(BoardServer).Assembly.GetManifestResourceStream("web/" + name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task TheTokenInThePageUrlSetsACookieThatLaterRequestsCarry()
    {
        using var plain = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_board.Server.Port}/") };
        using var page = await plain.GetAsync(_board.Server.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"tb_token={_board.Server.Token};", cookie);
        Assert.Contains("HttpOnly", cookie);
        Assert.Contains("SameSite=Strict", cookie);
        Assert.Contains("Path=/", cookie);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "api/runs");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await plain.SendAsync(withCookie)).StatusCode);
        using var wrongCookie = new HttpRequestMessage(HttpMethod.Get, "api/runs");
        wrongCookie.Headers.Add("Cookie", "tb_token=nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.SendAsync(wrongCookie)).StatusCode);
    }

    [Fact]
    public void TheBoardListensOnLoopbackOnly()
    {
        Assert.All(_board.Server.EndPoints, e => Assert.True(IPAddress.IsLoopback(e.Address), e.ToString()));
        Assert.Equal(new Uri($"http://127.0.0.1:{_board.Server.Port}/?token={_board.Server.Token}"), _board.Server.Url);
        if (OperatingSystem.IsLinux())
        {
            // What the kernel says is listening on the board's port: 127.0.0.1 only, on no IPv6 address.
            var port = _board.Server.Port.ToString("X4");
            var listening = File.ReadLines("/proc/net/tcp").Skip(1)
                .Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6").Skip(1) : [])
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f[3] == "0A" && f[1].EndsWith(":" + port, StringComparison.Ordinal))
                .Select(f => f[1])
                .ToList();
            Assert.Equal(["0100007F:" + port], listening);
        }
        var outside = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        foreach (var address in outside)
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            Assert.ThrowsAny<SocketException>(() => client.Connect(address, _board.Server.Port));
        }
    }

    [Fact]
    public void TwoBoardsRunAtOnceOnDifferentPortsAndStopFreesThePort()
    {
        using var second = BoardClient.Start(_dir.Path);
        Assert.NotEqual(_board.Server.Port, second.Server.Port);
        Assert.Equal(200, _board.Raw("/api/runs").Status);
        Assert.Equal(200, second.Raw("/api/runs").Status);
        Assert.Contains(second.Server, BoardServer.Running);
        var port = second.Server.Port;
        second.Server.Stop();
        second.Server.Stop();
        Assert.False(second.Server.IsRunning);
        Assert.DoesNotContain(second.Server, BoardServer.Running);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        Assert.ThrowsAny<SocketException>(() => client.Connect(IPAddress.Loopback, port));
        using var again = BoardServer.Start(new BoardOptions { LogDirs = [_dir.Path], Port = port });
        Assert.Equal(port, again.Port);
        Assert.Equal(200, _board.Raw("/api/runs").Status);
    }

    [Theory]
    [InlineData("POST /api/runs HTTP/1.1", "Content-Length: 2\r\n", 405, true)]
    [InlineData("PUT /api/runs HTTP/1.1", "Content-Length: 0\r\n", 405, true)]
    [InlineData("DELETE /api/runs HTTP/1.1", "", 405, true)]
    [InlineData("GET /api/runs HTTP/1.1", "Content-Length: 5\r\n", 400, true)]
    [InlineData("GET /api/runs HTTP/1.1", "Transfer-Encoding: chunked\r\n", 400, true)]
    [InlineData("GET /api/runs", "", 400, false)]
    [InlineData("GET /api/runs SPDY/3", "", 400, false)]
    [InlineData("PUT /api/runs HTTP/1.1", "", 411, false)]
    [InlineData("HEAD /api/runs HTTP/1.1", "", 200, true)]
    public void OnlyBodilessGetAndHeadAreServed(string requestLine, string extraHeaders, int expected, bool answeredByTheBoard)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        client.Connect(IPAddress.Loopback, _board.Server.Port);
        using var stream = client.GetStream();
        var request = $"{requestLine}\r\nHost: 127.0.0.1:{_board.Server.Port}\r\nX-Tb-Token: {_board.Server.Token}\r\n{extraHeaders}Connection: close\r\n\r\n";
        stream.Write(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        var text = reader.ReadToEnd();
        Assert.StartsWith($"HTTP/1.1 {expected} ", text);
        // Requests HttpListener cannot parse are refused by it, with its own bare headers and no data of ours.
        if (answeredByTheBoard) Assert.Contains("X-Content-Type-Options: nosniff", text);
        else Assert.DoesNotContain("application/json", text);
        if (requestLine.StartsWith("HEAD", StringComparison.Ordinal)) Assert.EndsWith("\r\n\r\n", text);
    }

    [Fact]
    public void AnOversizedRequestHeadEndsTheConnectionAndTheBoardGoesOn()
    {
        using (var client = new TcpClient(AddressFamily.InterNetwork))
        {
            client.Connect(IPAddress.Loopback, _board.Server.Port);
            using var stream = client.GetStream();
            try
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX-Junk: " + new string('a', 100_000)));
            }
            catch (IOException)
            {
                // The server may close while the junk is still being sent.
            }
        }
        Assert.Equal(200, _board.Raw("/api/runs").Status);
    }

    [Fact]
    public void ManyIdleConnectionsDoNotStopTheBoard()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var client = new TcpClient(AddressFamily.InterNetwork);
                client.Connect(IPAddress.Loopback, _board.Server.Port);
                idle.Add(client);
            }
            Assert.Equal(200, _board.Raw("/api/runs").Status);
        }
        finally
        {
            foreach (var client in idle) client.Dispose();
        }
        Assert.Equal(200, _board.Raw("/api/runs").Status);
    }

    [Fact]
    public void ASecondBoardOnTheSamePortInThisProcessIsASocketError()
    {
        // HttpListeners of one process share their sockets: without the prefix check the second would start.
        var error = Assert.Throws<SocketException>(() => BoardServer.Start(new BoardOptions { LogDirs = [_dir.Path], Port = _board.Server.Port }));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Equal(200, _board.Raw("/api/runs").Status);
    }

    [Fact]
    public void APortInUseByAnotherSocketIsASocketError()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            var port = ((IPEndPoint)other.LocalEndpoint).Port;
            var error = Assert.Throws<SocketException>(() => BoardServer.Start(new BoardOptions { LogDirs = [_dir.Path], Port = port }));
            Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        }
        finally
        {
            other.Stop();
        }
    }

}
