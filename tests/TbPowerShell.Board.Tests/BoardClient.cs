using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TbPowerShell.Board.Tests;

/// <summary>A board under test and the clients that talk to it: HttpClient with the token, and raw sockets for hostile requests.</summary>
internal sealed class BoardClient : IDisposable
{
    public BoardClient(BoardServer server)
    {
        Server = server;
        Http = new HttpClient(new HttpClientHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.GZip })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Http.DefaultRequestHeaders.Add("X-Tb-Token", server.Token);
    }

    public BoardServer Server { get; }

    public HttpClient Http { get; }

    public static BoardClient Start(params string[] logDirs) =>
        new(BoardServer.Start(new BoardOptions { LogDirs = logDirs, PollInterval = TimeSpan.FromMilliseconds(200) }));

    /// <summary>A board that reads only what is asked for (no read-ahead), to see the order things are read in.</summary>
    public static BoardClient StartLazy(params string[] logDirs) =>
        new(BoardServer.Start(new BoardOptions { LogDirs = logDirs, PollInterval = TimeSpan.FromMilliseconds(200), ReadAhead = false }));

    public async Task<JsonElement> Json(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<int> TagId(string name)
    {
        foreach (var tag in (await Json("api/tags")).EnumerateArray())
        {
            if (tag.GetProperty("name").GetString() == name) return tag.GetProperty("id").GetInt32();
        }
        throw new Xunit.Sdk.XunitException($"tag {name} not listed");
    }

    public async Task<int> RunId(string name)
    {
        foreach (var run in (await Json("api/runs")).EnumerateArray())
        {
            if (run.GetProperty("name").GetString() == name) return run.GetProperty("id").GetInt32();
        }
        throw new Xunit.Sdk.XunitException($"run {name} not listed");
    }

    /// <summary>Sends <paramref name="target"/> byte for byte (no client-side normalisation) and returns the status and head.</summary>
    public (int Status, string Head) Raw(string target, string? host = null, bool token = true, IPAddress? address = null)
    {
        using var client = new TcpClient(address?.AddressFamily ?? AddressFamily.InterNetwork);
        client.Connect(address ?? IPAddress.Loopback, Server.Port);
        using var stream = client.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: {host ?? $"127.0.0.1:{Server.Port}"}\r\n"
                    + (token ? $"X-Tb-Token: {Server.Token}\r\n" : "") + "Connection: close\r\n\r\n";
        stream.Write(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = reader.ReadToEnd();
        var head = text[..Math.Max(0, text.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        return (int.Parse(head.Split(' ')[1]), head);
    }

    public void Dispose()
    {
        Http.Dispose();
        Server.Dispose();
    }
}
