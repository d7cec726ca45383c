using System.Text.RegularExpressions;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Writing;

public class WriterRoundTripTests
{
    private static readonly double[] Values =
    [
        0.0, -0.0, 1.0, -1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        float.MaxValue, float.MinValue, float.Epsilon /* smallest denormal */, 1e-40 /* denormal */,
        0.1 /* rounds to float32 */, 123456.789, 1e300 /* overflows float32 to +Inf */, -1e-50 /* underflows to -0.0 */,
    ];

    private static readonly long[] Steps =
    [
        long.MinValue, long.MinValue + 1, int.MinValue, -1, 0, 1, 127, 128, int.MaxValue, (long)int.MaxValue + 1,
        1L << 53, (1L << 53) + 1, long.MaxValue - 1, long.MaxValue,
    ];

    [Fact]
    public void ScalarsRoundTripExactly()
    {
        using var temp = new TempDir();
        var written = new List<(string Tag, long Step, double Wall, double Value)>();
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            int i = 0;
            foreach (double v in Values)
            {
                double wall = 1_700_000_000.0 + i * 0.123456789;
                writer.AddScalar("values", v, i, new TbTimestamp(wall));
                written.Add(("values", i, wall, v));
                i++;
            }
            foreach (long s in Steps)
            {
                writer.AddScalar("steps", s, s, new TbTimestamp(1_600_000_000.5));
                written.Add(("steps", s, 1_600_000_000.5, s));
            }
            const string unicode = "unicode/Ω/损失 ü/🚀";
            writer.AddScalar(unicode, 2.5, 3, new TbTimestamp(1e9 + 0.000001));
            written.Add((unicode, 3, 1e9 + 0.000001, 2.5));
            // Sub-microsecond wall times are kept exactly (a double, not a tick count).
            writer.AddScalar("wall", 1, 1, new TbTimestamp(1_700_000_000.000000119));
            written.Add(("wall", 1, 1_700_000_000.000000119, 1));
        }

        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(written.Count, outcome.Scalars.Count);
        for (int i = 0; i < written.Count; i++)
        {
            var (tag, step, wall, value) = written[i];
            var read = outcome.Scalars[i];
            Assert.Equal(tag, read.Tag);
            Assert.Equal(step, read.Step);
            Bits.Equal(wall, read.WallTime, $"#{i} wall time");
            Bits.Equal((double)(float)value, read.Value, $"#{i} value {value:R}");
        }
        // The special values really are what we think they are after the float32 round trip.
        Assert.True(double.IsNegative(outcome.Scalars[1].Value) && outcome.Scalars[1].Value == 0);
        Assert.True(double.IsNaN(outcome.Scalars[4].Value));
        Assert.True(float.IsSubnormal((float)outcome.Scalars[9].Value));
        Assert.Equal(double.PositiveInfinity, outcome.Scalars[13].Value);
        Assert.True(double.IsNegative(outcome.Scalars[14].Value) && outcome.Scalars[14].Value == 0);
    }

    [Fact]
    public void DefaultWallTimeIsNowAndDefaultStepIsGlobalStep()
    {
        using var temp = new TempDir();
        double before = TbTimestamp.Now.UnixSeconds;
        string path;
        using (var writer = new TbWriter(temp.Path, new TbWriterOptions { GlobalStep = 41 }))
        {
            path = writer.Path;
            writer.AddScalar("a", 1);
            Assert.Equal(42, writer.NextStep());
            writer.AddScalar("a", 2);
            writer.GlobalStep = -7;
            writer.AddScalar("a", 3);
            Assert.Equal(-2, writer.NextStep(5));
        }
        double after = TbTimestamp.Now.UnixSeconds;

        var scalars = Read.File(path).Scalars;
        Assert.Equal([41L, 42L, -7L], scalars.Select(s => s.Step));
        Assert.All(scalars, s => Assert.InRange(s.WallTime, before, after));
        Assert.All(scalars, s => Assert.NotEqual(Math.Floor(s.WallTime), s.WallTime)); // not whole seconds
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path);
        Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddScalar("t", 1, 0, new TbTimestamp(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddScalar("t", 1, 0, new TbTimestamp(double.NaN)));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddScalar("t", 1, 0, new TbTimestamp(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddScalar("t", 1, 0, new TbTimestamp(double.PositiveInfinity)));
        Assert.Equal(0, writer.Pending);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TbWriter(temp.Path, new TbWriterOptions { MaxQueue = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new TbWriter(temp.Path, new TbWriterOptions { FilenameSuffix = "a/b" }));
    }

    [Fact]
    public void FirstRecordIsFileVersionWithWriterName()
    {
        using var temp = new TempDir();
        double before = TbTimestamp.Now.UnixSeconds;
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            writer.AddScalar("x", 1, 0);
        }
        double after = TbTimestamp.Now.UnixSeconds;

        using var records = new RecordReader(path);
        Assert.Equal(RecordStatus.Record, records.Read());
        var first = Event.Parser.ParseFrom(records.Payload.ToArray());
        Assert.Equal(Event.WhatOneofCase.FileVersion, first.WhatCase);
        Assert.Equal("brain.Event:2", first.FileVersion);
        Assert.Equal(TbWriter.WriterName, first.SourceMetadata?.Writer);
        Assert.False(string.IsNullOrEmpty(first.SourceMetadata?.Writer));
        Assert.InRange(first.WallTime, before, after);
        Assert.Equal(0, first.Step);

        Assert.Equal(RecordStatus.Record, records.Read());
        var second = Event.Parser.ParseFrom(records.Payload.ToArray());
        Assert.Equal(Event.WhatOneofCase.Summary, second.WhatCase);
        var value = Assert.Single(second.Summary.Value);
        Assert.Equal("x", value.Tag);
        Assert.Equal(Summary.Types.Value.ValueOneofCase.SimpleValue, value.ValueCase);
        Assert.Equal(1f, value.SimpleValue);
        Assert.Equal(RecordStatus.EndOfData, records.Read());

        using var reader = new EventFileReader(path);
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal("brain.Event:2", reader.FileVersion);
        Assert.Equal(2, reader.RecordsRead);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(".mysuffix")]
    [InlineData(".v2.profile")]
    public void FileNameFollowsTensorFlowsPattern(string? suffix)
    {
        using var temp = new TempDir();
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FilenameSuffix = suffix });
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(temp.Path, Path.GetDirectoryName(writer.Path));
        Assert.Equal(Path.GetFullPath(temp.Path), writer.LogDir);
        string name = Path.GetFileName(writer.Path);

        // Host names may contain dots: anchor the prefix, the 10 digits, then pid, counter and suffix at the end.
        var match = Regex.Match(name, @"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)" + Regex.Escape(suffix ?? "") + "$");
        Assert.True(match.Success, name);
        Assert.InRange(long.Parse(match.Groups[1].Value), before, after);
        Assert.Equal(EventFileName.HostName, match.Groups[2].Value);
        Assert.Equal(Environment.ProcessId.ToString(), match.Groups[3].Value);
        Assert.True(File.Exists(writer.Path));
        Assert.True(EventFileName.IsEventFileName(name));
    }

    [Fact]
    public void EventFileNameCounterMakesNamesDistinctWithinOneSecond()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var names = Enumerable.Range(0, 100).Select(_ => EventFileName.Next(now, ".s")).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.StartsWith("events.out.tfevents.1700000000.", n));
        Assert.All(names, n => Assert.EndsWith(".s", n));
        // Early dates still have 10 digits.
        Assert.StartsWith("events.out.tfevents.0000000005.", EventFileName.Next(DateTimeOffset.FromUnixTimeSeconds(5)));
    }

    [Fact]
    public void AddEventWritesAnyEventAndFillsMissingWallTime()
    {
        using var temp = new TempDir();
        string path;
        double before = TbTimestamp.Now.UnixSeconds;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            writer.AddEvent(new Event
            {
                Step = 9,
                Summary = new Summary { Value = { new Summary.Types.Value { Tag = "via_event", SimpleValue = 0.5f } } },
            });
            writer.AddEvent(new Event { WallTime = 1_700_000_000, Step = 10, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Stop } });
        }

        var scalar = Assert.Single(Read.File(path).Scalars);
        Assert.Equal("via_event", scalar.Tag);
        Assert.Equal(9, scalar.Step);
        Assert.Equal(0.5, scalar.Value);
        Assert.True(scalar.WallTime >= before);

        var events = ReadEvents(path);
        Assert.Equal(3, events.Count);
        Assert.Equal(SessionLog.Types.SessionStatus.Stop, events[2].SessionLog.Status);
        Assert.Equal(1_700_000_000, events[2].WallTime);
    }

    internal static List<Event> ReadEvents(string path)
    {
        var events = new List<Event>();
        using var records = new RecordReader(path);
        RecordStatus status;
        while ((status = records.Read()) == RecordStatus.Record)
        {
            events.Add(Event.Parser.ParseFrom(records.Payload.ToArray()));
        }
        Assert.Equal(RecordStatus.EndOfData, status);
        return events;
    }
}
