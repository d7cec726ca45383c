using System.Runtime.Loader;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.S3;

namespace TbPowerShell.Storage.Tests.S3;

/// <summary>S3 tests that set process-wide state (environment variables, the provider folder): alone, each with a server of its own.</summary>
[Collection(S3EnvironmentCollection.Name)]
public sealed class S3EnvironmentTests
{
    private static readonly string[] s_endpointVariables = [S3Connection.ServiceEndpointVariable, S3Connection.GlobalEndpointVariable, S3Connection.IgnoreEndpointsVariable];

    private static async Task WithEndpointVariables(Dictionary<string, string?> values, Func<Task> test)
    {
        var saved = s_endpointVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (string name in s_endpointVariables)
            {
                Environment.SetEnvironmentVariable(name, values.GetValueOrDefault(name));
            }
            await test();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public async Task The_endpoint_comes_from_AWS_ENDPOINT_URL_when_the_settings_have_none()
    {
        using var server = S3Server.StartOn(0);
        await WithEndpointVariables(new() { [S3Connection.GlobalEndpointVariable] = server.Endpoint.ToString() }, async () =>
        {
            using var store = (S3ObjectStore)new S3StoreProvider().Open(server.Root, StoreSettings.Default);
            Assert.Equal(server.Endpoint, store.Connection.Endpoint);
            Assert.Equal(S3Connection.GlobalEndpointVariable, store.Connection.EndpointSource);
            Assert.True(store.Connection.ForcePathStyle);

            var file = server.Root.Combine("from-env/a");
            store.Upload(file, new byte[] { 1, 2, 3, 4 });
            var back = new byte[4];
            Assert.Equal(4, await store.ReadAsync(file, 0, back));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, back);
            Assert.Equal(4, server.Store.Stat(file)!.Length); // the same server, seen through the fixture's own client
        });
    }

    [Fact]
    public async Task AWS_ENDPOINT_URL_S3_is_used_before_AWS_ENDPOINT_URL()
    {
        using var server = S3Server.StartOn(0);
        string dead = $"http://127.0.0.1:{StoreServer.FreePort()}";
        await WithEndpointVariables(new() { [S3Connection.ServiceEndpointVariable] = server.Endpoint.ToString(), [S3Connection.GlobalEndpointVariable] = dead }, () =>
        {
            using var store = (S3ObjectStore)new S3StoreProvider().Open(server.Root, StoreSettings.Default);
            store.Upload(server.Root.Combine("s3-only"), new byte[] { 5 });
            Assert.Equal(1, store.Stat(server.Root.Combine("s3-only"))!.Length);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task The_provider_loads_from_its_build_folder_in_a_load_context_of_its_own_and_works()
    {
        // The provider's own build output, as the module will ship it in storage/s3/: the SDK beside it, the core not.
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string built = Path.Combine(Path.GetDirectoryName(StoreServer.BinDirectory)!, "..", "..", "..", "src", "TbPowerShell.Storage.S3", "bin", configuration, "net8.0");
        Assert.True(File.Exists(Path.Combine(built, "TbPowerShell.Storage.S3.dll")), built);
        Assert.True(File.Exists(Path.Combine(built, "AWSSDK.S3.dll")));
        Assert.False(File.Exists(Path.Combine(built, "TbPowerShell.Core.dll")), "the core must come from the default load context");
        Assert.False(File.Exists(Path.Combine(built, "Google.Protobuf.dll")), "the core's packages come with the core");

        using var root = new TempDir();
        string folder = Directory.CreateDirectory(Path.Combine(root.Path, StoreUri.S3)).FullName;
        foreach (string dll in Directory.GetFiles(built, "*.dll"))
        {
            File.Copy(dll, Path.Combine(folder, Path.GetFileName(dll)));
        }

        using var server = S3Server.StartOn(0);
        string savedRoot = ObjectStores.ProviderRoot;
        ObjectStores.ProviderRoot = root.Path;
        ObjectStores.Configure(server.Root, new StoreSettings { Endpoint = server.Endpoint });
        try
        {
            var store = ObjectStores.For(server.Root.Combine("alc/x"));
            var context = AssemblyLoadContext.GetLoadContext(store.GetType().Assembly)!;
            Assert.NotSame(AssemblyLoadContext.Default, context);
            Assert.Same(ObjectStores.LoadContexts[StoreUri.S3], context);
            // AWSSDK.Core is not asserted here: this test host lists it among its own (trusted platform) assemblies, because
            // the project references the provider, so the provider's context takes it from the default one. The conflict
            // test belongs in a PowerShell session, where only the provider's folder has the SDK.
            Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "TbPowerShell.Core");

            var file = server.Root.Combine("alc/x");
            store.Upload(file, new byte[] { 9, 9 });
            var back = new byte[2];
            Assert.Equal(2, await store.ReadAsync(file, 0, back));
            Assert.Equal(new byte[] { 9, 9 }, back);
        }
        finally
        {
            ObjectStores.Configure(server.Root, null);
            ObjectStores.ProviderRoot = savedRoot;
        }
    }

    [Fact]
    public async Task A_profile_is_found_in_the_credentials_file_the_environment_names_now()
    {
        using var server = S3Server.StartOn(0);
        server.Store.Upload(server.Root.Combine("warm-up"), new byte[] { 1 }); // the SDK has read the shared files by now
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "credentials");
        File.WriteAllText(file, "[later]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
        string? saved = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", file);
        try
        {
            using var store = server.Open(settings: new StoreSettings { Profile = "later" });
            var target = server.Root.Combine("by-later-profile");
            store.Upload(target, new byte[] { 4, 2 });
            var back = new byte[2];
            Assert.Equal(2, await store.ReadAsync(target, 0, back));
            Assert.Equal(new byte[] { 4, 2 }, back);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", saved);
        }
    }
}
