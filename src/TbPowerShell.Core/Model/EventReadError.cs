namespace TbPowerShell.Core.Model;

/// <summary>Kinds of damage found while reading an event file.</summary>
public enum EventReadErrorKind
{
    /// <summary>A record's length field failed its CRC.</summary>
    LengthCrc,

    /// <summary>A record's payload failed its CRC.</summary>
    DataCrc,

    /// <summary>A record's CRCs verified but its payload is not a valid <c>Event</c>.</summary>
    UnparsablePayload,

    /// <summary>
    /// A record's length verified but runs past the end of the file while intact records follow it: a rewritten
    /// length, not a record still being written (that one is reported as a truncated tail, not as damage).
    /// </summary>
    LengthBeyondEnd,
}

/// <summary>A damaged region of an event file, reported in reading order between the values.</summary>
/// <param name="File">The event file's full path.</param>
/// <param name="Offset">Byte offset of the damaged record.</param>
/// <param name="Kind">What failed.</param>
/// <param name="SkippedBytes">Bytes skipped to reach the next intact record (or the end of data).</param>
/// <param name="ResumedAt">Offset of the next intact record, or -1 when none followed.</param>
public sealed record EventReadError(string File, long Offset, EventReadErrorKind Kind, long SkippedBytes, long ResumedAt)
{
    /// <summary>A sentence naming the file, the offset, what failed and what was skipped.</summary>
    public string Message
    {
        get
        {
            string what = Kind switch
            {
                EventReadErrorKind.LengthCrc => "the record length failed its CRC check",
                EventReadErrorKind.DataCrc => "the record data failed its CRC check",
                EventReadErrorKind.LengthBeyondEnd => "the record length verified but runs past the end of the file, and intact records follow",
                _ => "the record is not a valid event",
            };
            string after = ResumedAt >= 0
                ? $"skipped {SkippedBytes} bytes and resumed at byte {ResumedAt}"
                : $"skipped the remaining {SkippedBytes} bytes: no intact record follows";
            return $"'{File}' at byte {Offset}: {what}; {after}.";
        }
    }
}
