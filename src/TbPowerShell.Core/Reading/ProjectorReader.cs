using System.Globalization;
using System.Text;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Reading;

/// <summary>One embedding of a run's projector configuration, with its points and labels read.</summary>
public sealed class ProjectorEmbedding
{
    /// <summary>The run's name below the directory read ("." for that directory).</summary>
    public required string Run { get; init; }

    /// <summary>The run directory (full path, or store URI), where projector_config.pbtxt is.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The entry's position among the embeddings of projector_config.pbtxt (from 0).</summary>
    public int Index { get; init; }

    /// <summary>The entry's <c>tensor_name</c> (<c>tag:00005</c> when PyTorch or TbPowerShell wrote it).</summary>
    public required string TensorName { get; init; }

    /// <summary>The tag: the tensor name before its <c>:step</c>, or the whole name.</summary>
    public required string Tag { get; init; }

    /// <summary>The step the tensor name gives; 0 when it gives none.</summary>
    public long Step { get; init; }

    /// <summary>tensors.tsv (full path), or null when the entry names none (a checkpoint variable).</summary>
    public string? TensorPath { get; init; }

    /// <summary>metadata.tsv (full path), or null.</summary>
    public string? MetadataPath { get; init; }

    /// <summary>The sprite image (full path), or null.</summary>
    public string? SpritePath { get; init; }

    /// <summary>One sprite image's width (<c>single_image_dim[0]</c>), 0 without a sprite.</summary>
    public int SpriteImageWidth { get; init; }

    /// <summary>One sprite image's height (<c>single_image_dim[1]</c>), 0 without a sprite.</summary>
    public int SpriteImageHeight { get; init; }

    /// <summary>The points, a row each (empty when they were not read).</summary>
    public double[][] Points { get; init; } = Array.Empty<double[]>();

    /// <summary>The numbers a point.</summary>
    public int Dimension { get; init; }

    /// <summary>The labels, a row of cells a point (empty without metadata).</summary>
    public string[][] Metadata { get; init; } = Array.Empty<string[]>();

    /// <summary>The column names of multi-column metadata (empty for one column).</summary>
    public string[] MetadataHeader { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Reads the projector's files as TensorBoard's projector plugin does: each run directory's projector_config.pbtxt,
/// paths in it relative to that directory (or absolute), tensors.tsv, metadata.tsv (a header when it has several
/// columns) and the sprite's path and image size. Run directories may be local or in an object store (<c>s3://</c>,
/// <c>az://</c>): there every file is read through <see cref="LogLocation"/>, and a path in the configuration is taken
/// below the run folder (or as a store URI of its own); one that climbs out with '..' or starts at '/' is refused.
/// </summary>
public static class ProjectorReader
{
    /// <summary>
    /// Every directory below <paramref name="root"/> (the root included, links not followed) holding a
    /// projector_config.pbtxt, as (run name, directory), ordered by name. In an object store: one listing of every
    /// object below the prefix, the "folders" of the objects named projector_config.pbtxt; a failure of that listing
    /// is thrown (<see cref="StoreException"/>), as <see cref="LogDirectory.FindRuns"/> throws it.
    /// </summary>
    public static IReadOnlyList<(string Run, string Directory)> FindRuns(string root, Action<string, Exception>? onInaccessible = null)
    {
        if (LogLocation.IsStore(root))
        {
            return FindStoreRuns(StoreUri.Parse(root));
        }
        root = Path.GetFullPath(root);
        var found = new List<(string, string)>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo sub && sub.LinkTarget is null)
                    {
                        pending.Push(sub.FullName);
                    }
                    else if (entry is FileInfo && entry.Name == ProjectorConfig.FileName)
                    {
                        found.Add((LogDirectory.RelativeName(root, dir), dir));
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                onInaccessible?.Invoke(dir, e);
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return found;
    }

    private static IReadOnlyList<(string Run, string Directory)> FindStoreRuns(StoreUri root)
    {
        var found = new List<(string, string)>();
        foreach (var entry in ObjectStores.For(root).List(root))
        {
            if (entry.Location.Name == ProjectorConfig.FileName)
            {
                string dir = entry.Location.Parent!.ToString();
                found.Add((LogLocation.RelativeName(root.ToString(), dir), dir));
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return found;
    }

    /// <summary>
    /// The embeddings of one run directory's projector_config.pbtxt, in the file's order (none when it has no such file).
    /// A file that cannot be read or parsed goes to <paramref name="onError"/> with its path: a bad configuration
    /// gives no embeddings, a bad tensors.tsv skips its embedding, a bad metadata.tsv leaves the labels empty.
    /// </summary>
    /// <param name="run">The run's name, for the results.</param>
    /// <param name="directory">The run directory.</param>
    /// <param name="readPoints">False to read only the configuration and labels (Count and Dimension stay 0).</param>
    /// <param name="onError">Told of each file that could not be read.</param>
    /// <param name="select">Which entries to read, by their position in the file and tensor name; null for all.</param>
    public static IReadOnlyList<ProjectorEmbedding> ReadRun(string run, string directory, bool readPoints, Action<string, Exception>? onError,
        Func<int, string, bool>? select = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string dir = LogLocation.Full(directory);
        string configPath = LogLocation.Combine(dir, ProjectorConfig.FileName);
        var result = new List<ProjectorEmbedding>();
        if (!LogLocation.IsStore(dir) && !File.Exists(configPath))
        {
            return result;
        }
        ProjectorConfig config;
        try
        {
            config = ProjectorConfig.Parse(ReadText(configPath));
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            return result; // a run without embeddings: one GET that finds nothing, no request to ask first
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            onError?.Invoke(configPath, e);
            return result;
        }
        int index = -1;
        foreach (var entry in config.Embeddings)
        {
            index++;
            if (select is not null && !select(index, entry.Field("tensor_name")?.StringValue ?? ""))
            {
                continue;
            }
            var embedding = ReadEntry(run, dir, entry, index, readPoints, onError);
            if (embedding is not null)
            {
                result.Add(embedding);
            }
        }
        return result;
    }

    private static ProjectorEmbedding? ReadEntry(string run, string dir, TextField entry, int index, bool readPoints, Action<string, Exception>? onError)
    {
        string name = entry.Field("tensor_name")?.StringValue ?? "";
        ProjectorTsv.TrySplitTensorName(name, out string tag, out long step);
        if (!TryResolve(dir, entry.Field("tensor_path")?.StringValue, out string? tensorPath, onError))
        {
            return null; // its points would come from outside the run: the entry is skipped, as an unreadable tensors.tsv
        }
        TryResolve(dir, entry.Field("metadata_path")?.StringValue, out string? metadataPath, onError);
        var sprite = entry.Field("sprite");
        TryResolve(dir, sprite?.Field("image_path")?.StringValue, out string? spritePath, onError);
        int[] dims = sprite?.All("single_image_dim").Select(f => int.TryParse(f.Token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray() ?? Array.Empty<int>();

        double[][] points = Array.Empty<double[]>();
        int dimension = 0;
        if (readPoints && tensorPath is not null)
        {
            try
            {
                points = ProjectorTsv.ParseTensors(ReadText(tensorPath), out dimension);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                onError?.Invoke(tensorPath, e);
                return null;
            }
        }
        string[][] metadata = Array.Empty<string[]>();
        string[] header = Array.Empty<string>();
        if (metadataPath is not null)
        {
            try
            {
                metadata = ProjectorTsv.ParseMetadata(ReadText(metadataPath), out header);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                onError?.Invoke(metadataPath, e);
            }
        }
        return new ProjectorEmbedding
        {
            Run = run,
            RunDirectory = dir,
            Index = index,
            TensorName = name,
            Tag = tag,
            Step = step,
            TensorPath = tensorPath,
            MetadataPath = metadataPath,
            SpritePath = spritePath,
            SpriteImageWidth = dims.Length > 0 ? dims[0] : 0,
            SpriteImageHeight = dims.Length > 1 ? dims[1] : 0,
            Points = points,
            Dimension = dimension,
            Metadata = metadata,
            MetadataHeader = header,
        };
    }

    /// <summary>
    /// A path of the configuration: null when it names none; local, taken from the run directory (or absolute); in a
    /// store, below the run folder or a store URI of its own. False, with <paramref name="onError"/> told, for a path of a
    /// store's configuration that leads out of its folder ('..', a leading '/').
    /// </summary>
    private static bool TryResolve(string dir, string? path, out string? resolved, Action<string, Exception>? onError)
    {
        resolved = null;
        if (string.IsNullOrEmpty(path))
        {
            return true;
        }
        if (!LogLocation.IsStore(dir))
        {
            resolved = Path.GetFullPath(Path.Combine(dir, path));
            return true;
        }
        if (StoreUri.TryParse(path, out var absolute, out _))
        {
            resolved = absolute.ToString();
            return true;
        }
        // "./00000/x/tensors.tsv" is the folder's own; only '..' and a leading '/' lead out.
        string spelled = string.Join('/', path.Replace('\\', '/').Split('/').Where(p => p != "."));
        resolved = ContainedPath.Resolve(dir, spelled, out string? reason);
        if (resolved is null)
        {
            onError?.Invoke(LogLocation.Combine(dir, ProjectorConfig.FileName), new InvalidDataException(
                $"The projector configuration in '{dir}' names '{path}', which {reason}; it was not read (paths in a store's configuration stay below the run folder)."));
            return false;
        }
        return true;
    }

    /// <summary>A whole text file or object, UTF-8 (a byte-order mark skipped, as <see cref="File.ReadAllText(string, Encoding)"/> does).</summary>
    private static string ReadText(string path)
    {
        if (!LogLocation.IsStore(path))
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        using var reader = new StreamReader(new MemoryStream(LogLocation.ReadAllBytes(path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
