namespace TbPowerShell.Core.Model;

/// <summary>
/// A precision-recall curve (a <c>[6, N]</c> tensor of the pr_curves plugin): one column per threshold, the
/// thresholds evenly spaced in [0, 1]. Each array holds N values, as stored (float32 widened to double).
/// </summary>
/// <param name="Tag">The series name.</param>
/// <param name="Step">The training step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="NumThresholds">N: the plugin data's count, else the tensor's column count.</param>
/// <param name="TruePositive">True positives at each threshold.</param>
/// <param name="FalsePositive">False positives at each threshold.</param>
/// <param name="TrueNegative">True negatives at each threshold.</param>
/// <param name="FalseNegative">False negatives at each threshold.</param>
/// <param name="Precision">Precision at each threshold.</param>
/// <param name="Recall">Recall at each threshold.</param>
public sealed record PrCurveRecord(string Tag, long Step, double WallTime, int NumThresholds,
                                   double[] TruePositive, double[] FalsePositive, double[] TrueNegative, double[] FalseNegative,
                                   double[] Precision, double[] Recall)
    : ValueRecord(Tag, Step, WallTime)
{
    /// <summary>How many columns the curve has (the length of each row).</summary>
    public int Columns => TruePositive.Length;

    /// <summary>The threshold of column <paramref name="index"/>: <c>index / (Columns - 1)</c>, as TensorBoard computes it.</summary>
    public double Threshold(int index) => Columns > 1 ? (double)index / (Columns - 1) : 0;

    /// <summary>The six rows in the tensor's order (TP, FP, TN, FN, precision, recall), flattened row by row.</summary>
    public double[] Flatten()
    {
        int n = Columns;
        var data = new double[6 * n];
        TruePositive.CopyTo(data, 0);
        FalsePositive.CopyTo(data, n);
        TrueNegative.CopyTo(data, 2 * n);
        FalseNegative.CopyTo(data, 3 * n);
        Precision.CopyTo(data, 4 * n);
        Recall.CopyTo(data, 5 * n);
        return data;
    }

    /// <summary>A curve from the tensor's values (6 rows of <c>values.Length / 6</c>).</summary>
    public static PrCurveRecord FromRows(string tag, long step, double wallTime, int numThresholds, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count / 6;
        double[] Row(int r)
        {
            var row = new double[n];
            for (int k = 0; k < n; k++)
            {
                row[k] = values[r * n + k];
            }
            return row;
        }
        return new PrCurveRecord(tag, step, wallTime, numThresholds, Row(0), Row(1), Row(2), Row(3), Row(4), Row(5));
    }
}
