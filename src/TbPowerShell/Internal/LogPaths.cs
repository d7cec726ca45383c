using System.Collections.ObjectModel;
using System.Management.Automation;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Internal;

/// <summary>
/// How the reading cmdlets (Get-TbEvent, Get-TbRun, Get-TbTag) turn -Path and -LiteralPath into
/// file-system paths, reporting missing and non-file-system paths as errors of the calling cmdlet.
/// </summary>
internal static class LogPaths
{
    /// <summary>
    /// The paths to read, each with the directory its runs are named from: for a wildcard pattern, the
    /// folder above the first wildcard (so <c>./runs/lr*</c> names runs <c>lr=0.1</c>, ...); null for the
    /// default (the directory itself, or the current location for a file).
    /// </summary>
    /// <param name="cmdlet">The cmdlet: its session resolves the paths and its error stream reports bad ones.</param>
    /// <param name="paths">-Path patterns (null: the current location); used when <paramref name="literalPaths"/> is null.</param>
    /// <param name="literalPaths">-LiteralPath paths, taken literally; null when -Path was used.</param>
    public static IEnumerable<(string Path, string? NamingRoot)> Resolve(PSCmdlet cmdlet, string[]? paths, string[]? literalPaths)
    {
        if (literalPaths is not null)
        {
            foreach (string literal in literalPaths)
            {
                if (LogLocation.IsStore(literal))
                {
                    if (ResolveStore(cmdlet, literal) is string uri)
                    {
                        yield return (uri, null);
                    }
                    continue;
                }
                string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal, out var provider, out _);
                if (!IsFileSystem(cmdlet, provider, literal))
                {
                    continue;
                }
                if (File.Exists(resolved) || Directory.Exists(resolved))
                {
                    yield return (resolved, null);
                }
                else
                {
                    WritePathNotFound(cmdlet, literal);
                }
            }
            yield break;
        }

        foreach (string pattern in paths ?? new[] { "." })
        {
            if (LogLocation.IsStore(pattern))
            {
                // Taken literally: object stores have no wildcard listing; a prefix already reads every run below it.
                if (ResolveStore(cmdlet, pattern) is string uri)
                {
                    yield return (uri, null);
                }
                continue;
            }
            Collection<string>? resolved = null;
            ProviderInfo? provider = null;
            try
            {
                resolved = cmdlet.GetResolvedProviderPathFromPSPath(pattern, out provider);
            }
            catch (SessionStateException)
            {
                // reported below
            }
            if (resolved is null || resolved.Count == 0)
            {
                WritePathNotFound(cmdlet, pattern);
                continue;
            }
            if (!IsFileSystem(cmdlet, provider!, pattern))
            {
                continue;
            }
            string? namingRoot = WildcardPattern.ContainsWildcardCharacters(pattern) ? LiteralPrefix(cmdlet, pattern) : null;
            foreach (string item in resolved)
            {
                yield return (item, namingRoot);
            }
        }
    }

    /// <summary>A file's or object's length, or 0 when it cannot be asked (it was deleted, say).</summary>
    public static long SafeLength(string file)
    {
        try
        {
            return LogLocation.Stat(file)?.Length ?? 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// A store location checked: its canonical URI when it is an object or a folder in a container that exists, else null
    /// with the error written (<c>InvalidStoreUri</c>, <c>StoreContainerNotFound</c>, <c>StoreAccessDenied</c>, ...).
    /// </summary>
    public static string? ResolveStore(PSCmdlet cmdlet, string given)
    {
        if (!StoreUri.TryParse(given, out var uri, out string? reason))
        {
            cmdlet.WriteError(StoreErrors.InvalidUri(given, reason));
            return null;
        }
        try
        {
            if (uri.Key.Length > 0 && LogLocation.Stat(uri.ToString()) is not null)
            {
                s_storeFiles[uri.ToString()] = true;
                return uri.ToString();
            }
            if (!LogLocation.FolderExists(uri.ToString()))
            {
                throw new StoreException(StoreErrorKind.ContainerNotFound, uri.ToString(),
                    $"The {(uri.Scheme == StoreUri.S3 ? "bucket" : "container")} '{uri.Container}' of '{uri}' does not exist.");
            }
            s_storeFiles[uri.ToString()] = false;
            return uri.ToString();
        }
        catch (StoreException e)
        {
            cmdlet.WriteError(StoreErrors.Record(e, given));
            return null;
        }
    }

    // What ResolveStore found each location to be (true: an object), so the cmdlets ask the store once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_storeFiles = new(StringComparer.Ordinal);

    /// <summary>True for a directory, or a store location that is not an object (a folder: a prefix).</summary>
    public static bool IsDirectory(string path)
    {
        if (!LogLocation.IsStore(path))
        {
            return Directory.Exists(path);
        }
        return s_storeFiles.TryGetValue(path, out bool isFile) ? !isFile : LogLocation.Stat(path) is null;
    }

    /// <summary>True for a file, or a store location that is an object.</summary>
    public static bool IsFile(string path) => LogLocation.IsStore(path) ? !IsDirectory(path) : File.Exists(path);

    /// <summary>
    /// A location given to a writing cmdlet: a store URI as it is (canonical), a path resolved from PowerShell's current
    /// location. Throws <see cref="FormatException"/> for an invalid store URI.
    /// </summary>
    public static string ForWriting(PSCmdlet cmdlet, string given) =>
        LogLocation.IsStore(given) ? StoreUri.Parse(given).ToString() : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);

    /// <summary>The provider path of the folders of <paramref name="pattern"/> before its first wildcard.</summary>
    private static string LiteralPrefix(PSCmdlet cmdlet, string pattern)
    {
        var segments = pattern.Replace('\\', '/').Split('/');
        int first = Array.FindIndex(segments, WildcardPattern.ContainsWildcardCharacters);
        string prefix = string.Join("/", segments.Take(first));
        if (prefix.Length == 0)
        {
            prefix = pattern.StartsWith('/') ? "/" : ".";
        }
        return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(prefix);
    }

    private static bool IsFileSystem(PSCmdlet cmdlet, ProviderInfo provider, string path)
    {
        if (provider.Name == "FileSystem")
        {
            return true;
        }
        cmdlet.WriteError(new ErrorRecord(
            new ArgumentException($"'{path}' is not a file-system path (its provider is {provider.Name})."),
            ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
        return false;
    }

    private static void WritePathNotFound(PSCmdlet cmdlet, string path) =>
        cmdlet.WriteError(new ErrorRecord(
            new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
            ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
}
