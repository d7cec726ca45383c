using System.Collections;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a run's hyperparameters and metrics for TensorBoard's HParams dashboard, as PyTorch's add_hparams does, but into the writer's own run.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbHyperparameter", DefaultParameterSetName = WriterSet)]
[Alias("Add-TbHParams")]
[OutputType(typeof(TbHyperparameterEvent))]
public sealed class AddTbHyperparameterCommand : TbWriterCommandBase
{
    /// <summary>What each writer has logged as its run's hyperparameters (a run holds one set: TensorBoard reads the first).</summary>
    private static readonly ConditionalWeakTable<TbWriter, Written> WrittenBy = new();

    private sealed record Written(KeyValuePair<string, object>[] HParams, HashSet<string> Metrics);

    /// <summary>
    /// The hyperparameters: name to value, e.g. <c>@{ lr = 0.01; optimizer = 'adam'; use_bn = $true }</c>.
    /// Values are strings, booleans or numbers. Use <c>[ordered]</c> to keep an order.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("HParams", "HParam")]
    [ValidateNotNull]
    public IDictionary Hyperparameter { get; set; } = null!;

    /// <summary>
    /// The metrics: scalar tag to value, e.g. <c>@{ accuracy = 0.9 }</c>. Each is written as a scalar of the
    /// run at -Step, and named in the experiment so the dashboard shows its last value.
    /// </summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Metrics")]
    [AllowNull]
    public IDictionary? Metric { get; set; }

    /// <summary>
    /// Domains by hyperparameter name: a list of values (<c>'adam','sgd'</c>) or an interval
    /// (<c>@{ Min = 0.001; Max = 0.1 }</c>). Without one, a boolean's domain is <c>$false, $true</c> and
    /// strings and numbers have none. A name with a domain but no value is still described (for sweeps whose trials differ).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public IDictionary? Domain { get; set; }

    /// <summary>Not a parameter here: the hparams plugin's tags are fixed (hides the base's -Tag).</summary>
    public new string? Tag { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var hparams = new List<KeyValuePair<string, object>>();
        foreach (DictionaryEntry entry in Hyperparameter)
        {
            string name = KeyText(entry.Key);
            object? value = ValueParsing.Unwrap(entry.Value);
            if (value is SwitchParameter sw)
            {
                value = sw.IsPresent;
            }
            if (string.IsNullOrWhiteSpace(name))
            {
                WriteError(new ErrorRecord(new ArgumentException("A hyperparameter name must not be empty or only white space."),
                    ErrorIds.InvalidHyperparameter, ErrorCategory.InvalidArgument, entry.Key));
                return;
            }
            try
            {
                hparams.Add(new(name, HParamsSummary.Normalize(name, value)));
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, ErrorIds.InvalidHyperparameter, ErrorCategory.InvalidArgument, entry.Value));
                return;
            }
        }
        if (hparams.Count == 0)
        {
            WriteError(new ErrorRecord(new ArgumentException("No hyperparameters were given: -Hyperparameter is an empty table."),
                ErrorIds.InvalidHyperparameter, ErrorCategory.InvalidArgument, Hyperparameter));
            return;
        }

        var metrics = new List<KeyValuePair<string, double>>();
        foreach (DictionaryEntry entry in Metric ?? new Hashtable())
        {
            string name = KeyText(entry.Key);
            object? value = ValueParsing.Unwrap(entry.Value);
            if (TbWriter.IsBlankTag(name))
            {
                WriteError(new ErrorRecord(new ArgumentException("A metric name must not be empty or only white space."),
                    ErrorIds.InvalidMetric, ErrorCategory.InvalidArgument, entry.Key));
                return;
            }
            if (value is bool || !ValueParsing.TryGetDouble(value, out double number))
            {
                WriteError(new ErrorRecord(new ArgumentException($"The metric '{name}' is '{value}': a metric's value must be a number."),
                    ErrorIds.InvalidMetric, ErrorCategory.InvalidArgument, entry.Value));
                return;
            }
            metrics.Add(new(name, number));
        }

        Dictionary<string, HParamDomain>? domains = null;
        if (Domain is not null)
        {
            domains = new Dictionary<string, HParamDomain>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in Domain)
            {
                if (!TryDomain(entry.Value, out var domain))
                {
                    WriteError(new ErrorRecord(new ArgumentException(
                            $"The domain of '{KeyText(entry.Key)}' must be a list of values ('adam','sgd') or an interval (@{{ Min = 0.001; Max = 0.1 }})."),
                        ErrorIds.InvalidHyperparameterDomain, ErrorCategory.InvalidArgument, entry.Value));
                    return;
                }
                domains[KeyText(entry.Key)] = domain;
            }
        }

        IReadOnlyList<HParamDefinition> definitions;
        try
        {
            definitions = HParamsSummary.Definitions(hparams, domains);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidHyperparameterDomain, ErrorCategory.InvalidArgument, Domain));
            return;
        }

        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = Step ?? 0;
        var wallTime = WallTime ?? TbTimestamp.Now;
        var written = new List<Core.Proto.Summary.Types.Value>();
        lock (WrittenBy)
        {
            if (WrittenBy.TryGetValue(writer, out var before))
            {
                // The same run again: its hyperparameters cannot change (TensorBoard keeps the first), its metrics can.
                if (!SameValues(before.HParams, hparams))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"The run '{EffectiveRun}' has hyperparameters already ({Describe(before.HParams)}); a run has one set. " +
                            "Log another trial to a run of its own (-Run), or give the same values to log more metrics."),
                        ErrorIds.HyperparameterConflict, ErrorCategory.InvalidOperation, Hyperparameter));
                    return;
                }
                var newMetrics = metrics.Select(m => m.Key).Where(m => !before.Metrics.Contains(m)).ToList();
                if (newMetrics.Count > 0)
                {
                    WriteWarning($"The metrics {string.Join(", ", newMetrics)} are written as scalars, but TensorBoard's HParams dashboard lists only the metrics of the run's first call.");
                }
            }
            else
            {
                try
                {
                    written.Add(HParamsSummary.Experiment(definitions, metrics.Select(m => m.Key).ToArray()));
                }
                catch (ArgumentException e)
                {
                    WriteError(new ErrorRecord(e, ErrorIds.InvalidMetric, ErrorCategory.InvalidArgument, Metric));
                    return;
                }
                written.Add(HParamsSummary.SessionStart(hparams));
                written.Add(HParamsSummary.SessionEnd());
            }
            bool ok = TryWrite(writer, w =>
            {
                foreach (var value in written)
                {
                    w.AddValue(value, step, wallTime);
                }
                foreach (var (tag, value) in metrics)
                {
                    w.AddScalar(tag, value, step, wallTime);
                }
            }, Hyperparameter, wallTime);
            if (!ok)
            {
                return;
            }
            if (written.Count > 0)
            {
                WrittenBy.AddOrUpdate(writer, new Written(hparams.ToArray(), new HashSet<string>(metrics.Select(m => m.Key), StringComparer.Ordinal)));
            }
        }
        if (PassThru)
        {
            foreach (var value in written)
            {
                if (HParamsDecoder.FromContent(value.Tag, step, wallTime.UnixSeconds, value.Metadata.PluginData.Content.ToByteArray()) is { } record)
                {
                    WriteObject(new TbHyperparameterEvent(EffectiveRun, writer.Path, record));
                }
            }
        }
    }

    private static string KeyText(object? key) => ValueParsing.Unwrap(key)?.ToString() ?? string.Empty;

    private static bool SameValues(KeyValuePair<string, object>[] before, List<KeyValuePair<string, object>> now) =>
        before.Length == now.Count && now.All(p => before.Any(b => b.Key == p.Key && Equals(b.Value, p.Value)));

    private static string Describe(IEnumerable<KeyValuePair<string, object>> hparams) =>
        string.Join(", ", hparams.Select(p => p.Key + "=" + Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A domain from a list of values, a single value, or a table with Min and Max.</summary>
    private static bool TryDomain(object? input, out HParamDomain domain)
    {
        input = ValueParsing.Unwrap(input);
        domain = null!;
        switch (input)
        {
            case null:
                return false;
            case IDictionary table:
            {
                object? min = null, max = null;
                foreach (DictionaryEntry e in table)
                {
                    string key = KeyText(e.Key);
                    if (key.Equals("Min", StringComparison.OrdinalIgnoreCase))
                    {
                        min = ValueParsing.Unwrap(e.Value);
                    }
                    else if (key.Equals("Max", StringComparison.OrdinalIgnoreCase))
                    {
                        max = ValueParsing.Unwrap(e.Value);
                    }
                    else
                    {
                        return false;
                    }
                }
                if (min is bool || max is bool || !ValueParsing.TryGetDouble(min, out double low) || !ValueParsing.TryGetDouble(max, out double high))
                {
                    return false;
                }
                domain = HParamDomain.Interval(low, high);
                return true;
            }
            case string or bool:
                domain = HParamDomain.Of(input);
                return true;
            case IEnumerable list:
            {
                var values = new List<object>();
                foreach (object? item in list)
                {
                    object? value = ValueParsing.Unwrap(item);
                    if (value is null)
                    {
                        return false;
                    }
                    values.Add(value);
                }
                domain = new HParamDomain(values);
                return true;
            }
            default:
                domain = HParamDomain.Of(input);
                return true;
        }
    }
}
