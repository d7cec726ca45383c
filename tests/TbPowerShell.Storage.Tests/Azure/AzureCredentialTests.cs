using System.Text;
using Azure.Storage.Sas;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.Azure;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>Which credential a store picks, and the errors of wrong or missing ones, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureCredentialTests(AzuriteFixture azurite)
{
    private const string Variable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>Runs <paramref name="test"/> with AZURE_STORAGE_CONNECTION_STRING set to <paramref name="value"/> (null: unset), then restores it.</summary>
    private static void WithConnectionString(string? value, Action test)
    {
        string? saved = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, saved);
        }
    }

    private static void RoundTrip(IObjectStore store, StoreUri folder)
    {
        var file = folder.Combine("events.out.tfevents.1");
        using (var writer = store.CreateWriter(file))
        {
            writer.Append(Encoding.UTF8.GetBytes("hello "));
            writer.Append(Encoding.UTF8.GetBytes("azure"));
        }
        var back = new byte[64];
        int n = store.ReadAsync(file, 0, back).GetAwaiter().GetResult();
        Assert.Equal("hello azure", Encoding.UTF8.GetString(back, 0, n));
        Assert.Equal(["events.out.tfevents.1"], store.List(folder).Select(e => e.Location.Name).ToArray());
    }

    [Fact]
    public void The_connection_string_in_AZURE_STORAGE_CONNECTION_STRING_gives_the_credential_and_the_endpoint()
    {
        WithConnectionString(azurite.ConnectionString, () =>
        {
            using var store = new AzureObjectStore(azurite.Root, StoreSettings.Default); // no endpoint: the connection string's
            Assert.Equal(azurite.Endpoint.AbsoluteUri.TrimEnd('/'), store.Endpoint.AbsoluteUri.TrimEnd('/'));
            Assert.Contains(Variable, store.CredentialName);
            RoundTrip(store, azurite.NewFolder());
        });
    }

    [Fact]
    public void The_provider_opens_a_store_from_the_environment()
    {
        WithConnectionString(azurite.ConnectionString, () =>
        {
            var provider = new AzureStoreProvider();
            Assert.Equal("az", provider.Scheme);
            using var store = provider.Open(azurite.Root.Combine("runs"), StoreSettings.Default);
            RoundTrip(store, azurite.NewFolder());
        });
    }

    [Fact]
    public void A_connection_string_of_another_account_is_refused_by_name_without_showing_its_key()
    {
        string other = AzuriteFixture.ConnectionStringOf(azurite.Endpoint, AzuriteFixture.Key).Replace("AccountName=devstoreaccount1", "AccountName=someoneelse");
        WithConnectionString(other, () =>
        {
            var e = Assert.Throws<StoreException>(() => new AzureObjectStore(azurite.Root, StoreSettings.Default));
            Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
            Assert.Contains("'someoneelse'", e.Message);
            Assert.Contains("'devstoreaccount1'", e.Message);
            Assert.DoesNotContain(AzuriteFixture.Key[..20], e.Message);
        });
    }

    [Fact]
    public void A_connection_string_variable_named_but_unset_is_an_error_that_says_how_to_give_credentials()
    {
        var settings = new StoreSettings { ConnectionStringVariable = "TBPS_TEST_NOT_SET_" + Guid.NewGuid().ToString("N"), Endpoint = azurite.Endpoint };
        var e = Assert.Throws<StoreException>(() => new AzureObjectStore(azurite.Root, settings));
        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        Assert.Contains(settings.ConnectionStringVariable, e.Message);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", e.Message);
    }

    [Fact]
    public void Without_any_credential_DefaultAzureCredential_is_picked_and_an_http_endpoint_is_refused_with_the_ways_to_sign_in()
    {
        WithConnectionString(null, () =>
        {
            var e = Assert.Throws<StoreException>(() => new AzureObjectStore(azurite.Root, new StoreSettings { Endpoint = azurite.Endpoint }));
            Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
            Assert.Contains("DefaultAzureCredential", e.Message);
            Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", e.Message);
            Assert.Contains("SAS", e.Message);
            Assert.Contains("az login", e.Message);

            using var cloud = new AzureObjectStore(azurite.Root, StoreSettings.Default); // https: the public endpoint, signed in lazily
            Assert.Equal("https://devstoreaccount1.blob.core.windows.net/", cloud.Endpoint.AbsoluteUri);
            Assert.Equal("DefaultAzureCredential", cloud.CredentialName);
        });
    }

    [Fact]
    public void DefaultAzureCredential_without_any_sign_in_is_access_denied_with_the_ways_to_sign_in()
    {
        // https to a port where nothing listens: on a machine with no Azure identity (no az login, managed identity or
        // AZURE_CLIENT_* variables), the credential fails before any request is sent.
        var settings = new StoreSettings { UseDefaultCredential = true, Endpoint = new Uri($"https://127.0.0.1:{StoreServer.FreePort()}/{AzuriteFixture.Account}") };
        using var store = new AzureObjectStore(azurite.Root, settings);
        var e = Assert.Throws<StoreException>(() => store.Stat(azurite.Root.Combine("x")));
        Assert.True(e.Kind == StoreErrorKind.AccessDenied, e.Message);
        Assert.StartsWith("Could not sign in", e.Message);
        Assert.Contains("DefaultAzureCredential", e.Message);
        Assert.Contains("az login", e.Message);
    }

    [Fact]
    public void A_SAS_token_signed_with_the_account_key_reads_and_writes_and_wins_over_the_environment()
    {
        string sas = AzuriteFixture.Sas(AccountSasPermissions.All);
        var settings = new StoreSettings { Endpoint = azurite.Endpoint, SasToken = "?" + sas };
        WithConnectionString("AccountName=someoneelse;AccountKey=bm90LWEta2V5", () =>
        {
            using var store = new AzureObjectStore(azurite.Root, settings);
            Assert.DoesNotContain("sig=", store.Endpoint.AbsoluteUri);
            RoundTrip(store, azurite.NewFolder());
        });
    }

    [Fact]
    public void A_read_only_SAS_can_read_but_writing_is_access_denied()
    {
        var folder = azurite.NewFolder();
        azurite.Store.Upload(folder.Combine("a"), new byte[] { 1, 2, 3 });
        string sas = AzuriteFixture.Sas(AccountSasPermissions.Read | AccountSasPermissions.List);
        using var store = new AzureObjectStore(azurite.Root, new StoreSettings { Endpoint = azurite.Endpoint, SasToken = sas });
        Assert.Equal(3, store.Stat(folder.Combine("a"))!.Length);
        Assert.Single(store.List(folder));

        using var writer = store.CreateWriter(folder.Combine("b"));
        var e = Assert.Throws<StoreException>(() => writer.Append(new byte[] { 4 }));
        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        Assert.Contains(folder.Combine("b").ToString(), e.Message);
        Assert.DoesNotContain("sig=", e.Message);
        Assert.Null(store.Stat(folder.Combine("b")));
    }

    [Fact]
    public void A_wrong_account_key_is_access_denied_naming_the_endpoint_and_never_the_key()
    {
        string wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("this is not the key of devstoreaccount1 at all"));
        string variable = "TBPS_TEST_WRONG_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, AzuriteFixture.ConnectionStringOf(azurite.Endpoint, wrongKey));
        try
        {
            using var store = new AzureObjectStore(azurite.Root, new StoreSettings { ConnectionStringVariable = variable });
            var folder = azurite.NewFolder();
            var list = Assert.Throws<StoreException>(() => store.List(folder).ToList());
            Assert.Equal(StoreErrorKind.AccessDenied, list.Kind);
            Assert.Contains(azurite.Endpoint.Authority, list.Message);
            Assert.Contains(variable, list.Message);
            Assert.DoesNotContain(wrongKey, list.Message);

            Assert.Equal(StoreErrorKind.AccessDenied, Assert.Throws<StoreException>(() => store.Upload(folder.Combine("x"), new byte[] { 1 })).Kind);
            Assert.Equal(StoreErrorKind.AccessDenied, Assert.Throws<StoreException>(() => store.Stat(folder.Combine("x"))).Kind);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_SAS_connection_string_names_its_account_by_its_endpoint()
    {
        string sas = AzuriteFixture.Sas(AccountSasPermissions.All);
        WithConnectionString($"BlobEndpoint={azurite.Endpoint};SharedAccessSignature={sas}", () =>
        {
            using var store = new AzureObjectStore(azurite.Root, StoreSettings.Default);
            RoundTrip(store, azurite.NewFolder());
            var other = StoreUri.Parse("az://someoneelse/tbps");
            Assert.Equal(StoreErrorKind.AccessDenied, Assert.Throws<StoreException>(() => new AzureObjectStore(other, StoreSettings.Default)).Kind);
        });
        WithConnectionString($"SharedAccessSignature={sas}", () =>
        {
            var e = Assert.Throws<StoreException>(() => new AzureObjectStore(azurite.Root, StoreSettings.Default));
            Assert.Contains("not hold a valid Azure Storage connection string", e.Message);
            Assert.DoesNotContain("sig=", e.Message);
        });
    }

    [Fact]
    public void UseDevelopmentStorage_is_Azurites_account_on_its_default_port()
    {
        WithConnectionString("UseDevelopmentStorage=true", () =>
        {
            using var store = new AzureObjectStore(azurite.Root, StoreSettings.Default);
            Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", store.Endpoint.AbsoluteUri.TrimEnd('/'));
            using var here = new AzureObjectStore(azurite.Root, new StoreSettings { Endpoint = azurite.Endpoint }); // an endpoint wins
            RoundTrip(here, azurite.NewFolder());
        });
    }
}
