using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>A metric's value in a sweep table: the scalar with the highest step (the later one at equal steps).</summary>
/// <param name="Value">The scalar's value.</param>
/// <param name="Step">Its step.</param>
/// <param name="WallTime">Its wall time, Unix seconds.</param>
public readonly record struct HParamsMetricValue(double Value, long Step, double WallTime);

/// <summary>One trial of a sweep: a run with a session start (its hyperparameters) and its metrics' last values.</summary>
/// <param name="Run">The run holding the session start.</param>
/// <param name="HParams">Its hyperparameter values (string, bool or double) by name, as stored.</param>
/// <param name="Metrics">Each metric's last value by column name (see <see cref="HParamsTable.MetricColumns"/>); absent when the run has none.</param>
/// <param name="Status">The session end's status, or "" when the run has none.</param>
/// <param name="WallTime">When the session started (the wall time of its session start summary).</param>
public sealed record HParamsRow(string Run, IReadOnlyDictionary<string, object?> HParams,
                                IReadOnlyDictionary<string, HParamsMetricValue> Metrics, string Status, double WallTime);

/// <summary>A metric column of a sweep table: its column name and where its values come from.</summary>
/// <param name="Name">The column name: the tag, <c>group/tag</c> for a metric of a group, with " (metric)" added if a hyperparameter or "Run" has that name.</param>
/// <param name="Metric">The metric as the experiment names it.</param>
public sealed record HParamsMetricColumn(string Name, MetricDefinition Metric);

/// <summary>
/// A sweep as a table: one row per run with a session start (hyperparameters), a column per
/// hyperparameter and per metric of every row (the union, so a table of trials whose keys differ has
/// the same columns in every row). Built from what a read yields (<see cref="Add(string, HParamsRecord)"/>,
/// <see cref="Add(string, in ScalarRecord)"/>), as TensorBoard's hparams plugin builds its session table:
/// a run's first session start and end count; metrics are the experiments' (the union, in order), or,
/// when no experiment names any, every scalar tag of the session runs; a metric of group g of session s
/// is read from run <c>s/g</c>. Pure: no I/O.
/// </summary>
public sealed class HParamsTable
{
    private readonly Dictionary<string, HParamsRecord> _starts = new(StringComparer.Ordinal);
    private readonly List<string> _startOrder = new();
    private readonly Dictionary<string, string> _status = new(StringComparer.Ordinal);
    private readonly List<HParamDefinition> _definitions = new();
    private readonly List<MetricDefinition> _metrics = new();
    private readonly Dictionary<(string Run, string Tag), HParamsMetricValue> _last = new();
    private readonly Dictionary<string, List<string>> _scalarTags = new(StringComparer.Ordinal);
    private bool _built;
    private IReadOnlyList<HParamsRow> _rows = Array.Empty<HParamsRow>();
    private IReadOnlyList<string> _hparamNames = Array.Empty<string>();
    private IReadOnlyList<HParamsMetricColumn> _metricColumns = Array.Empty<HParamsMetricColumn>();

    /// <summary>Takes an hparams value read from <paramref name="run"/>.</summary>
    public void Add(string run, HParamsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _built = false;
        switch (record.Section)
        {
            case HParamsSection.SessionStart when !_starts.ContainsKey(run):
                _starts[run] = record;
                _startOrder.Add(run);
                break;
            case HParamsSection.SessionEnd:
                _status.TryAdd(run, record.Status);
                break;
            case HParamsSection.Experiment:
                foreach (var h in record.HParamInfos)
                {
                    if (!_definitions.Any(d => d.Name == h.Name))
                    {
                        _definitions.Add(h);
                    }
                }
                foreach (var m in record.MetricInfos)
                {
                    if (!_metrics.Any(k => k.Tag == m.Tag && k.Group == m.Group))
                    {
                        _metrics.Add(m);
                    }
                }
                break;
        }
    }

    /// <summary>Takes a scalar read from <paramref name="run"/> (kept when it is its tag's last so far).</summary>
    public void Add(string run, in ScalarRecord scalar)
    {
        _built = false;
        var key = (run, scalar.Tag);
        if (_last.TryGetValue(key, out var known))
        {
            if (scalar.Step < known.Step)
            {
                return;
            }
        }
        else
        {
            if (!_scalarTags.TryGetValue(run, out var tags))
            {
                _scalarTags[run] = tags = new List<string>();
            }
            tags.Add(scalar.Tag);
        }
        _last[key] = new HParamsMetricValue(scalar.Value, scalar.Step, scalar.WallTime);
    }

    /// <summary>The experiments' hyperparameter definitions (first per name), in order.</summary>
    public IReadOnlyList<HParamDefinition> Definitions => _definitions;

    /// <summary>The hyperparameter columns: the experiments' names in order, then names only sessions have, in the order read.</summary>
    public IReadOnlyList<string> HParamNames
    {
        get { Build(); return _hparamNames; }
    }

    /// <summary>The metric columns, in order.</summary>
    public IReadOnlyList<HParamsMetricColumn> MetricColumns
    {
        get { Build(); return _metricColumns; }
    }

    /// <summary>One row per run with a session start, in the order the runs were first seen with one.</summary>
    public IReadOnlyList<HParamsRow> Rows
    {
        get { Build(); return _rows; }
    }

    private void Build()
    {
        if (_built)
        {
            return;
        }
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in _definitions)
        {
            if (_starts.Values.Any(s => s.HParams.Any(p => p.Key == d.Name)) && seen.Add(d.Name))
            {
                names.Add(d.Name);
            }
        }
        foreach (string run in _startOrder)
        {
            foreach (var (name, _) in _starts[run].HParams)
            {
                if (seen.Add(name))
                {
                    names.Add(name);
                }
            }
        }

        IEnumerable<MetricDefinition> metrics = _metrics;
        if (_metrics.Count == 0)
        {
            // No experiment names metrics: every scalar of the session runs is one (TensorBoard does the same).
            metrics = _startOrder.SelectMany(r => _scalarTags.TryGetValue(r, out var tags) ? tags : new List<string>())
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => new MetricDefinition(t));
        }
        var columns = new List<HParamsMetricColumn>();
        var taken = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase) { "Run" };
        foreach (var m in metrics)
        {
            string name = m.Group.Length == 0 ? m.Tag : m.Group + "/" + m.Tag;
            // PowerShell property names ignore case: a metric named like a hyperparameter gets its own name.
            while (!taken.Add(name))
            {
                name += " (metric)";
            }
            columns.Add(new HParamsMetricColumn(name, m));
        }

        var rows = new List<HParamsRow>();
        foreach (string run in _startOrder)
        {
            var start = _starts[run];
            var hparams = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, value) in start.HParams)
            {
                hparams.TryAdd(name, value);
            }
            var values = new Dictionary<string, HParamsMetricValue>(StringComparer.Ordinal);
            foreach (var column in columns)
            {
                string source = column.Metric.Group.Length == 0 ? run
                    : run == "." ? column.Metric.Group : run + "/" + column.Metric.Group;
                if (_last.TryGetValue((source, column.Metric.Tag), out var value))
                {
                    values[column.Name] = value;
                }
            }
            rows.Add(new HParamsRow(run, hparams, values, _status.TryGetValue(run, out string? status) ? status : string.Empty, start.WallTime));
        }
        _hparamNames = names;
        _metricColumns = columns;
        _rows = rows;
        _built = true;
    }

    /// <summary>
    /// Reads the runs (their hparams values and scalars) into a table. Problems in the files (damage,
    /// unreadable files) are passed to <paramref name="onProblem"/> and the rest is read.
    /// </summary>
    public static HParamsTable Read(IReadOnlyList<EventRun> runs, Action<RunReadItem>? onProblem = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new HParamsTable();
        var reader = new RunReader(runs, new RunReadOptions { Kinds = EventKinds.Scalar | EventKinds.Hyperparameters });
        foreach (var item in reader.Read(cancellation))
        {
            switch (item.Kind)
            {
                case ReadItemKind.Scalar:
                    table.Add(item.Run.Name, item.Scalar);
                    break;
                case ReadItemKind.Value when item.Value is HParamsRecord record:
                    table.Add(item.Run.Name, record);
                    break;
                case ReadItemKind.Damaged or ReadItemKind.Truncated or ReadItemKind.NotEventFile or ReadItemKind.Unreadable:
                    onProblem?.Invoke(item);
                    break;
            }
        }
        return table;
    }
}
