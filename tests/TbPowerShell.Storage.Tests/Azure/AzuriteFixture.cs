using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.Azure;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>
/// Azurite (tests/servers) on a free loopback port with container <see cref="ContainerName"/>, reached through Azurite's
/// well-known development account. Its connection string sits in an environment variable of this fixture's own, which
/// the stores name (<see cref="StoreSettings.ConnectionStringVariable"/>), so no test depends on the process's Azure variables.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    /// <summary>Azurite's development account.</summary>
    public const string Account = "devstoreaccount1";

    /// <summary>Its published key (not a secret: every Azurite has it).</summary>
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The container the tests write in.</summary>
    public const string ContainerName = "tbps";

    /// <summary>The command line (checked against azurite-blob --help of 3.37.0): loopback, a fresh data folder, no access log or telemetry.</summary>
    public const string Arguments = "--blobHost 127.0.0.1 --blobPort {port} --location {dir} --loose --skipApiVersionCheck --silent --disableTelemetry";

    /// <summary>Starts Azurite and makes the container.</summary>
    public AzuriteFixture()
    {
        Server = StartServer();
        Endpoint = EndpointOf(Server);
        ConnectionString = ConnectionStringOf(Endpoint, Key);
        Environment.SetEnvironmentVariable(Variable, ConnectionString);
        new BlobContainerClient(ConnectionString, ContainerName).Create();
        Settings = new StoreSettings { ConnectionStringVariable = Variable };
        Store = new AzureObjectStore(Root, Settings);
    }

    /// <summary>The server.</summary>
    public StoreServer Server { get; }

    /// <summary>Its blob endpoint (path-style: <c>http://127.0.0.1:port/devstoreaccount1</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>A connection string with the development key and this server's endpoint.</summary>
    public string ConnectionString { get; }

    /// <summary>The environment variable holding <see cref="ConnectionString"/>, this fixture's own.</summary>
    public string Variable { get; } = "TBPS_TEST_AZURITE_" + Guid.NewGuid().ToString("N");

    /// <summary>Settings that reach the server through <see cref="Variable"/>.</summary>
    public StoreSettings Settings { get; }

    /// <summary>The container.</summary>
    public StoreUri Root { get; } = StoreUri.Parse($"az://{Account}/{ContainerName}");

    /// <summary>The store of the container.</summary>
    public AzureObjectStore Store { get; }

    /// <summary>A folder of the container no other test uses.</summary>
    public StoreUri NewFolder() => Root.Combine(Guid.NewGuid().ToString("N"));

    /// <summary>Starts another Azurite (a test that stops its server).</summary>
    public static StoreServer StartServer() => StoreServer.Start("azurite-blob", Arguments);

    /// <summary>The blob endpoint of <paramref name="server"/>.</summary>
    public static Uri EndpointOf(StoreServer server) => new($"http://127.0.0.1:{server.Port}/{Account}");

    /// <summary>A connection string for the development account at <paramref name="endpoint"/> with <paramref name="key"/>.</summary>
    public static string ConnectionStringOf(Uri endpoint, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={endpoint};";

    /// <summary>An account SAS for blobs, signed with the development key.</summary>
    public static string Sas(AccountSasPermissions permissions) =>
        new AccountSasBuilder(permissions, DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.Blobs, AccountSasResourceTypes.All)
            .ToSasQueryParameters(new StorageSharedKeyCredential(Account, Key)).ToString();

    /// <summary>Stops the server and removes the variable.</summary>
    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        Store.Dispose();
        Server.Dispose();
    }
}

/// <summary>
/// The Azure tests share one Azurite. Not run beside other collections: some set and clear AZURE_STORAGE_CONNECTION_STRING,
/// which is the whole process's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Azurite";
}
