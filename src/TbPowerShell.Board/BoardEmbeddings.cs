using System.Text.Json;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Board;

/// <summary>
/// The Embeddings tab's data: the projector embeddings of each run the board shows (read from the run directory's
/// projector_config.pbtxt by the core's <see cref="ProjectorReader"/>), and each one's 2-D PCA projection
/// (<see cref="Pca"/>) with its labels. Shared by the server's routes and the offline report. A run in an object store
/// is read the same way, through <see cref="LogLocation"/>.
/// </summary>
internal static class BoardEmbeddings
{
    /// <summary>The most points a scatter draws (the first ones): more would not be readable, nor quick to send.</summary>
    public const int MaxPoints = 20_000;

    /// <summary>The embeddings of the runs (all, or those of <paramref name="runIds"/>), with the run directories they came from.</summary>
    private static IEnumerable<(BoardRun Run, int Index, ProjectorEmbedding Embedding)> All(BoardStore store, bool readPoints, ISet<int>? runIds = null)
    {
        foreach (var run in store.Runs())
        {
            if (run.Directory is null || (runIds is not null && !runIds.Contains(run.Id))) continue;
            foreach (var e in ProjectorReader.ReadRun(run.Name, run.Directory, readPoints, onError: null)) yield return (run, e.Index, e);
        }
    }

    /// <summary>[{ id, run, runName, tag, step, count, dimension, header, sprite }]: every embedding of the runs.</summary>
    public static void List(Utf8JsonWriter w, BoardStore store, ISet<int>? runIds = null)
    {
        w.WriteStartArray();
        // The list only counts: points are read (and projected) when a card asks for them.
        foreach (var (run, index, e) in All(store, readPoints: false, runIds))
        {
            var (count, dimension) = Shape(e.TensorPath);
            w.WriteStartObject();
            w.WriteString("id", run.Id + "-" + index);
            w.WriteNumber("run", run.Id);
            w.WriteNumber("index", index);
            w.WriteString("runName", run.Name);
            w.WriteString("tag", e.Tag);
            w.WriteNumber("step", e.Step);
            w.WriteNumber("count", count);
            w.WriteNumber("dimension", dimension);
            w.WriteStartArray("header");
            foreach (var h in Header(e)) w.WriteStringValue(h);
            w.WriteEndArray();
            w.WriteBoolean("sprite", e.SpritePath is not null);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Writes the projection of the embedding <paramref name="index"/> of run <paramref name="runId"/>; false when there is none.</summary>
    public static bool Projection(Utf8JsonWriter w, BoardStore store, int runId, int index)
    {
        if (store.Run(runId) is not { Directory: { } dir } run) return false;
        // Only that entry's files are read (a broken one before it would shift the positions otherwise).
        var list = ProjectorReader.ReadRun(run.Name, dir, readPoints: true, onError: null, (i, _) => i == index);
        if (list.Count != 1) return false;
        WriteProjection(w, run, index, list[0]);
        return true;
    }

    /// <summary>
    /// { id, runName, tag, step, count, shown, dimension, header, labels: [[cells]], x, y, variance: [pc1, pc2], total }:
    /// each point's coordinates on the first two principal components (null for a point with a non-finite number).
    /// </summary>
    private static void WriteProjection(Utf8JsonWriter w, BoardRun run, int index, ProjectorEmbedding e)
    {
        int shown = Math.Min(e.Points.Length, MaxPoints);
        var points = e.Points.Length > shown ? e.Points[..shown] : e.Points;
        var pca = Pca.Project(points, 2);
        w.WriteStartObject();
        w.WriteString("id", run.Id + "-" + index);
        w.WriteString("runName", run.Name);
        w.WriteString("tag", e.Tag);
        w.WriteNumber("step", e.Step);
        w.WriteNumber("count", e.Points.Length);
        w.WriteNumber("shown", shown);
        w.WriteNumber("dimension", e.Dimension);
        w.WriteStartArray("header");
        foreach (var h in Header(e)) w.WriteStringValue(h);
        w.WriteEndArray();
        w.WriteStartArray("labels");
        for (int i = 0; i < shown && i < e.Metadata.Length; i++)
        {
            w.WriteStartArray();
            foreach (var cell in e.Metadata[i]) w.WriteStringValue(cell);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        foreach (var (name, component) in new[] { ("x", 0), ("y", 1) })
        {
            w.WriteStartArray(name);
            foreach (var c in pca.Coordinates)
            {
                double v = component < c.Length ? c[component] : 0;
                if (double.IsFinite(v)) w.WriteNumberValue(Math.Round(v, 6));
                else w.WriteNullValue();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("variance");
        foreach (var v in pca.Variances) w.WriteNumberValue(v);
        w.WriteEndArray();
        w.WriteNumber("total", pca.TotalVariance);
        w.WriteEndObject();
    }

    /// <summary>The rows (non-empty lines) of tensors.tsv and the numbers of its first row, counted without parsing them; zeros when it cannot be read.</summary>
    private static (int Count, int Dimension) Shape(string? tensorPath)
    {
        if (tensorPath is null) return (0, 0);
        try
        {
            int count = 0, dimension = 0;
            foreach (var line in Lines(tensorPath))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                if (count++ == 0) dimension = line.TrimEnd('\t', '\r').Split('\t').Length;
            }
            return (count, dimension);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    /// <summary>The lines of a local file, or of a store object (<c>s3://</c>, <c>az://</c>) read through ranged reads.</summary>
    private static IEnumerable<string> Lines(string path)
    {
        if (!LogLocation.IsStore(path))
        {
            foreach (var line in File.ReadLines(path)) yield return line;
            yield break;
        }
        using var reader = new StreamReader(LogLocation.OpenRead(path));
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>The column names: the header, or "label" for single-column metadata, none without metadata.</summary>
    private static string[] Header(ProjectorEmbedding e) =>
        e.MetadataHeader.Length > 0 ? e.MetadataHeader : e.Metadata.Length > 0 ? ["label"] : [];

    /// <summary>The report's section: { list: [...], projections: { "runId-index": {...} } }.</summary>
    public static void Report(Utf8JsonWriter w, BoardStore store, ISet<int> runIds)
    {
        w.WriteStartObject();
        w.WritePropertyName("list");
        List(w, store, runIds);
        w.WriteStartObject("projections");
        foreach (var (run, index, e) in All(store, readPoints: true, runIds))
        {
            w.WritePropertyName(run.Id + "-" + index);
            WriteProjection(w, run, index, e);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
