using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Stops boards that Show-TbBoard started: those piped in, those with the ids given, or all of them.</para>
/// </summary>
/// <remarks>
/// As <c>Stop-Job</c>, it stops only what it is told to: a board (from the pipeline or -InputObject),
/// ids, or -All. Stopping a board that stopped already does nothing.
/// </remarks>
[Cmdlet(VerbsLifecycle.Stop, "TbBoard", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(TbBoard))]
public sealed class StopTbBoardCommand : PSCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string IdSet = "Id";
    private const string AllSet = "All";

    /// <summary>The boards to stop (from Show-TbBoard or Get-TbBoard).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public TbBoard[] InputObject { get; set; } = null!;

    /// <summary>The ids of the boards to stop (their Id property).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public int[] Id { get; set; } = null!;

    /// <summary>Stop every running board of this session's process.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Emit each board stopped.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case InputObjectSet:
                foreach (var board in InputObject)
                {
                    Stop(board);
                }
                break;
            case IdSet:
                foreach (var board in RunningBoards.ById(this, Id))
                {
                    Stop(board);
                }
                break;
            default:
                foreach (var board in TbBoard.Running)
                {
                    Stop(board);
                }
                break;
        }
    }

    private void Stop(TbBoard board)
    {
        if (!ShouldProcess($"board {board.Id} on port {board.Port}", "Stop"))
        {
            return;
        }
        board.Server.Stop();
        if (PassThru)
        {
            WriteObject(board);
        }
    }
}
