using System.Diagnostics;
using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 1: <see cref="TbWriter.AddScalar"/> in a loop, then <see cref="TbWriter.Close"/>, logs at
/// least 2 million scalar events a second. Baseline: the same events built as Google.Protobuf
/// <see cref="Event"/> messages, serialized and framed with <see cref="TfRecord.Write"/> into a
/// <see cref="FileStream"/> (the naive writer).
/// </summary>
internal static class WriterBenchmark
{
    public const double TargetPerSecond = 2e6;

    /// <summary>PyTorch's published add_scalar rate: a fixed reference, not measured here.</summary>
    public const double PyTorchPerSecond = 13e3;

    public static bool Run(int events, int repetitions)
    {
        using var scratch = new ScratchDirectory("writer");

        // Warm-up: let both paths' loops reach their optimised JIT tier.
        int warmUp = Math.Max(events / 4, 1000);
        WriteWithCore(scratch, warmUp);
        WriteWithProtobuf(scratch, warmUp);

        long coreBytes = 0, protobufBytes = 0;
        var closeTimes = new List<TimeSpan>();
        var coreCpu = new List<TimeSpan>();
        var timings = Timings.MeasureInterleaved(repetitions,
            () =>
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = WriteWithCore(scratch, events, out coreBytes, closeTimes);
                coreCpu.Add(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
                return wall;
            },
            () => WriteWithProtobuf(scratch, events, out protobufBytes));
        var (core, protobuf) = (timings[0], timings[1]);
        if (coreBytes != protobufBytes)
        {
            // Both paths write the same messages: a size difference means one of them lost events.
            throw new InvalidOperationException($"The core wrote {coreBytes} bytes, the protobuf baseline {protobufBytes}: the files should be equal in size.");
        }

        double rate = core.Rate(events);
        double baseline = protobuf.Rate(events);
        bool met = rate >= TargetPerSecond;
        Report.Line($"core writer: {Report.Rate(rate)} events/s; {Report.Ratio(rate / baseline)} the protobuf baseline ({Report.Rate(baseline)} events/s); " +
                    $"{Report.Ratio(rate / PyTorchPerSecond)} PyTorch's 13 k/s (fixed reference, not measured); target >= 2 M/s: {Report.Verdict(met)}");
        Report.Detail($"{events:N0} AddScalar calls + Close (fsync) per repetition, median of {repetitions} (interleaved): core {Report.Ms(core.Median)} (best {Report.Rate(core.BestRate(events))}/s), " +
                      $"protobuf {Report.Ms(protobuf.Median)} (best {Report.Rate(protobuf.BestRate(events))}/s); {Report.MB(coreBytes)} per file");
        Report.Detail($"of the core's time, Close (write the rest, fsync) took a median {Report.Ms(Median(closeTimes))}; " +
                      $"CPU time of the process (caller and background thread) {Report.Ms(Median(coreCpu))}");
        return met;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static TimeSpan WriteWithCore(ScratchDirectory scratch, int events) => WriteWithCore(scratch, events, out _, null);

    private static TimeSpan WriteWithCore(ScratchDirectory scratch, int events, out long fileBytes, List<TimeSpan>? closeTimes)
    {
        string dir = scratch.NewRunDirectory();
        var clock = Stopwatch.StartNew();
        var writer = new TbWriter(dir);
        for (int i = 0; i < events; i++)
        {
            writer.AddScalar(ScalarWorkload.Tag(i), ScalarWorkload.Value(i), ScalarWorkload.Step(i));
        }
        var loop = clock.Elapsed;
        writer.Close();
        var elapsed = clock.Elapsed;
        closeTimes?.Add(elapsed - loop);
        fileBytes = new FileInfo(writer.Path).Length;
        Directory.Delete(dir, recursive: true);
        return elapsed;
    }

    private static TimeSpan WriteWithProtobuf(ScratchDirectory scratch, int events) => WriteWithProtobuf(scratch, events, out _);

    private static TimeSpan WriteWithProtobuf(ScratchDirectory scratch, int events, out long fileBytes)
    {
        string dir = scratch.NewRunDirectory();
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "events.out.tfevents.baseline");
        var elapsed = Timings.Time(() =>
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            WriteRecord(file, new Event
            {
                WallTime = TbTimestamp.Now.UnixSeconds,
                FileVersion = "brain.Event:2",
                SourceMetadata = new SourceMetadata { Writer = TbWriter.WriterName },
            });
            for (int i = 0; i < events; i++)
            {
                WriteRecord(file, new Event
                {
                    WallTime = TbTimestamp.Now.UnixSeconds,
                    Step = ScalarWorkload.Step(i),
                    Summary = new Summary
                    {
                        Value = { new Summary.Types.Value { Tag = ScalarWorkload.Tag(i), SimpleValue = (float)ScalarWorkload.Value(i) } },
                    },
                });
            }
            file.Flush(flushToDisk: true);
        });
        fileBytes = new FileInfo(path).Length;
        Directory.Delete(dir, recursive: true);
        return elapsed;
    }

    private static void WriteRecord(FileStream file, Event e)
    {
        byte[] payload = e.ToByteArray();
        var record = new byte[payload.Length + TfRecord.Overhead];
        TfRecord.Write(payload, record);
        file.Write(record);
    }
}
