using System.Management.Automation;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Internal;

/// <summary>What <c>Get-TbEvent</c> does to values between reading and emitting them.</summary>
internal sealed record ReadShape
{
    /// <summary>TensorBoard's EMA weight, or null.</summary>
    public double? Smoothing { get; init; }

    /// <summary>A trailing moving-average window, or null.</summary>
    public int? MovingAverage { get; init; }

    /// <summary>Lowest step kept (inclusive).</summary>
    public long MinStep { get; init; } = long.MinValue;

    /// <summary>Highest step kept (inclusive).</summary>
    public long MaxStep { get; init; } = long.MaxValue;

    /// <summary>Only values logged strictly after this time (Unix seconds).</summary>
    public double After { get; init; } = double.NegativeInfinity;

    /// <summary>Only values logged strictly before this time (Unix seconds).</summary>
    public double Before { get; init; } = double.PositiveInfinity;

    /// <summary>Only the last N values of each run and tag.</summary>
    public int? Tail { get; init; }

    /// <summary>One row per run and step, a column per tag.</summary>
    public bool Pivot { get; init; }

    public bool Smooths => Smoothing.HasValue || MovingAverage.HasValue;

    public bool FiltersEvents => MinStep != long.MinValue || MaxStep != long.MaxValue
        || After != double.NegativeInfinity || Before != double.PositiveInfinity;

    /// <summary>True when values go straight from the reader to the pipeline.</summary>
    public bool IsPlain => !Smooths && !FiltersEvents && Tail is null && !Pivot;
}

/// <summary>
/// Turns values read into the objects <c>Get-TbEvent</c> emits: smoothing (over each whole series,
/// before any filter, so a value's smoothed figure is the one the dashboard draws at that step),
/// then the step and time filters, then the last N per series, then the wide table. Holds state per
/// series only; values are buffered only for <c>-Tail</c> (N per series) and <c>-Pivot</c> (all).
/// </summary>
internal sealed class ReadShaping
{
    private readonly ReadShape _shape;
    private readonly Action<object> _write;
    private readonly Dictionary<(string Run, string Tag), Series> _series = new();
    private readonly TailBuffer<object>? _tail;
    private readonly ScalarPivot? _pivot;
    private IReadOnlyDictionary<(string Run, string Tag), bool>? _constantSeries;
    private readonly bool _plain;
    private bool _caughtUp;

    public ReadShaping(ReadShape shape, Action<object> write)
    {
        _shape = shape;
        _write = write;
        _tail = shape.Tail is int n ? new TailBuffer<object>(n) : null;
        _pivot = shape.Pivot ? new ScalarPivot() : null;
        _plain = shape.IsPlain;
    }

    /// <summary>
    /// Which series are constant over the data read so far (TensorBoard draws those unsmoothed): the
    /// result of a scalar-only pass made before the values are read.
    /// </summary>
    public void KnowConstantSeries(IReadOnlyDictionary<(string Run, string Tag), bool> constant) => _constantSeries = constant;

    public void Scalar(string run, string file, in ScalarRecord r)
    {
        if (_plain)
        {
            _write(new TbScalarEvent(run, r.Tag, r.Step, new TbTimestamp(r.WallTime), r.Value, file));
            return;
        }
        double? smoothed = _shape.Smooths ? Smooth(run, r.Tag, r.Value) : null;
        if (!Kept(r.Step, r.WallTime))
        {
            return;
        }
        if (_pivot is not null)
        {
            if (_tail is not null)
            {
                _tail.Add(run, r.Tag, new PivotValue(run, r.Tag, r.Step, r.WallTime, r.Value, smoothed));
            }
            else
            {
                _pivot.Add(run, r.Tag, r.Step, r.WallTime, r.Value, smoothed);
            }
            return;
        }
        object output = smoothed is double s
            ? new TbSmoothedScalarEvent(run, r.Tag, r.Step, new TbTimestamp(r.WallTime), r.Value, s, file)
            : new TbScalarEvent(run, r.Tag, r.Step, new TbTimestamp(r.WallTime), r.Value, file);
        Emit(run, r.Tag, output);
    }

    public void Value(string run, string file, ValueRecord record)
    {
        if (!Kept(record.Step, record.WallTime))
        {
            return;
        }
        Emit(run, record.Tag, ToOutput(run, file, record));
    }

    /// <summary>
    /// Everything that existed has been read: emit what <c>-Tail</c> held back. With <c>-Wait</c>,
    /// values read after this go straight out.
    /// </summary>
    public void CaughtUp()
    {
        if (_tail is not null && !_caughtUp)
        {
            foreach (var item in _tail.Drain())
            {
                if (item is PivotValue p)
                {
                    _pivot!.Add(p.Run, p.Tag, p.Step, p.WallTime, p.Value, p.Smoothed);
                }
                else
                {
                    _write(item);
                }
            }
        }
        _caughtUp = true;
    }

    /// <summary>The end of the input: emit the wide table.</summary>
    public void Complete()
    {
        CaughtUp();
        if (_pivot is null)
        {
            return;
        }
        var tags = _pivot.Tags;
        bool smoothed = _shape.Smooths;
        foreach (var row in _pivot.Rows())
        {
            var cells = new Dictionary<string, double?>(StringComparer.Ordinal);
            var wallTime = new TbTimestamp(row.WallTime);
            var output = PSObject.AsPSObject(new TbPivotRow(row.Run, row.Step, wallTime, cells));
            output.Properties.Add(new PSNoteProperty("Run", row.Run));
            output.Properties.Add(new PSNoteProperty("Step", row.Step));
            output.Properties.Add(new PSNoteProperty("WallTime", wallTime));
            for (int i = 0; i < tags.Count; i++)
            {
                cells[tags[i]] = row.Values[i];
                output.Properties.Add(new PSNoteProperty(tags[i], row.Values[i]));
                if (smoothed)
                {
                    string name = SmoothedColumn(tags[i]);
                    cells[name] = row.Smoothed?[i];
                    output.Properties.Add(new PSNoteProperty(name, row.Smoothed?[i]));
                }
            }
            _write(output);
        }
    }

    /// <summary>The column of a tag's smoothed values in a wide table.</summary>
    public static string SmoothedColumn(string tag) => tag + " (smoothed)";

    private bool Kept(long step, double wallTime) =>
        step >= _shape.MinStep && step <= _shape.MaxStep && wallTime > _shape.After && wallTime < _shape.Before;

    private void Emit(string run, string tag, object output)
    {
        if (_tail is not null && !_caughtUp)
        {
            _tail.Add(run, tag, output);
        }
        else
        {
            _write(output);
        }
    }

    private double Smooth(string run, string tag, double value)
    {
        if (!_series.TryGetValue((run, tag), out var series))
        {
            bool? constant = _constantSeries is not null && _constantSeries.TryGetValue((run, tag), out bool c) ? c : null;
            series = new Series(_shape, value, constant);
            _series[(run, tag)] = series;
        }
        return series.Next(value);
    }

    internal static object ToOutput(string run, string file, ValueRecord record) => record switch
    {
        ImageRecord image => new TbImageEvent(run, file, image),
        AudioRecord audio => new TbAudioEvent(run, file, audio),
        TextRecord text => new TbTextEvent(run, file, text),
        HistogramRecord histogram => new TbHistogramEvent(run, file, histogram),
        TensorRecord tensor => new TbTensorEvent(run, file, tensor),
        _ => throw new InvalidOperationException($"Unknown record {record.GetType().Name}."),
    };

    private sealed record PivotValue(string Run, string Tag, long Step, double WallTime, double Value, double? Smoothed);

    /// <summary>The smoothing state of one run and tag.</summary>
    private sealed class Series
    {
        private TensorBoardSmoothing _ema;
        private readonly MovingAverage? _average;
        private readonly double _first;
        private bool _constantSoFar;

        public Series(ReadShape shape, double first, bool? constantOverall)
        {
            if (shape.MovingAverage is int window)
            {
                _average = new MovingAverage(window);
            }
            else
            {
                _ema = new TensorBoardSmoothing(shape.Smoothing!.Value);
            }
            _first = first;
            // A series the first pass saw change is smoothed from its first value; one it saw constant
            // (or one that appeared only while following) is drawn raw until a value differs.
            _constantSoFar = constantOverall ?? true;
        }

        public double Next(double value)
        {
            if (_average is not null)
            {
                return _average.Next(value);
            }
            // The filter runs over every value, so a series that stops being constant while being
            // followed goes on exactly as the dashboard would smooth it from the start.
            double smoothed = _ema.Next(value);
            if (_constantSoFar && value == _first)
            {
                return value;
            }
            _constantSoFar = false;
            return smoothed;
        }
    }
}
