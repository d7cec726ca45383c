using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Following;

/// <summary>One thing an <see cref="EventFollower"/> found: a value, a damaged region, or a notice.</summary>
public readonly struct FollowItem
{
    internal FollowItem(ReadItemKind kind, string run, string file, ScalarRecord scalar = default, ValueRecord? value = null,
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
    public ReadItemKind Kind { get; }

    /// <summary>The run's name (as <see cref="LogDirectory.FindRuns"/> names runs, from the target's naming root); empty for <see cref="ReadItemKind.CaughtUp"/>.</summary>
    public string Run { get; }

    /// <summary>The event file's full path (a directory's, for an unreadable directory); empty for <see cref="ReadItemKind.CaughtUp"/>.</summary>
    public string File { get; }

    /// <summary>The value of a <see cref="ReadItemKind.Scalar"/> item.</summary>
    public ScalarRecord Scalar { get; }

    /// <summary>The value of a <see cref="ReadItemKind.Value"/> item; otherwise null.</summary>
    public ValueRecord? Value { get; }

    /// <summary>The damage of a <see cref="ReadItemKind.Damaged"/> item; otherwise null.</summary>
    public EventReadError? Error { get; }

    /// <summary>
    /// A sentence for a notice (<see cref="ReadItemKind.FileRestarted"/>, <see cref="ReadItemKind.NotEventFile"/>,
    /// <see cref="ReadItemKind.Unreadable"/>) or damage, naming the file; null for values.
    /// </summary>
    public string? Message { get; }

    /// <summary>Why an <see cref="ReadItemKind.Unreadable"/> file or directory could not be read; otherwise null.</summary>
    public Exception? Failure { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ReadItemKind.Scalar => $"{Run} {Scalar}",
        ReadItemKind.Value => $"{Run} {Value}",
        ReadItemKind.CaughtUp => "caught up",
        _ => $"{Kind}: {Message}",
    };
}
