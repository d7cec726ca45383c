using System.Diagnostics;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 11: over 50 runs of 200 thousand scalars, <see cref="RunReader"/> uses both cores: its
/// speed-up over the sequential read of the same runs (<see cref="RunReader.ReadSequentially"/>, same
/// code on one thread) and its process CPU time per wall time. Also <see cref="RunSummaryScanner"/>
/// (what Get-TbRun and Get-TbTag run) against its sequential scan.
/// </summary>
internal static class RunsBenchmark
{
    public static bool Run(int runs, int scalarsPerRun, int repetitions)
    {
        using var scratch = new ScratchDirectory("runs");
        for (int r = 0; r < runs; r++)
        {
            using var writer = new TbWriter(Path.Combine(scratch.Path, $"run{r:000}"));
            double start = TbTimestamp.Now.UnixSeconds;
            for (int i = 0; i < scalarsPerRun; i++)
            {
                writer.AddScalar(ScalarWorkload.Tag(i), ScalarWorkload.Value(i), ScalarWorkload.Step(i), new TbTimestamp(start + i * 1e-3));
            }
        }
        var found = LogDirectory.FindRuns(scratch.Path);
        long total = (long)runs * scalarsPerRun;
        long bytes = found.Sum(r => r.TotalBytes);
        var reader = new RunReader(found);
        var scanner = new RunSummaryScanner(found);
        if (Consume(reader.Read()) != total || Consume(reader.ReadSequentially()) != total)
        {
            throw new InvalidOperationException("The parallel and sequential reads disagree with what was written.");
        }
        Scan(scanner.Scan(), total);
        Scan(scanner.ScanSequentially(), total);

        var cpu = new TimeSpan[4][];
        for (int i = 0; i < 4; i++)
        {
            cpu[i] = new TimeSpan[repetitions];
        }
        int rep = 0;
        Func<TimeSpan> Timed(int index, Action body) => () =>
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Timings.Time(body);
            cpu[index][rep / 4 % repetitions] = Process.GetCurrentProcess().TotalProcessorTime - before;
            rep++;
            return wall;
        };
        var t = Timings.MeasureInterleaved(repetitions,
            Timed(0, () => Consume(reader.Read())),
            Timed(1, () => Consume(reader.ReadSequentially())),
            Timed(2, () => Scan(scanner.Scan(), total)),
            Timed(3, () => Scan(scanner.ScanSequentially(), total)));
        double Usage(int index, Timings timings) => Median(cpu[index]).TotalSeconds / timings.Median.TotalSeconds;

        double speedUp = t[1].Median / t[0].Median;
        double scanSpeedUp = t[3].Median / t[2].Median;
        bool met = Environment.ProcessorCount < 2 || (speedUp >= 1.5 && Usage(0, t[0]) >= 1.6);
        Report.Line(Report.Invariant($"parallel multi-run read ({runs} runs x {scalarsPerRun:N0} scalars): {Report.Rate(total / t[0].Median.TotalSeconds)} scalars/s; {Report.Ratio(speedUp)} the sequential read ({Report.Rate(total / t[1].Median.TotalSeconds)} scalars/s); CPU/wall {Usage(0, t[0]):0.00} (sequential {Usage(1, t[1]):0.00}) on {Environment.ProcessorCount} cores: {Report.Verdict(met)}"));
        Report.Detail(Report.Invariant($"{Report.MB(bytes)} in {runs} files, page cache; median of {repetitions} (interleaved): parallel {Report.Ms(t[0].Median)}, sequential {Report.Ms(t[1].Median)}; every item (ScalarRecord, run, file, offset) consumed on the calling thread"));
        Report.Detail(Report.Invariant($"run summary scan (Get-TbRun's core): {Report.Ms(t[2].Median)} = {Report.Rate(total / t[2].Median.TotalSeconds)} scalars/s; {Report.Ratio(scanSpeedUp)} its sequential scan ({Report.Ms(t[3].Median)}); CPU/wall {Usage(2, t[2]):0.00} (sequential {Usage(3, t[3]):0.00})"));
        return met;
    }

    private static TimeSpan Median(TimeSpan[] values) => values.Order().ElementAt(values.Length / 2);

    private static long Consume(IEnumerable<RunReadItem> items)
    {
        long count = 0;
        double sum = 0;
        foreach (var item in items)
        {
            if (item.Kind == ReadItemKind.Scalar)
            {
                count++;
                sum += item.Scalar.Value;
            }
        }
        GC.KeepAlive(sum);
        return count;
    }

    private static void Scan(IEnumerable<RunReadItem> items, long expected)
    {
        long values = items.Where(i => i.Kind == ReadItemKind.Summary).Sum(i => i.Summary!.Values);
        if (values != expected)
        {
            throw new InvalidOperationException($"The scan counted {values} values; {expected} were written.");
        }
    }
}
