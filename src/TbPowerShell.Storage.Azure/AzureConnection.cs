using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Azure;

/// <summary>
/// How one container is reached: its endpoint and the credential picked from <see cref="StoreSettings"/> and the environment.
/// Explicit settings win over the environment: a SAS (<see cref="StoreSettings.SasToken"/>), then
/// <see cref="StoreSettings.UseDefaultCredential"/>; then a connection string from the environment variable
/// <see cref="StoreSettings.ConnectionStringVariable"/> (default <c>AZURE_STORAGE_CONNECTION_STRING</c>), whose account must be
/// the location's; and when none of these is given, <c>DefaultAzureCredential</c> (environment, workload or managed identity,
/// Azure CLI <c>az login</c>, Azure PowerShell...), as the Azure SDKs do. The endpoint is <see cref="StoreSettings.Endpoint"/>,
/// else the connection string's, else <c>https://&lt;account&gt;.blob.core.windows.net</c>.
/// </summary>
internal sealed class AzureConnection
{
    /// <summary>The variable read when the settings name none.</summary>
    public const string DefaultConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>What every credential error tells the user to do.</summary>
    public const string CredentialHelp =
        "Give credentials in one of these ways: a connection string in AZURE_STORAGE_CONNECTION_STRING (or the variable named by Set-TbStorage -ConnectionStringVariable), " +
        "a SAS token through Set-TbStorage -SasToken, or sign in for DefaultAzureCredential (az login, a managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET).";

    /// <summary>Azurite's well-known development account (UseDevelopmentStorage=true).</summary>
    private const string DevelopmentAccount = "devstoreaccount1";

    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private AzureConnection(Uri serviceEndpoint, string credentialName)
    {
        ServiceEndpoint = serviceEndpoint;
        CredentialName = credentialName;
    }

    /// <summary>The blob service endpoint (account level, no query).</summary>
    public Uri ServiceEndpoint { get; }

    /// <summary>Which credential was picked, for messages ("a SAS", "the connection string in X", "DefaultAzureCredential").</summary>
    public string CredentialName { get; private set; }

    /// <summary>The client of the location's container.</summary>
    public BlobContainerClient Container { get; private set; } = null!;

    /// <summary>Picks the endpoint and credential for <paramref name="location"/> and makes its container's client.</summary>
    /// <exception cref="StoreException">The settings or the environment give credentials that cannot serve the location (<see cref="StoreErrorKind.AccessDenied"/>).</exception>
    public static AzureConnection Create(StoreUri location, StoreSettings settings, BlobClientOptions options)
    {
        string account = location.Account!;
        if (!string.IsNullOrWhiteSpace(settings.SasToken))
        {
            var endpoint = settings.Endpoint ?? PublicEndpoint(account);
            var connection = new AzureConnection(Clean(endpoint), "the SAS token given by Set-TbStorage");
            connection.Container = new BlobContainerClient(connection.ContainerUri(location), new AzureSasCredential(settings.SasToken.Trim().TrimStart('?')), options);
            return connection;
        }
        if (settings.UseDefaultCredential)
        {
            return WithToken(location, settings.Endpoint ?? PublicEndpoint(account), options);
        }

        string variable = settings.ConnectionStringVariable ?? DefaultConnectionStringVariable;
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (settings.ConnectionStringVariable is not null)
            {
                throw new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                    $"The environment variable {variable}, named for '{location}' by Set-TbStorage, holds no connection string. {CredentialHelp}");
            }
            return WithToken(location, settings.Endpoint ?? PublicEndpoint(account), options);
        }

        var parts = ConnectionString.Parse(text, variable, location);
        if (!string.Equals(parts.AccountName, account, StringComparison.Ordinal))
        {
            throw new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                $"The connection string in {variable} is for account '{parts.AccountName}', not '{account}' of '{location}'. " +
                $"Name another variable with Set-TbStorage -ConnectionStringVariable, or use a SAS or DefaultAzureCredential for this account.");
        }
        var serviceEndpoint = settings.Endpoint ?? parts.BlobEndpoint ?? new Uri($"{parts.Protocol}://{account}.blob.{parts.EndpointSuffix}");
        var fromString = new AzureConnection(Clean(serviceEndpoint), $"the connection string in {variable}");
        var containerUri = fromString.ContainerUri(location);
        fromString.Container = parts.AccountKey is not null
            ? new BlobContainerClient(containerUri, new StorageSharedKeyCredential(parts.AccountName, parts.AccountKey), options)
            : parts.SharedAccessSignature is not null
                ? new BlobContainerClient(containerUri, new AzureSasCredential(parts.SharedAccessSignature.TrimStart('?')), options)
                : throw new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                    $"The connection string in {variable} has neither an AccountKey nor a SharedAccessSignature. {CredentialHelp}");
        return fromString;
    }

    private static AzureConnection WithToken(StoreUri location, Uri endpoint, BlobClientOptions options)
    {
        var connection = new AzureConnection(Clean(endpoint), "DefaultAzureCredential");
        if (connection.ServiceEndpoint.Scheme != Uri.UriSchemeHttps)
        {
            // Azure.Core refuses bearer tokens over plain http; say so before a request does, in our words.
            throw new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                $"No credentials for '{location}': DefaultAzureCredential needs an https endpoint, and {connection.ServiceEndpoint} is not one " +
                $"(an emulator such as Azurite takes a connection string or a SAS). {CredentialHelp}");
        }
        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true });
        connection.Container = new BlobContainerClient(connection.ContainerUri(location), credential, options);
        return connection;
    }

    private Uri ContainerUri(StoreUri location) => new(ServiceEndpoint.AbsoluteUri.TrimEnd('/') + "/" + location.Container);

    private static Uri PublicEndpoint(string account) => new($"https://{account}.blob.core.windows.net");

    // An endpoint is shown in messages: never with a query (where a SAS could hide).
    private static Uri Clean(Uri endpoint) => new UriBuilder(endpoint) { Query = "", Fragment = "" }.Uri;

    /// <summary>The parts of an Azure Storage connection string this provider uses.</summary>
    internal sealed record ConnectionString(string AccountName, string? AccountKey, string? SharedAccessSignature, Uri? BlobEndpoint, string Protocol, string EndpointSuffix)
    {
        /// <summary>Parses <c>Key=Value;...</c> (values may hold '='); <c>UseDevelopmentStorage=true</c> is Azurite's account on its default port.</summary>
        public static ConnectionString Parse(string text, string variable, StoreUri location)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    throw Malformed(variable, location);
                }
                values[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
            if (values.TryGetValue("UseDevelopmentStorage", out string? dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return new ConnectionString(DevelopmentAccount, DevelopmentKey, null, new Uri("http://127.0.0.1:10000/" + DevelopmentAccount), "http", "core.windows.net");
            }
            Uri? blobEndpoint = null;
            if (values.TryGetValue("BlobEndpoint", out string? endpointText) && !Uri.TryCreate(endpointText, UriKind.Absolute, out blobEndpoint))
            {
                throw Malformed(variable, location);
            }
            // A SAS connection string names the account only in its endpoint: the host's first label, or (an emulator on an
            // IP address or localhost, path-style) the path's first segment, as the SDK reads it.
            string? accountName = values.GetValueOrDefault("AccountName") ?? (blobEndpoint is null ? null : AccountOf(blobEndpoint));
            if (accountName is null)
            {
                throw Malformed(variable, location);
            }
            return new ConnectionString(accountName, values.GetValueOrDefault("AccountKey"), values.GetValueOrDefault("SharedAccessSignature"), blobEndpoint,
                values.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https", values.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net");
        }

        private static string? AccountOf(Uri endpoint)
        {
            bool pathStyle = endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || endpoint.IsLoopback;
            if (pathStyle)
            {
                string first = endpoint.AbsolutePath.Trim('/').Split('/')[0];
                return first.Length > 0 ? first : null;
            }
            int dot = endpoint.Host.IndexOf('.');
            return dot > 0 ? endpoint.Host[..dot] : null;
        }

        // Never echo the string: it holds the key.
        private static StoreException Malformed(string variable, StoreUri location) =>
            new(StoreErrorKind.AccessDenied, location.ToString(),
                $"The environment variable {variable} does not hold a valid Azure Storage connection string (DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...). {CredentialHelp}");
    }
}
