using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// Precision-recall curves as PyTorch's <c>add_pr_curve</c> and <c>add_pr_curve_raw</c> write them: a
/// <c>[6, N]</c> DT_FLOAT tensor whose rows are true positives, false positives, true negatives, false
/// negatives, precision and recall at N thresholds evenly spaced in [0, 1], with <c>PrCurvePluginData</c>.
/// Pure: no I/O.
/// </summary>
public static class PrCurves
{
    /// <summary>PyTorch's default number of thresholds (and its largest).</summary>
    public const int DefaultThresholds = 127;

    /// <summary>The smallest divisor of precision and recall (PyTorch's <c>_MINIMUM_COUNT</c>).</summary>
    public const double MinimumCount = 1e-7;

    /// <summary>
    /// The <c>[6, N]</c> curve of <paramref name="labels"/> (0 or 1) and <paramref name="predictions"/> (in [0, 1]),
    /// row-major, computed as PyTorch's <c>compute_curve</c> does: each prediction falls in bucket
    /// <c>floor(p * (N - 1))</c>; the buckets' label-weighted sums, summed from the top, are the true and false
    /// positives; the negatives are the totals less those; precision is <c>TP / max(1e-7, TP + FP)</c>, recall
    /// <c>TP / max(1e-7, TP + FN)</c>, all in double precision, then rounded to float32 as the tensor stores them.
    /// </summary>
    /// <param name="labels">One label per prediction, 0 or 1.</param>
    /// <param name="predictions">The predicted probabilities of label 1.</param>
    /// <param name="numThresholds">N, at least 2.</param>
    /// <param name="weights">One weight per prediction, or a single weight for all; null for 1.</param>
    /// <param name="singlePrecision">
    /// The predictions were float32 (a float32 tensor or array): numpy then multiplies them by N - 1 in float32,
    /// which can move a prediction just below a threshold into the bucket under it.
    /// </param>
    /// <exception cref="ArgumentException">The lengths differ, an input is empty, a label is not 0 or 1, a prediction is NaN or outside [0, 1], a weight is not finite, or N &lt; 2.</exception>
    public static float[] Compute(IReadOnlyList<double> labels, IReadOnlyList<double> predictions, int numThresholds,
                                  IReadOnlyList<double>? weights = null, bool singlePrecision = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        CheckThresholds(numThresholds);
        if (predictions.Count == 0)
        {
            throw new ArgumentException("There are no predictions.", nameof(predictions));
        }
        if (labels.Count != predictions.Count)
        {
            throw new ArgumentException($"There are {labels.Count} labels for {predictions.Count} predictions; give one label per prediction.", nameof(labels));
        }
        if (weights is not null && weights.Count != 1 && weights.Count != predictions.Count)
        {
            throw new ArgumentException($"There are {weights.Count} weights for {predictions.Count} predictions; give one weight, or one per prediction.", nameof(weights));
        }
        int n = numThresholds;
        var tpBuckets = new double[n];
        var fpBuckets = new double[n];
        for (int i = 0; i < predictions.Count; i++)
        {
            double label = labels[i];
            if (label != 0 && label != 1)
            {
                throw new ArgumentException($"The label at index {i} is {label}; labels must be 0 or 1 (or booleans).", nameof(labels));
            }
            double p = predictions[i];
            if (double.IsNaN(p) || p < 0 || p > 1)
            {
                throw new ArgumentException($"The prediction at index {i} is {p}; predictions must be in [0, 1].", nameof(predictions));
            }
            double weight = weights is null ? 1.0 : weights[weights.Count == 1 ? 0 : i];
            if (!double.IsFinite(weight))
            {
                throw new ArgumentException($"The weight at index {i} is {weight}; weights must be finite.", nameof(weights));
            }
            int bucket = singlePrecision
                ? (int)MathF.Floor((float)p * (n - 1))
                : (int)Math.Floor(p * (n - 1));
            // numpy's histogram over (0, N - 1) with N bins puts integer k in bin k.
            tpBuckets[bucket] += label * weight;
            fpBuckets[bucket] += (1.0 - label) * weight;
        }
        var tp = new double[n];
        var fp = new double[n];
        double tpSum = 0, fpSum = 0;
        for (int k = n - 1; k >= 0; k--)
        {
            tpSum += tpBuckets[k];
            fpSum += fpBuckets[k];
            tp[k] = tpSum;
            fp[k] = fpSum;
        }
        var data = new float[6 * n];
        for (int k = 0; k < n; k++)
        {
            double tn = fp[0] - fp[k];
            double fn = tp[0] - tp[k];
            data[k] = (float)tp[k];
            data[n + k] = (float)fp[k];
            data[2 * n + k] = (float)tn;
            data[3 * n + k] = (float)fn;
            data[4 * n + k] = (float)(tp[k] / Math.Max(MinimumCount, tp[k] + fp[k]));
            data[5 * n + k] = (float)(tp[k] / Math.Max(MinimumCount, tp[k] + fn));
        }
        return data;
    }

    /// <summary>
    /// The <c>[6, N]</c> curve given as its rows, as <c>add_pr_curve_raw</c> takes them (N is their common length).
    /// </summary>
    /// <exception cref="ArgumentException">The rows differ in length, are empty or shorter than 2, or hold NaN.</exception>
    public static float[] Raw(IReadOnlyList<double> truePositive, IReadOnlyList<double> falsePositive, IReadOnlyList<double> trueNegative,
                              IReadOnlyList<double> falseNegative, IReadOnlyList<double> precision, IReadOnlyList<double> recall)
    {
        var rows = new[] { truePositive, falsePositive, trueNegative, falseNegative, precision, recall };
        string[] names = { "TruePositive", "FalsePositive", "TrueNegative", "FalseNegative", "Precision", "Recall" };
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r] is null)
            {
                throw new ArgumentNullException(names[r]);
            }
        }
        int n = truePositive.Count;
        if (n == 0)
        {
            throw new ArgumentException("The curve has no thresholds.", nameof(truePositive));
        }
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r].Count != n)
            {
                throw new ArgumentException($"{names[r]} has {rows[r].Count} values where TruePositive has {n}; every row needs one value per threshold.", names[r]);
            }
        }
        CheckThresholds(n);
        var data = new float[6 * n];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int k = 0; k < n; k++)
            {
                double v = rows[r][k];
                if (double.IsNaN(v))
                {
                    throw new ArgumentException($"{names[r]} at index {k} is NaN.", names[r]);
                }
                data[r * n + k] = (float)v;
            }
        }
        return data;
    }

    /// <summary>The summary value: tag as given, pr_curves plugin data (version 0, N), a <c>[6, N]</c> DT_FLOAT tensor.</summary>
    /// <exception cref="ArgumentException">The data is not 6 rows of N &gt;= 2 values.</exception>
    public static Summary.Types.Value Value(string tag, float[] data) => Value(tag, data, (data?.Length ?? 0) / 6);

    /// <summary>The summary value, with <paramref name="numThresholds"/> in the plugin data (as read, which may differ from the columns).</summary>
    /// <exception cref="ArgumentException">The data is not 6 rows of N &gt;= 2 values.</exception>
    public static Summary.Types.Value Value(string tag, float[] data, int numThresholds)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 12 || data.Length % 6 != 0)
        {
            throw new ArgumentException($"A PR curve is 6 rows of at least 2 values; {data.Length} values are not.", nameof(data));
        }
        int n = data.Length / 6;
        var tensor = new TensorProto
        {
            Dtype = DataType.DtFloat,
            TensorShape = new TensorShapeProto
            {
                Dim = { new TensorShapeProto.Types.Dim { Size = 6 }, new TensorShapeProto.Types.Dim { Size = n } },
            },
        };
        tensor.FloatVal.Add(data);
        return new Summary.Types.Value
        {
            Tag = tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.PrCurves, PluginContent(numThresholds)),
            Tensor = tensor,
        };
    }

    /// <summary>The serialized <c>PrCurvePluginData</c> for N thresholds (version 0).</summary>
    public static ByteString PluginContent(int numThresholds) =>
        new PrCurvePluginData { Version = 0, NumThresholds = (uint)numThresholds }.ToByteString();

    /// <summary>The threshold of column <paramref name="index"/> of N: <c>index / (N - 1)</c>, as TensorBoard's plugin computes it.</summary>
    public static double Threshold(int index, int numThresholds) => numThresholds > 1 ? (double)index / (numThresholds - 1) : 0;

    private static void CheckThresholds(int numThresholds)
    {
        if (numThresholds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds, "A PR curve needs at least 2 thresholds.");
        }
    }
}
