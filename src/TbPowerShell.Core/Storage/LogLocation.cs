namespace TbPowerShell.Core.Storage;

/// <summary>
/// Paths as the reader, follower, writer and board pass them: a local path, or an object-store URI
/// (<c>s3://</c>, <c>az://</c>). Every operation here works on both, so the layers above do not know where bytes live.
/// </summary>
public static class LogLocation
{
    /// <summary>True when <paramref name="path"/> is an object-store URI.</summary>
    public static bool IsStore(string? path) => StoreUri.IsStoreUri(path);

    /// <summary>The full, canonical form: <see cref="Path.GetFullPath(string)"/> for a local path, the parsed URI's text for a store.</summary>
    public static string Full(string path) =>
        IsStore(path) ? StoreUri.Parse(path).ToString() : Path.GetFullPath(path);

    /// <summary><paramref name="name"/> inside the folder <paramref name="folder"/>.</summary>
    public static string Combine(string folder, string name) =>
        IsStore(folder) ? StoreUri.Parse(folder).Combine(name).ToString() : Path.Combine(folder, name);

    /// <summary>The last segment (a file's or folder's name).</summary>
    public static string FileName(string path) =>
        IsStore(path) ? StoreUri.Parse(path).Name : Path.GetFileName(path);

    /// <summary>The enclosing folder, or null at a root or container.</summary>
    public static string? Parent(string path) =>
        IsStore(path) ? StoreUri.Parse(path).Parent?.ToString() : Path.GetDirectoryName(path);

    /// <summary>The run name of <paramref name="folder"/> seen from <paramref name="root"/>: '/'-separated, "." for the root.</summary>
    public static string RelativeName(string root, string folder)
    {
        if (IsStore(root))
        {
            return StoreUri.Parse(root).RelativeNameOf(StoreUri.Parse(folder)) ?? folder;
        }
        string relative = Path.GetRelativePath(root, folder);
        return relative == "." ? "." : relative.Replace('\\', '/');
    }

    /// <summary>Opens <paramref name="path"/> for reading, shared with writers (a ranged-read stream for a store object).</summary>
    public static Stream OpenRead(string path) =>
        IsStore(path) ? StoreReadStream.Open(StoreUri.Parse(path)) : Records.RecordReader.OpenShared(path);

    /// <summary>
    /// Opens <paramref name="path"/>, whose length is known (<paramref name="length"/>, from a listing): no request to learn it.
    /// <paramref name="sparse"/> reads a store object in small ranges one at a time, for a reader that reads a little at
    /// a few places (a preview) rather than the whole object.
    /// </summary>
    public static Stream OpenRead(string path, long length, bool sparse = false)
    {
        if (!IsStore(path))
        {
            return Records.RecordReader.OpenShared(path);
        }
        var uri = StoreUri.Parse(path);
        var settings = ObjectStores.SettingsFor(uri);
        if (sparse)
        {
            settings = settings with { ReadBlockBytes = 64 * 1024, ReadsInFlight = 1 };
        }
        return new StoreReadStream(ObjectStores.For(uri), uri, length, settings);
    }

    /// <summary>The length of a file or object; throws <see cref="FileNotFoundException"/> (local) or <see cref="StoreException"/> when it is missing.</summary>
    public static long Length(string path) => Stat(path)?.Length ?? throw MissingError(path);

    /// <summary>The length and last write time of a file or object, or null when there is none.</summary>
    public static (long Length, DateTimeOffset LastWrite)? Stat(string path)
    {
        if (IsStore(path))
        {
            var uri = StoreUri.Parse(path);
            var entry = ObjectStores.For(uri).Stat(uri);
            return entry is null ? null : (entry.Length, entry.LastModified);
        }
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, new DateTimeOffset(info.LastWriteTimeUtc)) : null;
    }

    /// <summary>True when the file or object exists.</summary>
    public static bool FileExists(string path) => IsStore(path) ? Stat(path) is not null : File.Exists(path);

    /// <summary>
    /// True when the folder exists: a local directory, or, in a store, a container that exists (a prefix there always
    /// "exists"; an empty one just has no runs yet).
    /// </summary>
    public static bool FolderExists(string path)
    {
        if (!IsStore(path))
        {
            return Directory.Exists(path);
        }
        var uri = StoreUri.Parse(path);
        try
        {
            using var e = ObjectStores.For(uri).List(uri).GetEnumerator();
            e.MoveNext();
            return true;
        }
        catch (StoreException s) when (s.Kind == StoreErrorKind.ContainerNotFound)
        {
            return false;
        }
    }

    /// <summary>Every file below <paramref name="folder"/>, recursively: (path, length, last write). A store lists by prefix.</summary>
    public static IEnumerable<(string Path, long Length, DateTimeOffset LastWrite)> ListFiles(string folder, CancellationToken cancellation = default)
    {
        if (IsStore(folder))
        {
            var uri = StoreUri.Parse(folder);
            foreach (var entry in ObjectStores.For(uri).List(uri, cancellation))
            {
                yield return (entry.Location.ToString(), entry.Length, entry.LastModified);
            }
            yield break;
        }
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            yield return (file.FullName, file.Length, new DateTimeOffset(file.LastWriteTimeUtc));
        }
    }

    /// <summary>Reads a whole (small) file or object.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        if (!IsStore(path))
        {
            return File.ReadAllBytes(path);
        }
        using var stream = OpenRead(path);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Writes a whole (small) file or object, replacing any.</summary>
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> content)
    {
        if (!IsStore(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllBytes(path, content.ToArray());
            return;
        }
        var uri = StoreUri.Parse(path);
        ObjectStores.For(uri).Upload(uri, content);
    }

    private static Exception MissingError(string path) =>
        IsStore(path)
            ? new StoreException(StoreErrorKind.NotFound, path, $"'{path}' does not exist.")
            : new FileNotFoundException($"Could not find file '{path}'.", path);
}
