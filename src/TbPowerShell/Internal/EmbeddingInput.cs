using System.Collections;
using System.Globalization;
using System.Management.Automation;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Internal;

/// <summary>Turns what PowerShell passes to Add-TbEmbedding (arrays, rows, objects, tensors) into the core's matrices and label rows.</summary>
internal static class EmbeddingInput
{
    /// <summary>
    /// The matrix of <paramref name="data"/>: a tensor of rank 2, a two-dimensional array, or an array of rows
    /// (each row an array of numbers or a tensor of rank 1).
    /// </summary>
    /// <exception cref="EmbeddingInputException">Empty, ragged, or not two-dimensional.</exception>
    /// <exception cref="NotANumberException">An element is not a number.</exception>
    public static double[] Matrix(object data, out int rows, out int columns)
    {
        object item = ValueParsing.Unwrap(data)!;
        if (TorchBridge.IsTensor(item))
        {
            int[] shape = TorchBridge.Shape(item);
            if (shape.Length != 2)
            {
                throw new EmbeddingInputException(EmbeddingError.RaggedRows,
                    $"The tensor has shape [{string.Join(", ", shape)}]: an embedding is a matrix of rank 2, a row a point.", shape);
            }
            rows = shape[0];
            columns = shape[1];
            return rows * columns == 0 ? Array.Empty<double>() : TorchBridge.ToDoubles(item);
        }
        if (item is double[,] doubles)
        {
            rows = doubles.GetLength(0);
            columns = doubles.GetLength(1);
            var copy = new double[doubles.Length];
            Buffer.BlockCopy(doubles, 0, copy, 0, doubles.Length * sizeof(double));
            return copy;
        }
        if (item is float[,] floats)
        {
            rows = floats.GetLength(0);
            columns = floats.GetLength(1);
            var copy = new double[floats.Length];
            int k = 0;
            foreach (float f in floats)
            {
                copy[k++] = f;
            }
            return copy;
        }
        if (item is Array { Rank: 2 } grid)
        {
            rows = grid.GetLength(0);
            columns = grid.GetLength(1);
            var values = new double[rows * columns];
            int i = 0;
            foreach (object? element in grid)
            {
                // Row-major, as a C# rectangular array enumerates.
                ArrayInput.Flatten(element, v => values[i++] = v);
            }
            return values;
        }
        if (item is string || item is not IEnumerable list)
        {
            throw new EmbeddingInputException(EmbeddingError.RaggedRows,
                "-Data must be a matrix: a 2-D array, an array of rows or a tensor of rank 2, a row a point.", data);
        }
        var result = new List<double>();
        rows = 0;
        columns = -1;
        foreach (object? row in list)
        {
            object? r = ValueParsing.Unwrap(row);
            if (r is null || r is string || (r is not IEnumerable && !TorchBridge.IsTensor(r)) || (TorchBridge.IsTensor(r) && TorchBridge.Shape(r).Length != 1))
            {
                throw new EmbeddingInputException(EmbeddingError.RaggedRows,
                    $"Row {rows} of -Data is not a row of numbers: give a 2-D array, an array of rows (@(@(1, 2), @(3, 4)); one point: @(, @(1, 2))) or a tensor of rank 2.", row);
            }
            int before = result.Count;
            if (r is double[] or float[] || TorchBridge.IsTensor(r))
            {
                result.AddRange(ArrayInput.ToDoubles(r));
            }
            else
            {
                ArrayInput.Flatten(r, result.Add);
            }
            int length = result.Count - before;
            if (columns < 0)
            {
                columns = length;
            }
            else if (length != columns)
            {
                throw new EmbeddingInputException(EmbeddingError.RaggedRows,
                    $"Row {rows} of -Data has {length} numbers where the first row has {columns}: every point must have the same dimension.", row);
            }
            rows++;
        }
        columns = Math.Max(columns, 0);
        return result.ToArray();
    }

    /// <summary>
    /// The labels of <paramref name="metadata"/> as rows of cells, and the header: an element a point, each a label
    /// (one column), an array of cells, or an object whose properties are the columns (Import-Csv rows; the header is
    /// their names, or <paramref name="header"/> picks and orders them). One-property objects are one column.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Metadata(object metadata, string[]? header, out string[]? effectiveHeader)
    {
        effectiveHeader = header is { Length: > 0 } ? header : null;
        object? item = ValueParsing.Unwrap(metadata);
        IEnumerable elements = item is string || item is not IEnumerable e ? new[] { metadata } : e;
        var rows = new List<IReadOnlyList<string>>();
        string[]? propertyNames = null;
        foreach (object? element in elements)
        {
            object? value = ValueParsing.Unwrap(element);
            if (element is PSObject { BaseObject: PSCustomObject } custom)
            {
                if (propertyNames is null)
                {
                    propertyNames = effectiveHeader ?? custom.Properties.Select(p => p.Name).ToArray();
                    if (effectiveHeader is null && propertyNames.Length > 1)
                    {
                        effectiveHeader = propertyNames;
                    }
                }
                rows.Add(propertyNames.Select(n => Cell(custom.Properties[n]?.Value)).ToArray());
            }
            else if (value is IDictionary dictionary)
            {
                if (propertyNames is null)
                {
                    propertyNames = effectiveHeader ?? dictionary.Keys.Cast<object>().Select(k => Cell(k)).ToArray();
                    if (effectiveHeader is null && propertyNames.Length > 1)
                    {
                        effectiveHeader = propertyNames;
                    }
                }
                rows.Add(propertyNames.Select(n => Cell(dictionary.Contains(n) ? dictionary[n] : null)).ToArray());
            }
            else if (value is IEnumerable cells and not string)
            {
                rows.Add(cells.Cast<object?>().Select(Cell).ToArray());
            }
            else
            {
                rows.Add(new[] { Cell(element) });
            }
        }
        return rows;
    }

    /// <summary>A label as Python's <c>str()</c> writes it: numbers as Python does (1.0, 1e-05), booleans True and False.</summary>
    public static string Cell(object? value) => ValueParsing.Unwrap(value) switch
    {
        null => "",
        string s => s,
        bool b => b ? "True" : "False",
        double d => ProjectorTsv.PythonFloat(d),
        float f => ProjectorTsv.PythonFloat(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        { } other => LanguagePrimitives.ConvertTo<string>(other),
    };

    /// <summary>
    /// The dimensions of nested arrays, read from their first elements (a tensor's shape, a rectangular array's
    /// lengths); empty for a single value.
    /// </summary>
    public static int[] Shape(object? data)
    {
        var dims = new List<int>();
        object? item = ValueParsing.Unwrap(data);
        while (true)
        {
            if (item is null || item is string)
            {
                return dims.ToArray();
            }
            if (TorchBridge.IsTensor(item))
            {
                dims.AddRange(TorchBridge.Shape(item));
                return dims.ToArray();
            }
            if (item is Array { Rank: > 1 } grid)
            {
                for (int d = 0; d < grid.Rank; d++)
                {
                    dims.Add(grid.GetLength(d));
                }
                return dims.ToArray();
            }
            if (item is not IEnumerable list)
            {
                return dims.ToArray();
            }
            int count = 0;
            object? first = null;
            foreach (object? element in list)
            {
                if (count == 0)
                {
                    first = element;
                }
                count++;
            }
            dims.Add(count);
            if (count == 0 || item is byte[] || item.GetType().GetElementType() is { IsPrimitive: true })
            {
                return dims.ToArray();
            }
            item = ValueParsing.Unwrap(first);
        }
    }
}
