using System.Runtime.CompilerServices;
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
    /// steps in [<paramref name="xmin"/>, <paramref name="xmax"/>], in <paramref name="points"/> buckets.
    /// </summary>
    /// <param name="steps">The steps, in ascending order (equal steps allowed).</param>
    /// <param name="values">The values, one per step.</param>
    /// <param name="points">The number of buckets (at least 1).</param>
    /// <param name="xmin">The first step wanted; null for the series' first.</param>
    /// <param name="xmax">The last step wanted; null for the series' last.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Downsample(long[] steps, double[] values, int points, long? xmin = null, long? xmax = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(values);
        if (steps.Length != values.Length) throw new ArgumentException("One value per step.", nameof(values));
        return Downsample(steps.Length, i => steps[i], i => values[i], points, xmin, xmax);
    }

    /// <summary>
    /// The same over a series held any way: <paramref name="count"/> points read through <paramref name="stepAt"/>
    /// (ascending) and <paramref name="valueAt"/>, so compact storage (int steps, float values) needs no copy.
    /// </summary>
    /// <param name="count">The number of points.</param>
    /// <param name="stepAt">The step of point i, ascending in i.</param>
    /// <param name="valueAt">The value of point i.</param>
    /// <param name="points">The number of buckets (at least 1).</param>
    /// <param name="xmin">The first step wanted; null for the series' first.</param>
    /// <param name="xmax">The last step wanted; null for the series' last.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Downsample(int count, Func<int, long> stepAt, Func<int, double> valueAt, int points, long? xmin = null, long? xmax = null)
    {
        ArgumentNullException.ThrowIfNull(stepAt);
        ArgumentNullException.ThrowIfNull(valueAt);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        var (lo, hi) = Range(count, stepAt, xmin, xmax);
        if (hi <= lo) return [];
        var inRange = hi - lo;
        if (inRange <= 4L * points)
        {
            var all = new int[inRange];
            for (var i = 0; i < inRange; i++) all[i] = lo + i;
            return all;
        }
        var first = stepAt(lo);
        var span = (double)stepAt(hi - 1) - first + 1;
        var kept = new List<int>(points * 4);
        var i0 = lo;
        while (i0 < hi)
        {
            var bucket = Bucket(stepAt(i0), first, span, points);
            var end = i0 + 1;
            while (end < hi && Bucket(stepAt(end), first, span, points) == bucket) end++;
            int lowest = -1, highest = -1;
            double low = double.NaN, high = double.NaN;
            for (var i = i0; i < end; i++)
            {
                var v = valueAt(i);
                if (double.IsNaN(v)) continue;
                if (lowest < 0 || v < low) { lowest = i; low = v; }
                if (highest < 0 || v > high) { highest = i; high = v; }
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

    /// <summary>The index range [lo, hi) of the points whose steps are in [<paramref name="xmin"/>, <paramref name="xmax"/>].</summary>
    /// <param name="count">The number of points.</param>
    /// <param name="stepAt">The step of point i, ascending in i.</param>
    /// <param name="xmin">The first step wanted; null for the series' first.</param>
    /// <param name="xmax">The last step wanted; null for the series' last.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Lo, int Hi) Range(int count, Func<int, long> stepAt, long? xmin, long? xmax)
    {
        ArgumentNullException.ThrowIfNull(stepAt);
        var lo = xmin is { } min ? Bound(count, stepAt, s => s < min) : 0;
        var hi = xmax is { } max ? Bound(count, stepAt, s => s <= max) : count;
        return (lo, Math.Max(lo, hi));
    }

    // The first index whose step fails before (steps ascending).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Bound(int count, Func<int, long> stepAt, Func<long, bool> before)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (before(stepAt(mid))) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int Bucket(long step, long first, double span, int points) =>
        Math.Min(points - 1, (int)((step - (double)first) / span * points));
}
