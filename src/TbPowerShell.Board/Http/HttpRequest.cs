namespace TbPowerShell.Board.Http;

/// <summary>One parsed request: method, the raw path (never decoded), the decoded query and the headers.</summary>
internal sealed class HttpRequest
{
    public required string Method { get; init; }

    /// <summary>The request target's path exactly as sent (percent escapes left alone).</summary>
    public required string RawPath { get; init; }

    public required IReadOnlyDictionary<string, string> Query { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public bool KeepAlive { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    /// <summary>The value of cookie <paramref name="name"/>, or null.</summary>
    public string? Cookie(string name)
    {
        if (Header("cookie") is not { } cookies) return null;
        foreach (var part in cookies.Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim() == name) return part[(eq + 1)..].Trim();
        }
        return null;
    }
}
