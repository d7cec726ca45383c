using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>What a <see cref="RunReadItem"/> carries.</summary>
public enum RunReadItemKind
{
    /// <summary>A scalar value, in <see cref="RunReadItem.Scalar"/>.</summary>
    Scalar,

    /// <summary>A non-scalar value, in <see cref="RunReadItem.Value"/>.</summary>
    Value,

    /// <summary>A damaged region that was skipped, in <see cref="RunReadItem.Error"/>; reading of the file goes on.</summary>
    Damaged,

    /// <summary>The file ends inside a record (a writer may be mid-write); <see cref="RunReadItem.Offset"/> is where to resume. Ends the file.</summary>
    Truncated,

    /// <summary>The file ends cleanly at <see cref="RunReadItem.Offset"/> (where to resume when it grows). Ends the file.</summary>
    EndOfFile,

    /// <summary>The file's first record header does not verify: it is not an event file and was not read. Ends the file.</summary>
    NotEventFile,

    /// <summary>Opening or reading the file failed (<see cref="RunReadItem.Exception"/>, an IOException or UnauthorizedAccessException); the values before it were delivered. Ends the file.</summary>
    FileFailed,

    /// <summary>The summary of a whole run, in <see cref="RunReadItem.Summary"/> (from <see cref="RunSummaryScanner"/> only); the run's last item.</summary>
    Summary,
}

/// <summary>
/// One item of a multi-run read: a value, a damaged region, or the end of a file, with the run and file it
/// belongs to. Every file of a run gives exactly one closing item (<see cref="RunReadItemKind.EndOfFile"/>,
/// <see cref="RunReadItemKind.Truncated"/>, <see cref="RunReadItemKind.NotEventFile"/> or <see cref="RunReadItemKind.FileFailed"/>).
/// </summary>
public readonly struct RunReadItem
{
    private readonly object? _payload;
    private readonly RunFile _source;

    internal RunReadItem(RunReadItemKind kind, RunFile source, ScalarRecord scalar, object? payload, long offset, long bytesDone = 0)
    {
        Kind = kind;
        _source = source;
        Scalar = scalar;
        _payload = payload;
        Offset = offset;
        BytesDone = bytesDone;
    }

    /// <summary>What this item carries.</summary>
    public RunReadItemKind Kind { get; }

    /// <summary>The run (with the name the caller gave it).</summary>
    public EventRun Run => _source?.Run!;

    /// <summary>The event file's full path (the run's directory for <see cref="RunReadItemKind.Summary"/>).</summary>
    public string File => _source?.File!;

    /// <summary>The scalar, for <see cref="RunReadItemKind.Scalar"/>.</summary>
    public ScalarRecord Scalar { get; }

    /// <summary>The value, for <see cref="RunReadItemKind.Value"/>.</summary>
    public ValueRecord? Value => _payload as ValueRecord;

    /// <summary>The damage, for <see cref="RunReadItemKind.Damaged"/>.</summary>
    public EventReadError? Error => _payload as EventReadError;

    /// <summary>Why the file could not be read, for <see cref="RunReadItemKind.FileFailed"/>.</summary>
    public Exception? Exception => _payload as Exception;

    /// <summary>The run's summary, for <see cref="RunReadItemKind.Summary"/>.</summary>
    public RunSummary? Summary => _payload as RunSummary;

    /// <summary>
    /// The reader's position in <see cref="File"/> after this item; for <see cref="RunReadItemKind.Truncated"/> and
    /// <see cref="RunReadItemKind.EndOfFile"/> where to resume reading later; for the other closing items the file's length.
    /// </summary>
    public long Offset { get; }

    /// <summary>For progress: bytes of all the runs' files read up to this item, in reading order.</summary>
    public long BytesDone { get; }

    /// <summary>True for the items that close a file.</summary>
    public bool ClosesFile => Kind is RunReadItemKind.EndOfFile or RunReadItemKind.Truncated or RunReadItemKind.NotEventFile or RunReadItemKind.FileFailed;

    internal RunReadItem WithBytesDone(long bytesDone) => new(Kind, _source, Scalar, _payload, Offset, bytesDone);
}

/// <summary>
/// A run and one of its files: what every item read from that file shares, held once (items are copied between
/// threads by the million, and one reference is cheaper to copy than two).
/// </summary>
internal sealed record RunFile(EventRun Run, string File);
