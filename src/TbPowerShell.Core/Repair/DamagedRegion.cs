using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Repair;

/// <summary>Kinds of damage a health check reports.</summary>
public enum DamageKind
{
    /// <summary>The file ends inside a record (a writer crashed, or is still writing).</summary>
    TruncatedTail,

    /// <summary>A record's length field failed its CRC.</summary>
    LengthCrc,

    /// <summary>A record's payload failed its CRC.</summary>
    DataCrc,

    /// <summary>A record's CRCs verified but its payload is not an <c>Event</c>.</summary>
    UnparsablePayload,

    /// <summary>
    /// A record's length verified but runs past the end of the file while intact records follow it:
    /// a rewritten length, not a tail still being written.
    /// </summary>
    ImplausibleLength,
}

/// <summary>One damaged region of an event file.</summary>
/// <param name="Offset">Where it starts.</param>
/// <param name="Length">How many bytes it covers (up to the next intact record, or the end).</param>
/// <param name="Kind">What is wrong.</param>
public sealed record DamagedRegion(long Offset, long Length, DamageKind Kind);
