using System.Management.Automation;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the runs of log directories with their files, size, tag and value counts, step range and damage.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbRun", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TbRunSummary))]
public sealed class GetTbRunCommand : TbLogReaderCommandBase
{
    /// <inheritdoc />
    protected override void Emit(RunSummary summary)
    {
        foreach (var tag in summary.Tags)
        {
            UnmatchedTags.Saw(tag.Tag);
        }
        WriteObject(new TbRunSummary(summary));
    }
}
