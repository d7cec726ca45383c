using TbPowerShell.Core.Storage;

namespace TbPowerShell;

/// <summary>
/// How the module reaches the object-store locations that start with <see cref="Prefix"/>: what Set-TbStorage
/// registered and Get-TbStorage lists. It holds no secret: a SAS is only said to be there (<see cref="HasSasToken"/>).
/// </summary>
public sealed class TbStorage
{
    internal TbStorage(string prefix, StoreSettings settings)
    {
        Prefix = prefix;
        Settings = settings;
    }

    internal StoreSettings Settings { get; }

    /// <summary>The locations these settings apply to: a bucket, container or folder URI (the longest matching prefix wins).</summary>
    public string Prefix { get; }

    /// <summary><c>s3</c> or <c>az</c>.</summary>
    public string Scheme => StoreUri.Parse(Prefix).Scheme;

    /// <summary>The endpoint used instead of the public cloud's; null for the SDK's default (or its environment variables).</summary>
    public Uri? Endpoint => Settings.Endpoint;

    /// <summary>S3: path-style addressing; null for the default (on when an endpoint is set).</summary>
    public bool? ForcePathStyle => Settings.ForcePathStyle;

    /// <summary>S3: the region; null for the SDK's region chain.</summary>
    public string? Region => Settings.Region;

    /// <summary>S3: the shared-credentials profile; null for the SDK's default credential chain.</summary>
    public string? ProfileName => Settings.Profile;

    /// <summary>Azure: the environment variable holding the connection string; null for AZURE_STORAGE_CONNECTION_STRING.</summary>
    public string? ConnectionStringVariable => Settings.ConnectionStringVariable;

    /// <summary>Azure: true when a shared access signature was given.</summary>
    public bool HasSasToken => Settings.SasToken is not null;

    /// <summary>Azure: true when DefaultAzureCredential is used.</summary>
    public bool DefaultAzureCredential => Settings.UseDefaultCredential;

    /// <summary>Bytes per ranged read.</summary>
    public int ReadBlockSize => Settings.ReadBlockBytes;

    /// <summary>Ranged reads in flight per object.</summary>
    public int ReadsInFlight => Settings.ReadsInFlight;

    /// <summary>The registered prefixes, longest first (the order they are matched in).</summary>
    internal static IEnumerable<TbStorage> All => ObjectStores.Configured.Select(c => new TbStorage(c.Prefix, c.Settings));

    /// <inheritdoc/>
    public override string ToString() => Prefix;
}
