namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Picks the points of a series a chart draws, keeping its shape: the step range is cut into buckets and each
/// bucket keeps its first, lowest, highest and last point, so a single spike always survives. A range that holds
/// no more than four points per bucket is kept whole.
/// </summary>
public static class ChartDownsampler
{
    /// <summary>
    /// The indices (ascending) of the points of <paramref name="steps"/>/<paramref name="values"/> to draw for the
    /// steps in [<paramref name="xmin"/>, <paramref name="xmax"/>], at most about <paramref name="points"/> buckets.
    /// </summary>
    /// <param name="steps">The steps, in ascending order (equal steps allowed).</param>
    /// <param name="values">The values, one per step.</param>
    /// <param name="points">The number of buckets (at least 1).</param>
    /// <param name="xmin">The first step wanted; null for the series' first.</param>
    /// <param name="xmax">The last step wanted; null for the series' last.</param>
    public static int[] Downsample(ReadOnlySpan<long> steps, ReadOnlySpan<double> values, int points, long? xmin = null, long? xmax = null)
    {
        if (steps.Length != values.Length) throw new ArgumentException("One value per step.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        var lo = xmin is { } min ? LowerBound(steps, min) : 0;
        var hi = xmax is { } max ? UpperBound(steps, max) : steps.Length;
        if (hi <= lo) return [];
        var count = hi - lo;
        if (count <= 4L * points)
        {
            var all = new int[count];
            for (var i = 0; i < count; i++) all[i] = lo + i;
            return all;
        }
        var first = steps[lo];
        var span = (double)steps[hi - 1] - first + 1;
        var kept = new List<int>(points * 4);
        var i0 = lo;
        while (i0 < hi)
        {
            var bucket = Bucket(steps[i0], first, span, points);
            var end = i0 + 1;
            while (end < hi && Bucket(steps[end], first, span, points) == bucket) end++;
            int lowest = -1, highest = -1;
            for (var i = i0; i < end; i++)
            {
                var v = values[i];
                if (double.IsNaN(v)) continue;
                if (lowest < 0 || v < values[lowest]) lowest = i;
                if (highest < 0 || v > values[highest]) highest = i;
            }
            kept.Add(i0);
            if (lowest > i0) kept.Add(lowest);
            if (highest > i0 && highest != lowest) kept.Add(highest);
            if (end - 1 > i0 && end - 1 != lowest && end - 1 != highest) kept.Add(end - 1);
            i0 = end;
        }
        kept.Sort();
        return [.. kept];
    }

    private static int Bucket(long step, long first, double span, int points) =>
        Math.Min(points - 1, (int)((step - (double)first) / span * points));

    private static int LowerBound(ReadOnlySpan<long> steps, long value)
    {
        int lo = 0, hi = steps.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (steps[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(ReadOnlySpan<long> steps, long value)
    {
        int lo = 0, hi = steps.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (steps[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
