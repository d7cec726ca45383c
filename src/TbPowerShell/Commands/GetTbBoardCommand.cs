using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the boards that Show-TbBoard started and that still serve.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbBoard")]
[OutputType(typeof(TbBoard))]
public sealed class GetTbBoardCommand : PSCmdlet
{
    /// <summary>Only the boards with these ids (the Id property). Default: every running board.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[]? Id { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var running = TbBoard.Running;
        if (Id is null)
        {
            WriteObject(running, enumerateCollection: true);
            return;
        }
        foreach (var board in RunningBoards.ById(this, Id))
        {
            WriteObject(board);
        }
    }
}
