using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Azure;

/// <summary>
/// The <c>az://account/container/prefix</c> provider (Azure Blob Storage, the form tensorflow-io uses), loaded by the core's
/// <see cref="ObjectStores"/> from <c>storage/az/</c>. Credentials, in this order: a SAS (<see cref="StoreSettings.SasToken"/>);
/// <c>DefaultAzureCredential</c> when <see cref="StoreSettings.UseDefaultCredential"/> asks for it; a connection string from
/// the environment variable <see cref="StoreSettings.ConnectionStringVariable"/> (default <c>AZURE_STORAGE_CONNECTION_STRING</c>),
/// whose account must be the location's; and otherwise <c>DefaultAzureCredential</c> (environment variables, workload or
/// managed identity, <c>az login</c>, Azure PowerShell). Endpoint: <see cref="StoreSettings.Endpoint"/> (Azurite's
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>), else the connection string's, else <c>https://&lt;account&gt;.blob.core.windows.net</c>.
/// </summary>
public sealed class AzureStoreProvider : IObjectStoreProvider
{
    /// <inheritdoc/>
    public string Scheme => StoreUri.Azure;

    /// <inheritdoc/>
    public IObjectStore Open(StoreUri location, StoreSettings settings) => new AzureObjectStore(location, settings);
}
