using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// How to bin values into a histogram, with PyTorch's <c>add_histogram(bins=...)</c> choices:
/// the default <c>"tensorflow"</c> exponential edges, a numpy bin-width rule by name, a number of
/// equal-width bins, or explicit edges. Immutable; build one with <see cref="Parse"/> or the
/// <c>From*</c> factories.
/// </summary>
public sealed class HistogramBins
{
    /// <summary>The name of PyTorch's default binning, <c>"tensorflow"</c>.</summary>
    public const string TensorFlowName = "tensorflow";

    /// <summary>
    /// The most bins a histogram may have: 10 million. numpy has no limit and would try to allocate
    /// whatever a rule asks for (a tiny width over a wide range); TensorBoard could not show it anyway.
    /// </summary>
    public const int MaxBinCount = 10_000_000;

    private static readonly string[] Rules = ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"];

    private static readonly Lazy<HistogramBins> TensorFlowBins =
        new(() => new HistogramBins(HistogramBinKind.TensorFlow, TensorFlowName, 0, BuildTensorFlowEdges()));

    private readonly double[] _edges;

    private HistogramBins(HistogramBinKind kind, string name, int count, double[] edges)
    {
        Kind = kind;
        Name = name;
        _edges = edges;
        Count = kind is HistogramBinKind.Edges or HistogramBinKind.TensorFlow ? edges.Length - 1 : count;
        Edges = Array.AsReadOnly(edges);
    }

    /// <summary>The numpy rule names <see cref="FromRule"/> accepts, in numpy's documentation order.</summary>
    public static IReadOnlyList<string> RuleNames { get; } = Array.AsReadOnly(Rules);

    /// <summary>PyTorch's default bins: <c>-1e20 .. -1e-12, 0, 1e-12 .. 1e20</c>, growing by 1.1.</summary>
    public static HistogramBins TensorFlow => TensorFlowBins.Value;

    /// <summary>Which kind of binning this is.</summary>
    public HistogramBinKind Kind { get; }

    /// <summary>
    /// <c>"tensorflow"</c>, the lower-case rule name, <c>"count"</c> or <c>"edges"</c>.
    /// </summary>
    public string Name { get; }

    /// <summary>
    /// The number of bins when it is known before seeing data: the count, or the number of edges
    /// minus one. 0 for a rule, whose count depends on the data.
    /// </summary>
    public int Count { get; }

    /// <summary>The fixed bin edges (for <see cref="HistogramBinKind.TensorFlow"/> and <see cref="HistogramBinKind.Edges"/>); empty otherwise.</summary>
    public IReadOnlyList<double> Edges { get; }

    internal double[] EdgeArray => _edges;

    /// <summary>
    /// Builds bins from what a user typed or passed: <see langword="null"/> or <c>"tensorflow"</c>
    /// for the default; a rule name (case-insensitive); a whole number (or its text) for that many
    /// equal-width bins; a sequence of numbers for explicit edges; or a <see cref="HistogramBins"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The value is none of these, or not valid as one.</exception>
    public static HistogramBins Parse(object? value)
    {
        switch (value)
        {
            case null:
                return TensorFlow;
            case HistogramBins bins:
                return bins;
            case string text:
                return ParseText(text);
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                return FromCountValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture), value);
            case float or double or decimal:
                return FromWholeNumber(value);
            case IEnumerable items:
                return FromEdges(ToEdgeArray(items));
            default:
                throw new ArgumentException(
                    $"Bins '{value}' ({value.GetType().Name}) is not a rule name, a bin count or a list of edges.",
                    nameof(value));
        }
    }

    /// <summary>Bins chosen by a numpy rule (see <see cref="RuleNames"/>), or <c>"tensorflow"</c>; case-insensitive.</summary>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static HistogramBins FromRule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        if (key == TensorFlowName)
        {
            return TensorFlow;
        }
        if (Array.IndexOf(Rules, key) < 0)
        {
            throw new ArgumentException(
                $"Bins '{name}' is not a known rule; use '{TensorFlowName}' or one of: {string.Join(", ", Rules)}.",
                nameof(name));
        }
        return new HistogramBins(HistogramBinKind.Rule, key, 0, []);
    }

    /// <summary><paramref name="count"/> equal-width bins over the data's range, as numpy's <c>bins=int</c>.</summary>
    /// <exception cref="ArgumentException">The count is below 1 or above <see cref="MaxBinCount"/>.</exception>
    public static HistogramBins FromCount(int count)
    {
        if (count < 1)
        {
            throw new ArgumentException($"The bin count must be at least 1; got {count}.", nameof(count));
        }
        if (count > MaxBinCount)
        {
            throw new ArgumentException($"The bin count {count} is above the limit of {MaxBinCount}.", nameof(count));
        }
        return new HistogramBins(HistogramBinKind.Count, "count", count, []);
    }

    /// <summary>
    /// Explicit bin edges: at least two, finite, strictly increasing. Bin i holds values in
    /// <c>[edges[i], edges[i+1])</c>, the last bin also its right edge; values outside are not counted.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two edges, a non-finite edge, or edges not strictly increasing.</exception>
    public static HistogramBins FromEdges(ReadOnlySpan<double> edges)
    {
        if (edges.Length < 2)
        {
            throw new ArgumentException($"Bin edges need at least 2 values; got {edges.Length}.", nameof(edges));
        }
        for (int i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]))
            {
                throw new ArgumentException($"The bin edge at index {i} is {Format(edges[i])}; edges must be finite.", nameof(edges));
            }
            if (i > 0 && !(edges[i] > edges[i - 1]))
            {
                throw new ArgumentException(
                    $"Bin edges must increase strictly: the edge at index {i}, {Format(edges[i])}, follows the edge at index {i - 1}, {Format(edges[i - 1])}.",
                    nameof(edges));
            }
        }
        return new HistogramBins(HistogramBinKind.Edges, "edges", 0, edges.ToArray());
    }

    /// <summary>Describes the bins: the rule name, <c>"10 bins"</c>, or the edges.</summary>
    public override string ToString() => Kind switch
    {
        HistogramBinKind.Count => Count == 1 ? "1 bin" : $"{Count} bins",
        HistogramBinKind.Edges => "[" + string.Join(", ", _edges.Select(Format)) + "]",
        _ => Name,
    };

    // PyTorch's SummaryWriter builds these in its constructor with repeated multiplication in
    // double, so the edges carry its rounding; 0 sits between -1e-12 and 1e-12.
    private static double[] BuildTensorFlowEdges()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            positive.Add(v);
        }
        var edges = new double[positive.Count * 2 + 1];
        for (int i = 0; i < positive.Count; i++)
        {
            edges[positive.Count - 1 - i] = -positive[i];
            edges[positive.Count + 1 + i] = positive[i];
        }
        edges[positive.Count] = 0.0;
        return edges;
    }

    private static HistogramBins ParseText(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException($"Bins '{text}' is empty; use '{TensorFlowName}', a rule name, a bin count or a list of edges.", nameof(text));
        }
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long count))
        {
            return FromCountValue(count, text);
        }
        return FromRule(trimmed);
    }

    private static HistogramBins FromWholeNumber(object value)
    {
        double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (!double.IsFinite(number) || Math.Floor(number) != number)
        {
            throw new ArgumentException($"The bin count must be a whole number; got {Format(number)}.", nameof(value));
        }
        return FromCountValue((decimal)Math.Clamp(number, -1e18, 1e18), value);
    }

    private static HistogramBins FromCountValue(decimal count, object original)
    {
        if (count < 1)
        {
            throw new ArgumentException($"The bin count must be at least 1; got {original}.", nameof(original));
        }
        if (count > MaxBinCount)
        {
            throw new ArgumentException($"The bin count {original} is above the limit of {MaxBinCount}.", nameof(original));
        }
        return FromCount((int)count);
    }

    private static double[] ToEdgeArray(IEnumerable items)
    {
        var edges = new List<double>();
        foreach (object? item in items)
        {
            edges.Add(item switch
            {
                byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                    => Convert.ToDouble(item, CultureInfo.InvariantCulture),
                _ => throw new ArgumentException(
                    $"The bin edge at index {edges.Count}, '{item}' ({item?.GetType().Name ?? "null"}), is not a number.", nameof(items)),
            });
        }
        return edges.ToArray();
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
