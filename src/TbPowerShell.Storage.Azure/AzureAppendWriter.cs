using System.Runtime.InteropServices;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Azure;

/// <summary>
/// An event file written as an append blob: created (replacing any blob of that name) on the first <see cref="Append"/>,
/// then each append is one or more Append Block requests of at most 4 MiB, each conditional on the blob's length being the
/// writer's (<c>If-Append-Position-Equal</c>), so a second writer is a <see cref="StoreErrorKind.Conflict"/>, never
/// interleaved bytes. Appends are idempotent: when a request's response was lost and the retry (the SDK's, or the caller's
/// next <see cref="Append"/> of the same bytes) finds the position moved, the bytes past the writer's length are read back,
/// and if they are the ones being appended the earlier attempt is counted as done instead of written twice.
/// </summary>
internal sealed class AzureAppendWriter : IObjectWriter
{
    private readonly AzureObjectStore _store;
    private readonly AppendBlobClient _blob;
    private readonly object _gate = new();
    private bool _created;

    /// <summary>A writer of a new blob at <paramref name="location"/>.</summary>
    public AzureAppendWriter(AzureObjectStore store, StoreUri location, AppendBlobClient blob)
    {
        _store = store;
        _blob = blob;
        Location = location;
    }

    /// <summary>
    /// A writer that takes over an existing append blob believed to hold <paramref name="length"/> bytes in
    /// <paramref name="appends"/> blocks (tests: a writer whose last append's response was lost).
    /// </summary>
    internal AzureAppendWriter(AzureObjectStore store, StoreUri location, AppendBlobClient blob, long length, int appends)
        : this(store, location, blob)
    {
        Length = length;
        Appends = appends;
        _created = true;
    }

    /// <inheritdoc/>
    public StoreUri Location { get; }

    /// <inheritdoc/>
    public long Length { get; private set; }

    /// <inheritdoc/>
    public int Appends { get; private set; }

    /// <summary>Appends whose bytes were found already in the blob (an earlier attempt that succeeded unseen).</summary>
    public int Recovered { get; private set; }

    /// <summary>
    /// Adds <paramref name="data"/> durably, in blocks of at most 4 MiB. On failure <see cref="Length"/> stays where it was,
    /// even when some blocks got in: appending the same bytes again resumes after them (see the class remarks).
    /// </summary>
    public void Append(ReadOnlyMemory<byte> data, CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            AzureErrors.Run(_store, Location, "appending to", () =>
            {
                AppendLocked(data, cancellation);
                return true;
            }, cancellation);
        }
    }

    private void AppendLocked(ReadOnlyMemory<byte> data, CancellationToken cancellation)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (!_created)
        {
            _blob.Create(new AppendBlobCreateOptions(), cancellation);
            _created = true;
        }
        long start = Length;
        long position = start;
        int appends = Appends;
        int maxBlock = _store.WritePolicy.MaxAppendBytes;
        while (position - start < data.Length)
        {
            var chunk = data.Slice((int)(position - start), (int)Math.Min(maxBlock, data.Length - (position - start)));
            try
            {
                using var content = AsStream(chunk);
                var options = new AppendBlobAppendBlockOptions { Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = position } };
                var info = _blob.AppendBlock(content, options, cancellation).Value;
                position += chunk.Length;
                appends = info.BlobCommittedBlockCount;
            }
            catch (RequestFailedException e) when (AzureErrors.Code(e) == "AppendPositionConditionNotMet")
            {
                var (length, blocks) = AlreadyThere(data, start, position, cancellation)
                    ?? throw new StoreException(StoreErrorKind.Conflict, Location.ToString(),
                        $"'{Location}' at {_store.Endpoint} no longer ends where this writer left it ({position} bytes): another writer appended to it. Write each event file from one writer.", e);
                position = length;
                appends = blocks;
                Recovered++;
            }
        }
        Length = position;
        Appends = appends;
    }

    /// <summary>
    /// When the blob has grown past <paramref name="position"/> by a prefix of what is left of <paramref name="data"/> (bytes an
    /// earlier attempt put there), its length and block count; null when it holds anything else.
    /// </summary>
    private (long Length, int Blocks)? AlreadyThere(ReadOnlyMemory<byte> data, long start, long position, CancellationToken cancellation)
    {
        BlobProperties properties = _blob.GetProperties(conditions: null, cancellation).Value;
        long length = properties.ContentLength;
        if (length <= position || length > start + data.Length)
        {
            return null;
        }
        var expected = data.Slice((int)(position - start), (int)(length - position));
        var found = new byte[expected.Length];
        int read = _store.ReadAsync(Location, position, found, cancellation).GetAwaiter().GetResult();
        return read == found.Length && expected.Span.SequenceEqual(found) ? (length, properties.BlobCommittedBlockCount) : null;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> chunk) =>
        MemoryMarshal.TryGetArray(chunk, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(chunk.ToArray(), writable: false);

    /// <summary>Nothing to release: every append is in the store when it returns.</summary>
    public void Dispose()
    {
    }
}
