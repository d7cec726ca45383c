using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>How Get-TbBoard and Stop-TbBoard find running boards by -Id.</summary>
internal static class RunningBoards
{
    /// <summary>The running board of each id, in the order given; an id no board has is a BoardNotFound error of <paramref name="cmdlet"/>.</summary>
    public static IEnumerable<TbBoard> ById(Cmdlet cmdlet, IEnumerable<int> ids)
    {
        var running = TbBoard.Running;
        foreach (int id in ids)
        {
            var board = running.FirstOrDefault(b => b.Id == id);
            if (board is null)
            {
                cmdlet.WriteError(new ErrorRecord(new ArgumentException($"No running board has the id {id}."),
                    ErrorIds.BoardNotFound, ErrorCategory.ObjectNotFound, id));
                continue;
            }
            yield return board;
        }
    }
}
