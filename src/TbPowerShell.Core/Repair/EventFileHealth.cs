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
/// Unlike <see cref="RecordReader"/> (which must treat a verified length running past the end as
/// a record still being written), the check looks past such a length for intact records, so a
/// rewritten length in the middle of a file costs one record, not the rest of the file.
/// </remarks>
public static class EventFileHealth
{
    /// <summary>Reads the whole file (shared with writers) and reports what is intact and what is damaged.</summary>
    public static EventFileHealthReport Check(string path, CancellationToken cancellation = default)
    {
        using var stream = RecordReader.OpenShared(path);
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
        long implausibleAt = -1; // where a verified length ran past the end; -1 when not probing past one
        var records = new RecordReader(stream);
        try
        {
            while (true)
            {
                if ((steps++ & 1023) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }
                var status = records.Read();
                if (implausibleAt >= 0)
                {
                    // The first result of the probe says whether an intact record follows the lying length.
                    long from = implausibleAt;
                    implausibleAt = -1;
                    long resumedAt = status switch
                    {
                        RecordStatus.Record => records.RecordOffset,
                        RecordStatus.Damaged => records.LastDamage!.ResumedAt,
                        _ => -1,
                    };
                    if (resumedAt < 0)
                    {
                        regions.Add(new DamagedRegion(from, length - from, DamageKind.TruncatedTail));
                        return new EventFileHealthReport(path, length, intact, regions);
                    }
                    regions.Add(new DamagedRegion(from, resumedAt - from, DamageKind.ImplausibleLength));
                    if (status == RecordStatus.Damaged)
                    {
                        continue;
                    }
                }
                switch (status)
                {
                    case RecordStatus.EndOfData:
                        return new EventFileHealthReport(path, length, intact, regions);
                    case RecordStatus.Truncated:
                        long at = records.Offset;
                        if (length - at <= TfRecord.HeaderSize)
                        {
                            regions.Add(new DamagedRegion(at, length - at, DamageKind.TruncatedTail));
                            return new EventFileHealthReport(path, length, intact, regions);
                        }
                        // A verified length that runs past the end: a record still being written, or
                        // a lying length with intact records after it. Probe from the next byte.
                        records.Dispose();
                        records = new RecordReader(stream, at + 1);
                        implausibleAt = at;
                        break;
                    case RecordStatus.Damaged:
                        var d = records.LastDamage!;
                        regions.Add(new DamagedRegion(d.Offset, d.SkippedBytes,
                            d.Kind == RecordDamageKind.LengthCrc ? DamageKind.LengthCrc : DamageKind.DataCrc));
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
        finally
        {
            records.Dispose();
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
