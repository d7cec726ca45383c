namespace TbPowerShell.Core.Summaries;

/// <summary>How a <see cref="HistogramBins"/> decides where the bucket edges go.</summary>
public enum HistogramBinKind
{
    /// <summary>
    /// PyTorch's default (<c>bins="tensorflow"</c>): fixed exponential edges from -1e20 to 1e20,
    /// growing by 1.1 from 1e-12, with 0 in the middle.
    /// </summary>
    TensorFlow,

    /// <summary>A numpy bin-width rule by name (<c>auto</c>, <c>fd</c>, <c>sturges</c>, ...) over the data's range.</summary>
    Rule,

    /// <summary>A fixed number of equal-width bins over the data's range.</summary>
    Count,

    /// <summary>Explicit, strictly increasing bin edges; the last bin includes its right edge.</summary>
    Edges,
}
