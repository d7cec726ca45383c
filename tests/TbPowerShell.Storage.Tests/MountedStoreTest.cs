using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests;

/// <summary>
/// A test class with an in-memory store mounted for a bucket of its own (unmounted on dispose) and a local folder to
/// compare with: what every "over a store" test of the core and the board starts from.
/// </summary>
public abstract class MountedStoreTest : IDisposable
{
    protected MountedStoreTest(string bucketPrefix)
    {
        _bucket = StoreUri.Parse($"s3://{bucketPrefix}-{Guid.NewGuid():N}"[..40]);
        ObjectStores.Mount(_bucket, _store);
    }

    /// <summary>The bucket the store is mounted for.</summary>
    protected readonly StoreUri _bucket;

    /// <summary>The store.</summary>
    protected readonly MemoryObjectStore _store = new();

    /// <summary>A local folder for the same files on disk.</summary>
    internal readonly TempDir _dir = new();

    public void Dispose()
    {
        ObjectStores.Unmount(_bucket);
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
