using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Repair;
using Xunit.Abstractions;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>
/// The damaged-file reliability suite: thousands of files made from the real PyTorch fixtures by
/// seeded random damage (truncation, byte flips, inserted and deleted bytes, zeroed tails, lying
/// length fields with wrong and with recomputed CRCs, and combinations). Every case runs the record
/// reader, the event reader (all kinds), the health check and the repair, and checks: nothing
/// throws, nothing hangs (a watchdog), allocation stays within a multiple of the file size, nothing
/// is produced that the original did not hold, every record before the first damaged byte is
/// recovered in order, and the repair holds exactly the intact records and checks healthy.
/// A failure names its case; set TBPS_FUZZ_CASE=&lt;Family&gt;:&lt;index&gt; to replay just that case.
/// </summary>
public sealed class DamagedFileFuzzTests
{
    private const ulong BaseSeed = 0x7B5E_ED20_2611_26UL;
    private const int CasesPerFamily = 1_500;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    /// <summary>Allowed allocation per pass: a small multiple of the file plus a constant (buffers, the probe's reader).</summary>
    private const int AllocationFactor = 8;
    private const long AllocationConstant = 1 << 20;

    private static readonly string[] SourceFixtures =
        ["scalars", "image", "histogram", "audio", "pr_curve", "text", "custom_scalars", "mesh", "multi_session_onefile", "graph"];

    private static readonly Lazy<Original[]> Originals = new(() => SourceFixtures.Select(f => Original.Load(f)).ToArray());

    private readonly ITestOutputHelper _output;

    public DamagedFileFuzzTests(ITestOutputHelper output) => _output = output;

    public enum Family
    {
        Truncation,
        ByteFlips,
        InsertedBytes,
        DeletedRanges,
        ZeroedTail,
        LyingLengthWrongCrc,
        LyingLengthValidCrc,
        Combined,
    }

    [Theory]
    [InlineData(Family.Truncation)]
    [InlineData(Family.ByteFlips)]
    [InlineData(Family.InsertedBytes)]
    [InlineData(Family.DeletedRanges)]
    [InlineData(Family.ZeroedTail)]
    [InlineData(Family.LyingLengthWrongCrc)]
    [InlineData(Family.LyingLengthValidCrc)]
    [InlineData(Family.Combined)]
    public void DamagedFilesNeverCrashHangOverAllocateOrInventEvents(Family family)
    {
        int first = 0, count = CasesPerFamily;
        string? replay = Environment.GetEnvironmentVariable("TBPS_FUZZ_CASE");
        if (!string.IsNullOrEmpty(replay))
        {
            var parts = replay.Split(':');
            if (!Enum.TryParse<Family>(parts[0], out var only) || only != family)
            {
                return;
            }
            first = int.Parse(parts[1], CultureInfo.InvariantCulture);
            count = 1;
        }

        var failures = new ConcurrentQueue<string>();
        var stats = new Stats();
        long current = first;
        long started = Stopwatch.GetTimestamp();
        var worker = new Thread(() =>
        {
            for (int i = first; i < first + count && failures.Count < 10; i++)
            {
                Volatile.Write(ref current, i);
                Volatile.Write(ref started, Stopwatch.GetTimestamp());
                var damaged = MakeCase(family, i);
                try
                {
                    RunCase(damaged, stats);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{damaged}\n  {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        })
        {
            IsBackground = true, // a hung case must not keep the test host alive
            Name = $"fuzz-{family}",
        };
        worker.Start();
        while (!worker.Join(100))
        {
            var elapsed = Stopwatch.GetElapsedTime(Volatile.Read(ref started));
            if (elapsed > HangLimit)
            {
                long hung = Volatile.Read(ref current);
                Assert.Fail($"Case {family}:{hung} (seed 0x{CaseSeed(family, (int)hung):X16}) ran {elapsed.TotalSeconds:F0} s: a hang. " +
                            $"Replay: TBPS_FUZZ_CASE={family}:{hung}. {MakeCase(family, (int)hung)}");
            }
        }
        _output.WriteLine($"{family}: {count} cases, {stats.Records} records and {stats.Values} values checked, " +
                          $"{stats.Regions} damaged regions; most allocated by one pass: {stats.MaxAllocated} bytes, at most {stats.MaxShareOfLimit:P0} of its limit");
        Assert.True(failures.IsEmpty, $"{failures.Count} failing case(s) of {family} (replay one with TBPS_FUZZ_CASE=<Family>:<index>):\n\n" +
                                      string.Join("\n\n", failures));
    }

    private static bool IsEvent(byte[] payload)
    {
        try
        {
            Proto.Event.Parser.ParseFrom(payload);
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private sealed class Stats
    {
        public long Records;
        public long Values;
        public long Regions;
        public long MaxAllocated;
        public double MaxShareOfLimit;

        public void Allocated(long bytes, long limit)
        {
            MaxAllocated = Math.Max(MaxAllocated, bytes);
            MaxShareOfLimit = Math.Max(MaxShareOfLimit, (double)bytes / limit);
        }
    }

    // ---------------------------------------------------------------- the original files

    /// <summary>A fixture as read intact: its bytes, records (with end offsets) and decoded values.</summary>
    private sealed class Original
    {
        public required string Name { get; init; }
        public required byte[] Bytes { get; init; }
        public required List<(long Offset, long End, byte[] Payload)> Records { get; init; }
        public required HashSet<byte[]> Payloads { get; init; }
        public required List<(long RecordEnd, string Value)> Values { get; init; }
        public required HashSet<string> ValueSet { get; init; }

        public static Original Load(string fixture)
        {
            byte[] bytes = File.ReadAllBytes(Fixtures.EventFile("pytorch", fixture));
            var records = new List<(long, long, byte[])>();
            using (var reader = new RecordReader(new MemoryStream(bytes)))
            {
                RecordStatus status;
                while ((status = reader.Read()) == RecordStatus.Record)
                {
                    records.Add((reader.RecordOffset, reader.Offset, reader.Payload.ToArray()));
                }
                Assert.Equal(RecordStatus.EndOfData, status);
            }
            var values = new List<(long, string)>();
            var (items, end) = ReadValues(bytes);
            Assert.Equal(EventReadResult.EndOfData, end);
            foreach (var (value, recordEnd) in items)
            {
                values.Add((recordEnd, value));
            }
            Assert.True(records.Count > 1, fixture);
            return new Original
            {
                Name = fixture,
                Bytes = bytes,
                Records = records,
                Payloads = new HashSet<byte[]>(records.Select(r => r.Item3), ByteArrayComparer.Instance),
                Values = values,
                ValueSet = values.Select(v => v.Item2).ToHashSet(StringComparer.Ordinal),
            };
        }
    }

    /// <summary>Reads every value of <paramref name="bytes"/>, each with the end offset of its record, and how reading ended.</summary>
    private static (List<(string Value, long RecordEnd)> Items, EventReadResult End) ReadValues(byte[] bytes)
    {
        var items = new List<(string, long)>();
        using var reader = new EventFileReader(new MemoryStream(bytes), "fuzz", null, null, 0, EventKinds.All);
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    items.Add((Describe(reader.Current), reader.Offset));
                    break;
                case EventReadResult.Value:
                    items.Add((Describe(reader.CurrentValue!), reader.Offset));
                    break;
                case EventReadResult.Error:
                    break;
                case var end:
                    return (items, end);
            }
        }
    }

    // ---------------------------------------------------------------- one case

    private sealed record DamagedCase(Family Family, int Index, ulong Seed, Original Source, byte[] Data, long FirstDamage,
                                      HashSet<int>? Touched, string Mutations)
    {
        public override string ToString() =>
            $"Case {Family}:{Index} seed 0x{Seed:X16} from pytorch/{Source.Name} ({Source.Bytes.Length} bytes -> {Data.Length}); " +
            $"first damaged byte {FirstDamage}; mutations: {Mutations}. Replay: TBPS_FUZZ_CASE={Family}:{Index}";
    }

    private static void RunCase(DamagedCase c, Stats stats)
    {
        var original = c.Source;
        byte[] data = c.Data;
        int expectedPrefix = original.Records.TakeWhile(r => r.End <= c.FirstDamage).Count();

        // 1. The record reader: every record is an original one; the records before the damage come first, in order.
        var read = new List<byte[]>();
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var reader = new RecordReader(new MemoryStream(data)))
        {
            while (true)
            {
                var status = reader.Read();
                if (status == RecordStatus.Record)
                {
                    read.Add(reader.Payload.ToArray());
                }
                else if (status == RecordStatus.Damaged)
                {
                    var d = reader.LastDamage!;
                    Check(d.SkippedBytes > 0 && d.Offset >= 0 && d.Offset + d.SkippedBytes <= data.Length, c, $"bad damage report {d}");
                    stats.Regions++;
                }
                else
                {
                    Check(reader.Offset <= data.Length, c, $"reader ended at {reader.Offset}, past the data");
                    break;
                }
            }
        }
        CheckAllocation(before, data.Length, c, "RecordReader", stats);
        CheckRecords(read, c, expectedPrefix, "RecordReader");
        stats.Records += read.Count;

        // 2. The event reader, every kind: every value is one of the original's, the values before the damage come first.
        before = GC.GetAllocatedBytesForCurrentThread();
        var (values, end) = ReadValuesMeasured(data, c, before, stats);
        Check(end is EventReadResult.EndOfData or EventReadResult.Truncated, c, $"event reader ended with {end}");
        var expectedValues = original.Values.TakeWhile(v => v.RecordEnd <= c.FirstDamage).Select(v => v.Value).ToList();
        Check(values.Count >= expectedValues.Count, c, $"event reader produced {values.Count} values, fewer than the {expectedValues.Count} before the damage");
        for (int i = 0; i < values.Count; i++)
        {
            if (i < expectedValues.Count)
            {
                Check(values[i] == expectedValues[i], c, $"value {i} before the damage differs: {Short(values[i])} instead of {Short(expectedValues[i])}");
            }
            Check(original.ValueSet.Contains(values[i]), c, $"value {i} was not in the original: {Short(values[i])}");
        }
        stats.Values += values.Count;

        // 3. The health check and 4. the repair (one pass: repair is the check with a sink).
        var repaired = new MemoryStream(data.Length);
        before = GC.GetAllocatedBytesForCurrentThread();
        var report = EventFileRepair.WriteIntact(new MemoryStream(data), "fuzz", repaired, default);
        CheckAllocation(before, data.Length, c, "EventFileHealth/EventFileRepair", stats);
        var plain = EventFileHealth.Check(new MemoryStream(data), "fuzz", null, default);
        Check(plain.IntactRecords == report.IntactRecords && plain.Regions.SequenceEqual(report.Regions), c, "the health check and the repair disagree");
        long covered = 0, last = -1;
        foreach (var region in report.Regions)
        {
            Check(region.Offset > last && region.Length > 0 && region.Offset + region.Length <= data.Length, c, $"bad region {region}");
            last = region.Offset;
            covered += region.Length;
        }
        byte[] output = repaired.ToArray();
        Check(output.Length + covered == data.Length, c, $"repaired {output.Length} bytes + damaged {covered} != {data.Length}");
        Check(report.IsHealthy == (output.Length == data.Length), c, "health verdict does not match what the repair kept");

        var kept = new List<byte[]>();
        using (var again = new RecordReader(new MemoryStream(output)))
        {
            RecordStatus status;
            while ((status = again.Read()) == RecordStatus.Record)
            {
                kept.Add(again.Payload.ToArray());
            }
            Check(status == RecordStatus.EndOfData, c, $"the repaired output reads as {status}, not to a clean end");
        }
        Check(kept.Count == report.IntactRecords, c, $"repair kept {kept.Count} records, the health check counted {report.IntactRecords}");
        CheckRecords(kept, c, expectedPrefix, "repair");
        // The record reader and the repair read past the same damage: the reader's records that are events are exactly
        // what the repair kept (a lying length, a damaged first header, no longer make the reader stop early).
        var readEvents = read.Where(IsEvent).ToList();
        Check(readEvents.Count == kept.Count && readEvents.Zip(kept).All(p => p.First.AsSpan().SequenceEqual(p.Second)), c,
              $"the record reader read {readEvents.Count} event records, the repair kept {kept.Count}: they must be the same records");
        var recheck = EventFileHealth.Check(new MemoryStream(output), "repaired", null, default);
        Check(recheck.IsHealthy && recheck.IntactRecords == kept.Count, c, $"the repaired output is not healthy: {recheck.Regions.Count} regions");

        if (c.Touched is not null)
        {
            // A point mutation costs exactly the records it touched, whatever their lengths claim.
            var expected = original.Records.Where((_, i) => !c.Touched.Contains(i)).Select(r => r.Payload).ToList();
            Check(kept.Count == expected.Count && kept.Zip(expected).All(p => p.First.AsSpan().SequenceEqual(p.Second)), c,
                  $"repair kept {kept.Count} records; expected all {expected.Count} the damage did not touch (touched: {string.Join(",", c.Touched)})");
        }
    }

    private static (List<string> Values, EventReadResult End) ReadValuesMeasured(byte[] data, DamagedCase c, long before, Stats stats)
    {
        // Collect the raw values first so that describing them is not counted as the reader's allocation.
        var raw = new List<object>();
        EventReadResult end;
        using (var reader = new EventFileReader(new MemoryStream(data), "fuzz", null, null, 0, EventKinds.All))
        {
            while (true)
            {
                var next = reader.Next();
                if (next == EventReadResult.Scalar)
                {
                    raw.Add(reader.Current);
                }
                else if (next == EventReadResult.Value)
                {
                    raw.Add(reader.CurrentValue!);
                }
                else if (next != EventReadResult.Error)
                {
                    end = next;
                    break;
                }
            }
        }
        // Boxing the scalars costs 48 bytes each: not the reader's.
        long boxing = raw.Count * 64L;
        CheckAllocation(before + boxing, data.Length, c, "EventFileReader", stats);
        return (raw.Select(v => v is ScalarRecord s ? Describe(s) : Describe((ValueRecord)v)).ToList(), end);
    }

    private static void CheckRecords(List<byte[]> records, DamagedCase c, int expectedPrefix, string who)
    {
        var original = c.Source;
        Check(records.Count >= expectedPrefix, c, $"{who} recovered {records.Count} records, fewer than the {expectedPrefix} before the damage");
        int next = 0; // records must be a subsequence of the original's, in order
        for (int i = 0; i < records.Count; i++)
        {
            Check(original.Payloads.Contains(records[i]), c, $"{who} record {i} ({records[i].Length} bytes) is not a record of the original");
            if (i < expectedPrefix)
            {
                Check(records[i].AsSpan().SequenceEqual(original.Records[i].Payload), c, $"{who} record {i} before the damage is not the original's record {i}");
            }
            while (next < original.Records.Count && !original.Records[next].Payload.AsSpan().SequenceEqual(records[i]))
            {
                next++;
            }
            Check(next < original.Records.Count, c, $"{who} records are out of the original's order at record {i}");
            next++;
        }
    }

    private static void CheckAllocation(long before, int length, DamagedCase c, string who, Stats stats)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long limit = AllocationFactor * (long)length + AllocationConstant;
        Check(allocated <= limit, c, $"{who} allocated {allocated} bytes for a {length}-byte file (limit {limit})");
        stats.Allocated(allocated, limit);
    }

    private static void Check(bool condition, DamagedCase c, string what)
    {
        if (!condition)
        {
            throw new FuzzFailure(what);
        }
    }

    private sealed class FuzzFailure(string message) : Exception(message);

    private static string Short(string s) => s.Length <= 160 ? s : s[..160] + "...";

    // ---------------------------------------------------------------- making cases

    private static ulong CaseSeed(Family family, int index)
    {
        // SplitMix64 of the base seed, the family and the index: stable across runs and machines.
        ulong z = BaseSeed + ((ulong)family << 40) + (ulong)index * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static DamagedCase MakeCase(Family family, int index)
    {
        ulong seed = CaseSeed(family, index);
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var source = Originals.Value[rng.Next(Originals.Value.Length)];
        var data = new List<byte>(source.Bytes);
        var notes = new StringBuilder();
        long first = long.MaxValue;
        HashSet<int>? touched = family is Family.ByteFlips or Family.LyingLengthWrongCrc or Family.LyingLengthValidCrc ? new() : null;
        if (family == Family.Combined)
        {
            int steps = rng.Next(2, 5);
            for (int s = 0; s < steps; s++)
            {
                var each = (Family)rng.Next((int)Family.Combined);
                first = Math.Min(first, Mutate(each, rng, data, source, null, notes));
            }
        }
        else
        {
            first = Mutate(family, rng, data, source, touched, notes);
        }
        return new DamagedCase(family, index, seed, source, data.ToArray(), first, touched, notes.ToString().TrimEnd(' ', ','));
    }

    /// <summary>Applies one mutation; returns the first byte it damaged.</summary>
    private static long Mutate(Family family, Random rng, List<byte> data, Original source, HashSet<int>? touched, StringBuilder notes)
    {
        int length = data.Count;
        switch (family)
        {
            case Family.Truncation:
            {
                int at = rng.Next(0, length);
                data.RemoveRange(at, length - at);
                notes.Append($"truncate@{at}, ");
                return at;
            }
            case Family.ByteFlips:
            {
                int n = rng.Next(1, 9);
                long min = long.MaxValue;
                for (int i = 0; i < n && length > 0; i++)
                {
                    int at = rng.Next(0, length);
                    byte mask = (byte)rng.Next(1, 256);
                    data[at] ^= mask;
                    min = Math.Min(min, at);
                    touched?.Add(RecordAt(source, at));
                    notes.Append($"flip@{at}^0x{mask:X2}, ");
                }
                return min;
            }
            case Family.InsertedBytes:
            {
                int at = rng.Next(0, length + 1);
                var bytes = new byte[rng.Next(1, 65)];
                rng.NextBytes(bytes);
                data.InsertRange(at, bytes);
                notes.Append($"insert@{at}+{bytes.Length}, ");
                return at;
            }
            case Family.DeletedRanges:
            {
                if (length == 0)
                {
                    return long.MaxValue;
                }
                int at = rng.Next(0, length);
                int n = rng.Next(1, Math.Min(256, length - at) + 1);
                data.RemoveRange(at, n);
                notes.Append($"delete@{at}-{n}, ");
                return at;
            }
            case Family.ZeroedTail:
            {
                int n = rng.Next(1, Math.Max(2, length));
                if (rng.Next(2) == 0 && n <= length)
                {
                    // Overwritten with zeros: the file system kept the size but not the data.
                    for (int i = length - n; i < length; i++)
                    {
                        data[i] = 0;
                    }
                    notes.Append($"zero-last-{n}, ");
                    return length - n;
                }
                // Grown with zeros: the size reached the disk before the data did.
                data.AddRange(new byte[Math.Min(n, 4096)]);
                notes.Append($"append-zeros-{Math.Min(n, 4096)}, ");
                return length;
            }
            case Family.LyingLengthWrongCrc:
            case Family.LyingLengthValidCrc:
            {
                // Only on the original's record starts: after an earlier insertion or deletion they
                // may be elsewhere, which is just more damage.
                int k = rng.Next(source.Records.Count);
                int at = (int)source.Records[k].Offset;
                if (at + TfRecord.HeaderSize > length)
                {
                    return long.MaxValue;
                }
                ulong truth = (ulong)(source.Records[k].End - source.Records[k].Offset - TfRecord.Overhead);
                long remaining = Math.Max(0, length - at - TfRecord.Overhead);
                ulong lie = rng.Next(8) switch
                {
                    0 => ulong.MaxValue,
                    1 => 1UL << 62,
                    2 => 0x8000_0000_0000_0000UL | (ulong)rng.NextInt64(),         // negative as an int64
                    3 => (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63),      // anything
                    4 => (ulong)int.MaxValue - (ulong)rng.Next(0, 40),             // around the reader's own limit
                    5 => (ulong)remaining + (ulong)rng.Next(1, 1 << 20),           // just past the end of the file
                    6 => (ulong)rng.NextInt64(0, remaining + 1),                   // inside the file, shorter or longer
                    _ => truth + (ulong)rng.Next(1, 64),                           // a little longer than the truth
                };
                if (lie == truth)
                {
                    lie++;
                }
                Span<byte> header = stackalloc byte[TfRecord.HeaderSize];
                for (int i = 0; i < TfRecord.HeaderSize; i++)
                {
                    header[i] = data[at + i];
                }
                BitConverter.TryWriteBytes(header, lie);
                bool valid = family == Family.LyingLengthValidCrc;
                if (valid)
                {
                    BitConverter.TryWriteBytes(header[8..], MaskedCrc32C.ComputeMasked(header[..8]));
                }
                for (int i = 0; i < TfRecord.HeaderSize; i++)
                {
                    data[at + i] = header[i];
                }
                touched?.Add(k);
                notes.Append($"length@{at}(record {k})={lie}/0x{lie:X16} {(valid ? "valid" : "wrong")} crc, ");
                return at;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(family));
        }
    }

    private static int RecordAt(Original source, long offset)
    {
        for (int i = 0; i < source.Records.Count; i++)
        {
            if (offset < source.Records[i].End)
            {
                return i;
            }
        }
        return source.Records.Count;
    }

    // ---------------------------------------------------------------- comparing values

    private static string Bits(double d) => BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture);

    private static string Describe(ScalarRecord s) => $"S|{s.Tag}|{s.Step}|{Bits(s.WallTime)}|{Bits(s.Value)}";

    private static string Describe(ValueRecord v)
    {
        string head = $"{v.Tag}|{v.Step}|{Bits(v.WallTime)}";
        return v switch
        {
            ImageRecord i => $"I|{head}|{i.Width}|{i.Height}|{i.Channels}|{i.Format}|{i.Sample}|{Convert.ToBase64String(i.Encoded)}",
            AudioRecord a => $"A|{head}|{Bits(a.SampleRate)}|{a.Channels}|{a.Frames}|{a.ContentType}|{a.Sample}|{a.Label}|{Convert.ToBase64String(a.Encoded)}",
            TextRecord t => $"T|{head}|{string.Join("\u0001", t.Strings)}|{string.Join(",", t.Shape)}",
            HistogramRecord h => $"H|{head}|{Bits(h.Min)}|{Bits(h.Max)}|{Bits(h.Count)}|{Bits(h.Sum)}|{Bits(h.SumSquares)}|" +
                                 string.Join(";", h.Buckets.Select(b => $"{Bits(b.Left)},{Bits(b.Right)},{Bits(b.Count)}")),
            TensorRecord r => $"X|{head}|{r.Plugin}|{r.DType}|{string.Join(",", r.Shape)}|" +
                              string.Join(";", r.Values.Cast<object>().Select(o => o is double d ? Bits(d) : o?.ToString())) + "|" +
                              string.Join(";", (r.Bytes ?? []).Select(Convert.ToBase64String)) + "|" + Convert.ToBase64String(r.PluginContent),
            GraphRecord g => $"G|{head}|{g.Content}|{g.Producer}|{string.Join(";", g.Devices)}|{Convert.ToBase64String(g.Bytes)}",
            MeshRecord m => $"M|{head}|{m.JsonConfig}|{m.Components}|" + string.Join("|", new[] { m.Vertices, m.Faces, m.Colors }.Select(t => t is null
                ? "-" : $"{t.DType}:{string.Join(",", t.Shape)}:{string.Join(";", t.Values.Select(Bits))}")),
            PrCurveRecord c => $"P|{head}|{c.NumThresholds}|" + string.Join(";", c.Flatten().Select(Bits)),
            LayoutRecord l => $"L|{head}|" + Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(TbPowerShell.Core.Summaries.CustomScalarLayouts.ToProto(l.Categories))),
            _ => throw new InvalidOperationException($"unknown value record {v.GetType().Name}"),
        };
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
