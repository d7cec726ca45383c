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
    /// One value of an intact record claims more than its bytes hold and more than a fill may expand to (a shape
    /// whose element count overflows, or TensorFlow's fill form past <c>TensorValues.MaxFillElements</c>); that
    /// value is skipped, the record's other values and the next records are read.
    /// </summary>
    ValueTooLarge,

    /// <summary>
    /// One value of an intact record has sizes that contradict each other (a negative dimension, <c>tensor_content</c>
    /// or a value list that disagrees with the shape) or a payload that does not parse; that value is skipped, the
    /// record's other values and the next records are read.
    /// </summary>
    MalformedValue,

    /// <summary>
    /// A record's length verified but runs past the end of the file while intact records follow it: a rewritten
    /// length, not a record still being written (that one is reported as a truncated tail, not as damage).
    /// </summary>
    LengthBeyondEnd,
}

/// <summary>
/// A damaged region of an event file, or one value of an intact record that could not be decoded (see
/// <see cref="IsValueError"/>), reported in reading order between the values.
/// </summary>
/// <param name="File">The event file's full path.</param>
/// <param name="Offset">Byte offset of the damaged record.</param>
/// <param name="Kind">What failed.</param>
/// <param name="SkippedBytes">Bytes skipped to reach the next intact record (or the end of data); 0 for an error of one value.</param>
/// <param name="ResumedAt">Offset of the next intact record, or -1 when none followed.</param>
public sealed record EventReadError(string File, long Offset, EventReadErrorKind Kind, long SkippedBytes, long ResumedAt)
{
    /// <summary>For an error of one value (<see cref="EventReadErrorKind.ValueTooLarge"/>, <see cref="EventReadErrorKind.MalformedValue"/>), its tag; otherwise null.</summary>
    public string? Tag { get; init; }

    /// <summary>For an error of one value, what it claimed and why it was refused; otherwise null.</summary>
    public string? Detail { get; init; }

    /// <summary>True for an error of one value in an intact record (nothing else of the file was skipped).</summary>
    public bool IsValueError => Kind is EventReadErrorKind.ValueTooLarge or EventReadErrorKind.MalformedValue;

    /// <summary>A sentence naming the file, the offset, what failed and what was skipped.</summary>
    public string Message
    {
        get
        {
            if (IsValueError)
            {
                return $"'{File}' at byte {Offset}: the value of tag '{Tag}' {Detail}; that value was skipped and reading goes on.";
            }
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
