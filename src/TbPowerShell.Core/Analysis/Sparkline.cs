namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Sparklines: a series drawn as one line of the eight block characters <c>▁▂▃▄▅▆▇█</c>, one per bucket of
/// values, scaled between the series' smallest and largest finite value. A bucket shows its mean, unless one
/// of its extremes lies far from that mean (more than twice the median spread, largest minus smallest, of the
/// buckets), which it then shows: a spike up or down stays visible however many values share its bucket,
/// while a noisy series reads as its trend.
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
    /// One character per bucket given by its smallest, largest and mean finite value (NaN for a bucket without
    /// one, drawn as a space). A series whose finite values are all equal is drawn at the middle level.
    /// </summary>
    /// <param name="min">Each bucket's smallest finite value, or NaN.</param>
    /// <param name="max">Each bucket's largest finite value, or NaN.</param>
    /// <param name="mean">Each bucket's mean, or NaN.</param>
    public static string FromBuckets(ReadOnlySpan<double> min, ReadOnlySpan<double> max, ReadOnlySpan<double> mean)
    {
        if (min.Length != max.Length || min.Length != mean.Length)
        {
            throw new ArgumentException("Every bucket needs a minimum, a maximum and a mean.", nameof(mean));
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
        double outlier = 2 * MedianSpread(min, max);
        var chars = new char[min.Length];
        for (int i = 0; i < chars.Length; i++)
        {
            if (double.IsNaN(min[i]))
            {
                chars[i] = ' ';
                continue;
            }
            double below = mean[i] - min[i], above = max[i] - mean[i];
            double shown = Math.Max(below, above) <= outlier ? mean[i] : above >= below ? max[i] : min[i];
            int level = high > low ? (int)Math.Round((shown - low) / (high - low) * (Levels.Length - 1)) : Levels.Length / 2 - 1;
            chars[i] = Levels[Math.Clamp(level, 0, Levels.Length - 1)];
        }
        return new string(chars);
    }

    /// <summary>The median of the buckets' spreads (largest minus smallest; buckets without a value left out), or 0.</summary>
    private static double MedianSpread(ReadOnlySpan<double> min, ReadOnlySpan<double> max)
    {
        var spreads = new List<double>(min.Length);
        for (int i = 0; i < min.Length; i++)
        {
            if (!double.IsNaN(min[i]))
            {
                spreads.Add(max[i] - min[i]);
            }
        }
        if (spreads.Count == 0)
        {
            return 0;
        }
        spreads.Sort();
        int middle = spreads.Count / 2;
        return spreads.Count % 2 == 1 ? spreads[middle] : (spreads[middle - 1] + spreads[middle]) / 2;
    }
}
