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
    public static double Sum(ReadOnlySpan<double> values)
    {
        double total = 0.0;
        for (int start = 0; start < values.Length; start += ReduceChunk)
        {
            total += PairwiseSum(values.Slice(start, Math.Min(ReduceChunk, values.Length - start)));
        }
        return total;
    }

    /// <summary>numpy's <c>DOUBLE_pairwise_sum</c>: eight interleaved accumulators per block, halves above 128.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = -0.0;
            for (int i = 0; i < n; i++)
            {
                res += a[i];
            }
            return res;
        }
        if (n <= PairwiseBlock)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            int whole = n - (n % 8);
            for (; i < whole; i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += a[i];
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }

    /// <summary>
    /// <c>values.dot(values)</c> as reference BLAS <c>ddot</c> computes it: products added one after
    /// another (its unrolling by five keeps that order), no fused multiply-add. OpenBLAS's SIMD
    /// kernels add in another order and may differ in the last bits.
    /// </summary>
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
        double[] squares = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double deviation = values[i] - mean;
            squares[i] = deviation * deviation;
        }
        return Math.Sqrt(Sum(squares) / values.Length);
    }

    /// <summary>
    /// <c>np.percentile(values, percent)</c> with the default <c>linear</c> method: the order
    /// statistics either side of <c>(n - 1) * q</c>, blended by numpy's two-sided <c>_lerp</c>.
    /// Found with selection, not a full sort; order statistics do not depend on the algorithm.
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> values, double percent)
    {
        double q = percent / 100.0;
        int n = values.Length;
        double virtualIndex = (n - 1) * q;
        int below, above;
        if (virtualIndex >= n - 1)
        {
            below = above = n - 1;
        }
        else if (virtualIndex < 0)
        {
            below = above = 0;
        }
        else
        {
            below = (int)Math.Floor(virtualIndex);
            above = below + 1;
        }
        double gamma = virtualIndex - Math.Floor(virtualIndex);

        double[] work = values.ToArray();
        double a = Select(work, below);
        double b = above == below ? a : Select(work, above);
        return Lerp(a, b, gamma);
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

    /// <summary>The k-th smallest value (0-based); reorders <paramref name="work"/>.</summary>
    internal static double Select(double[] work, int k)
    {
        int left = 0, right = work.Length - 1;
        while (right > left)
        {
            // median of three, then Hoare partition around its value
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
}
