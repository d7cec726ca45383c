using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// Text tables: a rank-2 DT_STRING tensor of the text plugin, which TensorBoard's text dashboard draws as a table
/// (one row per first index, one cell per second), each cell rendered as markdown. PyTorch's <c>add_text</c>
/// only writes single strings; the tag gets the same <c>/text_summary</c> suffix.
/// </summary>
public static class TextTables
{
    /// <summary>The summary value of <paramref name="cells"/> (rows by columns), under <c>&lt;tag&gt;/text_summary</c>.</summary>
    /// <exception cref="ArgumentException">The tag is blank, or the table has no cells.</exception>
    public static Summary.Types.Value Value(string tag, string?[,] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A tag must not be empty or only white space.", nameof(tag));
        }
        int rows = cells.GetLength(0), columns = cells.GetLength(1);
        if (rows == 0 || columns == 0)
        {
            throw new ArgumentException($"A table of {rows} x {columns} cells has nothing to show.", nameof(cells));
        }
        var tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = new TensorShapeProto
            {
                Dim = { new TensorShapeProto.Types.Dim { Size = rows }, new TensorShapeProto.Types.Dim { Size = columns } },
            },
        };
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                tensor.StringVal.Add(ByteString.CopyFromUtf8(cells[r, c] ?? string.Empty));
            }
        }
        return new Summary.Types.Value
        {
            Tag = tag + SummaryValues.TextTagSuffix,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Text, new TextPluginData { Version = 0 }.ToByteString()),
            Tensor = tensor,
        };
    }

    /// <summary>The cells of equal-length <paramref name="rows"/> as a rectangular array.</summary>
    /// <exception cref="ArgumentException">There are no rows, or the rows differ in length (the message names the first that does).</exception>
    public static string?[,] FromRows(IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0 || rows[0].Count == 0)
        {
            throw new ArgumentException("A table needs at least one row of at least one cell.", nameof(rows));
        }
        int columns = rows[0].Count;
        var cells = new string?[rows.Count, columns];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Count != columns)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Count} cells where row 0 has {columns}; a table's rows must be equal in length.", nameof(rows));
            }
            for (int c = 0; c < columns; c++)
            {
                cells[r, c] = rows[r][c];
            }
        }
        return cells;
    }
}
