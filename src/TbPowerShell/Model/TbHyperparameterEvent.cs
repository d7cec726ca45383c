using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A value of TensorBoard's hparams plugin: an experiment (the hyperparameters with their types and
/// domains, and the metrics), a session start (a run's hyperparameter values) or a session end (its status).
/// </summary>
public sealed class TbHyperparameterEvent : TbEvent
{
    private readonly HParamsRecord _record;

    internal TbHyperparameterEvent(string run, string file, HParamsRecord r)
        : base(run, r, file)
    {
        _record = r;
        Section = r.Section;
        var values = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var (name, value) in r.HParams)
        {
            if (!values.Contains(name))
            {
                values.Add(name, value);
            }
        }
        Hyperparameters = values.AsReadOnly();
        HyperparameterInfos = r.HParamInfos.ToArray();
        MetricInfos = r.MetricInfos.ToArray();
        Status = r.Status;
        GroupName = r.GroupName;
        Content = r.Content;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <summary>The tag: <c>_hparams_/experiment</c>, <c>_hparams_/session_start_info</c> or <c>_hparams_/session_end_info</c>.</summary>
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>Which summary it is: Experiment, SessionStart or SessionEnd.</summary>
    public HParamsSection Section { get; }

    /// <summary>A session start's hyperparameter values by name (string, bool or double), in stored order; empty otherwise.</summary>
    public OrderedDictionary Hyperparameters { get; }

    /// <summary>An experiment's hyperparameters (name, type, domain), in order; empty otherwise.</summary>
    public HParamDefinition[] HyperparameterInfos { get; }

    /// <summary>An experiment's metrics (scalar tag, group), in order; empty otherwise.</summary>
    public MetricDefinition[] MetricInfos { get; }

    /// <summary>A session end's status (Success, Failure, Running, Unknown); "" otherwise.</summary>
    public string Status { get; }

    /// <summary>A session start's group ("" when the session is a group of its own).</summary>
    [Hidden]
    public string GroupName { get; }

    /// <summary>What it holds in one line: the values, the hyperparameter and metric names, or the status.</summary>
    public string Summary => Section switch
    {
        HParamsSection.SessionStart => string.Join(", ", _record.HParams.Select(p => p.Key + "=" + Text(p.Value))),
        HParamsSection.Experiment => "hparams: " + string.Join(", ", HyperparameterInfos.Select(h => h.Name))
            + (MetricInfos.Length == 0 ? string.Empty
                : "; metrics: " + string.Join(", ", MetricInfos.Select(m => m.Group.Length == 0 ? m.Tag : m.Group + "/" + m.Tag))),
        _ => Status,
    };

    /// <summary>The plugin content as stored (an <c>HParamsPluginData</c>); <c>Add-TbEvent</c> writes it back unchanged.</summary>
    [Hidden]
    public byte[] Content { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The record this event was read as, under another tag, step and wall time.</summary>
    internal HParamsRecord ToRecord(string tag, long step, double wallTime) =>
        _record with { Tag = tag, Step = step, WallTime = wallTime };

    private static string Text(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <inheritdoc />
    public override string ToString() => Summary;
}
