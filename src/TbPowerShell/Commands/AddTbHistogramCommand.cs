using System.Management.Automation;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a histogram of values to a TensorBoard run, with the same buckets as PyTorch's add_histogram.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbHistogram", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbHistogramEvent))]
public sealed class AddTbHistogramCommand : TbWriterCommandBase
{
    private readonly List<double> _values = new();
    private ValueKey? _pendingKey;
    private HistogramBins _bins = HistogramBins.TensorFlow;

    /// <summary>
    /// The values (numbers, arrays, nested arrays). Numbers piped in one after another with the same
    /// tag, step and run make one histogram (<c>$weights | Add-TbHistogram -Tag w</c>). Also <c>-Value</c>.
    /// </summary>
    [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [ValidateNotNull]
    public object? Data { get; set; }

    /// <summary>
    /// The bins: "tensorflow" (PyTorch's default exponential buckets), a numpy rule ("auto", "fd",
    /// "doane", "scott", "stone", "rice", "sturges", "sqrt"), a count, or increasing edges.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object Bins { get; set; } = HistogramBins.TensorFlowName;

    /// <summary>Drop NaN and infinite values (with a warning saying how many) instead of failing.</summary>
    [Parameter]
    public SwitchParameter SkipNonFinite { get; set; }

    /// <summary>Raw form (as add_histogram_raw): the smallest value.</summary>
    [Parameter]
    public double? Min { get; set; }

    /// <summary>Raw form: the largest value.</summary>
    [Parameter]
    public double? Max { get; set; }

    /// <summary>Raw form: how many values.</summary>
    [Parameter]
    public double? Num { get; set; }

    /// <summary>Raw form: the sum of the values.</summary>
    [Parameter]
    public double? Sum { get; set; }

    /// <summary>Raw form: the sum of their squares.</summary>
    [Parameter]
    public double? SumSquares { get; set; }

    /// <summary>Raw form: the right edge of each bucket.</summary>
    [Parameter]
    public double[]? BucketLimit { get; set; }

    /// <summary>Raw form: the count of each bucket.</summary>
    [Parameter]
    public double[]? BucketCount { get; set; }

    private bool IsRaw => BucketLimit is not null || BucketCount is not null;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _bins = HistogramBins.Parse(ValueParsing.Unwrap(Bins));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidBins, ErrorCategory.InvalidArgument, Bins));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        if (IsRaw)
        {
            if (Data is not null)
            {
                WriteSourceError("Give either -Data (values) or the raw form (-BucketLimit, -BucketCount, -Min, -Max, -Num, -Sum, -SumSquares), not both.", Tag);
                return;
            }
            WriteRaw();
            return;
        }
        if (Data is null)
        {
            WriteSourceError("Give the values with -Data (or through the pipeline), or the raw form with -BucketLimit and -BucketCount.", Tag);
            return;
        }
        // All or nothing: a bad element keeps the whole input out of the histogram.
        var values = new List<double>();
        try
        {
            ArrayInput.Flatten(ArrayInput.ValuesOfRow(Data), values.Add);
        }
        catch (NotANumberException e)
        {
            // The element, not the whole array: the message gives its index.
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
            return;
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Data));
            return;
        }
        var key = BoundKey;
        if (_pendingKey is not null && !_pendingKey.Equals(key))
        {
            FlushValues();
        }
        _pendingKey = key;
        _values.AddRange(values);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        FlushValues();
        base.EndProcessing();
    }

    private void WriteRaw()
    {
        if (BucketLimit is null || BucketCount is null || Min is null || Max is null || Num is null || Sum is null || SumSquares is null)
        {
            WriteError(new ErrorRecord(new ArgumentException("The raw form needs -Min, -Max, -Num, -Sum, -SumSquares, -BucketLimit and -BucketCount."),
                ErrorIds.InvalidHistogram, ErrorCategory.InvalidArgument, Tag));
            return;
        }
        HistogramProto histogram;
        try
        {
            histogram = HistogramBuilder.Raw(Min.Value, Max.Value, Num.Value, Sum.Value, SumSquares.Value, BucketLimit, BucketCount);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidHistogram, ErrorCategory.InvalidArgument, BucketLimit));
            return;
        }
        Write(histogram, BucketLimit, BoundKey);
    }

    private void FlushValues()
    {
        if (_pendingKey is not { } key)
        {
            return;
        }
        double[] values = _values.ToArray();
        _values.Clear();
        _pendingKey = null;
        // With the parameters of the values being flushed, not of the current input.
        Build(values, key);
    }

    private void Build(double[] values, ValueKey key)
    {
        if (SkipNonFinite)
        {
            values = HistogramBuilder.DropNonFinite(values, out int dropped);
            if (dropped > 0)
            {
                WriteWarning($"Histogram '{key.Tag}': dropped {dropped} NaN or infinite value(s) of {values.Length + dropped}.");
            }
        }
        else
        {
            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Histogram '{key.Tag}': the value at index {bad} is {values[bad]}; use -SkipNonFinite to drop NaN and infinite values."),
                    ErrorIds.NonFiniteValue, ErrorCategory.InvalidData, values[bad]));
                return;
            }
        }
        if (values.Length == 0)
        {
            WriteError(new ErrorRecord(new ArgumentException($"Histogram '{key.Tag}' has no values."),
                ErrorIds.EmptyData, ErrorCategory.InvalidArgument, key.Tag));
            return;
        }
        HistogramProto histogram;
        try
        {
            histogram = HistogramBuilder.Build(values, _bins);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidBins, ErrorCategory.InvalidArgument, Bins));
            return;
        }
        Write(histogram, values, key);
    }

    private void Write(HistogramProto histogram, object target, ValueKey key)
    {
        var writer = CurrentWriter(key.Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, key.Step);
        var wallTime = key.WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddValue(SummaryValues.Histogram(key.Tag, histogram), step, wallTime), target, wallTime) && PassThru)
        {
            WriteObject(new TbHistogramEvent(EffectiveRun, writer.Path, ValueDecoder.FromProto(key.Tag, step, wallTime.UnixSeconds, histogram)));
        }
    }
}
