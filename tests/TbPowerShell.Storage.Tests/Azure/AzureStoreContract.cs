using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.Azure;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>The store contract against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStoreContract(AzuriteFixture azurite) : ObjectStoreContract, IDisposable
{
    private readonly AzureObjectStore _missing = new(StoreUri.Parse($"az://{AzuriteFixture.Account}/no-such-container"), azurite.Settings);

    protected override IObjectStore Store => azurite.Store;

    protected override StoreUri NewFolder() => azurite.NewFolder();

    protected override StoreUri MissingContainer => StoreUri.Parse($"az://{AzuriteFixture.Account}/no-such-container/x");

    protected override IObjectStore StoreForMissing => _missing;

    public void Dispose() => _missing.Dispose();
}
