using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads a sweep as a table: one object per run with hyperparameters, each with the run's hyperparameters and each metric's last value as properties.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbHyperparameter", DefaultParameterSetName = PathSet)]
[Alias("Get-TbHParams")]
[OutputType(typeof(TbHyperparameterRow))]
public sealed class GetTbHyperparameterCommand : TbLogPathCommandBase
{
    private readonly List<EventRun> _runs = new();
    private readonly Dictionary<string, int> _runByDirectory = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (path, namingRoot) in ResolveInputsWithNamingRoots())
        {
            foreach (var run in RunsOf(path, namingRoot))
            {
                var newFiles = run.Files.Where(_files.Add).ToList();
                if (newFiles.Count == 0)
                {
                    continue;
                }
                if (_runByDirectory.TryGetValue(run.Directory, out int index))
                {
                    _runs[index] = _runs[index] with { Files = _runs[index].Files.Concat(newFiles).ToArray() };
                }
                else
                {
                    _runByDirectory[run.Directory] = _runs.Count;
                    _runs.Add(run with { Files = newFiles });
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_runs.Count == 0)
        {
            ReportUnmatchedNames("metrics");
            return;
        }
        var runs = _runs.Select(r => r with
        {
            Files = r.Files.OrderBy(System.IO.Path.GetFileName, StringComparer.Ordinal).ToArray(),
            TotalBytes = r.Files.Sum(LogPaths.SafeLength),
        }).ToList();
        HParamsTable table;
        try
        {
            table = HParamsTable.Read(runs,
                item => FileConditions.Report(this, item.Kind, item.File, item.Offset, item.Error, item.Exception), Stopped);
        }
        catch (OperationCanceledException) when (Stopped.IsCancellationRequested)
        {
            return;
        }
        var metricColumns = table.MetricColumns.Where(c => TagFilter is null || TagFilter(c.Metric.Tag)).ToList();
        foreach (var column in metricColumns)
        {
            UnmatchedTags.Saw(column.Metric.Tag);
        }
        foreach (var row in table.Rows)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            var steps = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var column in metricColumns)
            {
                if (row.Metrics.TryGetValue(column.Name, out var value))
                {
                    metrics[column.Name] = value.Value;
                    steps[column.Name] = value.Step;
                }
            }
            var output = PSObject.AsPSObject(new TbHyperparameterRow(row.Run, row.HParams, metrics, steps, row.Status, new TbTimestamp(row.WallTime)));
            output.Properties.Add(new PSNoteProperty("Run", row.Run));
            foreach (string name in table.HParamNames)
            {
                // A hyperparameter called Run keeps the Run column for the run.
                string column = name.Equals("Run", StringComparison.OrdinalIgnoreCase) ? name + " (hparam)" : name;
                output.Properties.Add(new PSNoteProperty(column, row.HParams.TryGetValue(name, out object? value) ? value : null));
            }
            foreach (var column in metricColumns)
            {
                output.Properties.Add(new PSNoteProperty(column.Name, metrics.TryGetValue(column.Name, out double value) ? value : null));
            }
            WriteObject(output);
        }
        ReportUnmatchedNames("metrics");
    }
}
