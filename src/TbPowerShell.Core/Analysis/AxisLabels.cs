using System.Globalization;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Numbers for chart axes: as few digits as tell the labels of one axis apart, at least three
/// significant, the same number of decimals on every label of an axis, and exponent notation only
/// for very large or very small magnitudes. Invariant culture, so a chart reads the same everywhere.
/// </summary>
public static class AxisLabels
{
    /// <summary>Labels for y values: fixed decimals when the magnitudes allow it, else exponent notation.</summary>
    public static string[] Format(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double largest = values.Count == 0 ? 0 : values.Max(Math.Abs);
        if (largest >= 1e7 || (largest > 0 && largest < 1e-4))
        {
            for (int digits = 3; digits <= 17; digits++)
            {
                var labels = values.Select(v => v.ToString("G" + digits, CultureInfo.InvariantCulture)).ToArray();
                if (Distinct(labels))
                {
                    return labels;
                }
            }
            return values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        }
        int least = largest == 0 ? 0 : Math.Max(0, 2 - (int)Math.Floor(Math.Log10(largest)));
        for (int decimals = least; decimals <= 15; decimals++)
        {
            var labels = values.Select(v => Fixed(v, decimals)).ToArray();
            if (Distinct(labels))
            {
                return labels;
            }
        }
        return values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Labels for x values (steps): whole numbers when the first and last are whole, else as <see cref="Format"/>.</summary>
    public static string[] FormatX(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count > 0 && IsWhole(values[0]) && IsWhole(values[^1]))
        {
            return values.Select(v => Math.Round(v, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture)).ToArray();
        }
        return Format(values);
    }

    private static bool IsWhole(double v) => Math.Abs(v) < 1e15 && v == Math.Floor(v);

    private static string Fixed(double v, int decimals)
    {
        string text = v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        // "-0.00" reads as a different number from "0.00".
        return text.TrimStart('-').All(ch => ch is '0' or '.') ? text.TrimStart('-') : text;
    }

    private static bool Distinct(string[] labels) => labels.Distinct(StringComparer.Ordinal).Count() == labels.Length;
}
