using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Proto.HParams;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Summaries;

/// <summary>The values a hyperparameter may take: a list of values, or a closed interval of numbers.</summary>
/// <param name="Discrete">The values (strings, booleans or numbers), or null for an interval.</param>
/// <param name="Min">The interval's lower end (with <paramref name="Max"/>), or null.</param>
/// <param name="Max">The interval's upper end, or null.</param>
public sealed record HParamDomain(IReadOnlyList<object>? Discrete, double? Min = null, double? Max = null)
{
    /// <summary>A list of values.</summary>
    public static HParamDomain Of(params object[] values) => new(values);

    /// <summary>A closed interval.</summary>
    public static HParamDomain Interval(double min, double max) => new(null, min, max);
}

/// <summary>
/// Pure builders of the hparams plugin's three summaries (experiment, session start, session end) in
/// the bytes PyTorch's <c>hparams()</c> writes, with the checks and domain inference of
/// <c>Add-TbHyperparameter</c>. No I/O.
/// </summary>
public static class HParamsSummary
{
    /// <summary>The tag of the experiment summary.</summary>
    public const string ExperimentTag = "_hparams_/experiment";

    /// <summary>The tag of the session start summary.</summary>
    public const string SessionStartTag = "_hparams_/session_start_info";

    /// <summary>The tag of the session end summary.</summary>
    public const string SessionEndTag = "_hparams_/session_end_info";

    /// <summary>The type name of a string hyperparameter.</summary>
    public const string StringType = "String";

    /// <summary>The type name of a boolean hyperparameter.</summary>
    public const string BoolType = "Bool";

    /// <summary>The type name of a numeric hyperparameter.</summary>
    public const string NumberType = "Float64";

    /// <summary>
    /// A hyperparameter value as the plugin stores it: a string, a bool, or a double (any .NET number).
    /// </summary>
    /// <exception cref="ArgumentException">Null or of another type (arrays, dates, tables, ...).</exception>
    public static object Normalize(string name, object? value) => value switch
    {
        string s => s,
        bool b => b,
        double d => d,
        float f => (double)f,
        byte or sbyte or short or ushort or int or uint or long or ulong or decimal =>
            Convert.ToDouble(value, CultureInfo.InvariantCulture),
        null => throw new ArgumentException($"The hyperparameter '{name}' has no value (null): give a string, a boolean or a number."),
        _ => throw new ArgumentException(
            $"The hyperparameter '{name}' is a {value.GetType().Name} ('{Convert.ToString(value, CultureInfo.InvariantCulture)}'): only strings, booleans and numbers can be logged."),
    };

    /// <summary>The type name (<see cref="StringType"/>, <see cref="BoolType"/> or <see cref="NumberType"/>) of a normalized value.</summary>
    public static string TypeOf(object value) => value switch
    {
        string => StringType,
        bool => BoolType,
        _ => NumberType,
    };

    /// <summary>
    /// The experiment's hyperparameters for these values: one per value, in order, then one per domain
    /// of a name without a value (so every trial of a sweep can describe the whole sweep). A domain given
    /// is checked (its values of the hyperparameter's type, an interval only for numbers, the value inside
    /// it); without one, a boolean gets [false, true] and strings and numbers none, as PyTorch writes them.
    /// </summary>
    /// <param name="hparams">Normalized values (see <see cref="Normalize"/>) by name.</param>
    /// <param name="domains">Domains by name (ordinal names), or null.</param>
    /// <exception cref="ArgumentException">A name is blank, or a domain does not fit (the message says which).</exception>
    public static IReadOnlyList<HParamDefinition> Definitions(IReadOnlyList<KeyValuePair<string, object>> hparams,
                                                              IReadOnlyDictionary<string, HParamDomain>? domains)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        var result = new List<HParamDefinition>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in hparams)
        {
            CheckName(name, "hyperparameter");
            if (!named.Add(name))
            {
                throw new ArgumentException($"The hyperparameter '{name}' is given twice.");
            }
            string type = TypeOf(value);
            if (domains is not null && domains.TryGetValue(name, out var domain) && domain is not null)
            {
                result.Add(Checked(name, type, domain, value));
            }
            else
            {
                result.Add(new HParamDefinition(name, type, type == BoolType ? new object[] { false, true } : null, null, null));
            }
        }
        if (domains is not null)
        {
            foreach (var (name, domain) in domains.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (named.Contains(name) || domain is null)
                {
                    continue;
                }
                CheckName(name, "hyperparameter");
                string type = domain.Discrete is { Count: > 0 } values ? TypeOf(values[0]) : NumberType;
                result.Add(Checked(name, type, domain, null));
            }
        }
        return result;
    }

    private static void CheckName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"A {what} name must not be empty or only white space.");
        }
    }

    private static HParamDefinition Checked(string name, string type, HParamDomain domain, object? value)
    {
        if (domain.Discrete is { } values)
        {
            if (values.Count == 0)
            {
                throw new ArgumentException($"The domain of '{name}' is an empty list of values.");
            }
            var normalized = values.Select(v => Normalize(name, v)).ToArray();
            if (normalized.FirstOrDefault(v => TypeOf(v) != type) is { } odd)
            {
                throw new ArgumentException(
                    $"The domain of '{name}' holds '{Text(odd)}', a {TypeOf(odd)}, but '{name}' is a {type}: a domain's values must be of the hyperparameter's type.");
            }
            if (value is not null && !normalized.Contains(value))
            {
                throw new ArgumentException(
                    $"The value '{Text(value)}' of '{name}' is not in its domain ({string.Join(", ", normalized.Select(Text))}).");
            }
            return new HParamDefinition(name, type, normalized, null, null);
        }
        if (domain.Min is not double min || domain.Max is not double max || double.IsNaN(min) || double.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"The domain of '{name}' must be a list of values or an interval with Min <= Max.");
        }
        if (type != NumberType)
        {
            throw new ArgumentException($"The domain of '{name}' is an interval, but '{name}' is a {type}: intervals are for numbers.");
        }
        if (value is double d && (d < min || d > max))
        {
            throw new ArgumentException(
                $"The value '{Text(d)}' of '{name}' is outside its domain [{Text(min)}, {Text(max)}].");
        }
        return new HParamDefinition(name, type, null, min, max);
    }

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>The experiment summary: the hyperparameters and the metrics (scalar tags) the dashboard shows.</summary>
    /// <exception cref="ArgumentException">A metric tag is blank or given twice.</exception>
    public static Summary.Types.Value Experiment(IReadOnlyList<HParamDefinition> hparams, IReadOnlyList<string> metricTags)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metricTags);
        var experiment = new Experiment();
        foreach (var h in hparams)
        {
            var info = new HParamInfo { Name = h.Name, Type = ProtoType(h.Type), DisplayName = h.DisplayName, Description = h.Description };
            if (h.Discrete is { } values)
            {
                var list = new ListValue();
                list.Values.Add(values.Select(ProtoValue));
                info.DomainDiscrete = list;
            }
            else if (h.Min is double min && h.Max is double max)
            {
                info.DomainInterval = new Interval { MinValue = min, MaxValue = max };
            }
            experiment.HparamInfos.Add(info);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string tag in metricTags)
        {
            CheckName(tag, "metric");
            if (!seen.Add(tag))
            {
                throw new ArgumentException($"The metric '{tag}' is given twice.");
            }
            experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = tag } });
        }
        return Value(ExperimentTag, new HParamsPluginData { Experiment = experiment });
    }

    /// <summary>The session start summary: the hyperparameter values (normalized, see <see cref="Normalize"/>), in order.</summary>
    public static Summary.Types.Value SessionStart(IReadOnlyList<KeyValuePair<string, object>> hparams)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        var start = new SessionStartInfo();
        foreach (var (name, value) in hparams)
        {
            start.Hparams[name] = ProtoValue(value);
        }
        return Value(SessionStartTag, new HParamsPluginData { SessionStartInfo = start });
    }

    /// <summary>The session end summary with a status ("Success", "Failure", "Running" or "Unknown"; no end time, as PyTorch).</summary>
    /// <exception cref="ArgumentException">Another status.</exception>
    public static Summary.Types.Value SessionEnd(string status = "Success")
    {
        var parsed = status switch
        {
            "Success" => Status.Success,
            "Failure" => Status.Failure,
            "Running" => Status.Running,
            "Unknown" => Status.Unknown,
            _ => throw new ArgumentException($"Unknown session status '{status}'.", nameof(status)),
        };
        return Value(SessionEndTag, new HParamsPluginData { SessionEndInfo = new SessionEndInfo { Status = parsed } });
    }

    /// <summary>A value of only metadata: the plugin data as the hparams plugin's content (version 0).</summary>
    private static Summary.Types.Value Value(string tag, HParamsPluginData data) =>
        new() { Tag = tag, Metadata = SummaryValues.PluginMetadata(PluginNames.HParams, data.ToByteString()) };

    private static Google.Protobuf.WellKnownTypes.Value ProtoValue(object value) => value switch
    {
        string s => Google.Protobuf.WellKnownTypes.Value.ForString(s),
        bool b => Google.Protobuf.WellKnownTypes.Value.ForBool(b),
        double d => Google.Protobuf.WellKnownTypes.Value.ForNumber(d),
        _ => throw new ArgumentException($"Not a normalized hyperparameter value: {value.GetType().Name}.", nameof(value)),
    };

    private static Proto.HParams.DataType ProtoType(string type) => type switch
    {
        StringType => Proto.HParams.DataType.String,
        BoolType => Proto.HParams.DataType.Bool,
        NumberType => Proto.HParams.DataType.Float64,
        _ => Proto.HParams.DataType.Unset,
    };
}
