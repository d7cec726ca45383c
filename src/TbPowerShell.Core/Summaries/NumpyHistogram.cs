using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// <c>np.histogram(values, bins)</c> for finite float64 data without weights: numpy's edges and
/// counts, including its rounding. Equal-width bins use numpy's fast path (index from arithmetic,
/// then its one-step corrections against the edges); explicit edges are looked up per value, which
/// counts exactly what numpy's sort-and-search counts, without sorting.
/// </summary>
internal static class NumpyHistogram
{
    /// <summary>The counts and edges numpy returns.</summary>
    /// <param name="values">Finite values, at least one.</param>
    /// <param name="bins">How to bin.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <exception cref="ArgumentException">The data cannot be binned uniformly (see the message).</exception>
    public static (long[] Counts, double[] Edges) Compute(ReadOnlySpan<double> values, HistogramBins bins, double min, double max)
    {
        if (bins.Kind is HistogramBinKind.TensorFlow or HistogramBinKind.Edges)
        {
            double[] fixedEdges = bins.EdgeArray;
            long[] fixedCounts = new long[fixedEdges.Length - 1];
            CountByEdges(values, fixedEdges, fixedCounts, bins.Kind == HistogramBinKind.TensorFlow);
            return (fixedCounts, fixedEdges);
        }

        if (double.IsInfinity(max - min))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The values span {min:R} to {max:R}, a range that overflows a double; equal-width bins cannot be computed. Use explicit edges or the '{HistogramBins.TensorFlowName}' bins."),
                nameof(values));
        }
        (double first, double last) = OuterEdges(min, max);

        int count;
        if (bins.Kind == HistogramBinKind.Count)
        {
            count = bins.Count;
        }
        else
        {
            double width = BinWidthRules.Width(bins.Name, values, max - min, first, last);
            count = width != 0 ? BinCountFor(last - first, width, bins.Name) : 1;
        }

        double[] edges = new double[count + 1];
        Linspace(first, last, edges);
        long[] counts = new long[count];
        CountUniform(values, first, last, edges, counts);
        return (counts, edges);
    }

    /// <summary>
    /// numpy's <c>_get_outer_edges</c> without a range: the data's min and max, widened by 0.5 each
    /// way when they are equal.
    /// </summary>
    /// <exception cref="ArgumentException">The widening is lost to rounding (|value| of 2^53 or more).</exception>
    public static (double First, double Last) OuterEdges(double min, double max)
    {
        if (min != max)
        {
            return (min, max);
        }
        double first = min - 0.5, last = max + 0.5;
        if (first == last)
        {
            // numpy would divide by a zero range here and fail inside bincount.
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Every value is {min:R}; numpy widens such a range by 0.5 each way, which rounds away at this magnitude, so no equal-width bin exists. Use explicit edges or the '{HistogramBins.TensorFlowName}' bins."),
                "values");
        }
        return (first, last);
    }

    /// <summary>
    /// <c>np.linspace(start, stop, edges.Length)</c>: <c>i * step + start</c> (or
    /// <c>i / div * delta + start</c> when the step underflows to 0), the last one set to <paramref name="stop"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Linspace(double start, double stop, Span<double> edges)
    {
        int div = edges.Length - 1;
        double delta = stop - start;
        double step = delta / div;
        if (step == 0)
        {
            for (int i = 0; i < edges.Length; i++)
            {
                double scaled = (double)i / div;
                scaled *= delta;
                edges[i] = scaled + start;
            }
        }
        else
        {
            for (int i = 0; i < edges.Length; i++)
            {
                double offset = i * step;
                edges[i] = offset + start;
            }
        }
        edges[div] = stop;
    }

    /// <summary>
    /// numpy's equal-width fast path: values outside [first, last] are skipped; the bin index is
    /// <c>(int)((v - first) * (n / (last - first)))</c>, moved into the last bin when it equals n,
    /// then one step down if v is below its bin's left edge, then one step up if v reaches the next
    /// edge (except in the last bin, which includes its right edge).
    /// </summary>
    /// <remarks>
    /// The index guess is numpy 1.24's (the PyTorch 1.13 era, and the fixtures'); numpy 2 guesses
    /// with <c>(v - first) / (last - first) * n</c>. The one-step corrections make both land in the
    /// same bin unless rounding has collapsed several edges together.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The range is so small (subnormal) that <c>n / range</c> overflows; numpy fails there too.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountUniform(ReadOnlySpan<double> values, double first, double last, ReadOnlySpan<double> edges, Span<long> counts)
    {
        int n = counts.Length;
        double norm = n / (last - first);
        if (double.IsInfinity(norm))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The values span {first:R} to {last:R}, too narrow a range to split into {n} equal bins."),
                nameof(values));
        }
        foreach (double v in values)
        {
            if (v < first || v > last)
            {
                continue;
            }
            int index = (int)((v - first) * norm);
            if (index == n)
            {
                index--;
            }
            if (v < edges[index])
            {
                index--;
            }
            if (index != n - 1 && v >= edges[index + 1])
            {
                index++;
            }
            counts[index]++;
        }
    }

    /// <summary>
    /// Counts against explicit increasing edges: bin i holds <c>[edges[i], edges[i+1])</c>, the last
    /// bin also its right edge; values outside are not counted (numpy's <c>_search_sorted_inclusive</c>).
    /// </summary>
    /// <param name="values">The finite values to bin (NaN and infinities dropped beforehand).</param>
    /// <param name="edges">Strictly increasing edges.</param>
    /// <param name="counts">One counter per bin, added to.</param>
    /// <param name="tensorFlowEdges">
    /// The edges are <see cref="HistogramBins.TensorFlow"/>'s: a logarithm then guesses each bin,
    /// and a comparison or two with the real edges settles it.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountByEdges(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts, bool tensorFlowEdges = false)
    {
        int lastBin = edges.Length - 2;
        double low = edges[0], high = edges[^1];
        bool few = edges.Length <= LinearSearchEdges;
        foreach (double v in values)
        {
            if (v < low || v > high)
            {
                continue;
            }
            int bin = v == high ? lastBin
                : tensorFlowEdges ? TensorFlowBinOf(edges, v)
                : few ? CountInteriorEdgesAtOrBelow(edges, v)
                : BinOf(edges, v);
            counts[bin]++;
        }
    }

    // Up to this many edges a straight count beats a search.
    private const int LinearSearchEdges = 16;

    private static readonly double InverseLog2Growth = 1 / Math.Log2(1.1);
    private static readonly double Log2Of1e12 = Math.Log2(1e12);

    // The bin of v, for edges[0] <= v < edges[^1], by counting the interior edges at or below it
    // (comparisons without branches, so nothing to mispredict).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountInteriorEdgesAtOrBelow(ReadOnlySpan<double> edges, double v)
    {
        int bin = 0;
        for (int i = 1; i < edges.Length - 1; i++)
        {
            bin += edges[i] <= v ? 1 : 0;
        }
        return bin;
    }

    // The last bin whose left edge is <= v, for edges[0] <= v < edges[^1]. Branch-free halving
    // (a conditional move per step, no mispredictions), so searches of successive values overlap.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BinOf(ReadOnlySpan<double> edges, double v)
    {
        ref double first = ref MemoryMarshal.GetReference(edges);
        int at = 0;
        int length = edges.Length;
        while (length > 1)
        {
            int half = length >> 1;
            at = Unsafe.Add(ref first, at + half) <= v ? at + half : at;
            length -= half;
        }
        return at;
    }

    // The TensorFlow edges are -e[773..0], 0, e[0..773] with e[k] about 1e-12 * 1.1^k, so
    // k = log2(|v| / 1e-12) / log2(1.1) lands within a bin or so of the answer; the loops then walk
    // to the bin whose real edges hold v, so the guess only affects speed, never the result. The
    // log2 is the cheap one read off the double's bits (exponent plus mantissa fraction, off by
    // under 0.09, less than a bin).
    private static int TensorFlowBinOf(ReadOnlySpan<double> edges, double v)
    {
        int zero = edges.Length / 2;
        double magnitude = Math.Abs(v);
        double roughLog2 = BitConverter.DoubleToInt64Bits(magnitude) * (1.0 / (1L << 52)) - 1023;
        int k = magnitude < 1e-12 ? 0 : (int)((roughLog2 + Log2Of1e12) * InverseLog2Growth);
        int bin = Math.Clamp(v >= 0 ? zero + 1 + k : zero - 2 - k, 0, edges.Length - 2);
        while (edges[bin] > v)
        {
            bin--;
        }
        while (edges[bin + 1] <= v)
        {
            bin++;
        }
        return bin;
    }

    // int(np.ceil(range / width)), refusing counts numpy would choke on.
    private static int BinCountFor(double range, double width, string rule)
    {
        double bins = Math.Ceiling(range / width);
        if (!(bins <= HistogramBins.MaxBinCount))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The '{rule}' rule asks for {bins:R} bins (width {width:R} over a range of {range:R}), above the limit of {HistogramBins.MaxBinCount}. Use a bin count or explicit edges."),
                "bins");
        }
        return Math.Max(1, (int)bins);
    }
}
