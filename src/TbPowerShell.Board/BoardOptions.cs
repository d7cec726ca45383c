namespace TbPowerShell.Board;

/// <summary>What a board shows and where it listens.</summary>
public sealed class BoardOptions
{
    /// <summary>The log directories to show (full paths); several allowed. Ignored when <see cref="Data"/> is set.</summary>
    public IReadOnlyList<string> LogDirs { get; init; } = [];

    /// <summary>Pipeline mode: exactly these values are shown, nothing is read from disk and nothing is live.</summary>
    public BoardData? Data { get; init; }

    /// <summary>The port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>How often the log directories are looked at again for new runs and new values.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What an offline report holds.</summary>
public sealed class ReportOptions
{
    /// <summary>Only these tags (exact names); null for all.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Only these runs (exact names); null for all.</summary>
    public IReadOnlyList<string>? Runs { get; init; }

    /// <summary>The report's title.</summary>
    public string Title { get; init; } = "TbPowerShell report";
}
