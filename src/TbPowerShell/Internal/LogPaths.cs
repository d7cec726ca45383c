using System.Collections.ObjectModel;
using System.Management.Automation;

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

    /// <summary>A file's length, or 0 when it cannot be asked (it was deleted, say).</summary>
    public static long SafeLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

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
