using System.Diagnostics;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 2: <see cref="EventFileReader.Next"/> reads at least 4 million scalar events a second,
/// CRCs checked, from a file of 1 million. Baseline: the same records (same
/// <see cref="RecordReader"/>, so the same CRC checks) fully decoded with Google.Protobuf's
/// <c>Event.Parser.ParseFrom</c>.
/// </summary>
internal static class ReaderBenchmark
{
    public const double TargetPerSecond = 4e6;

    public static bool Run(int events, int repetitions)
    {
        using var scratch = new ScratchDirectory("reader");
        string path = WriteFile(scratch.NewRunDirectory(), events);
        long fileBytes = new FileInfo(path).Length;

        // Warm-up (and a check that both readers see every event).
        long coreCount = ReadWithCore(path);
        long protobufCount = ReadWithProtobuf(path);
        if (coreCount != events || protobufCount != events)
        {
            throw new InvalidOperationException($"Wrote {events} scalars; the core read {coreCount}, the protobuf baseline {protobufCount}.");
        }
        ReadRecordsOnly(path);

        // The reader runs on one thread, so its CPU time is what it costs even when the machine is
        // busy and the wall time is not (the line below the result shows it).
        var coreCpu = new List<TimeSpan>();
        var timings = Timings.MeasureInterleaved(repetitions,
            () =>
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Timings.Time(() => ReadWithCore(path));
                coreCpu.Add(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
                return wall;
            },
            () => Timings.Time(() => ReadWithProtobuf(path)),
            () => Timings.Time(() => ReadRecordsOnly(path)));
        var (core, protobuf, framing) = (timings[0], timings[1], timings[2]);

        double rate = core.Rate(events);
        double baseline = protobuf.Rate(events);
        bool met = rate >= TargetPerSecond;
        Report.Line($"core reader: {Report.Rate(rate)} events/s; {Report.Ratio(rate / baseline)} the protobuf baseline ({Report.Rate(baseline)} events/s); target >= 4 M/s: {Report.Verdict(met)}");
        Report.Detail($"{events:N0} scalars, {Report.MB(fileBytes)}, CRCs checked, file in the page cache; median of {repetitions} (interleaved): core {Report.Ms(core.Median)} " +
                      $"(best {Report.Rate(core.BestRate(events))}/s), protobuf {Report.Ms(protobuf.Median)}; " +
                      $"framing + CRC alone (RecordReader) {Report.Ms(framing.Median)} = {Report.Rate(framing.Rate(events))} records/s");
        var cpu = coreCpu.Order().ElementAt(coreCpu.Count / 2);
        Report.Detail($"core reader CPU time (process, median): {Report.Ms(cpu)} = {Report.Rate(events / cpu.TotalSeconds)} events per CPU-second; " +
                      "far above the wall-clock rate means the machine was busy");
        return met;
    }

    private static string WriteFile(string dir, int events)
    {
        using var writer = new TbWriter(dir);
        var start = TbTimestamp.Now.UnixSeconds;
        for (int i = 0; i < events; i++)
        {
            writer.AddScalar(ScalarWorkload.Tag(i), ScalarWorkload.Value(i), ScalarWorkload.Step(i), new TbTimestamp(start + i * 1e-3));
        }
        writer.Close();
        return writer.Path;
    }

    private static long ReadWithCore(string path)
    {
        using var reader = new EventFileReader(path);
        long count = 0;
        double sum = 0;
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    count++;
                    sum += reader.Current.Value;
                    break;
                case EventReadResult.EndOfData:
                    GC.KeepAlive(sum);
                    return count;
                default:
                    throw new InvalidDataException($"The core reader reported {reader.LastError?.Message ?? "a truncated file"} in {path}.");
            }
        }
    }

    private static long ReadWithProtobuf(string path)
    {
        using var records = new RecordReader(path);
        long count = 0;
        double sum = 0;
        RecordStatus status;
        while ((status = records.Read()) == RecordStatus.Record)
        {
            var e = Event.Parser.ParseFrom(records.Payload);
            if (e.Summary is null)
            {
                continue;
            }
            foreach (var value in e.Summary.Value)
            {
                if (value.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
                {
                    count++;
                    sum += value.SimpleValue;
                }
            }
        }
        if (status != RecordStatus.EndOfData)
        {
            throw new InvalidDataException($"The protobuf baseline met {status} in {path}.");
        }
        GC.KeepAlive(sum);
        return count;
    }

    private static long ReadRecordsOnly(string path)
    {
        using var records = new RecordReader(path);
        long count = 0;
        while (records.Read() == RecordStatus.Record)
        {
            count++;
        }
        return count;
    }
}
