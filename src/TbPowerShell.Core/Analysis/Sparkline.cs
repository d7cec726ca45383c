namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Sparklines: a series drawn as one line of the eight block characters <c>▁▂▃▄▅▆▇█</c>, one per bucket of
/// values, scaled between the series' smallest and largest finite value. A bucket shows the one of its two
/// extremes that lies farther from the series' mean, so a spike up or down stays visible however many
/// values share its bucket.
/// </summary>
public static class Sparkline
{
    /// <summary>The eight levels, lowest first.</summary>
    public const string Levels = "▁▂▃▄▅▆▇█";

    /// <summary>The sparkline of a whole series, in at most <see cref="SparklineReservoir.Capacity"/> characters.</summary>
    public static string Of(ReadOnlySpan<double> values)
    {
        var reservoir = new SparklineReservoir();
        foreach (double v in values)
        {
            reservoir.Add(v);
        }
        return reservoir.ToString();
    }

    /// <summary>
    /// One character per bucket given by its smallest and largest finite value (NaN for a bucket without one,
    /// drawn as a space). A series whose finite values are all equal is drawn at the middle level.
    /// </summary>
    /// <param name="min">Each bucket's smallest finite value, or NaN.</param>
    /// <param name="max">Each bucket's largest finite value, or NaN.</param>
    /// <param name="mean">The series' mean; a bucket shows its extreme farther from it (NaN: the maximum).</param>
    public static string FromBuckets(ReadOnlySpan<double> min, ReadOnlySpan<double> max, double mean)
    {
        if (min.Length != max.Length)
        {
            throw new ArgumentException("Every bucket needs a minimum and a maximum.", nameof(max));
        }
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int i = 0; i < min.Length; i++)
        {
            if (!double.IsNaN(min[i]))
            {
                low = Math.Min(low, min[i]);
                high = Math.Max(high, max[i]);
            }
        }
        var chars = new char[min.Length];
        for (int i = 0; i < chars.Length; i++)
        {
            if (double.IsNaN(min[i]))
            {
                chars[i] = ' ';
                continue;
            }
            double shown = !double.IsNaN(mean) && mean - min[i] > max[i] - mean ? min[i] : max[i];
            int level = high > low ? (int)Math.Round((shown - low) / (high - low) * (Levels.Length - 1)) : Levels.Length / 2 - 1;
            chars[i] = Levels[level];
        }
        return new string(chars);
    }
}
