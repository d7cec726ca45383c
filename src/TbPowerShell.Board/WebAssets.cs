using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace TbPowerShell.Board;

/// <summary>The page's files, embedded in this assembly as <c>web/&lt;name&gt;</c>, and the CSP that admits exactly them.</summary>
internal static partial class WebAssets
{
    private static readonly Lazy<Dictionary<string, byte[]>> Files = new(Load);

    /// <summary>Every asset by its name under web/ ('/' separated), e.g. <c>index.html</c>, <c>vendor/uPlot.iife.min.js</c>.</summary>
    public static IReadOnlyDictionary<string, byte[]> All => Files.Value;

    public static byte[]? Get(string name) => Files.Value.TryGetValue(name, out var bytes) ? bytes : null;

    public static string IndexHtml => Encoding.UTF8.GetString(Get("index.html") ?? []);

    /// <summary>
    /// The page as the server sends it: <see cref="IndexHtml"/> with a <c>modulepreload</c> link for every module
    /// main.js imports statically, directly or through other modules, so the browser fetches them all at once instead
    /// of discovering them import by import. The views of other tabs, which main.js imports when first shown, are not
    /// preloaded: the first chart does not wait for them. (The offline report inlines every module instead and uses
    /// <see cref="IndexHtml"/>.)
    /// </summary>
    public static byte[] ServedIndexHtml => Served.Value;

    /// <summary>The modules main.js loads before it runs: its static imports, transitively, in ordinal order.</summary>
    internal static IReadOnlyList<string> StaticModules()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push("main.js");
        while (pending.Count > 0)
        {
            if (Get(pending.Pop()) is not { } bytes) continue;
            foreach (Match import in StaticImport().Matches(Encoding.UTF8.GetString(bytes)))
            {
                var name = import.Groups[1].Value;
                if (found.Add(name)) pending.Push(name);
            }
        }
        return [.. found];
    }

    // import x from 'tb/a.js'; import { x } from 'tb/a.js'; import 'tb/a.js' (not import('tb/a.js'), which loads later).
    [GeneratedRegex(@"^\s*import\s+(?:[^'""();]*?\s+from\s+)?['""]tb/([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex StaticImport();

    private static readonly Lazy<byte[]> Served = new(() =>
    {
        var links = string.Concat(StaticModules()
            .Where(name => name != "main.js")
            .Select(name => $"<link rel=\"modulepreload\" href=\"/static/{name}\">\n"));
        var html = IndexHtml;
        var at = html.IndexOf("</head>", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(at < 0 ? html : html[..at] + links + html[at..]);
    });

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline)]
    internal static partial Regex ImportMap();

    /// <summary>The Content-Security-Policy of the board: own scripts plus the one inline import map, by its hash.</summary>
    public static string ContentSecurityPolicy()
    {
        var match = ImportMap().Match(IndexHtml);
        var hash = match.Success ? " 'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(match.Groups[1].Value))) + "'" : "";
        return "default-src 'self'; script-src 'self'" + hash + "; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
             + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    }

    public static string ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    private static Dictionary<string, byte[]> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("web/", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource["web/".Length..]] = copy.ToArray();
        }
        return files;
    }
}
