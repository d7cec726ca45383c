namespace TbPowerShell.Core.Summaries;

/// <summary>
/// numpy's bin-width estimators (<c>_hist_bin_*</c> in <c>numpy/lib/histograms.py</c>), written
/// with numpy's operation order so the width, and so the bin count, is the one numpy picks.
/// Each returns a width; 0 means "no usable width" and numpy then uses one bin.
/// </summary>
internal static class BinWidthRules
{
    /// <summary>The width for the named rule over <paramref name="x"/> (finite, not empty).</summary>
    /// <param name="rule">A lower-case name from <see cref="HistogramBins.RuleNames"/>.</param>
    /// <param name="x">The finite values whose spread sets the bin width.</param>
    /// <param name="ptp">max - min of the data.</param>
    /// <param name="firstEdge">The range's lower end (min, or min - 0.5 when all values are equal).</param>
    /// <param name="lastEdge">The range's upper end.</param>
    public static double Width(string rule, ReadOnlySpan<double> x, double ptp, double firstEdge, double lastEdge) => rule switch
    {
        "sqrt" => ptp / Math.Sqrt(x.Length),
        "sturges" => Sturges(x, ptp),
        "rice" => ptp / (2.0 * Math.Pow(x.Length, 1.0 / 3)),
        "scott" => Math.Pow(24.0 * Math.Pow(Math.PI, 0.5) / x.Length, 1.0 / 3.0) * NumpyReductions.StandardDeviation(x),
        "stone" => Stone(x, ptp, firstEdge, lastEdge),
        "doane" => Doane(x, ptp),
        "fd" => FreedmanDiaconis(x),
        "auto" => Auto(x, ptp),
        _ => throw new ArgumentException($"Unknown bin rule '{rule}'.", nameof(rule)),
    };

    private static double Sturges(ReadOnlySpan<double> x, double ptp) => ptp / (Math.Log2(x.Length) + 1.0);

    private static double FreedmanDiaconis(ReadOnlySpan<double> x)
    {
        double[] quartiles = NumpyReductions.Percentiles(x, [75, 25]);
        double iqr = quartiles[0] - quartiles[1];
        return 2.0 * iqr * Math.Pow(x.Length, -1.0 / 3.0);
    }

    // The smaller of Freedman-Diaconis and Sturges; Sturges alone when the IQR is 0.
    private static double Auto(ReadOnlySpan<double> x, double ptp)
    {
        double fd = FreedmanDiaconis(x);
        double sturges = Sturges(x, ptp);
        return fd != 0 ? Math.Min(fd, sturges) : sturges;
    }

    private static double Doane(ReadOnlySpan<double> x, double ptp)
    {
        int n = x.Length;
        if (n <= 2)
        {
            return 0.0;
        }
        double sg1 = Math.Sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
        double sigma = NumpyReductions.StandardDeviation(x);
        if (!(sigma > 0.0))
        {
            return 0.0;
        }
        double mean = NumpyReductions.Mean(x);
        double g1 = NumpyReductions.Sum(x, new StandardizedCube(mean, sigma)) / n;
        return ptp / (1.0 + Math.Log2(n) + Math.Log2(1.0 + Math.Abs(g1) / sg1));
    }

    // Minimises the cross-validated integrated squared error over 1..max(100, sqrt(n)) bins; the
    // first minimum wins, as with Python's min(). Costs one histogram per candidate count.
    private static double Stone(ReadOnlySpan<double> x, double ptp, double firstEdge, double lastEdge)
    {
        int n = x.Length;
        if (n <= 1 || ptp == 0)
        {
            return 0;
        }
        int upper = Math.Max(100, (int)Math.Sqrt(n));
        int best = 1;
        double bestScore = double.PositiveInfinity;
        long[] counts = new long[upper];
        double[] edges = new double[upper + 1];
        for (int bins = 1; bins <= upper; bins++)
        {
            double width = ptp / bins;
            Span<long> binCounts = counts.AsSpan(0, bins);
            binCounts.Clear();
            NumpyHistogram.Linspace(firstEdge, lastEdge, edges.AsSpan(0, bins + 1));
            NumpyHistogram.CountUniform(x, firstEdge, lastEdge, edges.AsSpan(0, bins + 1), binCounts);
            double dot = 0.0;
            foreach (long count in binCounts)
            {
                double p = (double)count / n;
                double square = p * p;
                dot += square;
            }
            double score = (2 - (n + 1L) * dot) / width;
            if (score < bestScore)
            {
                bestScore = score;
                best = bins;
            }
        }
        return ptp / best;
    }

    // ((x - mean) / sigma) ** 3 as doane computes it in place: subtract, divide, then C pow.
    private readonly struct StandardizedCube(double mean, double sigma) : NumpyReductions.IElementMap
    {
        public double Map(double x) => Math.Pow((x - mean) / sigma, 3);
    }
}
