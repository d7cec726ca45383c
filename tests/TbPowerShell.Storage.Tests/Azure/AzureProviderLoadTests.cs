using System.Runtime.Loader;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>
/// The provider as the module ships it: its build output in <c>storage/az/</c>, loaded by the core's <see cref="ObjectStores"/>
/// into a load context of its own. In the Azurite collection,
/// which runs alone, because it sets <see cref="ObjectStores.ProviderRoot"/> for the process (and puts it back).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureProviderLoadTests(AzuriteFixture azurite)
{
    /// <summary>The provider project's build output, of the configuration these tests were built in.</summary>
    private static string ProviderOutput()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // .../bin/<configuration>/net10.0
        string configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "TbPowerShell.Storage.Azure", "bin", configuration, "net8.0");
            if (File.Exists(Path.Combine(candidate, "TbPowerShell.Storage.Azure.dll")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("The Azure provider's build output was not found above " + AppContext.BaseDirectory);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void The_build_output_holds_the_SDK_but_not_the_core()
    {
        string output = ProviderOutput();
        Assert.True(File.Exists(Path.Combine(output, "Azure.Storage.Blobs.dll")));
        Assert.True(File.Exists(Path.Combine(output, "Azure.Identity.dll")));
        Assert.True(File.Exists(Path.Combine(output, "Azure.Core.dll")));
        Assert.False(File.Exists(Path.Combine(output, "TbPowerShell.Core.dll")), "the core must come from the module, not from beside the provider");
        Assert.False(File.Exists(Path.Combine(output, "Google.Protobuf.dll")), "the core's own dependencies must not be copied beside the provider");
    }

    [Fact]
    public void The_core_loads_the_provider_from_storage_az_in_a_load_context_of_its_own_and_opens_Azurite_through_it()
    {
        using var root = new TempDir();
        CopyTree(ProviderOutput(), Path.Combine(root.Path, "az"));
        string savedRoot = ObjectStores.ProviderRoot;
        var container = azurite.Root;
        ObjectStores.ProviderRoot = root.Path;
        ObjectStores.Configure(container, azurite.Settings);
        try
        {
            var store = ObjectStores.For(container.Combine("runs"));
            Assert.Equal("TbPowerShell.Storage.Azure.AzureObjectStore", store.GetType().FullName);
            var context = AssemblyLoadContext.GetLoadContext(store.GetType().Assembly)!;
            Assert.NotSame(AssemblyLoadContext.Default, context);
            Assert.Same(ObjectStores.LoadContexts["az"], context);
            // Which SDK copy it binds to is for a pwsh test to show: this test host's trusted platform assemblies list the SDK
            // (the test project references it), and the loader leaves those to the default context.
            // The core is shared, not loaded again: the provider's IObjectStore is this process's.
            Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "TbPowerShell.Core");
            Assert.IsAssignableFrom<IObjectStore>(store);

            var file = azurite.NewFolder().Combine("events.out.tfevents.1");
            using (var stream = new StoreWriteStream(store, file))
            {
                stream.Write(new byte[] { 1, 2, 3, 4 });
            }
            Assert.Equal(4, store.Stat(file)!.Length);
            Assert.Equal(4, azurite.Store.Stat(file)!.Length);
        }
        finally
        {
            ObjectStores.Configure(container, null);
            ObjectStores.ProviderRoot = savedRoot;
        }
    }
}
