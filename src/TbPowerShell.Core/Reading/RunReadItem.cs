using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// One item of a multi-run read: a value, a damaged region, or the end of a file, with the run and file it
/// belongs to. Every file of a run gives exactly one closing item (<see cref="ReadItemKind.EndOfFile"/>,
/// <see cref="ReadItemKind.Truncated"/>, <see cref="ReadItemKind.NotEventFile"/> or <see cref="ReadItemKind.Unreadable"/>).
/// </summary>
public readonly struct RunReadItem
{
    private readonly object? _payload;
    private readonly RunFile _source;

    internal RunReadItem(ReadItemKind kind, RunFile source, ScalarRecord scalar, object? payload, long offset, long bytesDone = 0)
    {
        Kind = kind;
        _source = source;
        Scalar = scalar;
        _payload = payload;
        Offset = offset;
        BytesDone = bytesDone;
    }

    /// <summary>What this item carries.</summary>
    public ReadItemKind Kind { get; }

    /// <summary>The run (with the name the caller gave it).</summary>
    public EventRun Run => _source?.Run!;

    /// <summary>The event file's full path (the run's directory for <see cref="ReadItemKind.Summary"/>).</summary>
    public string File => _source?.File!;

    /// <summary>The scalar, for <see cref="ReadItemKind.Scalar"/>.</summary>
    public ScalarRecord Scalar { get; }

    /// <summary>The value, for <see cref="ReadItemKind.Value"/>.</summary>
    public ValueRecord? Value => _payload as ValueRecord;

    /// <summary>The damage, for <see cref="ReadItemKind.Damaged"/>.</summary>
    public EventReadError? Error => _payload as EventReadError;

    /// <summary>Why the file could not be read, for <see cref="ReadItemKind.Unreadable"/>.</summary>
    public Exception? Exception => _payload as Exception;

    /// <summary>The run's summary, for <see cref="ReadItemKind.Summary"/>.</summary>
    public RunSummary? Summary => _payload as RunSummary;

    /// <summary>
    /// The reader's position in <see cref="File"/> after this item; for <see cref="ReadItemKind.Truncated"/> and
    /// <see cref="ReadItemKind.EndOfFile"/> where to resume reading later; for the other closing items the file's length.
    /// </summary>
    public long Offset { get; }

    /// <summary>For progress: bytes of all the runs' files read up to this item, in reading order.</summary>
    public long BytesDone { get; }

    /// <summary>True for the items that close a file.</summary>
    public bool ClosesFile => Kind is ReadItemKind.EndOfFile or ReadItemKind.Truncated or ReadItemKind.NotEventFile or ReadItemKind.Unreadable;

    internal RunReadItem WithBytesDone(long bytesDone) => new(Kind, _source, Scalar, _payload, Offset, bytesDone);
}

/// <summary>
/// A run and one of its files: what every item read from that file shares, held once (items are copied between
/// threads by the million, and one reference is cheaper to copy than two).
/// </summary>
internal sealed record RunFile(EventRun Run, string File);
