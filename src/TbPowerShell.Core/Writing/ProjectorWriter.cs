using System.Collections.Concurrent;
using System.Text;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Writing;

/// <summary>What <see cref="ProjectorWriter.Write"/> wrote.</summary>
/// <param name="Folder">The embedding's folder (full path, or store URI).</param>
/// <param name="ConfigPath">projector_config.pbtxt (full path, or store URI).</param>
/// <param name="Replaced">True when the folder existed already (its files were overwritten, as PyTorch does with a warning).</param>
public sealed record ProjectorWriteResult(string Folder, string ConfigPath, bool Replaced);

/// <summary>The projector's configuration of a run could not be read, so it was left alone and nothing was written.</summary>
public sealed class ProjectorConfigException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ProjectorConfigException(string path, string message, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The configuration file.</summary>
    public string Path { get; }
}

/// <summary>
/// Writes an embedding into a run directory as PyTorch's <c>SummaryWriter.add_embedding</c> does: the folder
/// <c>&lt;step:05d&gt;/&lt;tag&gt;</c> with tensors.tsv, metadata.tsv and sprite.png, and an entry in the run's
/// projector_config.pbtxt. The configuration is read and appended to, so embeddings of earlier writers stay
/// (PyTorch keeps the list in its writer and overwrites the file, losing those of earlier writers).
/// Nothing is written to the event file: PyTorch writes nothing there either. A run directory in an object store
/// (<c>s3://</c>, <c>az://</c>) gets the same bytes as whole objects (uploads), the configuration last: read, the entry
/// added, uploaded over the old one (an upload replaces an object whole, so a reader never sees half of it).
/// </summary>
public static class ProjectorWriter
{
    private static readonly ConcurrentDictionary<string, object> ConfigLocks = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="data"/> into <paramref name="runDirectory"/>.</summary>
    /// <exception cref="ProjectorConfigException">An existing projector_config.pbtxt does not parse (it is left as it is).</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static ProjectorWriteResult Write(string runDirectory, ProjectorData data)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(data);
        bool inStore = LogLocation.IsStore(runDirectory);
        string run = LogLocation.Full(runDirectory);
        string configPath = LogLocation.Combine(run, ProjectorConfig.FileName);
        lock (ConfigLocks.GetOrAdd(configPath, _ => new object()))
        {
            var config = inStore ? ReadStoreConfig(configPath) : ReadConfig(configPath);
            string folder = inStore ? LogLocation.Combine(run, data.Folder) : Path.Combine(run, data.Folder.Replace('/', Path.DirectorySeparatorChar));
            bool replaced = inStore ? LogLocation.ListFiles(folder).Any() : Directory.Exists(folder);
            if (!inStore)
            {
                Directory.CreateDirectory(folder);
            }
            if (data.Metadata is not null)
            {
                WriteText(LogLocation.Combine(folder, ProjectorTsv.MetadataFile), ProjectorTsv.FormatMetadata(data.Metadata, data.Header));
            }
            if (data.Sprite is not null)
            {
                LogLocation.WriteAllBytes(LogLocation.Combine(folder, ProjectorTsv.SpriteFile), PngCodec.Encode(data.Sprite));
            }
            WriteText(LogLocation.Combine(folder, ProjectorTsv.TensorsFile), ProjectorTsv.FormatTensors(data.Values, data.Columns));
            config.AddEmbedding(data.ConfigEntry());
            // Whole or not at all: a reader (or TensorBoard) never sees half a configuration. On disk a rename over the old
            // file; in a store an upload, which replaces an object whole. The configuration goes last, so it never names
            // files that are not there yet.
            if (inStore)
            {
                WriteText(configPath, config.Format());
            }
            else
            {
                string temp = configPath + ".tmp" + Environment.ProcessId;
                WriteText(temp, config.Format());
                File.Move(temp, configPath, overwrite: true);
            }
            return new ProjectorWriteResult(folder, configPath, replaced);
        }
    }

    private static ProjectorConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            return new ProjectorConfig();
        }
        return ParseConfig(path, File.ReadAllText(path, Encoding.UTF8));
    }

    private static ProjectorConfig ReadStoreConfig(string path)
    {
        byte[] bytes;
        try
        {
            bytes = LogLocation.ReadAllBytes(path);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            return new ProjectorConfig();
        }
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ParseConfig(path, reader.ReadToEnd());
    }

    private static ProjectorConfig ParseConfig(string path, string text)
    {
        try
        {
            return ProjectorConfig.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ProjectorConfigException(path,
                $"The projector configuration '{path}' does not parse ({e.Message}); it was left as it is and the embedding was not written.", e);
        }
    }

    private static void WriteText(string path, string text) => LogLocation.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
}
