using System.Management.Automation;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Internal;

/// <summary>
/// The objects <c>Get-TbEvent</c> emits for what the core's <see cref="ReadShaper{T}"/> hands on:
/// scalar events (smoothed or not), value events, and pivot rows with a note property per column.
/// </summary>
internal sealed class EventOutput(bool smoothed, Func<IReadOnlyList<string>, string?>? pivotView = null) : IShapedOutput<object>
{
    private IReadOnlyList<string>? _viewTags;
    private string? _viewTypeName;

    /// <inheritdoc />
    public object Scalar(string run, string file, in ScalarRecord r, double? smoothedValue) => smoothedValue is double s
        ? new TbSmoothedScalarEvent(run, r.Tag, r.Step, new TbTimestamp(r.WallTime), r.Value, s, file)
        : new TbScalarEvent(run, r.Tag, r.Step, new TbTimestamp(r.WallTime), r.Value, file);

    /// <inheritdoc />
    public object Value(string run, string file, ValueRecord value) => EventRecords.ToOutput(run, file, value);

    /// <inheritdoc />
    public object PivotRow(PivotRow row, IReadOnlyList<string> tags)
    {
        var cells = new Dictionary<string, double?>(StringComparer.Ordinal);
        var wallTime = new TbTimestamp(row.WallTime);
        var output = PSObject.AsPSObject(new TbPivotRow(row.Run, row.Step, wallTime, cells));
        if (pivotView is not null)
        {
            if (!ReferenceEquals(tags, _viewTags))
            {
                _viewTags = tags;
                _viewTypeName = pivotView(smoothed ? tags.SelectMany(t => new[] { t, ScalarPivot.SmoothedColumn(t) }).ToList() : tags);
            }
            if (_viewTypeName is not null)
            {
                output.TypeNames.Insert(0, _viewTypeName);
            }
        }
        output.Properties.Add(new PSNoteProperty("Run", row.Run));
        output.Properties.Add(new PSNoteProperty("Step", row.Step));
        output.Properties.Add(new PSNoteProperty("WallTime", wallTime));
        for (int i = 0; i < tags.Count; i++)
        {
            cells[tags[i]] = row.Values[i];
            output.Properties.Add(new PSNoteProperty(tags[i], row.Values[i]));
            if (smoothed)
            {
                string name = ScalarPivot.SmoothedColumn(tags[i]);
                cells[name] = row.Smoothed?[i];
                output.Properties.Add(new PSNoteProperty(name, row.Smoothed?[i]));
            }
        }
        return output;
    }
}
