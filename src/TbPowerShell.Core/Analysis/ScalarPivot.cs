namespace TbPowerShell.Core.Analysis;

/// <summary>One row of a wide table: a run at a step, with a cell per tag (null where the tag has no value).</summary>
/// <param name="Run">The run the row belongs to.</param>
/// <param name="Step">The step shared by the row's values.</param>
/// <param name="WallTime">The latest wall time among the row's values, in seconds since the Unix epoch.</param>
/// <param name="Values">A cell per tag of <see cref="ScalarPivot.Tags"/>, in that order.</param>
/// <param name="Smoothed">The smoothed cells, when smoothed values were given; otherwise null.</param>
public sealed record PivotRow(string Run, long Step, double WallTime, double?[] Values, double?[]? Smoothed);

/// <summary>
/// Gathers scalar values into a wide table: one row per (run, step), one column per tag. Columns are
/// the tags in ordinal order, so the same data always gives the same columns; rows come run by run
/// (in the order runs were first seen) and by ascending step. When a tag has several values at one
/// step of a run, the last one read wins, as TensorBoard keeps one value per step.
/// </summary>
public sealed class ScalarPivot
{
    private readonly Dictionary<string, int> _tagIndex = new(StringComparer.Ordinal);
    private readonly List<string> _tags = new();
    private readonly List<string> _runs = new();
    private readonly Dictionary<string, Dictionary<long, Cells>> _rowsByRun = new(StringComparer.Ordinal);
    private bool _hasSmoothed;

    /// <summary>The column of a tag's smoothed values in a wide table: <c>"&lt;tag&gt; (smoothed)"</c>.</summary>
    public static string SmoothedColumn(string tag) => tag + " (smoothed)";

    /// <summary>How many values were added.</summary>
    public long ValueCount { get; private set; }

    /// <summary>The columns: every tag added, in ordinal order.</summary>
    public IReadOnlyList<string> Tags
    {
        get
        {
            var sorted = _tags.ToList();
            sorted.Sort(StringComparer.Ordinal);
            return sorted;
        }
    }

    /// <summary>Adds a value; <paramref name="smoothed"/> is its smoothed value when smoothing is on.</summary>
    public void Add(string run, string tag, long step, double wallTime, double value, double? smoothed = null)
    {
        if (!_tagIndex.TryGetValue(tag, out int column))
        {
            column = _tags.Count;
            _tagIndex[tag] = column;
            _tags.Add(tag);
        }
        if (!_rowsByRun.TryGetValue(run, out var rows))
        {
            rows = new Dictionary<long, Cells>();
            _rowsByRun[run] = rows;
            _runs.Add(run);
        }
        if (!rows.TryGetValue(step, out var cells))
        {
            cells = new Cells();
            rows[step] = cells;
        }
        cells.Set(column, value, smoothed);
        cells.WallTime = Math.Max(cells.WallTime, wallTime);
        _hasSmoothed |= smoothed.HasValue;
        ValueCount++;
    }

    /// <summary>The rows, run by run and by ascending step, with cells in the order of <see cref="Tags"/>.</summary>
    public IEnumerable<PivotRow> Rows() => Rows(Tags);

    /// <summary>
    /// The rows, run by run and by ascending step, with a cell per tag of <paramref name="columns"/>, in that
    /// order (null for a tag this table has no value of): how a run's rows join a wider table.
    /// </summary>
    public IEnumerable<PivotRow> Rows(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var order = new int[columns.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = _tagIndex.TryGetValue(columns[i], out int column) ? column : -1;
        }
        foreach (string run in _runs)
        {
            var rows = _rowsByRun[run];
            var steps = rows.Keys.ToArray();
            Array.Sort(steps);
            foreach (long step in steps)
            {
                var cells = rows[step];
                var values = new double?[order.Length];
                var smoothed = _hasSmoothed ? new double?[order.Length] : null;
                for (int i = 0; i < order.Length; i++)
                {
                    if (order[i] < 0)
                    {
                        continue;
                    }
                    values[i] = cells.ValueAt(order[i]);
                    if (smoothed is not null)
                    {
                        smoothed[i] = cells.SmoothedAt(order[i]);
                    }
                }
                yield return new PivotRow(run, step, cells.WallTime, values, smoothed);
            }
        }
    }

    /// <summary>The cells of one row, indexed by the order tags were first seen.</summary>
    private sealed class Cells
    {
        private double?[] _values = new double?[4];
        private double?[]? _smoothed;

        public double WallTime { get; set; } = double.NegativeInfinity;

        public double? ValueAt(int column) => column < _values.Length ? _values[column] : null;

        public double? SmoothedAt(int column) => _smoothed is not null && column < _smoothed.Length ? _smoothed[column] : null;

        public void Set(int column, double value, double? smoothed)
        {
            if (column >= _values.Length)
            {
                Array.Resize(ref _values, Math.Max(column + 1, _values.Length * 2));
            }
            _values[column] = value;
            if (smoothed.HasValue)
            {
                _smoothed ??= new double?[_values.Length];
                if (column >= _smoothed.Length)
                {
                    Array.Resize(ref _smoothed, _values.Length);
                }
                _smoothed[column] = smoothed;
            }
        }
    }
}
