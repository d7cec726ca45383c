namespace TbPowerShell.Core.Model;

/// <summary>Which of the hparams plugin's three summaries a <see cref="HParamsRecord"/> holds.</summary>
public enum HParamsSection
{
    /// <summary>The experiment: the hyperparameters (with types and domains) and metrics the dashboard shows.</summary>
    Experiment,

    /// <summary>A session's start: its hyperparameter values.</summary>
    SessionStart,

    /// <summary>A session's end: its status.</summary>
    SessionEnd,
}

/// <summary>
/// One hyperparameter of an experiment: its name, value type and domain (a list of values, an interval, or none).
/// </summary>
/// <param name="Name">The hyperparameter's name.</param>
/// <param name="Type">"String", "Bool", "Float64" or "Unset".</param>
/// <param name="Discrete">The values it may take (strings, booleans or doubles), or null.</param>
/// <param name="Min">The interval's lower end, or null.</param>
/// <param name="Max">The interval's upper end, or null.</param>
/// <param name="DisplayName">The name to display ("" for the name).</param>
/// <param name="Description">A description (markdown), usually "".</param>
public sealed record HParamDefinition(string Name, string Type, IReadOnlyList<object>? Discrete, double? Min, double? Max,
                                      string DisplayName = "", string Description = "");

/// <summary>One metric of an experiment: the scalar tag (and group: a sub-run) its values are read from.</summary>
/// <param name="Tag">The scalar tag.</param>
/// <param name="Group">The sub-run of a session the scalar is in ("" for the session's own run).</param>
/// <param name="DisplayName">The name to display ("" for the tag).</param>
/// <param name="Description">A description (markdown), usually "".</param>
/// <param name="DatasetType">"Unknown", "Training" or "Validation".</param>
public sealed record MetricDefinition(string Tag, string Group = "", string DisplayName = "", string Description = "", string DatasetType = "Unknown");

/// <summary>
/// A value of the hparams plugin: an experiment, a session's start (its hyperparameter values) or a
/// session's end (its status). Only the members of its <see cref="Section"/> are filled.
/// </summary>
/// <param name="Tag">The tag (<c>_hparams_/experiment</c>, <c>_hparams_/session_start_info</c> or <c>_hparams_/session_end_info</c>).</param>
/// <param name="Step">The step it was logged at.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Section">Which summary it is.</param>
/// <param name="Content">The plugin content as stored (an <c>HParamsPluginData</c>): writing it back reproduces the value.</param>
public sealed record HParamsRecord(string Tag, long Step, double WallTime, HParamsSection Section, byte[] Content)
    : ValueRecord(Tag, Step, WallTime)
{
    /// <summary>The experiment's hyperparameters, in stored order (experiment only).</summary>
    public IReadOnlyList<HParamDefinition> HParamInfos { get; init; } = Array.Empty<HParamDefinition>();

    /// <summary>The experiment's metrics, in stored order (experiment only).</summary>
    public IReadOnlyList<MetricDefinition> MetricInfos { get; init; } = Array.Empty<MetricDefinition>();

    /// <summary>
    /// The session's hyperparameter values by name, in stored order (session start only): a string, a
    /// bool or a double each (null for a value of no kind).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> HParams { get; init; } = Array.Empty<KeyValuePair<string, object?>>();

    /// <summary>The session's group ("" when the session is a group of its own; session start only).</summary>
    public string GroupName { get; init; } = string.Empty;

    /// <summary>Where the session's model is (session start only), usually "".</summary>
    public string ModelUri { get; init; } = string.Empty;

    /// <summary>Start (session start) or end (session end) time in Unix seconds as stored; 0 when not stored (PyTorch stores none).</summary>
    public double SessionTime { get; init; }

    /// <summary>The session's status (session end only): "Unknown", "Success", "Failure" or "Running".</summary>
    public string Status { get; init; } = string.Empty;
}
