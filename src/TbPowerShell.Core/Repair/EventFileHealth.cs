using TbPowerShell.Core.IO;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Repair;

/// <summary>Receives the payload of each intact record, in file order, during a health check.</summary>
internal delegate void IntactRecordSink(ReadOnlySpan<byte> payload);

/// <summary>Checks event files record by record, reporting every damaged region and the intact records.</summary>
/// <remarks>
/// A record is intact when both CRCs verify and its payload parses as an <c>Event</c>. The same rule
/// decides what <see cref="EventFileRepair"/> keeps, because repair is this check with a sink.
/// The check sees what every reader sees (<see cref="RecordReader"/>): a verified length running past
/// the end with intact records after it is damage (<see cref="DamageKind.ImplausibleLength"/>), so a
/// rewritten length in the middle of a file costs one record, not the rest of the file; without intact
/// records after it, it is a truncated tail. The reader's look-ahead is linear, so the check is too.
/// </remarks>
public static class EventFileHealth
{
    /// <summary>
    /// True when <paramref name="report"/> shows a file that is not an event file: not one intact record, and damage
    /// other than a tail a writer may still be writing (an empty file, or one shorter than its first record, may be an
    /// event file just created). The same files the readers skip as not event files.
    /// </summary>
    public static bool IsNotEventFile(EventFileHealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.IntactRecords == 0 && report.Regions.Any(r => r.Kind != DamageKind.TruncatedTail);
    }

    /// <summary>
    /// Reads the whole file (shared with writers) and reports what is intact and what is damaged. A store object
    /// (<c>s3://</c>, <c>az://</c>) is read by ranged reads.
    /// </summary>
    public static EventFileHealthReport Check(string path, CancellationToken cancellation = default)
    {
        using var stream = Storage.LogLocation.OpenRead(path);
        return Check(stream, path, null, cancellation);
    }

    /// <summary>
    /// Checks the records of <paramref name="stream"/> (readable, seekable, read from its start),
    /// passing each intact record's payload to <paramref name="onIntact"/>.
    /// </summary>
    internal static EventFileHealthReport Check(Stream stream, string path, IntactRecordSink? onIntact, CancellationToken cancellation)
    {
        long length = stream.Length;
        var regions = new List<DamagedRegion>();
        long intact = 0;
        long steps = 0;
        using var records = new RecordReader(stream);
        while (true)
        {
            if ((steps++ & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }
            switch (records.Read())
            {
                case RecordStatus.EndOfData:
                    return new EventFileHealthReport(path, length, intact, regions);
                case RecordStatus.Truncated:
                    // Nothing intact follows: the rest is a record a writer may still be writing (or was, when it crashed).
                    long at = records.Offset;
                    regions.Add(new DamagedRegion(at, Math.Max(0, length - at), DamageKind.TruncatedTail));
                    return new EventFileHealthReport(path, length, intact, regions);
                case RecordStatus.Damaged:
                    var d = records.LastDamage!;
                    regions.Add(new DamagedRegion(d.Offset, d.SkippedBytes, d.Kind switch
                    {
                        RecordDamageKind.LengthCrc => DamageKind.LengthCrc,
                        RecordDamageKind.LengthBeyondEnd => DamageKind.ImplausibleLength,
                        _ => DamageKind.DataCrc,
                    }));
                    break;
                default:
                    if (IsEvent(records.Payload))
                    {
                        intact++;
                        onIntact?.Invoke(records.Payload);
                    }
                    else
                    {
                        regions.Add(new DamagedRegion(records.RecordOffset, records.Offset - records.RecordOffset, DamageKind.UnparsablePayload));
                    }
                    break;
            }
        }
    }

    private static bool IsEvent(ReadOnlySpan<byte> payload)
    {
        try
        {
            Event.Parser.ParseFrom(payload);
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
