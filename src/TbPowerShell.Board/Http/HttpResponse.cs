using System.Text;
using System.Text.Json;

namespace TbPowerShell.Board.Http;

/// <summary>A response: a whole body, or (for server-sent events) a writer that streams until the client leaves.</summary>
internal sealed class HttpResponse
{
    public int Status { get; init; } = 200;

    public string ContentType { get; init; } = "application/octet-stream";

    public byte[] Body { get; init; } = [];

    /// <summary>Headers beyond the ones every response carries.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>
    /// For a large body: writes it into the stream given (sent chunked, gzip when accepted), so it is never held whole
    /// in memory. Anything that can fail must be done before the response is returned: a failure here cuts the connection.
    /// </summary>
    public Action<Stream>? Writer { get; init; }

    /// <summary>For an event stream: writes events to the stream until cancelled or the client goes away.</summary>
    public Func<Stream, CancellationToken, Task>? Stream { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    public static HttpResponse OfJson<T>(T value, int status = 200) => new()
    {
        Status = status,
        ContentType = "application/json; charset=utf-8",
        Body = JsonSerializer.SerializeToUtf8Bytes(value, Json),
    };

    public static HttpResponse Error(int status, string message) => OfJson(new { error = message }, status);

    public static HttpResponse NotFound() => Error(404, "Not found.");

    public static HttpResponse OfText(string text, string contentType) => new()
    {
        ContentType = contentType,
        Body = Encoding.UTF8.GetBytes(text),
    };
}
