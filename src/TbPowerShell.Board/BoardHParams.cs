using System.Text.Json;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Board;

/// <summary>
/// The HParams tab's data (<c>/api/hparams</c>, and the report's <c>hparams</c> key): the sweep table the core's
/// <see cref="HParamsTable"/> builds from the runs' hparams values and scalars, as <c>Get-TbHyperparameter</c> has it.
/// </summary>
internal static class BoardHParams
{
    /// <summary>
    /// <c>{ hparams: [{ name, type, discrete, min, max }], metrics: [{ name, tag, group }],
    /// rows: [{ run, runId, status, hparams: { name: value }, metrics: { name: value }, steps: { name: step } }] }</c>.
    /// </summary>
    /// <param name="w">Where the JSON goes.</param>
    /// <param name="store">The board's runs.</param>
    /// <param name="keep">The runs to read (all when null): the report's runs.</param>
    public static void Write(Utf8JsonWriter w, BoardStore store, Func<BoardRun, bool>? keep = null)
    {
        var runs = store.Runs().Where(r => keep is null || keep(r)).ToList();
        store.LoadAll(runs);
        var kinds = store.Tags().ToDictionary(t => t.Id, t => t.Kind);
        var table = new HParamsTable();
        var runIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            runIds[run.Name] = run.Id;
            lock (run.Gate)
            {
                foreach (var (tagId, list) in run.Values)
                {
                    if (!kinds.TryGetValue(tagId, out var kind) || kind != EventKinds.Hyperparameters) continue;
                    foreach (var value in list)
                    {
                        if (value is HParamsRecord record) table.Add(run.Name, record);
                    }
                }
                foreach (var (tagId, series) in run.Scalars)
                {
                    if (series.Count == 0 || store.Tag(tagId) is not { } tag) continue;
                    // Only the value the table keeps: the highest step, the later one at equal steps.
                    var last = 0;
                    for (var i = 1; i < series.Count; i++)
                    {
                        if (series.StepAt(i) >= series.StepAt(last)) last = i;
                    }
                    table.Add(run.Name, new ScalarRecord(tag.Name, series.StepAt(last), series.WallAt(last), series.ValueAt(last)));
                }
            }
        }

        w.WriteStartObject();
        w.WriteStartArray("hparams");
        foreach (var name in table.HParamNames)
        {
            var definition = table.Definitions.FirstOrDefault(d => d.Name == name);
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("type", definition?.Type ?? TypeOf(table.Rows.Select(r => r.HParams.GetValueOrDefault(name)).FirstOrDefault(v => v is not null)));
            if (definition?.Discrete is { } discrete)
            {
                w.WriteStartArray("discrete");
                foreach (var v in discrete) WriteValue(w, v);
                w.WriteEndArray();
            }
            if (definition?.Min is double min && definition.Max is double max)
            {
                WriteNumber(w, "min", min);
                WriteNumber(w, "max", max);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("metrics");
        foreach (var column in table.MetricColumns)
        {
            w.WriteStartObject();
            w.WriteString("name", column.Name);
            w.WriteString("tag", column.Metric.Tag);
            w.WriteString("group", column.Metric.Group);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var row in table.Rows)
        {
            w.WriteStartObject();
            w.WriteString("run", row.Run);
            w.WriteNumber("runId", runIds.GetValueOrDefault(row.Run, -1));
            w.WriteString("status", row.Status);
            w.WriteStartObject("hparams");
            foreach (var (name, value) in row.HParams)
            {
                w.WritePropertyName(name);
                WriteValue(w, value);
            }
            w.WriteEndObject();
            w.WriteStartObject("metrics");
            foreach (var (name, value) in row.Metrics) WriteNumber(w, name, value.Value);
            w.WriteEndObject();
            w.WriteStartObject("steps");
            foreach (var (name, value) in row.Metrics) w.WriteNumber(name, value.Step);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string TypeOf(object? value) => value switch
    {
        string => "String",
        bool => "Bool",
        double => "Float64",
        _ => "Unset",
    };

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            default: w.WriteNullValue(); break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }
}
