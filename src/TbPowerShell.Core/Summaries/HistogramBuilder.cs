using System.Globalization;
using System.Runtime.CompilerServices;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// Builds the <see cref="HistogramProto"/> PyTorch's <c>SummaryWriter.add_histogram</c> and
/// <c>add_histogram_raw</c> write. Pure functions: no I/O, no state.
/// </summary>
/// <remarks>
/// <see cref="Build(ReadOnlySpan{double}, HistogramBins)"/> is PyTorch's
/// <c>make_histogram(values.astype(float), bins)</c>: numpy's <c>np.histogram</c> counts and edges,
/// trimmed to the buckets that hold values plus one empty bucket on the left (TensorBoard keeps
/// only right edges, so that bucket carries the left edge). Min, max, num and the edges match
/// PyTorch bit for bit; the sum uses numpy's pairwise summation and the sum of squares reference
/// BLAS's order, so both match numpy on a reference-BLAS build exactly (OpenBLAS may differ in the
/// last bits of the sum of squares).
/// </remarks>
public static class HistogramBuilder
{
    /// <summary>A histogram of <paramref name="values"/> with PyTorch's default <c>"tensorflow"</c> bins.</summary>
    /// <exception cref="ArgumentException">No values, or a value that is NaN or infinite.</exception>
    public static HistogramProto Build(ReadOnlySpan<double> values) => Build(values, HistogramBins.TensorFlow);

    /// <summary>A histogram of <paramref name="values"/> binned as <paramref name="bins"/> says, exactly as PyTorch builds it.</summary>
    /// <exception cref="ArgumentException">
    /// No values; a value that is NaN or infinite (see <see cref="DropNonFinite"/>); no value inside
    /// the bins' edges (PyTorch fails the same way); or data that equal-width bins cannot cover.
    /// </exception>
    public static HistogramProto Build(ReadOnlySpan<double> values, HistogramBins bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        if (values.IsEmpty)
        {
            throw new ArgumentException("A histogram needs at least one value; got none.", nameof(values));
        }
        (double min, double max) = FiniteRange(values);

        (long[] counts, double[] edges) = NumpyHistogram.Compute(values, bins, min, max);
        (double[] limits, double[] buckets) = TrimToSupport(counts, edges, bins);

        var histogram = new HistogramProto
        {
            Min = min,
            Max = max,
            Num = values.Length,
            Sum = NumpyReductions.Sum(values),
            SumSquares = NumpyReductions.SumOfSquares(values),
        };
        histogram.BucketLimit.Add(limits);
        histogram.Bucket.Add(buckets);
        return histogram;
    }

    /// <summary>
    /// A histogram from precomputed statistics and buckets, as PyTorch's <c>add_histogram_raw</c>.
    /// Bucket i counts values in <c>(bucketLimits[i-1], bucketLimits[i]]</c>.
    /// </summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="num">How many values.</param>
    /// <param name="sum">The sum of the values.</param>
    /// <param name="sumSquares">The sum of their squares.</param>
    /// <param name="bucketLimits">Each bucket's right edge, non-decreasing.</param>
    /// <param name="bucketCounts">Each bucket's count, as many as limits.</param>
    /// <exception cref="ArgumentException">
    /// Lengths differ, no bucket, a limit that is NaN or below the one before, or a count that is NaN or negative.
    /// </exception>
    public static HistogramProto Raw(double min, double max, double num, double sum, double sumSquares,
        ReadOnlySpan<double> bucketLimits, ReadOnlySpan<double> bucketCounts)
    {
        if (bucketLimits.Length != bucketCounts.Length)
        {
            throw new ArgumentException(
                Invariant($"There are {bucketLimits.Length} bucket limits but {bucketCounts.Length} bucket counts; they must pair up."),
                nameof(bucketCounts));
        }
        if (bucketLimits.IsEmpty)
        {
            throw new ArgumentException("A raw histogram needs at least one bucket; got none.", nameof(bucketLimits));
        }
        for (int i = 0; i < bucketLimits.Length; i++)
        {
            if (double.IsNaN(bucketLimits[i]))
            {
                throw new ArgumentException(Invariant($"The bucket limit at index {i} is NaN."), nameof(bucketLimits));
            }
            if (i > 0 && bucketLimits[i] < bucketLimits[i - 1])
            {
                throw new ArgumentException(
                    Invariant($"Bucket limits must not decrease: the limit at index {i}, {bucketLimits[i]:R}, is below the limit at index {i - 1}, {bucketLimits[i - 1]:R}."),
                    nameof(bucketLimits));
            }
            if (!(bucketCounts[i] >= 0))
            {
                throw new ArgumentException(
                    Invariant($"The bucket count at index {i} is {bucketCounts[i]:R}; counts must be zero or more."),
                    nameof(bucketCounts));
            }
        }

        var histogram = new HistogramProto { Min = min, Max = max, Num = num, Sum = sum, SumSquares = sumSquares };
        histogram.BucketLimit.Add(bucketLimits.ToArray());
        histogram.Bucket.Add(bucketCounts.ToArray());
        return histogram;
    }

    /// <summary>
    /// The finite values of <paramref name="values"/>, in order, for callers that choose to drop
    /// NaN and infinities rather than fail; <paramref name="dropped"/> says how many went.
    /// </summary>
    public static double[] DropNonFinite(ReadOnlySpan<double> values, out int dropped)
    {
        var kept = new double[values.Length];
        int n = 0;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                kept[n++] = v;
            }
        }
        dropped = values.Length - n;
        return n == kept.Length ? kept : kept[..n];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Min, double Max) FiniteRange(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                throw new ArgumentException(
                    Invariant($"The value at index {i} is {v:R}; histogram values must be finite (drop NaN and infinities first)."),
                    nameof(values));
            }
            if (v < min)
            {
                min = v;
            }
            if (v > max)
            {
                max = v;
            }
        }
        return (min, max);
    }

    // PyTorch keeps the buckets from the first to the last non-empty one, plus the bucket left of
    // the first (an extra empty one when the first bucket is bucket 0), and the matching right
    // edges. This follows its searchsorted-and-slice arithmetic literally, including when nothing
    // was counted: one bin gives one empty bucket, more bins give nothing, which PyTorch rejects.
    private static (double[] Limits, double[] Buckets) TrimToSupport(long[] counts, double[] edges, HistogramBins bins)
    {
        int n = counts.Length;
        int firstNonEmpty = Array.FindIndex(counts, c => c > 0);
        int lastNonEmpty = Array.FindLastIndex(counts, c => c > 0);
        int start = firstNonEmpty < 0 ? n : firstNonEmpty;
        int end = (firstNonEmpty < 0 ? 0 : lastNonEmpty) + 1;

        double[] buckets;
        if (start > 0)
        {
            buckets = PythonSlice(counts, start - 1, end).Select(c => (double)c).ToArray();
        }
        else
        {
            buckets = new double[end + 1];
            for (int i = 0; i < end; i++)
            {
                buckets[i + 1] = counts[i];
            }
        }
        double[] limits = PythonSlice(edges, start, end + 1);

        if (buckets.Length == 0 || limits.Length == 0)
        {
            throw new ArgumentException(
                Invariant($"No value lies within the bin edges ({edges[0]:R} to {edges[^1]:R}, bins '{bins}'), so the histogram would be empty."),
                "values");
        }
        return (limits, buckets);
    }

    private static T[] PythonSlice<T>(T[] items, int from, int to)
    {
        from = Math.Clamp(from, 0, items.Length);
        to = Math.Clamp(to, 0, items.Length);
        return to > from ? items[from..to] : [];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
