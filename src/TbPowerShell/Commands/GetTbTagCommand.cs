using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the tags of runs with their type, count, first and last step and last value, without reading every value.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbTag", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TbTagSummary))]
public sealed class GetTbTagCommand : TbLogReaderCommandBase
{
    /// <summary>The types of values to list (default all).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public TbEventType[] Type { get; set; } = { TbEventType.All };

    /// <inheritdoc />
    protected override EventKinds KindsToScan => KindsOf(Type);

    /// <inheritdoc />
    protected override string ValuesScanned => ValuesOf(Type);

    /// <inheritdoc />
    protected override void Emit(RunSummary summary)
    {
        foreach (var tag in summary.Tags)
        {
            UnmatchedTags.Saw(tag.Tag);
            WriteObject(new TbTagSummary(summary.Run.Name, tag, summary.Run.Directory, TypeOf(tag.Kind)));
        }
    }
}
