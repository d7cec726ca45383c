using System.Diagnostics.CodeAnalysis;

namespace TbPowerShell.Core.Storage;

/// <summary>
/// A location in an object store: <c>s3://bucket/key</c> (any S3-compatible store) or
/// <c>az://account/container/key</c> (Azure Blob Storage, the form tensorflow-io uses). Keys use '/' and have no
/// leading or trailing '/': <c>s3://b/runs/a</c> is the "folder" <c>runs/a</c> of bucket <c>b</c>, and the key of
/// an object in it is <c>runs/a/events.out.tfevents...</c>. Immutable; equal when they name the same place.
/// </summary>
public sealed record StoreUri
{
    /// <summary>The scheme of S3 locations.</summary>
    public const string S3 = "s3";

    /// <summary>The scheme of Azure Blob Storage locations.</summary>
    public const string Azure = "az";

    private StoreUri(string scheme, string? account, string container, string key)
    {
        Scheme = scheme;
        Account = account;
        Container = container;
        Key = key;
    }

    /// <summary><see cref="S3"/> or <see cref="Azure"/>.</summary>
    public string Scheme { get; }

    /// <summary>The storage account (Azure); null for S3.</summary>
    public string? Account { get; }

    /// <summary>The bucket (S3) or container (Azure).</summary>
    public string Container { get; }

    /// <summary>The key within the container, '/'-separated, without leading or trailing '/'; empty for the container itself.</summary>
    public string Key { get; }

    /// <summary>The last segment of the key (a file or run folder's name); empty for the container.</summary>
    public string Name => Key.Length == 0 ? "" : Key[(Key.LastIndexOf('/') + 1)..];

    /// <summary>The store this location is in: scheme, account and container (what one client serves).</summary>
    public string StoreKey => Account is null ? $"{Scheme}://{Container}" : $"{Scheme}://{Account}/{Container}";

    /// <summary>The key as a listing prefix: the key and '/', or empty for the container.</summary>
    public string Prefix => Key.Length == 0 ? "" : Key + "/";

    /// <summary>True when <paramref name="text"/> starts with a scheme this library reads (<c>s3://</c>, <c>az://</c>), in any case.</summary>
    public static bool IsStoreUri([NotNullWhen(true)] string? text) =>
        text is not null && (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("az://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static StoreUri Parse(string text)
    {
        if (!TryParse(text, out var uri, out string? error))
        {
            throw new FormatException(error);
        }
        return uri;
    }

    /// <summary>Parses <paramref name="text"/>; false with the reason in <paramref name="error"/> when it is not a valid store location.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out StoreUri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        if (!IsStoreUri(text))
        {
            error = $"'{text}' is not an object-store location: it must start with s3:// or az://.";
            return false;
        }
        string scheme = text[..2].ToLowerInvariant();
        string rest = text[5..].Replace('\\', '/');
        if (rest.Contains('?') || rest.Contains('#'))
        {
            error = $"'{text}' has a query or fragment; give credentials through the environment or Set-TbStorage, not in the location.";
            return false;
        }
        var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int head = scheme == Azure ? 2 : 1;
        if (parts.Length < head)
        {
            error = scheme == Azure
                ? $"'{text}' names no container: Azure locations are az://account/container/prefix."
                : $"'{text}' names no bucket: S3 locations are s3://bucket/prefix.";
            return false;
        }
        foreach (string part in parts)
        {
            if (part is "." or "..")
            {
                error = $"'{text}' has a '{part}' segment; object-store locations are not resolved like paths.";
                return false;
            }
        }
        string? account = scheme == Azure ? parts[0] : null;
        string container = parts[head - 1];
        if (!ValidContainer(scheme, container))
        {
            error = scheme == Azure
                ? $"'{container}' is not a valid Azure container name (3 to 63 lower-case letters, digits and '-')."
                : $"'{container}' is not a valid S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-').";
            return false;
        }
        uri = new StoreUri(scheme, account, container, string.Join('/', parts.Skip(head)));
        error = null;
        return true;
    }

    private static bool ValidContainer(string scheme, string name)
    {
        if (name.Length is < 3 or > 63 || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }
        foreach (char c in name)
        {
            bool ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || (c == '.' && scheme == S3);
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The location <paramref name="relative"/> ('/'-separated; '.' segments ignored, '..' refused) below this one.</summary>
    public StoreUri Combine(string relative)
    {
        var parts = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Any(p => p is ".."))
        {
            throw new ArgumentException($"'{relative}' has a '..' segment: it would lead out of '{this}'.", nameof(relative));
        }
        if (parts.Length == 0)
        {
            return this;
        }
        string joined = string.Join('/', parts);
        return new StoreUri(Scheme, Account, Container, Key.Length == 0 ? joined : Key + "/" + joined);
    }

    /// <summary>The location of an object of this store with key <paramref name="key"/> (as a listing gives it).</summary>
    public StoreUri WithKey(string key) => new(Scheme, Account, Container, key.Trim('/'));

    /// <summary>The enclosing "folder"; the container for a top-level key, null for the container itself.</summary>
    public StoreUri? Parent => Key.Length == 0 ? null : new StoreUri(Scheme, Account, Container, Key.Contains('/') ? Key[..Key.LastIndexOf('/')] : "");

    /// <summary>The path of <paramref name="descendant"/> relative to this location ('/'-separated), "." for itself; null when it is not below.</summary>
    public string? RelativeNameOf(StoreUri descendant)
    {
        if (descendant.StoreKey != StoreKey)
        {
            return null;
        }
        if (descendant.Key == Key)
        {
            return ".";
        }
        return descendant.Key.StartsWith(Prefix, StringComparison.Ordinal) ? descendant.Key[Prefix.Length..] : null;
    }

    /// <inheritdoc/>
    public override string ToString() => Key.Length == 0 ? StoreKey : $"{StoreKey}/{Key}";
}
