using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>
/// The reader's short path for small buffered records and plain scalars (<see cref="SimpleScalar"/>) must give exactly
/// what the general path gives, for every payload: these tests read the same files both ways and compare everything
/// produced, scalars bit for bit, values, counted headers and errors with their offsets.
/// </summary>
public sealed class FastScalarPathTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] SimpleEvent(string tag, long step, double wallTime, float value) =>
        new Event
        {
            WallTime = wallTime,
            Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } },
        }.ToByteArray();

    /// <summary>Payloads of every shape the short path must take or must leave alone.</summary>
    private static List<byte[]> VariedPayloads()
    {
        var payloads = new List<byte[]>
        {
            new Event { WallTime = 1.7e9, FileVersion = "brain.Event:2" }.ToByteArray(),
            SimpleEvent("loss", 1, 1.7e9, 0.5f),
            SimpleEvent("loss", 0, 1.7e9, 0.25f),              // step 0: no step field
            SimpleEvent("loss", 3, 0, 0.125f),                 // wall time 0: no wall time field
            SimpleEvent("loss", 0, 0, 0f),                     // only the summary
            SimpleEvent("", 4, 1.7e9, 1f),                     // empty tag
            SimpleEvent("accuracy/ünïcödé/☃", 5, 1.7e9, 2f),
            SimpleEvent(new string('t', 200), 6, 1.7e9, 3f),  // a tag length of two varint bytes
            SimpleEvent("loss", -7, 1.7e9, 4f),                // negative step: a ten-byte varint
            SimpleEvent("loss", long.MaxValue, 1.7e9, 5f),
            SimpleEvent("loss", long.MinValue, -1.5, 6f),
            SimpleEvent("nan", 8, 1.7e9, float.NaN),
            SimpleEvent("inf", 9, 1.7e9, float.NegativeInfinity),
            SimpleEvent("negzero", 10, 1.7e9, -0f),
            SimpleEvent("tiny", 11, 1.7e9, float.Epsilon),
            // Two values in one summary: the general path gives both.
            new Event
            {
                WallTime = 1.7e9, Step = 12,
                Summary = new Summary { Value = { new Summary.Types.Value { Tag = "a", SimpleValue = 1 }, new Summary.Types.Value { Tag = "b", SimpleValue = 2 } } },
            }.ToByteArray(),
            // A simple value with metadata (the first event of a tag, as some writers do).
            new Event
            {
                WallTime = 1.7e9, Step = 13,
                Summary = new Summary
                {
                    Value =
                    {
                        new Summary.Types.Value
                        {
                            Tag = "withmeta", SimpleValue = 3,
                            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" } },
                        },
                    },
                },
            }.ToByteArray(),
            // The same tag as a tensor without metadata: what it is depends on the plugin noted from the metadata above.
            SummaryValuesEvent(new Summary.Types.Value { Tag = "withmeta", Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 2.5f } } }, 14),
            // A scalar tensor of the scalars plugin (TensorFlow 2's encoding).
            SummaryValuesEvent(new Summary.Types.Value { Tag = "tensor_scalar", SimpleValue = 0.75f }, 14),
            SummaryValuesEvent(new Summary.Types.Value { Tag = "tensor_scalar", SimpleValue = 0.5f }, 15),
            // A node_name instead of a tag (TensorFlow 1).
            new Event
            {
                WallTime = 1.7e9, Step = 16,
                Summary = new Summary { Value = { new Summary.Types.Value { NodeName = "node", SimpleValue = 7 } } },
            }.ToByteArray(),
            // A small image: in the buffer, not a scalar.
            SummaryValuesEvent(SummaryValues.Image("img", "\x89PNG tiny"u8.ToArray(), 1, 1, 3), 17),
        };

        // Hand-made encodings a protobuf parser accepts and the short path must leave to the general one.
        byte[] plain = SimpleEvent("loss", 18, 1.7e9, 8f);
        // The step after the summary.
        var reordered = new List<byte>(plain.AsSpan(0, 9).ToArray());
        reordered.AddRange(plain.AsSpan(11).ToArray());
        reordered.AddRange(plain.AsSpan(9, 2).ToArray());
        payloads.Add(reordered.ToArray());
        // The wall time twice (the last one wins).
        payloads.Add([.. plain.AsSpan(0, 9).ToArray(), .. plain]);
        // An unknown field after the summary.
        payloads.Add([.. plain, 0x30, 0x01]);
        // A length written with a redundant continuation byte (an overlong varint): 0x8A 0x00 for 10.
        payloads.Add(OverlongTagLength("loss", 19, 9f));
        // Not a protobuf message at all, and a summary length that runs past the end.
        payloads.Add([0x2A, 0x7F, 0x0A]);
        payloads.Add([0x09, 1, 2, 3]);
        return payloads;
    }

    private static byte[] SummaryValuesEvent(Summary.Types.Value value, long step) =>
        new Event { WallTime = 1.7e9, Step = step, Summary = new Summary { Value = { value } } }.ToByteArray();

    private static byte[] OverlongTagLength(string tag, long step, float value)
    {
        byte[] tagBytes = Encoding.UTF8.GetBytes(tag);
        var inner = new List<byte> { 0x0A, (byte)(tagBytes.Length | 0x80), 0x00 };
        inner.AddRange(tagBytes);
        inner.Add(0x15);
        inner.AddRange(BitConverter.GetBytes(value));
        var summary = new List<byte> { 0x0A, (byte)inner.Count };
        summary.AddRange(inner);
        var ev = new List<byte> { 0x10, (byte)step, 0x2A, (byte)summary.Count };
        ev.AddRange(summary);
        return ev.ToArray();
    }

    private string WriteRecords(IEnumerable<byte[]> payloads, string name = "run")
    {
        string dir = _dir.Sub(name);
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, "events.out.tfevents.1700000000.test");
        using var file = File.Create(path);
        foreach (var payload in payloads)
        {
            var record = new byte[payload.Length + TfRecord.Overhead];
            TfRecord.Write(payload, record);
            file.Write(record);
        }
        return path;
    }

    /// <summary>Everything a reader produced, as text: scalars with their exact bits, values, counted headers, errors.</summary>
    private static List<string> ReadAsText(string path, bool fastPaths, EventKinds kinds, EventKinds counted = EventKinds.None,
                                           Func<string, bool>? filter = null)
    {
        var lines = new List<string>();
        using var reader = new EventFileReader(RecordReader.OpenShared(path), path, filter, null, 0, kinds)
        {
            FastPaths = fastPaths,
            CountedKinds = counted,
        };
        while (true)
        {
            var result = reader.Next();
            switch (result)
            {
                case EventReadResult.Scalar:
                    var s = reader.Current;
                    lines.Add($"scalar {s.Tag}|{s.Step}|{BitConverter.DoubleToInt64Bits(s.WallTime):X}|{BitConverter.DoubleToInt64Bits(s.Value):X}");
                    break;
                case EventReadResult.Value:
                    var v = reader.CurrentValue!;
                    lines.Add($"value {v.GetType().Name}|{v.Tag}|{v.Step}|{BitConverter.DoubleToInt64Bits(v.WallTime):X}|{v}");
                    break;
                case EventReadResult.Counted:
                    lines.Add($"counted {reader.CurrentHeader}");
                    break;
                case EventReadResult.Error:
                    var e = reader.LastError!;
                    lines.Add($"error {e.Kind}|{e.Offset}|{e.SkippedBytes}|{e.ResumedAt}");
                    break;
                default:
                    lines.Add($"end {result} at {reader.Offset}, {reader.RecordsRead} records, version {reader.FileVersion}");
                    return lines;
            }
        }
    }

    private static void AssertSameBothWays(string path)
    {
        foreach (var (kinds, counted) in new[]
                 {
                     (EventKinds.Scalar, EventKinds.None),
                     (EventKinds.All, EventKinds.None),
                     (EventKinds.Scalar | EventKinds.Image, EventKinds.None),
                     (EventKinds.Scalar, EventKinds.All),
                     (EventKinds.Image, EventKinds.Scalar),
                 })
        {
            Assert.Equal(ReadAsText(path, fastPaths: false, kinds, counted), ReadAsText(path, fastPaths: true, kinds, counted));
        }
        Func<string, bool> filter = tag => tag.StartsWith("l", StringComparison.Ordinal) || tag.Length == 0;
        Assert.Equal(ReadAsText(path, false, EventKinds.Scalar, filter: filter), ReadAsText(path, true, EventKinds.Scalar, filter: filter));
    }

    [Fact]
    public void EveryShapeOfEventReadsTheSameBothWays()
    {
        string path = WriteRecords(VariedPayloads());
        AssertSameBothWays(path);

        // And the plain ones are really read: the values, bit for bit, as Google.Protobuf parses them.
        var scalars = ReadAsText(path, true, EventKinds.Scalar);
        Assert.Contains($"scalar nan|8|{BitConverter.DoubleToInt64Bits(1.7e9):X}|{BitConverter.DoubleToInt64Bits(float.NaN):X}", scalars);
        Assert.Contains($"scalar loss|{long.MinValue}|{BitConverter.DoubleToInt64Bits(-1.5):X}|{BitConverter.DoubleToInt64Bits(6.0):X}", scalars);
        Assert.Contains($"scalar |4|{BitConverter.DoubleToInt64Bits(1.7e9):X}|{BitConverter.DoubleToInt64Bits(1.0):X}", scalars);
        Assert.Contains(scalars, line => line.StartsWith("scalar node|16|", StringComparison.Ordinal));
        Assert.Contains(scalars, line => line.StartsWith("scalar tensor_scalar|15|", StringComparison.Ordinal));
        Assert.Contains(scalars, line => line.StartsWith("scalar withmeta|14|", StringComparison.Ordinal));
        Assert.Equal(2, scalars.Count(line => line.StartsWith("error UnparsablePayload", StringComparison.Ordinal)));
    }

    [Fact]
    public void MutatedScalarEventsReadTheSameBothWays()
    {
        // Random byte changes inside otherwise intact records (the record CRC is computed over the changed bytes):
        // whatever the general decoder makes of them, the short path must make the same.
        var random = new Random(20261127);
        var payloads = new List<byte[]>();
        for (int i = 0; i < 4000; i++)
        {
            byte[] payload = SimpleEvent(i % 3 == 0 ? "loss" : "accuracy/top1", random.Next(-2, 300_000), 1.7e9 + i, (float)random.NextDouble());
            int changes = 1 + random.Next(3);
            for (int c = 0; c < changes && payload.Length > 0; c++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        payload[random.Next(payload.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        payload[random.Next(payload.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        payload = payload.AsSpan(0, random.Next(payload.Length)).ToArray();
                        break;
                    default:
                        // A key byte set to one of the keys the short path looks for.
                        payload[random.Next(payload.Length)] = new byte[] { 0x09, 0x10, 0x2A, 0x0A, 0x15, 0x80 }[random.Next(6)];
                        break;
                }
            }
            payloads.Add(payload);
        }
        string path = WriteRecords(payloads);
        AssertSameBothWays(path);
        Assert.Contains(ReadAsText(path, true, EventKinds.Scalar), line => line.StartsWith("error UnparsablePayload", StringComparison.Ordinal));
    }

    [Fact]
    public void DamagedRecordsAreReportedTheSameBothWays()
    {
        // Damage among small records: the short path must leave it to the general one, which reports and resynchronises.
        var payloads = Enumerable.Range(0, 300).Select(i => SimpleEvent("loss", i, 1.7e9 + i, i)).ToList();
        string path = WriteRecords(payloads);
        byte[] bytes = File.ReadAllBytes(path);
        int recordLength = payloads[0].Length + TfRecord.Overhead;
        bytes[10 * recordLength + 20] ^= 0x40;               // a payload byte: data CRC
        bytes[50 * recordLength + 3] ^= 0x01;                // a length byte: length CRC
        bytes[90 * recordLength + recordLength - 1] ^= 0x80; // the stored data CRC
        File.WriteAllBytes(path, bytes[..^7]);               // and a record cut short at the end
        AssertSameBothWays(path);
        var lines = ReadAsText(path, true, EventKinds.Scalar);
        Assert.Equal(3, lines.Count(line => line.StartsWith("error ", StringComparison.Ordinal)));
        Assert.Equal(296, lines.Count(line => line.StartsWith("scalar ", StringComparison.Ordinal)));
        Assert.StartsWith("end Truncated", lines[^1]);
    }

    [Fact]
    public void FixturesReadTheSameBothWays()
    {
        foreach (string dir in Directory.GetDirectories(Fixtures.Path("pytorch")))
        {
            foreach (string file in Directory.GetFiles(dir).Where(f => EventFileName.IsEventFileName(System.IO.Path.GetFileName(f))))
            {
                AssertSameBothWays(file);
            }
        }
    }

    [Fact]
    public void PyTorchScalarsTakeTheShortPath()
    {
        // Every event PyTorch's add_scalar wrote is recognised, and gives what Google.Protobuf's full parse gives.
        using var records = new RecordReader(Fixtures.EventFile("pytorch", "scalars"));
        int plain = 0;
        while (records.Read() == RecordStatus.Record)
        {
            var parsed = Event.Parser.ParseFrom(records.Payload);
            bool isPlain = parsed.Summary is { Value.Count: 1 } summary && summary.Value[0].ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue
                           && summary.Value[0].Metadata is null && summary.Value[0].NodeName.Length == 0;
            bool taken = SimpleScalar.TryDecode(records.Payload, out var tag, out long step, out double wallTime, out float value);
            Assert.Equal(isPlain, taken);
            if (taken)
            {
                plain++;
                Assert.Equal(parsed.Summary!.Value[0].Tag, Encoding.UTF8.GetString(tag));
                Assert.Equal(parsed.Step, step);
                Assert.Equal(BitConverter.DoubleToInt64Bits(parsed.WallTime), BitConverter.DoubleToInt64Bits(wallTime));
                Assert.Equal(BitConverter.SingleToInt32Bits(parsed.Summary.Value[0].SimpleValue), BitConverter.SingleToInt32Bits(value));
            }
        }
        Assert.True(plain >= 10, $"only {plain} plain scalar events in the fixture");
    }
}
