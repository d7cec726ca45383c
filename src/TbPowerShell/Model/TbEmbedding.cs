using System.Management.Automation;
using TbPowerShell.Core.Reading;

namespace TbPowerShell;

/// <summary>
/// One embedding of TensorBoard's projector (what PyTorch's <c>add_embedding</c> or <c>Add-TbEmbedding</c> wrote):
/// its points, labels and sprite, as <c>Get-TbEmbedding</c> reads them from a run's projector_config.pbtxt.
/// </summary>
public sealed class TbEmbedding
{
    /// <summary>The metadata column name of single-column labels (which have no header in metadata.tsv).</summary>
    public const string LabelColumn = "Label";

    internal TbEmbedding(ProjectorEmbedding embedding)
    {
        Run = embedding.Run;
        Tag = embedding.Tag;
        Step = embedding.Step;
        Count = embedding.Points.Length;
        Dimension = embedding.Dimension;
        Points = embedding.Points;
        MetadataHeader = embedding.MetadataHeader;
        Metadata = MetadataRows(embedding.Metadata, embedding.MetadataHeader);
        SpritePath = embedding.SpritePath;
        SpriteImageWidth = embedding.SpriteImageWidth;
        SpriteImageHeight = embedding.SpriteImageHeight;
        TensorName = embedding.TensorName;
        TensorPath = embedding.TensorPath;
        MetadataPath = embedding.MetadataPath;
        Path = embedding.RunDirectory;
    }

    /// <summary>The run: the folder of projector_config.pbtxt relative to the directory read ("." for that directory).</summary>
    public string Run { get; }

    /// <summary>The embedding's name (the tensor name before its <c>:step</c>).</summary>
    public string Tag { get; }

    /// <summary>The step (from the tensor name <c>tag:00005</c>; 0 when the name has none).</summary>
    public long Step { get; }

    /// <summary>The number of points.</summary>
    public int Count { get; }

    /// <summary>The numbers a point.</summary>
    public int Dimension { get; }

    /// <summary>The points, a row of <see cref="Dimension"/> numbers each. Binds <c>-Data</c> of Add-TbEmbedding (its alias Points).</summary>
    public double[][] Points { get; }

    /// <summary>
    /// The labels, an object a point whose properties are the metadata columns (the header's names; <c>Label</c> for
    /// a single column), as Import-Csv gives rows: <c>Select-Object -ExpandProperty Metadata | Export-Csv</c>.
    /// </summary>
    public PSObject[] Metadata { get; }

    /// <summary>The column names of multi-column metadata; empty for a single column.</summary>
    public string[] MetadataHeader { get; }

    /// <summary>The sprite of label images (full path), or null.</summary>
    public string? SpritePath { get; }

    /// <summary>One label image's width in the sprite (<c>single_image_dim[0]</c>); 0 without a sprite.</summary>
    public int SpriteImageWidth { get; }

    /// <summary>One label image's height in the sprite (<c>single_image_dim[1]</c>); 0 without a sprite.</summary>
    public int SpriteImageHeight { get; }

    /// <summary>The entry's tensor name in projector_config.pbtxt (<c>tag:00005</c>).</summary>
    public string TensorName { get; }

    /// <summary>tensors.tsv (full path).</summary>
    public string? TensorPath { get; }

    /// <summary>metadata.tsv (full path), or null.</summary>
    public string? MetadataPath { get; }

    /// <summary>The run directory, where projector_config.pbtxt is (full path).</summary>
    public string Path { get; }

    private static PSObject[] MetadataRows(string[][] rows, string[] header)
    {
        string[] names = header.Length > 0 ? Unique(header) : new[] { LabelColumn };
        var result = new PSObject[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = new PSObject();
            row.TypeNames.Insert(0, "TbPowerShell.TbEmbeddingLabel");
            for (int c = 0; c < names.Length; c++)
            {
                row.Properties.Add(new PSNoteProperty(names[c], c < rows[i].Length ? rows[i][c] : ""));
            }
            result[i] = row;
        }
        return result;
    }

    /// <summary>Column names made usable as property names: empty ones become ColumnN, repeats get a suffix.</summary>
    private static string[] Unique(string[] header)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[header.Length];
        for (int i = 0; i < header.Length; i++)
        {
            string name = string.IsNullOrWhiteSpace(header[i]) ? "Column" + (i + 1) : header[i];
            string unique = name;
            for (int n = 2; !seen.Add(unique); n++)
            {
                unique = name + "_" + n;
            }
            names[i] = unique;
        }
        return names;
    }
}
