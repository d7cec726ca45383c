namespace TbPowerShell.Core.Records;

/// <summary>
/// Paths that must stay inside a folder the user gave (a log directory, a destination): checked on the
/// path as the file system resolves it, symbolic links and junctions followed, not only on its spelling.
/// A link inside the folder that points outside it is refused, while the folder itself may be reached
/// through links. Checks are made before each folder is created; a link swapped in between the check and
/// the use by another process of the same user is outside what this guards against.
/// </summary>
public static class ContainedPath
{
    /// <summary>How many links one path may pass through before it is refused as a loop (Linux's own limit).</summary>
    public const int MaxLinkHops = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="root"/>, or null (with the reason)
    /// when it is rooted, climbs out with <c>..</c>, or leads out of <paramref name="root"/> through a link.
    /// </summary>
    /// <param name="root">The folder to stay in (full path).</param>
    /// <param name="relative">A relative path; '/' and '\' both separate folders.</param>
    /// <param name="reason">Why the path was refused; null when it was not.</param>
    public static string? Resolve(string root, string relative, out string? reason)
    {
        if (Storage.StoreUri.IsStoreUri(root))
        {
            // A store has no links: only the spelling can lead out (StoreUri.Combine refuses '.' and '..').
            string[] parts = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (relative.StartsWith('/') || relative.StartsWith('\\') || parts.Any(p => p is "." or ".."))
            {
                reason = "it leads out of the folder";
                return null;
            }
            reason = null;
            return Storage.StoreUri.Parse(root).Combine(relative).ToString();
        }
        string spelled = relative.Replace('\\', '/');
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, spelled)));
        string lexical = Path.GetRelativePath(root, full).Replace('\\', '/');
        if (Path.IsPathRooted(spelled) || Path.IsPathRooted(lexical) || lexical == ".." || lexical.StartsWith("../", StringComparison.Ordinal))
        {
            reason = "it leads out of the folder";
            return null;
        }
        return IsInside(root, full, out reason) ? full : null;
    }

    /// <summary>
    /// True when <paramref name="path"/>, with every link on it followed, is <paramref name="root"/> or inside it
    /// (with its links followed too). Parts of the path that do not exist yet are taken as spelled.
    /// </summary>
    /// <param name="root">The folder to stay in.</param>
    /// <param name="path">The path to check (full path).</param>
    /// <param name="reason">Why it is not inside; null when it is.</param>
    public static bool IsInside(string root, string path, out string? reason)
    {
        string realRoot;
        string realPath;
        try
        {
            realRoot = RealPath(root);
            realPath = RealPath(path);
        }
        catch (IOException e)
        {
            reason = e.Message;
            return false;
        }
        string relative = Path.GetRelativePath(realRoot, realPath);
        bool inside = !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, PathComparison);
        reason = inside ? null : $"a link on it leads to '{realPath}', outside '{realRoot}'";
        return inside;
    }

    /// <summary>True when <paramref name="path"/> itself is a symbolic link or junction (dangling links included).</summary>
    /// <param name="path">The path to look at; its own last part is not followed.</param>
    public static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// <paramref name="path"/> with every link on it followed, as <c>realpath</c> gives it, except that parts that
    /// do not exist are kept as spelled instead of failing.
    /// </summary>
    /// <param name="path">Any path; made full first.</param>
    /// <exception cref="IOException">The path passes through more than <see cref="MaxLinkHops"/> links.</exception>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        var remaining = new LinkedList<string>(Split(full[current.Length..]));
        int hops = 0;
        bool missing = false;
        while (remaining.First is { } first)
        {
            string part = first.Value;
            remaining.RemoveFirst();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target = missing ? null : LinkTargetOf(next, out missing);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                throw new IOException($"The path '{path}' passes through more than {MaxLinkHops} links (a loop?).");
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            var parts = Split(target);
            for (int i = parts.Length - 1; i >= 0; i--)
            {
                remaining.AddFirst(parts[i]);
            }
        }
        return current;
    }

    private static string[] Split(string path) =>
        path.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTargetOf(string path, out bool missing)
    {
        var info = new FileInfo(path);
        string? target = info.LinkTarget;
        // Below a part that does not exist nothing exists: stop asking the file system.
        missing = target is null && !info.Exists && !Directory.Exists(path);
        return target;
    }
}
