using System.Buffers;
using System.Runtime.CompilerServices;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// The float64 reductions numpy uses for a histogram, in numpy's order of operations, so results
/// match it bit for bit rather than merely closely.
/// </summary>
internal static class NumpyReductions
{
    /// <summary>
    /// numpy's reduction iterator hands the add loop at most one buffer (8192 items) at a time and
    /// adds the chunks' pairwise sums one after another (checked against numpy 1.24: a 20000-item
    /// sum equals the chunked form, not one pairwise sum over everything).
    /// </summary>
    internal const int ReduceChunk = 8192;

    // numpy's PW_BLOCKSIZE: below it, eight accumulators; above it, split in two.
    private const int PairwiseBlock = 128;

    /// <summary><c>np.add.reduce</c> of a contiguous float64 array: 0.0 plus each chunk's pairwise sum.</summary>
    public static double Sum(ReadOnlySpan<double> values) => Sum(values, default(Identity));

    /// <summary>
    /// <c>np.add.reduce</c> of <c>map(values)</c>, without materialising the mapped array: numpy
    /// computes such a temporary elementwise first, so mapping on the fly adds the same doubles.
    /// </summary>
    public static double Sum<TMap>(ReadOnlySpan<double> values, TMap map)
        where TMap : struct, IElementMap
    {
        double total = 0.0;
        for (int start = 0; start < values.Length; start += ReduceChunk)
        {
            total += PairwiseSum(values.Slice(start, Math.Min(ReduceChunk, values.Length - start)), map);
        }
        return total;
    }

    /// <summary>numpy's <c>DOUBLE_pairwise_sum</c>: eight interleaved accumulators per block, halves above 128.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a) => PairwiseSum(a, default(Identity));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double PairwiseSum<TMap>(ReadOnlySpan<double> a, TMap map)
        where TMap : struct, IElementMap
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = -0.0;
            for (int i = 0; i < n; i++)
            {
                res += map.Map(a[i]);
            }
            return res;
        }
        if (n <= PairwiseBlock)
        {
            double r0 = map.Map(a[0]), r1 = map.Map(a[1]), r2 = map.Map(a[2]), r3 = map.Map(a[3]);
            double r4 = map.Map(a[4]), r5 = map.Map(a[5]), r6 = map.Map(a[6]), r7 = map.Map(a[7]);
            int i = 8;
            int whole = n - (n % 8);
            for (; i < whole; i += 8)
            {
                r0 += map.Map(a[i]);
                r1 += map.Map(a[i + 1]);
                r2 += map.Map(a[i + 2]);
                r3 += map.Map(a[i + 3]);
                r4 += map.Map(a[i + 4]);
                r5 += map.Map(a[i + 5]);
                r6 += map.Map(a[i + 6]);
                r7 += map.Map(a[i + 7]);
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += map.Map(a[i]);
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half], map) + PairwiseSum(a[half..], map);
    }

    /// <summary>
    /// <c>values.dot(values)</c> as reference BLAS <c>ddot</c> computes it: products added one after
    /// another (its unrolling by five keeps that order), no fused multiply-add. OpenBLAS's SIMD
    /// kernels add in another order and may differ in the last bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<double> values)
    {
        double total = 0.0;
        foreach (double v in values)
        {
            double square = v * v;
            total += square;
        }
        return total;
    }

    /// <summary><c>np.mean</c>: the numpy sum divided by the count.</summary>
    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;

    /// <summary><c>np.std</c> with <c>ddof=0</c>: the square root of the mean squared deviation from the mean.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values)
    {
        double mean = Mean(values);
        return Math.Sqrt(Sum(values, new SquaredDeviation(mean)) / values.Length);
    }

    /// <summary>
    /// <c>np.percentile(values, percents)</c> with the default <c>linear</c> method (the order statistics either
    /// side of <c>(n - 1) * q</c>, blended by numpy's two-sided <c>_lerp</c>), several at once from one copy of the data. Order statistics are found by
    /// selection (expected linear time) instead of a sort; they are the same values either way.
    /// </summary>
    public static double[] Percentiles(ReadOnlySpan<double> values, ReadOnlySpan<double> percents)
    {
        int n = values.Length;
        var below = new int[percents.Length];
        var gamma = new double[percents.Length];
        var wanted = new SortedSet<int>();
        for (int p = 0; p < percents.Length; p++)
        {
            double virtualIndex = (n - 1) * (percents[p] / 100.0);
            below[p] = virtualIndex >= n - 1 ? n - 1 : virtualIndex < 0 ? 0 : (int)Math.Floor(virtualIndex);
            gamma[p] = virtualIndex - Math.Floor(virtualIndex);
            wanted.Add(below[p]);
            wanted.Add(Math.Min(below[p] + 1, n - 1));
        }

        double[] work = ArrayPool<double>.Shared.Rent(n);
        var statistic = new Dictionary<int, double>();
        try
        {
            values.CopyTo(work);
            // Each selection leaves everything after position k no smaller than it, so the next
            // wanted (larger) position is searched for only to the right of the previous one.
            int left = 0;
            foreach (int k in wanted)
            {
                statistic[k] = Select(work, left, n - 1, k);
                left = k + 1;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
        }

        var result = new double[percents.Length];
        for (int p = 0; p < percents.Length; p++)
        {
            // At or past the last index numpy takes the last value on both sides.
            double a = statistic[below[p]];
            double b = below[p] == n - 1 ? a : statistic[below[p] + 1];
            result[p] = Lerp(a, b, gamma[p]);
        }
        return result;
    }

    // numpy's _lerp: from the lower side below one half, from the upper side from one half on,
    // so an exact endpoint stays exact.
    private static double Lerp(double a, double b, double t)
    {
        double difference = b - a;
        if (t >= 0.5)
        {
            return b - difference * (1 - t);
        }
        return a + difference * t;
    }

    /// <summary>The k-th smallest value (0-based) of the whole array; reorders <paramref name="work"/>.</summary>
    internal static double Select(double[] work, int k) => Select(work, 0, work.Length - 1, k);

    /// <summary>
    /// The k-th smallest value of <paramref name="work"/>, searching positions
    /// <paramref name="left"/>..<paramref name="right"/> (quickselect, median-of-three Hoare partitions).
    /// Afterwards no value left of k is larger and no value right of k is smaller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Select(double[] work, int left, int right, int k)
    {
        while (right > left)
        {
            int mid = left + ((right - left) >> 1);
            double pivot = MedianOfThree(work[left], work[mid], work[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (work[i] < pivot)
                {
                    i++;
                }
                while (work[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (work[i], work[j]) = (work[j], work[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return work[k];
            }
        }
        return work[k];
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

    /// <summary>A per-element transform applied before summing (a struct, so the JIT inlines it).</summary>
    internal interface IElementMap
    {
        /// <summary>The value to add for <paramref name="x"/>.</summary>
        double Map(double x);
    }

    /// <summary>Adds the values themselves.</summary>
    internal readonly struct Identity : IElementMap
    {
        public double Map(double x) => x;
    }

    /// <summary><c>(x - mean) ** 2</c> as numpy's <c>_var</c> computes it: subtract, then multiply.</summary>
    internal readonly struct SquaredDeviation(double mean) : IElementMap
    {
        public double Map(double x)
        {
            double deviation = x - mean;
            return deviation * deviation;
        }
    }
}
