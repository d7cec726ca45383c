using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.IO;

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
}

/// <summary>One damaged region of an event file.</summary>
/// <param name="Offset">Where it starts.</param>
/// <param name="Length">How many bytes it covers (up to the next intact record, or the end).</param>
/// <param name="Kind">What is wrong.</param>
public sealed record DamagedRegion(long Offset, long Length, DamageKind Kind);

/// <summary>What a health check found in one event file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="IntactRecords">Records whose CRCs verify and whose payload is an <c>Event</c>.</param>
/// <param name="Regions">Every damaged region, in file order.</param>
public sealed record EventFileHealthReport(string Path, long Length, long IntactRecords, IReadOnlyList<DamagedRegion> Regions)
{
    /// <summary>True when nothing is damaged (a file still being written may end in a truncated tail).</summary>
    public bool IsHealthy => Regions.Count == 0;

    /// <summary>Bytes in damaged regions.</summary>
    public long DamagedBytes => Regions.Sum(r => r.Length);
}

/// <summary>Checks event files record by record, reporting every damaged region and the intact records.</summary>
public static class EventFileHealth
{
    /// <summary>Reads the whole file (shared with writers) and reports what is intact and what is damaged.</summary>
    public static EventFileHealthReport Check(string path, CancellationToken cancellation = default)
    {
        using var stream = RecordReader.OpenShared(path);
        long length = stream.Length;
        using var records = new RecordReader(stream);
        var regions = new List<DamagedRegion>();
        long intact = 0;
        while (true)
        {
            switch (records.Read())
            {
                case RecordStatus.EndOfData:
                    return new EventFileHealthReport(path, length, intact, regions);
                case RecordStatus.Truncated:
                    regions.Add(new DamagedRegion(records.Offset, length - records.Offset, DamageKind.TruncatedTail));
                    return new EventFileHealthReport(path, length, intact, regions);
                case RecordStatus.Damaged:
                    var d = records.LastDamage!;
                    regions.Add(new DamagedRegion(d.Offset, d.SkippedBytes,
                        d.Kind == RecordDamageKind.LengthCrc ? DamageKind.LengthCrc : DamageKind.DataCrc));
                    break;
                default:
                    try
                    {
                        Event.Parser.ParseFrom(records.Payload);
                        intact++;
                    }
                    catch (Google.Protobuf.InvalidProtocolBufferException)
                    {
                        regions.Add(new DamagedRegion(records.RecordOffset, records.Offset - records.RecordOffset, DamageKind.UnparsablePayload));
                    }
                    break;
            }
            if ((intact & 4095) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }
        }
    }
}
