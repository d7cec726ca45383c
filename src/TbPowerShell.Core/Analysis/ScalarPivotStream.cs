namespace TbPowerShell.Core.Analysis;

/// <summary>
/// The wide table of <see cref="ScalarPivot"/>, handed on row by row while reading: the same rows, cells and
/// order, with the columns known beforehand (<see cref="PivotLayout"/>). Values must come run by run (as a
/// multi-run read gives them). In a run whose steps never go back, a row leaves as soon as a later step
/// arrives, so only one row is held; a run whose steps go back (a restart, files out of order) is held whole
/// and its rows leave, by ascending step, when the next run starts or at <see cref="Complete"/>. Not
/// thread-safe: feed it from one thread.
/// </summary>
public sealed class ScalarPivotStream
{
    private readonly PivotLayout _layout;
    private readonly bool _smooths;
    private readonly Action<PivotRow> _emit;
    private readonly Dictionary<string, int> _columnOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _columnOfInstance = new(ReferenceEqualityComparer.Instance);
    private string? _run;
    private ScalarPivot? _held;
    private bool _hasRow;
    private long _step;
    private double _wallTime;
    private double?[] _values = Array.Empty<double?>();
    private double?[]? _smoothed;

    /// <summary>
    /// Hands rows of <paramref name="layout"/>'s columns to <paramref name="emit"/>; with <paramref name="smooths"/>,
    /// every row has smoothed cells (as <see cref="ScalarPivot"/> gives them when smoothed values were added).
    /// </summary>
    public ScalarPivotStream(PivotLayout layout, bool smooths, Action<PivotRow> emit)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _smooths = smooths;
        _emit = emit ?? throw new ArgumentNullException(nameof(emit));
        for (int i = 0; i < layout.Columns.Count; i++)
        {
            _columnOf[layout.Columns[i]] = i;
        }
    }

    /// <summary>How many values were added.</summary>
    public long ValueCount { get; private set; }

    /// <summary>
    /// Adds a value; rows it completes leave first. A value of a tag the layout has no column for (logged
    /// after the layout was found) is left out: the rows that left already fixed the columns.
    /// </summary>
    public void Add(string run, string tag, long step, double wallTime, double value, double? smoothed = null)
    {
        if (!ReferenceEquals(run, _run) && !string.Equals(run, _run, StringComparison.Ordinal))
        {
            FinishRun();
            _run = run;
            _held = _layout.IsInOrder(run) ? null : new ScalarPivot();
        }
        if (!_columnOfInstance.TryGetValue(tag, out int column))
        {
            if (!_columnOf.TryGetValue(tag, out column))
            {
                return;
            }
            _columnOfInstance[tag] = column;
        }
        ValueCount++;
        if (_held is null && _hasRow && step != _step)
        {
            EmitRow();
            if (step < _step)
            {
                // Logged after the layout was found, going back: the rest of the run is held and sorted.
                _held = new ScalarPivot();
            }
        }
        if (_held is not null)
        {
            _held.Add(run, tag, step, wallTime, value, smoothed);
            return;
        }
        if (!_hasRow)
        {
            _hasRow = true;
            _step = step;
            _wallTime = double.NegativeInfinity;
            _values = new double?[_columnOf.Count];
            _smoothed = _smooths ? new double?[_columnOf.Count] : null;
        }
        // Several values of a tag at one step: the last one read wins, as in the whole table.
        _values[column] = value;
        if (smoothed.HasValue && _smoothed is not null)
        {
            _smoothed[column] = smoothed;
        }
        _wallTime = Math.Max(_wallTime, wallTime);
    }

    /// <summary>The end of the input: hands on the rows still held.</summary>
    public void Complete()
    {
        FinishRun();
        _run = null;
    }

    private void FinishRun()
    {
        if (_hasRow)
        {
            EmitRow();
        }
        if (_held is not null)
        {
            foreach (var row in _held.Rows(_layout.Columns))
            {
                _emit(_smooths && row.Smoothed is null ? row with { Smoothed = new double?[row.Values.Length] } : row);
            }
            _held = null;
        }
    }

    private void EmitRow()
    {
        _hasRow = false;
        _emit(new PivotRow(_run!, _step, _wallTime, _values, _smoothed));
    }
}
