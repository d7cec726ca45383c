using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A precision-recall curve at one step (<c>Add-TbPrCurve</c>, PyTorch's <c>add_pr_curve</c>): one row per
/// threshold, thresholds evenly spaced from 0 to 1.
/// </summary>
public sealed class TbPrCurveEvent : TbEvent
{
    internal TbPrCurveEvent(string run, string file, PrCurveRecord r)
        : base(run, r, file)
    {
        NumThresholds = r.NumThresholds;
        TruePositive = r.TruePositive;
        FalsePositive = r.FalsePositive;
        TrueNegative = r.TrueNegative;
        FalseNegative = r.FalseNegative;
        Precision = r.Precision;
        Recall = r.Recall;
        var rows = new TbPrCurveRow[r.Columns];
        for (int k = 0; k < rows.Length; k++)
        {
            rows[k] = new TbPrCurveRow(r.Threshold(k), r.Precision[k], r.Recall[k], r.TruePositive[k], r.FalsePositive[k], r.TrueNegative[k], r.FalseNegative[k]);
        }
        Rows = rows;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>The number of thresholds the curve was computed at (the plugin data's count).</summary>
    public int NumThresholds { get; }

    /// <summary>One row per threshold, lowest threshold first: <c>$e.Rows | Export-Csv curve.csv</c>.</summary>
    public TbPrCurveRow[] Rows { get; }

    /// <summary>True positives at each threshold (the tensor's first row).</summary>
    [Hidden]
    public double[] TruePositive { get; }

    /// <summary>False positives at each threshold.</summary>
    [Hidden]
    public double[] FalsePositive { get; }

    /// <summary>True negatives at each threshold.</summary>
    [Hidden]
    public double[] TrueNegative { get; }

    /// <summary>False negatives at each threshold.</summary>
    [Hidden]
    public double[] FalseNegative { get; }

    /// <summary>Precision at each threshold.</summary>
    [Hidden]
    public double[] Precision { get; }

    /// <summary>Recall at each threshold.</summary>
    [Hidden]
    public double[] Recall { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The record this event was read as, with another tag, step and wall time.</summary>
    internal PrCurveRecord ToRecord(string tag, long step, double wallTime) =>
        new(tag, step, wallTime, NumThresholds, TruePositive, FalsePositive, TrueNegative, FalseNegative, Precision, Recall);

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: PR curve of {Rows.Length} thresholds";
}

/// <summary>One threshold of a PR curve: the predictions at or above it count as positive.</summary>
/// <param name="Threshold">The threshold, in [0, 1].</param>
/// <param name="Precision">TP / (TP + FP) (TensorBoard's, with 1e-7 as the smallest divisor).</param>
/// <param name="Recall">TP / (TP + FN).</param>
/// <param name="TruePositive">Positives predicted at or above the threshold (weighted).</param>
/// <param name="FalsePositive">Negatives predicted at or above it.</param>
/// <param name="TrueNegative">Negatives predicted below it.</param>
/// <param name="FalseNegative">Positives predicted below it.</param>
public sealed record TbPrCurveRow(double Threshold, double Precision, double Recall, double TruePositive, double FalsePositive, double TrueNegative, double FalseNegative);
