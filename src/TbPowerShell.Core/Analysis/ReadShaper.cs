using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Turns values read into what a read hands on: smoothing (over each whole series, before any filter,
/// so a value's smoothed figure is the one the dashboard draws at that step), then the step and time
/// filters, then the last N per series, then the wide table. Holds state per series only; values are
/// buffered only for a tail (N per series) and a pivot: all of them, unless the pivot's layout is known
/// beforehand (<see cref="KnowPivotLayout"/>), when rows leave as they complete. Not thread-safe: feed it
/// from one thread.
/// </summary>
/// <typeparam name="T">The items handed on, built by an <see cref="IShapedOutput{T}"/>.</typeparam>
public sealed class ReadShaper<T>
{
    private readonly ReadShape _shape;
    private readonly ReadFilter _filter;
    private readonly IShapedOutput<T> _output;
    private readonly Action<T> _write;
    private readonly Dictionary<(string Run, string Tag), SeriesSmoother> _series = new();
    private readonly TailBuffer<object>? _tail;
    private readonly ScalarPivot? _pivot;
    private ScalarPivotStream? _pivotStream;
    private readonly bool _plain;
    private IReadOnlyDictionary<(string Run, string Tag), bool>? _constantSeries;
    private bool _caughtUp;

    /// <summary>Shapes as <paramref name="shape"/> says, building items with <paramref name="output"/> and handing them to <paramref name="write"/>.</summary>
    public ReadShaper(ReadShape shape, IShapedOutput<T> output, Action<T> write)
    {
        _shape = shape ?? throw new ArgumentNullException(nameof(shape));
        _filter = shape.Filter;
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _write = write ?? throw new ArgumentNullException(nameof(write));
        _tail = shape.Tail is int n ? new TailBuffer<object>(n) : null;
        _pivot = shape.Pivot ? new ScalarPivot() : null;
        _plain = shape.IsPlain;
    }

    /// <summary>
    /// Which series are constant over the data read so far (TensorBoard draws those unsmoothed): the
    /// result of a scalar-only scan made before the values are read (see <c>TagSummary.IsConstant</c>).
    /// </summary>
    public void KnowConstantSeries(IReadOnlyDictionary<(string Run, string Tag), bool> constant) => _constantSeries = constant;

    /// <summary>True when the wide table can leave row by row once its layout is known: a pivot without a tail (a tail needs every series to its end).</summary>
    public bool CanStreamPivot => _pivot is not null && _tail is null;

    /// <summary>
    /// The wide table's columns and which runs log their steps in order, found before the values are read
    /// (<c>PivotLayoutScanner.Scan</c> over exactly the runs and values that will come, run by run): rows then
    /// leave as they complete instead of at <see cref="Complete"/>, the same rows in the same order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The shape cannot stream its table (<see cref="CanStreamPivot"/>), or values came already.</exception>
    public void KnowPivotLayout(PivotLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!CanStreamPivot || _pivot!.ValueCount > 0 || _pivotStream is not null)
        {
            throw new InvalidOperationException("A pivot layout is taken once, before any value, by a pivot without a tail.");
        }
        _pivotStream = new ScalarPivotStream(layout, _shape.Smooths, row => _write(_output.PivotRow(row, layout.Columns)));
    }

    /// <summary>Takes a scalar of run <paramref name="run"/> read from <paramref name="file"/>.</summary>
    public void Scalar(string run, string file, in ScalarRecord r)
    {
        if (_plain)
        {
            _write(_output.Scalar(run, file, r, null));
            return;
        }
        double? smoothed = _shape.Smooths ? Smooth(run, r.Tag, r.Value) : null;
        if (!_filter.Keeps(r.Step, r.WallTime))
        {
            return;
        }
        if (_pivot is not null)
        {
            if (_tail is not null)
            {
                _tail.Add(run, r.Tag, new PivotValue(run, r.Tag, r.Step, r.WallTime, r.Value, smoothed));
            }
            else if (_pivotStream is not null)
            {
                _pivotStream.Add(run, r.Tag, r.Step, r.WallTime, r.Value, smoothed);
            }
            else
            {
                _pivot.Add(run, r.Tag, r.Step, r.WallTime, r.Value, smoothed);
            }
            return;
        }
        Emit(run, r.Tag, _output.Scalar(run, file, r, smoothed));
    }

    /// <summary>Takes a non-scalar value of run <paramref name="run"/> read from <paramref name="file"/>.</summary>
    public void Value(string run, string file, ValueRecord record)
    {
        if (!_filter.Keeps(record.Step, record.WallTime))
        {
            return;
        }
        Emit(run, record.Tag, _output.Value(run, file, record));
    }

    /// <summary>
    /// Everything that existed has been read: hands on what a tail held back. When following, values
    /// read after this go straight on.
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
                    _write((T)item);
                }
            }
        }
        _caughtUp = true;
    }

    /// <summary>The end of the input: hands on the wide table, if any (what is left of it when streaming).</summary>
    public void Complete()
    {
        CaughtUp();
        if (_pivotStream is not null)
        {
            _pivotStream.Complete();
            return;
        }
        if (_pivot is null)
        {
            return;
        }
        var tags = _pivot.Tags;
        foreach (var row in _pivot.Rows())
        {
            _write(_output.PivotRow(row, tags));
        }
    }

    private void Emit(string run, string tag, T output)
    {
        if (_tail is not null && !_caughtUp)
        {
            _tail.Add(run, tag, output!);
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
            series = new SeriesSmoother(_shape.Smoothing ?? 0, _shape.MovingAverage, constant);
            _series[(run, tag)] = series;
        }
        return series.Next(value);
    }

    private sealed record PivotValue(string Run, string Tag, long Step, double WallTime, double Value, double? Smoothed);
}
