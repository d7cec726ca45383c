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

    /// <summary>
    /// Read ahead once listening: the tags (the head of every run), then every run whole, in the background, so the
    /// first cards are ready when the browser asks (it takes a moment to start). False reads only what the page asks
    /// for, when it asks (tags on the first tag listing, a card's runs when the card is shown).
    /// </summary>
    public bool ReadAhead { get; init; } = true;
}

/// <summary>What an offline report holds.</summary>
public sealed class ReportOptions
{
    /// <summary>Only these tags (exact names); null for all.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Only these runs (exact names); null for all.</summary>
    public IReadOnlyList<string>? Runs { get; init; }

    /// <summary>Only tags this test is true for (Export-TbReport's wildcard patterns); null for all. Applies with <see cref="Tags"/>.</summary>
    public Func<string, bool>? TagFilter { get; init; }

    /// <summary>Only runs this test is true for; null for all. Applies with <see cref="Runs"/>.</summary>
    public Func<string, bool>? RunFilter { get; init; }

    /// <summary>
    /// For each run's image and audio tags, at most this many steps (evenly spaced, the first and the last
    /// always among them, every sample of a kept step), so a report of a long run stays small; 0 keeps every step.
    /// TensorBoard itself keeps 10 images per tag by default.
    /// </summary>
    public int MaxMediaSteps { get; init; } = 10;

    /// <summary>
    /// Histograms with more buckets are merged into at most this many (runs of neighbouring buckets summed, counts
    /// and range kept exactly); 0 keeps every bucket. 30 is the resolution TensorFlow 2's <c>tf.summary.histogram</c>
    /// logs at; PyTorch writes several hundred mostly empty buckets per histogram.
    /// </summary>
    public int MaxHistogramBuckets { get; init; } = 30;

    /// <summary>The report's title.</summary>
    public string Title { get; init; } = "TbPowerShell report";
}
