using System.Globalization;
using System.Text;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Reading;

/// <summary>One embedding of a run's projector configuration, with its points and labels read.</summary>
public sealed class ProjectorEmbedding
{
    /// <summary>The run's name below the directory read ("." for that directory).</summary>
    public required string Run { get; init; }

    /// <summary>The run directory (full path), where projector_config.pbtxt is.</summary>
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
/// columns) and the sprite's path and image size.
/// </summary>
public static class ProjectorReader
{
    /// <summary>
    /// Every directory below <paramref name="root"/> (the root included, links not followed) holding a
    /// projector_config.pbtxt, as (run name, directory), ordered by name.
    /// </summary>
    public static IReadOnlyList<(string Run, string Directory)> FindRuns(string root, Action<string, Exception>? onInaccessible = null)
    {
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
        string dir = Path.GetFullPath(directory);
        string configPath = Path.Combine(dir, ProjectorConfig.FileName);
        var result = new List<ProjectorEmbedding>();
        if (!File.Exists(configPath))
        {
            return result;
        }
        ProjectorConfig config;
        try
        {
            config = ProjectorConfig.Parse(File.ReadAllText(configPath, Encoding.UTF8));
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
        string? tensorPath = Resolve(dir, entry.Field("tensor_path")?.StringValue);
        string? metadataPath = Resolve(dir, entry.Field("metadata_path")?.StringValue);
        var sprite = entry.Field("sprite");
        string? spritePath = Resolve(dir, sprite?.Field("image_path")?.StringValue);
        int[] dims = sprite?.All("single_image_dim").Select(f => int.TryParse(f.Token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray() ?? Array.Empty<int>();

        double[][] points = Array.Empty<double[]>();
        int dimension = 0;
        if (readPoints && tensorPath is not null)
        {
            try
            {
                points = ProjectorTsv.ParseTensors(File.ReadAllText(tensorPath, Encoding.UTF8), out dimension);
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
                metadata = ProjectorTsv.ParseMetadata(File.ReadAllText(metadataPath, Encoding.UTF8), out header);
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

    private static string? Resolve(string dir, string? path) =>
        string.IsNullOrEmpty(path) ? null : Path.GetFullPath(Path.Combine(dir, path));
}
