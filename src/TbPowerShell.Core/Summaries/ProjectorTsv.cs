using System.Globalization;
using System.Text;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// The projector's text files as PyTorch's <c>add_embedding</c> writes them (<c>torch/utils/tensorboard/_embedding.py</c>)
/// and TensorBoard's projector reads them: <c>tensors.tsv</c> (a row of tab-separated numbers per point, each as Python's
/// <c>str(float)</c>), <c>metadata.tsv</c> (one label a line, or a header line and tab-separated columns), the folder
/// <c>&lt;step:05d&gt;/&lt;tag&gt;</c> and the tensor name <c>tag:&lt;step:05d&gt;</c>.
/// </summary>
public static class ProjectorTsv
{
    /// <summary>The points' file name in an embedding's folder.</summary>
    public const string TensorsFile = "tensors.tsv";

    /// <summary>The labels' file name in an embedding's folder.</summary>
    public const string MetadataFile = "metadata.tsv";

    /// <summary>The sprite's file name in an embedding's folder.</summary>
    public const string SpriteFile = "sprite.png";

    /// <summary>A step as Python's <c>str(step).zfill(5)</c>: at least five digits, a minus sign first.</summary>
    public static string Step(long step)
    {
        string digits = step.ToString(CultureInfo.InvariantCulture);
        return step < 0 ? "-" + digits[1..].PadLeft(4, '0') : digits.PadLeft(5, '0');
    }

    /// <summary>A tag made safe as one folder name as PyTorch's <c>SummaryWriter._encode</c> does: '%', '/' and '\' become %25, %2f, %5c.</summary>
    public static string EncodeTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2f", StringComparison.Ordinal).Replace("\\", "%5c", StringComparison.Ordinal);
    }

    /// <summary>An embedding's folder, relative to the run: <c>&lt;step:05d&gt;/&lt;encoded tag&gt;</c>.</summary>
    public static string Folder(string tag, long step) => Step(step) + "/" + EncodeTag(tag);

    /// <summary>An embedding's tensor name: <c>&lt;tag&gt;:&lt;step:05d&gt;</c>.</summary>
    public static string TensorName(string tag, long step) => tag + ":" + Step(step);

    /// <summary>Splits a tensor name written by <see cref="TensorName"/> into its tag and step; false for other names.</summary>
    public static bool TrySplitTensorName(string name, out string tag, out long step)
    {
        ArgumentNullException.ThrowIfNull(name);
        int colon = name.LastIndexOf(':');
        tag = name;
        step = 0;
        if (colon < 0 || colon + 5 > name.Length
            || !long.TryParse(name.AsSpan(colon + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
        {
            return false;
        }
        tag = name[..colon];
        step = parsed;
        return true;
    }

    /// <summary>
    /// A number as Python's <c>repr(float)</c> writes it: the shortest digits that read back to the same double,
    /// positional between 1e-4 and 1e16 (with ".0" on whole numbers), else <c>1e-05</c> style; nan, inf, -inf.
    /// </summary>
    public static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        // "R" gives the shortest round-trip digits, as Python's repr. Between 1e-4 and 1e16, where Python writes them
        // positionally, a positional "R" is Python's text but for whole numbers (Python adds ".0").
        double magnitude = Math.Abs(value);
        Span<char> buffer = stackalloc char[32];
        if (magnitude >= 1e-4 && magnitude < 1e16
            && value.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture) && buffer[..written].IndexOfAny('E', 'e') < 0)
        {
            return buffer[..written].Contains('.') ? new string(buffer[..written]) : string.Concat(buffer[..written], ".0");
        }
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }
        int exponentAt = r.IndexOfAny(new[] { 'E', 'e' });
        int exponent = 0;
        string mantissa = r;
        if (exponentAt >= 0)
        {
            exponent = int.Parse(r.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..exponentAt];
        }
        int dot = mantissa.IndexOf('.');
        string intPart = dot < 0 ? mantissa : mantissa[..dot];
        string fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - digits.Length;
        // Decimal exponent of the first significant digit.
        int pointPos = intPart.Length + exponent - leadingZeros; // digits before the point
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        int decExp = pointPos - 1;
        var text = new StringBuilder();
        if (negative)
        {
            text.Append('-');
        }
        if (decExp < -4 || decExp >= 16)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }
            text.Append('e').Append(decExp < 0 ? '-' : '+').Append(Math.Abs(decExp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (pointPos <= 0)
        {
            text.Append("0.").Append('0', -pointPos).Append(digits);
        }
        else if (pointPos >= digits.Length)
        {
            text.Append(digits).Append('0', pointPos - digits.Length).Append(".0");
        }
        else
        {
            text.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
        }
        return text.ToString();
    }

    /// <summary><c>tensors.tsv</c>'s text: a line per row, the row's numbers as <see cref="PythonFloat"/> separated by tabs.</summary>
    /// <param name="values">The matrix, row after row.</param>
    /// <param name="columns">Numbers a row.</param>
    public static string FormatTensors(ReadOnlySpan<double> values, int columns)
    {
        if (columns < 1 || values.Length % columns != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make rows of {columns}.", nameof(columns));
        }
        var text = new StringBuilder(values.Length * 20);
        for (int i = 0; i < values.Length; i++)
        {
            text.Append(PythonFloat(values[i])).Append((i + 1) % columns == 0 ? '\n' : '\t');
        }
        return text.ToString();
    }

    /// <summary>
    /// Reads <c>tensors.tsv</c> as TensorBoard's projector does: a row per non-empty line, numbers separated by tabs
    /// (Python's nan and inf spellings accepted). Throws <see cref="FormatException"/> for a non-number or rows of
    /// different lengths.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="columns">The numbers a row (0 for no rows).</param>
    /// <returns>The rows.</returns>
    public static double[][] ParseTensors(string text, out int columns)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<double[]>();
        var row = new List<double>();
        columns = 0;
        int line = 0;
        ReadOnlySpan<char> rest = text;
        while (rest.Length > 0)
        {
            line++;
            int end = rest.IndexOf('\n');
            var current = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            current = current.TrimEnd('\r').TrimEnd('\t');
            if (current.Trim().IsEmpty)
            {
                continue;
            }
            row.Clear();
            int column = 0;
            while (true)
            {
                column++;
                int tab = current.IndexOf('\t');
                var cell = (tab < 0 ? current : current[..tab]).Trim();
                if (!TryParseNumber(cell, out double value))
                {
                    throw new FormatException($"Line {line}, column {column}: '{cell.ToString()}' is not a number.");
                }
                row.Add(value);
                if (tab < 0)
                {
                    break;
                }
                current = current[(tab + 1)..];
            }
            if (rows.Count == 0)
            {
                columns = row.Count;
            }
            else if (row.Count != columns)
            {
                throw new FormatException($"Line {line} has {row.Count} numbers where the first row has {columns}.");
            }
            rows.Add(row.ToArray());
        }
        return rows.ToArray();
    }

    private static bool TryParseNumber(ReadOnlySpan<char> cell, out double value)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        switch (cell.ToString().ToLowerInvariant())
        {
            case "nan":
            case "-nan":
                value = double.NaN;
                return true;
            case "inf":
            case "infinity":
            case "+inf":
                value = double.PositiveInfinity;
                return true;
            case "-inf":
            case "-infinity":
                value = double.NegativeInfinity;
                return true;
        }
        return false;
    }

    /// <summary>
    /// <c>metadata.tsv</c>'s text as PyTorch's <c>make_tsv</c> writes it: one label a line, or with a header the header
    /// line then each row's cells joined by tabs; a newline after the last line.
    /// </summary>
    /// <param name="rows">The labels: one cell a row for a single column.</param>
    /// <param name="header">The column names, or null for a single column without header.</param>
    public static string FormatMetadata(IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<string>? header)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        if (header is not null)
        {
            text.AppendJoin('\t', header).Append('\n');
        }
        foreach (var row in rows)
        {
            text.AppendJoin('\t', row).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Reads <c>metadata.tsv</c> as TensorBoard's projector does: with more than one column the first line is the header;
    /// a single column has none. A trailing empty line is dropped.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="header">The column names; empty for a single column.</param>
    /// <returns>The rows' cells.</returns>
    public static string[][] ParseMetadata(string text, out string[] header)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        header = Array.Empty<string>();
        if (lines.Count == 0)
        {
            return Array.Empty<string[]>();
        }
        string[] first = lines[0].Split('\t');
        if (first.Length > 1)
        {
            header = first;
            return lines.Skip(1).Select(l => l.Split('\t')).ToArray();
        }
        return lines.Select(l => new[] { l }).ToArray();
    }
}
