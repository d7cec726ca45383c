using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests.S3;

/// <summary>The store contract against s3rver.</summary>
[Collection(S3Collection.Name)]
public sealed class S3StoreContract(S3Server server) : ObjectStoreContract, IDisposable
{
    private IObjectStore? _missing;

    protected override IObjectStore Store => server.Store;

    protected override StoreUri NewFolder() => server.Root.Combine(Guid.NewGuid().ToString("N"));

    protected override StoreUri MissingContainer => StoreUri.Parse("s3://no-such-bucket/x");

    protected override IObjectStore StoreForMissing => _missing ??= server.Open("no-such-bucket");

    public void Dispose() => _missing?.Dispose();
}
