using TbPowerShell.Core.Model;

namespace TbPowerShell.Internal;

/// <summary>
/// Between the output objects of Get-TbEvent and the core's records: the record an event object
/// was read as (with another tag, step and wall time when asked), and the object a record reads as.
/// </summary>
internal static class EventRecords
{
    /// <summary>The record of a non-scalar event object, or null for any other object.</summary>
    public static ValueRecord? ToRecord(object item, string tag, long step, double wallTime) => item switch
    {
        TbImageEvent e => new ImageRecord(tag, step, wallTime, e.Width, e.Height, e.Channels, e.Format, e.Bytes, e.Sample),
        TbAudioEvent e => new AudioRecord(tag, step, wallTime, e.SampleRate, e.Channels, e.Frames, e.ContentType, e.Bytes, e.Sample, e.Label),
        TbTextEvent e => new TextRecord(tag, step, wallTime, e.Strings, e.Shape),
        TbHistogramEvent e => new HistogramRecord(tag, step, wallTime, e.Min, e.Max, e.CountValue, e.Sum, e.SumSquares, Array.ConvertAll(e.Buckets, b => new HistogramBucket(b.Left, b.Right, b.CountValue))),
        TbHyperparameterEvent e => e.ToRecord(tag, step, wallTime),
        TbMeshEvent e => e.Record with { Tag = tag, Step = step, WallTime = wallTime },
        TbPrCurveEvent e => e.ToRecord(tag, step, wallTime),
        TbLayoutEvent e => e.ToRecord(tag, step, wallTime),
        TbTensorEvent e => new TensorRecord(tag, step, wallTime, e.Plugin, e.DType, e.Dimensions, e.Values, e.StringBytes, e.PluginContent)
        {
            RawTensor = e.RawTensor,
        },
        TbGraphEvent e => e.Record with { Tag = tag, Step = step, WallTime = wallTime },
        _ => null,
    };

    /// <summary>The tag, step, wall time and run of an event object of Get-TbEvent; false for any other object.</summary>
    public static bool TryGetKey(object item, out string tag, out long step, out TbTimestamp wallTime, out string run)
    {
        // A smoothed scalar is not one: it is written as a row (its Tag and Value), as Add-TbScalar takes it.
        if (item is TbEvent e and not TbSmoothedScalarEvent)
        {
            (tag, step, wallTime, run) = (e.Tag, e.Step, e.Timestamp, e.Run);
            return true;
        }
        (tag, step, wallTime, run) = (string.Empty, 0L, default(TbTimestamp), string.Empty);
        return false;
    }

    /// <summary>The object Get-TbEvent emits for <paramref name="record"/>.</summary>
    public static object ToOutput(string run, string file, ValueRecord record) => record switch
    {
        ImageRecord image => new TbImageEvent(run, file, image),
        AudioRecord audio => new TbAudioEvent(run, file, audio),
        TextRecord text => new TbTextEvent(run, file, text),
        HistogramRecord histogram => new TbHistogramEvent(run, file, histogram),
        TensorRecord tensor => new TbTensorEvent(run, file, tensor),
        HParamsRecord hparams => new TbHyperparameterEvent(run, file, hparams),
        GraphRecord graph => new TbGraphEvent(run, file, graph),
        MeshRecord mesh => new TbMeshEvent(run, file, mesh),
        PrCurveRecord curve => new TbPrCurveEvent(run, file, curve),
        LayoutRecord layout => new TbLayoutEvent(run, file, layout),
        _ => throw new ArgumentException($"Unknown record {record.GetType().Name}.", nameof(record)),
    };
}
