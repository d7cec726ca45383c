using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Azure;

/// <summary>
/// One container of one Azure Storage account (<c>az://account/container/prefix</c>) as an <see cref="IObjectStore"/>:
/// listing, ranged reads, block-blob uploads, and event files written as append blobs. Thread-safe (the SDK's clients are).
/// </summary>
public sealed class AzureObjectStore : IObjectStore
{
    /// <summary>Retries of a failed request: the SDK's exponential backoff from <see cref="RetryDelay"/>, capped at <see cref="RetryMaxDelay"/>.</summary>
    public const int MaxRetries = 4;

    /// <summary>The first retry's delay (then doubled each time, with jitter): 0.2 + 0.4 + 0.8 + 1.6 s, about 3 s before a dead server is reported.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long one network operation of a request without a body (a listing, a look, a read) may take before the attempt
    /// fails and is retried (the SDK's default is 100 s), so a server that stopped answering is reported in under a minute,
    /// not ten. Requests with a body get more, by its size (<see cref="SizedTimeoutPolicy"/>: 42 s for a 4 MiB block).
    /// </summary>
    public static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The retries, as error messages describe them.</summary>
    internal static string RetryDescription => $"{MaxRetries + 1} attempts over about {(RetryDelay * ((1 << MaxRetries) - 1)).TotalSeconds:0.#} s";

    /// <summary>
    /// How event files are buffered and rolled in Azure: an append blob takes at most 50,000 blocks of at most 4 MiB each
    /// (about 195 GiB). Bytes go up once 4 MiB are waiting (one full block, the fewest appends per byte) or the oldest has waited
    /// 2 s (what a follower or the board lags by at most; one request per 2 s per file costs nothing). A file is rolled at
    /// 49,000 appends, a margin under the block limit that leaves room for the close's last appends, or at 1 GiB, so that a
    /// slow writer of small batches does not hit the block limit and a reader never has to fetch one enormous object to see a run.
    /// </summary>
    public static StoreWritePolicy DefaultWritePolicy { get; } =
        new(UploadBytes: 4 * 1024 * 1024, UploadInterval: TimeSpan.FromSeconds(2), RollBytes: 1L << 30, MaxAppends: 49_000) { MaxAppendBytes = 4 * 1024 * 1024 };

    private readonly AzureConnection _connection;

    /// <summary>Opens the container of <paramref name="location"/> as <paramref name="settings"/> say (see <see cref="AzureStoreProvider"/> for the credential order).</summary>
    /// <param name="location">Any location in the container.</param>
    /// <param name="settings">Endpoint and credential choice.</param>
    /// <param name="writePolicy">Another write policy (tests of rolling); default <see cref="DefaultWritePolicy"/>.</param>
    /// <exception cref="StoreException">The credentials given cannot serve the location (<see cref="StoreErrorKind.AccessDenied"/>).</exception>
    public AzureObjectStore(StoreUri location, StoreSettings settings, StoreWritePolicy? writePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(settings);
        if (location.Scheme != StoreUri.Azure || location.Account is null)
        {
            throw new ArgumentException($"'{location}' is not an az:// location.", nameof(location));
        }
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = RetryMaxDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        options.AddPolicy(new SizedTimeoutPolicy(), HttpPipelinePosition.PerCall);
        _connection = AzureConnection.Create(location, settings, options);
        Root = location.WithKey("");
        WritePolicy = writePolicy ?? DefaultWritePolicy;
    }

    /// <summary>The container served.</summary>
    public StoreUri Root { get; }

    /// <summary>The blob service endpoint used (no query), for messages.</summary>
    public Uri Endpoint => _connection.ServiceEndpoint;

    /// <summary>Which credential is used, for messages (never the secret).</summary>
    public string CredentialName => _connection.CredentialName;

    /// <summary>The SDK's client of the container.</summary>
    internal BlobContainerClient Container => _connection.Container;

    /// <inheritdoc/>
    public StoreWritePolicy WritePolicy { get; }

    /// <summary>Blobs asked for per listing page; null for the service's default (5,000). Tests set it low to page.</summary>
    internal int? ListPageSize { get; set; }

    /// <inheritdoc/>
    public IEnumerable<StoreEntry> List(StoreUri folder, CancellationToken cancellation = default)
    {
        Check(folder);
        // Pages are fetched as the enumeration reaches them; the service lists in key order.
        var pages = Container.GetBlobs(BlobTraits.None, BlobStates.None, folder.Prefix.Length == 0 ? null : folder.Prefix, cancellation).AsPages(pageSizeHint: ListPageSize);
        using var pager = pages.GetEnumerator();
        while (true)
        {
            Page<BlobItem>? page = AzureErrors.Run(this, folder, "listing", () => pager.MoveNext() ? pager.Current : null, cancellation);
            if (page is null)
            {
                yield break;
            }
            foreach (var item in page.Values)
            {
                yield return new StoreEntry(folder.WithKey(item.Name), item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
    }

    /// <inheritdoc/>
    public StoreEntry? Stat(StoreUri location, CancellationToken cancellation = default)
    {
        Check(location);
        var blob = Container.GetBlobClient(location.Key);
        return AzureErrors.Run(this, location, "looking at", () =>
        {
            try
            {
                BlobProperties properties = blob.GetProperties(conditions: null, cancellation).Value;
                return new StoreEntry(location, properties.ContentLength, properties.LastModified);
            }
            catch (RequestFailedException e) when (e.Status == 404 && AzureErrors.Code(e) != "ContainerNotFound")
            {
                return null;
            }
        }, cancellation);
    }

    /// <inheritdoc/>
    public Task<int> ReadAsync(StoreUri location, long offset, Memory<byte> buffer, CancellationToken cancellation = default)
    {
        Check(location);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0)
        {
            return Task.FromResult(0);
        }
        var blob = Container.GetBlobClient(location.Key);
        return AzureErrors.RunAsync(this, location, "reading", async () =>
        {
            Response<BlobDownloadStreamingResult> response;
            try
            {
                response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, buffer.Length) }, cancellation).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 416)
            {
                return 0; // at or past the end
            }
            using var result = response.Value;
            int read = 0;
            while (read < buffer.Length)
            {
                int n = await result.Content.ReadAsync(buffer[read..], cancellation).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            return read;
        }, cancellation);
    }

    /// <inheritdoc/>
    public IObjectWriter CreateWriter(StoreUri location)
    {
        Check(location);
        return new AzureAppendWriter(this, location, Container.GetAppendBlobClient(location.Key));
    }

    /// <summary>A writer taking over the append blob at <paramref name="location"/> as holding <paramref name="length"/> bytes in <paramref name="appends"/> blocks (tests).</summary>
    internal AzureAppendWriter ResumeWriter(StoreUri location, long length, int appends)
    {
        Check(location);
        return new AzureAppendWriter(this, location, Container.GetAppendBlobClient(location.Key), length, appends);
    }

    /// <inheritdoc/>
    public void Upload(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation = default)
    {
        Check(location);
        var blob = Container.GetBlobClient(location.Key);
        var options = new BlobUploadOptions
        {
            // Whole objects of up to 8 MiB in one request, larger ones in 4 MiB blocks, so no request outlasts the network timeout.
            TransferOptions = new StorageTransferOptions { InitialTransferSize = 8 * 1024 * 1024, MaximumTransferSize = 4 * 1024 * 1024, MaximumConcurrency = 4 },
        };
        AzureErrors.Run(this, location, "uploading", () => blob.Upload(BinaryData.FromBytes(content), options, cancellation), cancellation);
    }

    /// <inheritdoc/>
    public void Delete(StoreUri location, CancellationToken cancellation = default)
    {
        Check(location);
        var blob = Container.GetBlobClient(location.Key);
        AzureErrors.Run(this, location, "deleting", () => blob.DeleteIfExists(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellation), cancellation);
    }

    /// <summary>Nothing to release: the SDK's clients share the process's HTTP connections.</summary>
    public void Dispose()
    {
    }

    private void Check(StoreUri location)
    {
        if (location.StoreKey != Root.StoreKey)
        {
            throw new ArgumentException($"'{location}' is not in {Root}, the container this store serves.", nameof(location));
        }
    }
}
