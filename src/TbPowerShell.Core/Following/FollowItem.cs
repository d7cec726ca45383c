using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Following;

/// <summary>What a <see cref="FollowItem"/> carries.</summary>
public enum FollowItemKind
{
    /// <summary>A scalar value, in <see cref="FollowItem.Scalar"/>.</summary>
    Scalar,

    /// <summary>A non-scalar value, in <see cref="FollowItem.Value"/>.</summary>
    Value,

    /// <summary>A damaged region was skipped, described by <see cref="FollowItem.Error"/>.</summary>
    Damage,

    /// <summary>
    /// The file became shorter than what was already read from it (it was truncated or replaced):
    /// it is read again from byte 0, so values already produced from it may come again.
    /// </summary>
    FileRestarted,

    /// <summary>
    /// The file's name contains <c>tfevents</c> but its first record header does not verify: it is
    /// skipped (until it becomes shorter than it was when checked).
    /// </summary>
    NotAnEventFile,

    /// <summary>
    /// The file or a directory could not be read (<see cref="FollowItem.Failure"/> says why); it is
    /// tried again once its length changes (a directory, at every poll, reported once).
    /// </summary>
    Unreadable,

    /// <summary>
    /// Produced once: everything that existed when following started has been read. Later items are
    /// new data. <see cref="FollowItem.Run"/> and <see cref="FollowItem.File"/> are empty.
    /// </summary>
    CaughtUp,
}

/// <summary>One thing an <see cref="EventFollower"/> found: a value, a damaged region, or a notice.</summary>
public readonly struct FollowItem
{
    internal FollowItem(FollowItemKind kind, string run, string file, ScalarRecord scalar = default, ValueRecord? value = null,
                        EventReadError? error = null, string? message = null, Exception? failure = null)
    {
        Kind = kind;
        Run = run;
        File = file;
        Scalar = scalar;
        Value = value;
        Error = error;
        Message = message;
        Failure = failure;
    }

    /// <summary>What this item is; it says which of the other properties are set.</summary>
    public FollowItemKind Kind { get; }

    /// <summary>The run's name (as <see cref="LogDirectory.FindRuns"/> names runs, from the target's naming root); empty for <see cref="FollowItemKind.CaughtUp"/>.</summary>
    public string Run { get; }

    /// <summary>The event file's full path (a directory's, for an unreadable directory); empty for <see cref="FollowItemKind.CaughtUp"/>.</summary>
    public string File { get; }

    /// <summary>The value of a <see cref="FollowItemKind.Scalar"/> item.</summary>
    public ScalarRecord Scalar { get; }

    /// <summary>The value of a <see cref="FollowItemKind.Value"/> item; otherwise null.</summary>
    public ValueRecord? Value { get; }

    /// <summary>The damage of a <see cref="FollowItemKind.Damage"/> item; otherwise null.</summary>
    public EventReadError? Error { get; }

    /// <summary>
    /// A sentence for a notice (<see cref="FollowItemKind.FileRestarted"/>, <see cref="FollowItemKind.NotAnEventFile"/>,
    /// <see cref="FollowItemKind.Unreadable"/>) or damage, naming the file; null for values.
    /// </summary>
    public string? Message { get; }

    /// <summary>Why an <see cref="FollowItemKind.Unreadable"/> file or directory could not be read; otherwise null.</summary>
    public Exception? Failure { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FollowItemKind.Scalar => $"{Run} {Scalar}",
        FollowItemKind.Value => $"{Run} {Value}",
        FollowItemKind.CaughtUp => "caught up",
        _ => $"{Kind}: {Message}",
    };
}
