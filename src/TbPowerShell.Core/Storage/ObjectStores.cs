using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace TbPowerShell.Core.Storage;

/// <summary>
/// The object stores of this process: finds the provider of a scheme (loading the S3 or Azure SDK, in a load context
/// of its own, on the first use of such a location), keeps one <see cref="IObjectStore"/> per container and settings,
/// and the settings registered for location prefixes (<see cref="Configure"/>). Thread-safe.
/// </summary>
public static class ObjectStores
{
    private static readonly ConcurrentDictionary<string, IObjectStoreProvider> s_providers = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Store, StoreSettings Settings), IObjectStore> s_stores = new();
    private static readonly object s_settingsGate = new();
    private static List<(string Prefix, StoreSettings Settings)> s_settings = [];

    /// <summary>
    /// The folder holding one sub-folder per scheme (<c>s3/</c>, <c>az/</c>) with the provider's assembly and its SDK;
    /// default: <c>storage</c> beside this assembly.
    /// </summary>
    public static string ProviderRoot { get; set; } =
        Path.Combine(Path.GetDirectoryName(typeof(ObjectStores).Assembly.Location) ?? AppContext.BaseDirectory, "storage");

    /// <summary>The provider assembly of each scheme, by file name.</summary>
    public static IReadOnlyDictionary<string, string> ProviderAssemblies { get; } = new Dictionary<string, string>
    {
        [StoreUri.S3] = "TbPowerShell.Storage.S3",
        [StoreUri.Azure] = "TbPowerShell.Storage.Azure",
    };

    private static readonly ConcurrentDictionary<string, IObjectStore> s_mounted = new(StringComparer.Ordinal);

    /// <summary>Serves the container of <paramref name="container"/> from <paramref name="store"/> (tests; an in-memory store), before any provider.</summary>
    public static void Mount(StoreUri container, IObjectStore store) => s_mounted[container.StoreKey] = store;

    /// <summary>Stops serving a container mounted with <see cref="Mount"/>.</summary>
    public static void Unmount(StoreUri container) => s_mounted.TryRemove(container.StoreKey, out _);

    /// <summary>Uses <paramref name="provider"/> for its scheme (tests, programs that reference a provider directly).</summary>
    public static void Register(IObjectStoreProvider provider) => s_providers[provider.Scheme] = provider;

    /// <summary>The load contexts providers were loaded into, by scheme (what a test looks at).</summary>
    public static IReadOnlyDictionary<string, AssemblyLoadContext> LoadContexts => s_contexts;

    private static readonly ConcurrentDictionary<string, AssemblyLoadContext> s_contexts = new(StringComparer.Ordinal);

    /// <summary>
    /// Uses <paramref name="settings"/> for every location starting with <paramref name="prefix"/> (a store URI: a bucket,
    /// container or folder); the longest matching prefix wins. Null settings remove the prefix's.
    /// </summary>
    public static void Configure(StoreUri prefix, StoreSettings? settings)
    {
        lock (s_settingsGate)
        {
            string key = prefix.ToString();
            var next = s_settings.Where(s => s.Prefix != key).ToList();
            if (settings is not null)
            {
                next.Add((key, settings));
            }
            s_settings = next.OrderByDescending(s => s.Prefix.Length).ToList();
        }
    }

    /// <summary>The prefixes with settings of their own.</summary>
    public static IReadOnlyList<(string Prefix, StoreSettings Settings)> Configured => s_settings;

    /// <summary>The settings that apply to <paramref name="location"/>.</summary>
    public static StoreSettings SettingsFor(StoreUri location)
    {
        string text = location.ToString();
        foreach (var (prefix, settings) in s_settings)
        {
            if (text.Equals(prefix, StringComparison.Ordinal) || text.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                return settings;
            }
        }
        return StoreSettings.Default;
    }

    /// <summary>The store that holds <paramref name="location"/>, opened once per container and settings.</summary>
    /// <exception cref="StoreException">The scheme's provider cannot be loaded (<see cref="StoreErrorKind.ProviderMissing"/>).</exception>
    public static IObjectStore For(StoreUri location)
    {
        if (s_mounted.TryGetValue(location.StoreKey, out var mounted))
        {
            return mounted;
        }
        var settings = SettingsFor(location);
        return s_stores.GetOrAdd((location.StoreKey, settings), key => ProviderFor(location).Open(location, key.Settings));
    }

    /// <summary>Closes every open store (module unload).</summary>
    public static void CloseAll()
    {
        foreach (var key in s_stores.Keys.ToList())
        {
            if (s_stores.TryRemove(key, out var store))
            {
                store.Dispose();
            }
        }
    }

    private static IObjectStoreProvider ProviderFor(StoreUri location)
    {
        if (s_providers.TryGetValue(location.Scheme, out var known))
        {
            return known;
        }
        lock (s_providers)
        {
            return s_providers.TryGetValue(location.Scheme, out known) ? known : s_providers[location.Scheme] = Load(location);
        }
    }

    private static IObjectStoreProvider Load(StoreUri location)
    {
        string name = ProviderAssemblies[location.Scheme];
        string folder = Path.Combine(ProviderRoot, location.Scheme);
        string path = Path.Combine(folder, name + ".dll");
        if (!File.Exists(path))
        {
            throw new StoreException(StoreErrorKind.ProviderMissing, location.ToString(),
                $"The {location.Scheme}:// provider is not installed: '{path}' is missing. Rebuild the module (build.ps1 Build).");
        }
        try
        {
            var context = new ProviderLoadContext(location.Scheme, folder);
            var assembly = context.LoadFromAssemblyPath(path);
            var type = assembly.GetExportedTypes().Single(t => typeof(IObjectStoreProvider).IsAssignableFrom(t) && !t.IsAbstract);
            var provider = (IObjectStoreProvider)Activator.CreateInstance(type)!;
            s_contexts[location.Scheme] = context;
            return provider;
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw new StoreException(StoreErrorKind.ProviderMissing, location.ToString(),
                $"The {location.Scheme}:// provider '{path}' could not be loaded: {e.Message}", e);
        }
    }

    /// <summary>
    /// A provider and its SDK in a context of their own: the SDK's assemblies (AWSSDK.Core, Azure.Core, MSAL...) load from
    /// the provider's folder even when the session has other versions of them loaded (the Az or AWS.Tools modules);
    /// this library's core and the framework come from the default context, so the provider's types are ours.
    /// </summary>
    private sealed class ProviderLoadContext(string scheme, string folder) : AssemblyLoadContext($"TbPowerShell.Storage.{scheme}")
    {
        // The host's own assemblies (the framework, and what the host ships): name -> file.
        private static readonly Dictionary<string, string> s_platform =
            ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key!, g => g.First(), StringComparer.OrdinalIgnoreCase);

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name == typeof(ObjectStores).Assembly.GetName().Name)
            {
                return typeof(ObjectStores).Assembly;
            }
            if (name.Name is null)
            {
                return null;
            }
            string candidate = Path.Combine(folder, name.Name + ".dll");
            bool inFolder = File.Exists(candidate);
            if (s_platform.TryGetValue(name.Name, out string? platformFile))
            {
                // The host's copy, unless the SDK asks for a newer version than the host has and brings it (an SDK built
                // for .NET 10 on a .NET 8 pwsh: System.Text.Json 10 beside the host's 8).
                if (!inFolder || name.Version is null || PlatformVersion(name.Name, platformFile) >= name.Version)
                {
                    return null;
                }
            }
            return inFolder ? LoadFromAssemblyPath(candidate) : null;
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Version> s_platformVersions = new(StringComparer.OrdinalIgnoreCase);

        private static Version PlatformVersion(string name, string file) =>
            s_platformVersions.GetOrAdd(name, _ =>
            {
                try
                {
                    return AssemblyName.GetAssemblyName(file).Version ?? new Version(0, 0);
                }
                catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
                {
                    return new Version(0, 0);
                }
            });

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string candidate = Path.Combine(folder, unmanagedDllName);
            return File.Exists(candidate) ? LoadUnmanagedDllFromPath(candidate) : IntPtr.Zero;
        }
    }
}
