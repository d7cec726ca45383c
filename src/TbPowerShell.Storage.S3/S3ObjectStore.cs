using System.Net;
using System.Runtime.InteropServices;
using Amazon.S3;
using Amazon.S3.Model;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.S3;

/// <summary>
/// One S3 bucket through the AWS SDK: listing with ListObjectsV2 (paged lazily), HeadObject, ranged GetObject, PutObject
/// and DeleteObject. Thread-safe (one SDK client, which retries transient failures itself in the standard mode).
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    /// <summary>
    /// How writers of S3 objects buffer and roll. An S3 object cannot be appended to, so each append re-uploads the whole
    /// object so far (<see cref="S3ObjectWriter"/>), and an object's upload cost grows with the square of its appends;
    /// these numbers bound it. Uploads wait for 4 MiB or 5 s: a reader following the run is at most 5 s behind, and a
    /// fast writer sends each object in about two PUTs (4 then 8 MiB: 1.5 times its bytes). Objects roll at 8 MiB, which
    /// caps one PUT at 8 MiB, the memory a writer holds at one object, and what a slower writer re-sends at about
    /// RollBytes / (2 × UploadInterval) ≈ 0.8 MiB/s on average, whatever it logs. And at 256 appends, so an object that
    /// grows by a few bytes every 5 s is closed after about 21 minutes, having been sent about 128 times its size, instead
    /// of being re-uploaded for ever; a run of a day is then some 70 objects, which TensorBoard reads in name order.
    /// </summary>
    public static StoreWritePolicy Policy { get; } = new(
        UploadBytes: 4 * 1024 * 1024,
        UploadInterval: TimeSpan.FromSeconds(5),
        RollBytes: 8L * 1024 * 1024,
        MaxAppends: 256);

    private readonly AmazonS3Client _client;
    private volatile bool _bucketSeen;

    /// <summary>A store for <paramref name="bucket"/> through <paramref name="client"/>, reached as <paramref name="connection"/> says.</summary>
    public S3ObjectStore(AmazonS3Client client, string bucket, S3Connection connection)
    {
        _client = client;
        Bucket = bucket;
        Connection = connection;
    }

    /// <summary>The bucket served.</summary>
    public string Bucket { get; }

    /// <summary>How the client reaches the store (endpoint, region, addressing; no secrets).</summary>
    public S3Connection Connection { get; }

    /// <inheritdoc/>
    public StoreWritePolicy WritePolicy => Policy;

    /// <inheritdoc/>
    public IEnumerable<StoreEntry> List(StoreUri folder, CancellationToken cancellation = default)
    {
        CheckBucketOf(folder);
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = folder.Prefix, ContinuationToken = token };
            var page = Call(folder, "listing", () => _client.ListObjectsV2Async(request, cancellation), cancellation);
            _bucketSeen = true;
            foreach (var item in page.S3Objects ?? [])
            {
                // A key ending in '/' is a console's "folder" marker, not a file of the run.
                if (!item.Key.EndsWith('/'))
                {
                    yield return new StoreEntry(folder.WithKey(item.Key), item.Size ?? 0, Time(item.LastModified));
                }
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    /// <inheritdoc/>
    public StoreEntry? Stat(StoreUri location, CancellationToken cancellation = default)
    {
        CheckBucketOf(location);
        try
        {
            var head = _client.GetObjectMetadataAsync(Bucket, location.Key, cancellation).GetAwaiter().GetResult();
            _bucketSeen = true;
            return new StoreEntry(location, head.ContentLength, Time(head.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // HEAD has no body to say whether the key or the bucket is missing: ask once, then trust the bucket.
            EnsureBucket(location, cancellation);
            return null;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw S3Errors.Map(e, location, Connection, "looking at");
        }
    }

    /// <inheritdoc/>
    public async Task<int> ReadAsync(StoreUri location, long offset, Memory<byte> buffer, CancellationToken cancellation = default)
    {
        CheckBucketOf(location);
        if (buffer.Length == 0)
        {
            return 0;
        }
        var request = new GetObjectRequest
        {
            BucketName = Bucket,
            Key = location.Key,
            ByteRange = new ByteRange(offset, offset + buffer.Length - 1),
        };
        try
        {
            using var response = await _client.GetObjectAsync(request, cancellation).ConfigureAwait(false);
            var body = response.ResponseStream;
            if (response.HttpStatusCode == HttpStatusCode.OK && offset > 0)
            {
                // A server that ignored the range sent the whole object: skip to the offset.
                await SkipAsync(body, offset, cancellation).ConfigureAwait(false);
            }
            int total = 0;
            while (total < buffer.Length)
            {
                int n = await body.ReadAsync(buffer[total..], cancellation).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
            return total;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable || e.ErrorCode == "InvalidRange")
        {
            return 0; // at or past the end
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw S3Errors.Map(e, location, Connection, "reading");
        }
    }

    /// <inheritdoc/>
    public IObjectWriter CreateWriter(StoreUri location)
    {
        CheckBucketOf(location);
        return new S3ObjectWriter(this, location);
    }

    /// <inheritdoc/>
    public void Upload(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation = default)
    {
        CheckBucketOf(location);
        Put(location, content, cancellation);
    }

    /// <inheritdoc/>
    public void Delete(StoreUri location, CancellationToken cancellation = default)
    {
        CheckBucketOf(location);
        Call(location, "deleting", () => _client.DeleteObjectAsync(Bucket, location.Key, cancellation), cancellation);
    }

    /// <summary>Puts <paramref name="content"/> as the whole object at <paramref name="location"/> (one PUT, retried by the SDK).</summary>
    internal void Put(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation)
    {
        var bytes = MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = location.Key,
            // Seekable, so the SDK can rewind it for a retry.
            InputStream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false),
            ContentType = "application/octet-stream",
            AutoCloseStream = true,
            // Plain body with the checksum in a header: the streamed aws-chunked form (the SDK's default for a body it
            // signs with a trailing checksum) is stored literally, frame headers and all, by servers that do not speak it (s3rver).
            UseChunkEncoding = false,
        };
        Call(location, "writing", () => _client.PutObjectAsync(request, cancellation), cancellation);
        _bucketSeen = true;
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private T Call<T>(StoreUri location, string action, Func<Task<T>> request, CancellationToken cancellation)
    {
        try
        {
            return request().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw S3Errors.Map(e, location, Connection, action);
        }
    }

    private void EnsureBucket(StoreUri location, CancellationToken cancellation)
    {
        if (_bucketSeen)
        {
            return;
        }
        try
        {
            _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 1 }, cancellation).GetAwaiter().GetResult();
            _bucketSeen = true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw S3Errors.ContainerMissing(location, Connection, e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            // S3 answers NoSuchBucket to anyone for a missing bucket; 403 means it exists but this caller may not list it.
            _bucketSeen = true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw S3Errors.Map(e, location, Connection, "looking for the bucket of");
        }
    }

    private void CheckBucketOf(StoreUri location)
    {
        if (location.Scheme != StoreUri.S3 || location.Container != Bucket)
        {
            throw new ArgumentException($"'{location}' is not in the store of bucket '{Bucket}'.", nameof(location));
        }
    }

    private static DateTimeOffset Time(DateTime? modified) =>
        modified is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : DateTimeOffset.MinValue;

    private static async Task SkipAsync(Stream body, long count, CancellationToken cancellation)
    {
        var scratch = new byte[64 * 1024];
        while (count > 0)
        {
            int n = await body.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellation).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }
            count -= n;
        }
    }
}
