namespace TbPowerShell.Core.Summaries;

/// <summary>Why embedding input was refused.</summary>
public enum EmbeddingError
{
    /// <summary>The matrix has no rows or no columns.</summary>
    EmptyMatrix,

    /// <summary>The rows have different lengths, or the data is not two-dimensional.</summary>
    RaggedRows,

    /// <summary>A number is NaN or infinite: the projector cannot place such a point.</summary>
    NotFinite,

    /// <summary>The metadata has a count other than the number of points.</summary>
    MetadataCountMismatch,

    /// <summary>Metadata rows have different numbers of cells, or a header a different number of names than the cells.</summary>
    MetadataShapeMismatch,

    /// <summary>A header was given for single-column metadata, or several columns without a header.</summary>
    MetadataHeaderMismatch,

    /// <summary>A label contains a tab or a line break, which would split it in metadata.tsv.</summary>
    MetadataInvalidCharacter,

    /// <summary>The number of label images differs from the number of points.</summary>
    ImageCountMismatch,
}

/// <summary>Embedding input that cannot be written.</summary>
public sealed class EmbeddingInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public EmbeddingInputException(EmbeddingError error, string message, object? offendingValue)
        : base(message)
    {
        Error = error;
        OffendingValue = offendingValue;
    }

    /// <summary>What was wrong.</summary>
    public EmbeddingError Error { get; }

    /// <summary>The value at fault (a row, a count, a label), for the error's target.</summary>
    public object? OffendingValue { get; }
}

/// <summary>
/// One embedding to write, checked: the points (a row each), the labels (one column, or several under a header), and
/// the sprite of label images (already packed by <see cref="Imaging.SpriteSheet"/>) with one image's size.
/// </summary>
public sealed class ProjectorData
{
    /// <summary>Checks and holds an embedding.</summary>
    /// <param name="tag">The embedding's name (PyTorch's default is "default").</param>
    /// <param name="step">The step; part of the folder and tensor names.</param>
    /// <param name="values">The points, row after row.</param>
    /// <param name="rows">The number of points.</param>
    /// <param name="columns">The dimension.</param>
    /// <param name="metadata">A row of cells a point, or null.</param>
    /// <param name="header">Column names for metadata of two or more columns; null for one column.</param>
    /// <param name="sprite">The packed label images, or null.</param>
    /// <param name="imageWidth">One label image's width.</param>
    /// <param name="imageHeight">One label image's height.</param>
    /// <exception cref="EmbeddingInputException">The input does not make an embedding.</exception>
    public ProjectorData(string tag, long step, double[] values, int rows, int columns,
        IReadOnlyList<IReadOnlyList<string>>? metadata = null, IReadOnlyList<string>? header = null,
        Imaging.ImagePixels? sprite = null, int imageWidth = 0, int imageHeight = 0)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(values);
        if (rows < 1 || columns < 1)
        {
            throw new EmbeddingInputException(EmbeddingError.EmptyMatrix, $"An embedding needs at least one point of at least one number; the matrix is {rows}×{columns}.", new[] { rows, columns });
        }
        if ((long)rows * columns != values.Length)
        {
            throw new EmbeddingInputException(EmbeddingError.RaggedRows, $"{values.Length} numbers do not make {rows} rows of {columns}.", values.Length);
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new EmbeddingInputException(EmbeddingError.NotFinite,
                    $"Point {i / columns}, column {i % columns} is {values[i]}: the projector cannot place a point with a NaN or infinite coordinate.", values[i]);
            }
        }
        if (metadata is not null)
        {
            CheckMetadata(metadata, header, rows);
        }
        else if (header is not null)
        {
            throw new EmbeddingInputException(EmbeddingError.MetadataHeaderMismatch, "A metadata header was given without metadata.", header);
        }
        Tag = tag;
        Step = step;
        Values = values;
        Rows = rows;
        Columns = columns;
        Metadata = metadata;
        Header = header;
        Sprite = sprite;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
    }

    private static void CheckMetadata(IReadOnlyList<IReadOnlyList<string>> metadata, IReadOnlyList<string>? header, int rows)
    {
        if (metadata.Count != rows)
        {
            throw new EmbeddingInputException(EmbeddingError.MetadataCountMismatch,
                $"There are {metadata.Count} metadata rows for {rows} points: give one label (or row of labels) a point.", metadata.Count);
        }
        int cells = metadata.Count == 0 ? 0 : metadata[0].Count;
        foreach (var row in metadata)
        {
            if (row.Count != cells || row.Count == 0)
            {
                throw new EmbeddingInputException(EmbeddingError.MetadataShapeMismatch,
                    $"Every metadata row must have the same number of cells ({cells}); one has {row.Count}.", row);
            }
            foreach (string cell in row)
            {
                if (cell.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
                {
                    throw new EmbeddingInputException(EmbeddingError.MetadataInvalidCharacter,
                        $"The label '{cell}' holds a tab or a line break, which metadata.tsv cannot hold.", cell);
                }
            }
        }
        if (header is null)
        {
            if (cells > 1)
            {
                throw new EmbeddingInputException(EmbeddingError.MetadataHeaderMismatch,
                    $"Metadata of {cells} columns needs a header (-MetadataHeader): the projector reads the first line of several columns as the column names.", cells);
            }
            return;
        }
        if (cells < 2)
        {
            throw new EmbeddingInputException(EmbeddingError.MetadataHeaderMismatch,
                "A metadata header needs metadata of two or more columns: the projector reads a single column without a header, so the header would become a label.", header);
        }
        if (header.Count != cells)
        {
            throw new EmbeddingInputException(EmbeddingError.MetadataShapeMismatch,
                $"The header has {header.Count} names for {cells} metadata columns.", header);
        }
        foreach (string name in header)
        {
            if (name.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            {
                throw new EmbeddingInputException(EmbeddingError.MetadataInvalidCharacter,
                    $"The column name '{name}' holds a tab or a line break, which metadata.tsv cannot hold.", name);
            }
        }
    }

    /// <summary>The embedding's name.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>The points, row after row.</summary>
    public double[] Values { get; }

    /// <summary>The number of points.</summary>
    public int Rows { get; }

    /// <summary>The dimension.</summary>
    public int Columns { get; }

    /// <summary>The labels, or null.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Metadata { get; }

    /// <summary>The column names, or null.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>The sprite, or null.</summary>
    public Imaging.ImagePixels? Sprite { get; }

    /// <summary>One label image's width.</summary>
    public int ImageWidth { get; }

    /// <summary>One label image's height.</summary>
    public int ImageHeight { get; }

    /// <summary>The folder, relative to the run: <c>&lt;step:05d&gt;/&lt;encoded tag&gt;</c>.</summary>
    public string Folder => ProjectorTsv.Folder(Tag, Step);

    /// <summary>The embedding's entry of projector_config.pbtxt, as PyTorch's <c>get_embedding_info</c> makes it (fields in number order).</summary>
    public TextField ConfigEntry()
    {
        var fields = new List<TextField> { TextField.String("tensor_name", ProjectorTsv.TensorName(Tag, Step)) };
        if (Metadata is not null)
        {
            fields.Add(TextField.String("metadata_path", Folder + "/" + ProjectorTsv.MetadataFile));
        }
        if (Sprite is not null)
        {
            fields.Add(TextField.Message("sprite",
                TextField.String("image_path", Folder + "/" + ProjectorTsv.SpriteFile),
                TextField.Integer("single_image_dim", ImageWidth),
                TextField.Integer("single_image_dim", ImageHeight)));
        }
        fields.Add(TextField.String("tensor_path", Folder + "/" + ProjectorTsv.TensorsFile));
        return new TextField("embeddings", null, fields);
    }
}
