using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.Azure;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>The store contract against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStoreContract(AzuriteFixture azurite) : ObjectStoreContract, IDisposable
{
    private readonly AzureObjectStore _missing = new(StoreUri.Parse($"az://{AzuriteFixture.Account}/no-such-container"), azurite.Settings);

    // Pages of 500, so the listing of the contract's 1,200 objects takes three (Azure's default page is 5,000).
    protected override IObjectStore Store
    {
        get
        {
            azurite.Store.ListPageSize = 500;
            return azurite.Store;
        }
    }

    protected override StoreUri NewFolder() => azurite.NewFolder();

    protected override StoreUri MissingContainer => StoreUri.Parse($"az://{AzuriteFixture.Account}/no-such-container/x");

    protected override IObjectStore StoreForMissing => _missing;

    public void Dispose() => _missing.Dispose();
}
