namespace TbPowerShell.Core.Storage;

/// <summary>An object in a store, as a listing or a look at one object gives it.</summary>
/// <param name="Location">Where it is.</param>
/// <param name="Length">Its length in bytes when it was seen.</param>
/// <param name="LastModified">When it was last written, as the store reports it.</param>
public sealed record StoreEntry(StoreUri Location, long Length, DateTimeOffset LastModified);

/// <summary>
/// One object store (a bucket or container, with the client and credentials that reach it): the one abstraction
/// of where bytes live that the reader, follower, writer and board go through for <c>s3://</c> and <c>az://</c>
/// locations. Implementations are thread-safe, retry transient failures themselves (with backoff), and report
/// what they cannot do as <see cref="StoreException"/> with its <see cref="StoreErrorKind"/>.
/// </summary>
public interface IObjectStore : IDisposable
{
    /// <summary>Every object whose key starts with <paramref name="folder"/>'s <see cref="StoreUri.Prefix"/> (recursively), in key order; lazily paged.</summary>
    IEnumerable<StoreEntry> List(StoreUri folder, CancellationToken cancellation = default);

    /// <summary>The object at <paramref name="location"/>, or null when there is none (the container existing).</summary>
    StoreEntry? Stat(StoreUri location, CancellationToken cancellation = default);

    /// <summary>
    /// Reads the bytes of <paramref name="location"/> from <paramref name="offset"/> into <paramref name="buffer"/> (one ranged
    /// GET); returns how many were read, fewer only at the object's end (0 at or past it).
    /// </summary>
    Task<int> ReadAsync(StoreUri location, long offset, Memory<byte> buffer, CancellationToken cancellation = default);

    /// <summary>Starts writing a new object at <paramref name="location"/> (empty until the first <see cref="IObjectWriter.Append"/>).</summary>
    IObjectWriter CreateWriter(StoreUri location);

    /// <summary>Writes <paramref name="content"/> as the whole object at <paramref name="location"/>, replacing any.</summary>
    void Upload(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation = default);

    /// <summary>Deletes the object at <paramref name="location"/>; nothing when there is none.</summary>
    void Delete(StoreUri location, CancellationToken cancellation = default);

    /// <summary>How writers should buffer and roll objects of this store.</summary>
    StoreWritePolicy WritePolicy { get; }
}

/// <summary>
/// An object being written. Each <see cref="Append"/> makes its bytes durable (in the store) before it returns,
/// or throws <see cref="StoreException"/> with nothing of that call in the store (or, where the store cannot tell, all of it).
/// </summary>
public interface IObjectWriter : IDisposable
{
    /// <summary>Where the object is.</summary>
    StoreUri Location { get; }

    /// <summary>The bytes in the store so far.</summary>
    long Length { get; }

    /// <summary>How many appends (blocks, or uploads) the object has taken so far.</summary>
    int Appends { get; }

    /// <summary>Adds <paramref name="data"/> to the end of the object, durably.</summary>
    void Append(ReadOnlyMemory<byte> data, CancellationToken cancellation = default);
}

/// <summary>How a writer buffers for, and rolls the objects of, a store: bytes wait until there are <see cref="UploadBytes"/>
/// of them or the oldest has waited <see cref="UploadInterval"/>; an object is closed and a new one started once it
/// holds <see cref="RollBytes"/> or has taken <see cref="MaxAppends"/> appends.</summary>
public sealed record StoreWritePolicy(int UploadBytes, TimeSpan UploadInterval, long RollBytes, int MaxAppends)
{
    /// <summary>The largest single append a store takes (Azure's append block: 4 MiB).</summary>
    public int MaxAppendBytes { get; init; } = int.MaxValue;
}

/// <summary>What went wrong with a store, for errors a script can tell apart.</summary>
public enum StoreErrorKind
{
    /// <summary>Anything else the store reported.</summary>
    Failed,

    /// <summary>The object is not there.</summary>
    NotFound,

    /// <summary>The bucket or container is not there.</summary>
    ContainerNotFound,

    /// <summary>The store refused the credentials, or found none.</summary>
    AccessDenied,

    /// <summary>The store could not be reached, or the connection was lost (after retries with backoff).</summary>
    Unreachable,

    /// <summary>The object changed under a conditional write (another writer appended to it).</summary>
    Conflict,

    /// <summary>The scheme's provider could not be loaded.</summary>
    ProviderMissing,
}

/// <summary>A store's failure: an <see cref="IOException"/>, so every reader and writer path that survives a disk error survives it.</summary>
public class StoreException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StoreException(StoreErrorKind kind, string location, string message, Exception? inner = null) : base(message, inner)
    {
        Kind = kind;
        Location = location;
    }

    /// <summary>What went wrong.</summary>
    public StoreErrorKind Kind { get; }

    /// <summary>The location it went wrong at.</summary>
    public string Location { get; }
}

/// <summary>Makes the <see cref="IObjectStore"/> for a scheme: implemented by the S3 and Azure providers, which load in their own load context.</summary>
public interface IObjectStoreProvider
{
    /// <summary>The scheme served: <see cref="StoreUri.S3"/> or <see cref="StoreUri.Azure"/>.</summary>
    string Scheme { get; }

    /// <summary>A store for the container of <paramref name="location"/>, configured by <paramref name="settings"/>.</summary>
    IObjectStore Open(StoreUri location, StoreSettings settings);
}

/// <summary>
/// How to reach a store: endpoints and which credentials to use, never secrets themselves (those stay in the
/// environment, the SDK's shared files, or a SAS the user keeps in a secure string). Null members mean the SDK's defaults.
/// </summary>
public sealed record StoreSettings
{
    /// <summary>No overrides: the SDK's default chain.</summary>
    public static StoreSettings Default { get; } = new();

    /// <summary>An endpoint to use instead of the public cloud's (MinIO, Azurite, a private endpoint).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>S3: path-style addressing (<c>endpoint/bucket/key</c>); default on when <see cref="Endpoint"/> is given.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>S3: the region; default from the SDK's chain, else us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>S3: the shared-credentials profile to use instead of the default chain.</summary>
    public string? Profile { get; init; }

    /// <summary>Azure: the name of an environment variable holding a connection string (default AZURE_STORAGE_CONNECTION_STRING).</summary>
    public string? ConnectionStringVariable { get; init; }

    /// <summary>Azure: a shared access signature (the query string, with or without '?').</summary>
    public string? SasToken { get; init; }

    /// <summary>Azure: authenticate with <c>DefaultAzureCredential</c> (environment, managed identity, Azure CLI...).</summary>
    public bool UseDefaultCredential { get; init; }

    /// <summary>Bytes per ranged read (default 4 MiB).</summary>
    public int ReadBlockBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Ranged reads in flight per object being read (default 4).</summary>
    public int ReadsInFlight { get; init; } = 4;
}
