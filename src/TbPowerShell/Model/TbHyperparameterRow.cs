using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// One trial of a sweep, as <c>Get-TbHyperparameter</c> emits it: a run with its hyperparameters and
/// each metric's last value. Its columns are note properties added in a fixed order (Run, then every
/// hyperparameter, then every metric of all the rows read, null where a row has none), so
/// <c>Export-Csv</c> writes the same header for every row. The typed members below are hidden from CSV and views.
/// </summary>
public sealed class TbHyperparameterRow
{
    internal TbHyperparameterRow(string run, IReadOnlyDictionary<string, object?> hyperparameters,
                                 IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, long> metricSteps,
                                 string status, TbTimestamp wallTime)
    {
        Run = run;
        Hyperparameters = hyperparameters;
        Metrics = metrics;
        MetricSteps = metricSteps;
        Status = status;
        Timestamp = wallTime;
    }

    /// <summary>The run the session start was read from (the Run column).</summary>
    [Hidden]
    public string Run { get; }

    /// <summary>The run's hyperparameter values (string, bool or double) by name.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, object?> Hyperparameters { get; }

    /// <summary>Each metric's last value by column name (metrics the run has no value of are absent).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The step of each metric's last value, by column name.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, long> MetricSteps { get; }

    /// <summary>The session's status from its session end (Success, Failure, ...), or "" when it has none.</summary>
    [Hidden]
    public string Status { get; }

    /// <summary>When the session started, as ISO 8601 text (what <c>ConvertTo-Json</c> writes; the columns are the note properties).</summary>
    [Hidden]
    public string WallTime => Timestamp.ToString();

    /// <summary>When the session started.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp Timestamp { get; }

    /// <inheritdoc />
    public override string ToString() => Run;
}
