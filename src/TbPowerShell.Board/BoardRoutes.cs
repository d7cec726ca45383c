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
        if (path == "/") return Asset("index.html");
        if (path.StartsWith("/static/", StringComparison.Ordinal)) return Asset(path["/static/".Length..]);
        return path switch
        {
            _ => HttpResponse.NotFound(),
        };
    }

    private static HttpResponse Asset(string name)
    {
        if (WebAssets.Get(name) is not { } bytes) return HttpResponse.NotFound();
        var response = new HttpResponse { ContentType = WebAssets.ContentTypeOf(name), Body = bytes };
        return response;
    }
}
