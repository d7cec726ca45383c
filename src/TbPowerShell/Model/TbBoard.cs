using System.Management.Automation;
using System.Runtime.CompilerServices;
using TbPowerShell.Board;

namespace TbPowerShell;

/// <summary>
/// A board served in the background, as <c>Show-TbBoard</c> returns it and <c>Get-TbBoard</c> lists it:
/// the address to open (with its token), the port, the log directories shown, the number of runs and
/// when it started. Pass it to <c>Stop-TbBoard</c> to stop it.
/// </summary>
/// <remarks>
/// One object per board: every cmdlet hands out the same <see cref="TbBoard"/> for a server, so its
/// <see cref="Id"/> is stable for the board's life, as a job's is.
/// </remarks>
public sealed class TbBoard
{
    private static readonly ConditionalWeakTable<BoardServer, TbBoard> Boards = new();
    private static int _lastId;

    private TbBoard(BoardServer server)
    {
        Server = server;
        Id = Interlocked.Increment(ref _lastId);
    }

    /// <summary>The board's number in this process (1, 2, ...), for <c>Stop-TbBoard -Id</c>.</summary>
    public int Id { get; }

    /// <summary>The page to open, with the board's token (the only way in: other requests are refused).</summary>
    public Uri Url => Server.Url;

    /// <summary>The loopback port the board listens on.</summary>
    public int Port => Server.Port;

    /// <summary>The log directories shown (full paths); empty for a board of values from the pipeline.</summary>
    public string[] LogDir => Server.LogDirs.ToArray();

    /// <summary>How many runs the board knows now (runs that appear while it serves count too).</summary>
    public int Runs => Server.RunCount;

    /// <summary>When the board started.</summary>
    public DateTimeOffset StartTime => Server.StartTime;

    /// <summary>True until the board is stopped (by <c>Stop-TbBoard</c>, module removal or process exit).</summary>
    public bool IsRunning => Server.IsRunning;

    /// <summary>The server behind the board.</summary>
    [Hidden]
    public BoardServer Server { get; }

    /// <summary>The one <see cref="TbBoard"/> of a server (made on first request).</summary>
    public static TbBoard Of(BoardServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return Boards.GetValue(server, s => new TbBoard(s));
    }

    /// <summary>The boards running in this process, oldest first.</summary>
    public static IReadOnlyList<TbBoard> Running =>
        BoardServer.Running.Select(Of).OrderBy(b => b.Id).ToArray();

    /// <inheritdoc />
    public override string ToString() => Url.ToString();
}
