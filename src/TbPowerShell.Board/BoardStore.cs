namespace TbPowerShell.Board;

/// <summary>The board's data: runs, tags, series and media, read lazily through the core and kept live.</summary>
internal sealed partial class BoardStore : IDisposable
{
    private readonly BoardOptions _options;
    private readonly IReadOnlyList<string> _logDirs;

    public BoardStore(BoardOptions options, IReadOnlyList<string> logDirs)
    {
        _options = options;
        _logDirs = logDirs;
    }

    public int RunCount => 0;

    public void StartPolling()
    {
    }

    public void Dispose()
    {
    }
}
