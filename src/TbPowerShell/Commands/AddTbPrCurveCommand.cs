using System.Collections;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a precision-recall curve, the same [6, N] tensor PyTorch's add_pr_curve (or add_pr_curve_raw) writes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbPrCurve", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbPrCurveEvent))]
public sealed class AddTbPrCurveCommand : TbWriterCommandBase
{
    /// <summary>The true labels: 0 or 1, or booleans (an array, nested arrays or a tensor), one per prediction.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Labels")]
    public object? Label { get; set; }

    /// <summary>The predicted probabilities of label 1, in [0, 1] (an array, nested arrays or a tensor).</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Predictions")]
    public object? Prediction { get; set; }

    /// <summary>How many thresholds, evenly spaced from 0 to 1 (PyTorch's default 127); at least 2.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int NumThresholds { get; set; } = PrCurves.DefaultThresholds;

    /// <summary>A weight per prediction (or one for all) multiplying its count; 0 masks it out.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Weights")]
    public object? Weight { get; set; }

    /// <summary>Raw form (as add_pr_curve_raw): true positives at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? TruePositive { get; set; }

    /// <summary>Raw form: false positives at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? FalsePositive { get; set; }

    /// <summary>Raw form: true negatives at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? TrueNegative { get; set; }

    /// <summary>Raw form: false negatives at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? FalseNegative { get; set; }

    /// <summary>Raw form: precision at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? Precision { get; set; }

    /// <summary>Raw form: recall at each threshold.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double[]? Recall { get; set; }

    private bool IsRaw => TruePositive is not null || FalsePositive is not null || TrueNegative is not null
                          || FalseNegative is not null || Precision is not null || Recall is not null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        float[] data;
        int numThresholds;
        if (IsRaw)
        {
            if (Label is not null || Prediction is not null)
            {
                WriteError(new ErrorRecord(new ArgumentException("Give either -Label and -Prediction, or the raw form (-TruePositive, -FalsePositive, -TrueNegative, -FalseNegative, -Precision, -Recall), not both."),
                    ErrorIds.InvalidPrCurve, ErrorCategory.InvalidArgument, Tag));
                return;
            }
            if (TruePositive is null || FalsePositive is null || TrueNegative is null || FalseNegative is null || Precision is null || Recall is null)
            {
                WriteError(new ErrorRecord(new ArgumentException("The raw form needs all of -TruePositive, -FalsePositive, -TrueNegative, -FalseNegative, -Precision and -Recall."),
                    ErrorIds.InvalidPrCurve, ErrorCategory.InvalidArgument, Tag));
                return;
            }
            try
            {
                data = PrCurves.Raw(TruePositive, FalsePositive, TrueNegative, FalseNegative, Precision, Recall);
            }
            catch (ArgumentException e)
            {
                string id = TruePositive.Length is > 0 and < 2 ? ErrorIds.InvalidThresholdCount : ErrorIds.InvalidPrCurve;
                WriteError(new ErrorRecord(e, id, ErrorCategory.InvalidArgument, TruePositive));
                return;
            }
            // The plugin data counts the columns given (PyTorch writes its num_thresholds argument there, 127 by default).
            numThresholds = data.Length / 6;
        }
        else
        {
            if (Label is null || Prediction is null)
            {
                WriteError(new ErrorRecord(new ArgumentException("Give -Label and -Prediction (or the raw form: -TruePositive, -FalsePositive, -TrueNegative, -FalseNegative, -Precision, -Recall)."),
                    ErrorIds.InvalidPrCurve, ErrorCategory.InvalidArgument, Tag));
                return;
            }
            if (!TryCompute(out data))
            {
                return;
            }
            numThresholds = NumThresholds;
        }
        Write(data, numThresholds);
    }

    private bool TryCompute(out float[] data)
    {
        data = Array.Empty<float>();
        double[] labels, predictions;
        double[]? weights = null;
        try
        {
            labels = Labels(Label);
            predictions = ArrayInput.ToDoubles(ArrayInput.ValuesOfRow(Prediction));
            if (Weight is not null)
            {
                weights = ArrayInput.ToDoubles(ArrayInput.ValuesOfRow(Weight));
            }
        }
        catch (NotANumberException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
            return false;
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Prediction));
            return false;
        }
        if (predictions.Length == 0 && labels.Length == 0)
        {
            WriteError(new ErrorRecord(new ArgumentException($"PR curve '{Tag}' has no labels and no predictions."),
                ErrorIds.EmptyData, ErrorCategory.InvalidArgument, Prediction));
            return false;
        }
        try
        {
            data = PrCurves.Compute(labels, predictions, NumThresholds, weights, IsSinglePrecision(Prediction));
            return true;
        }
        catch (ArgumentException e)
        {
            var (id, target) = e.ParamName switch
            {
                "numThresholds" => (ErrorIds.InvalidThresholdCount, (object?)NumThresholds),
                "labels" when labels.Length != predictions.Length => (ErrorIds.PrCurveLengthMismatch, Label),
                "labels" => (ErrorIds.InvalidLabel, Label),
                "weights" when weights is not null && weights.Length != 1 && weights.Length != predictions.Length => (ErrorIds.PrCurveLengthMismatch, Weight),
                "weights" => (ErrorIds.InvalidValue, Weight),
                _ => (ErrorIds.InvalidPrediction, Prediction),
            };
            WriteError(new ErrorRecord(e, id, id == ErrorIds.InvalidThresholdCount ? ErrorCategory.InvalidArgument : ErrorCategory.InvalidData, target));
            return false;
        }
    }

    private void Write(float[] data, int numThresholds)
    {
        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        var value = PrCurves.Value(Tag, data, numThresholds);
        if (TryWrite(writer, w => w.AddValue(value, step, wallTime), data, wallTime) && PassThru)
        {
            var record = PrCurveRecord.FromRows(Tag, step, wallTime.UnixSeconds, numThresholds, Array.ConvertAll(data, v => (double)v));
            WriteObject(new TbPrCurveEvent(EffectiveRun, writer.Path, record));
        }
    }

    /// <summary>Labels as numbers: booleans are 1 and 0, anything else a number (a label of 2 is refused later, by index).</summary>
    private static double[] Labels(object? input)
    {
        object? data = ArrayInput.ValuesOfRow(input);
        if (TorchBridge.IsTensor(data))
        {
            return TorchBridge.ToDoubles(data!);
        }
        switch (ValueParsing.Unwrap(data))
        {
            case bool[] bools:
                return Array.ConvertAll(bools, b => b ? 1.0 : 0.0);
            case Array array when array.GetType().GetElementType() is { IsPrimitive: true }:
                // A typed array of numbers: converted whole, not element by element.
                return ArrayInput.ToDoubles(data);
        }
        var list = new List<double>();
        AddLabels(data, list);
        return list.ToArray();
    }

    private static void AddLabels(object? data, List<double> list)
    {
        switch (ValueParsing.Unwrap(data))
        {
            case bool b:
                list.Add(b ? 1 : 0);
                return;
            case bool[] bools:
                list.AddRange(bools.Select(b => b ? 1.0 : 0.0));
                return;
            case string or null:
                ArrayInput.Flatten(data, list.Add);
                return;
            case IEnumerable items when !TorchBridge.IsTensor(items):
                foreach (object? item in items)
                {
                    AddLabels(item, list);
                }
                return;
            default:
                ArrayInput.Flatten(data, list.Add);
                return;
        }
    }

    /// <summary>
    /// True for float32 predictions (a float[] or a float32 tensor): numpy multiplies those by N - 1 in float32, so
    /// their buckets are computed that way too. The tensor's dtype is read by name, which loads nothing of TorchSharp.
    /// </summary>
    private static bool IsSinglePrecision(object? input)
    {
        object? data = ValueParsing.Unwrap(ArrayInput.ValuesOfRow(input));
        if (data is float[])
        {
            return true;
        }
        if (data is not null && TorchBridge.IsTensor(data))
        {
            return data.GetType().GetProperty("dtype")?.GetValue(data)?.ToString() == "Float32";
        }
        return false;
    }
}
