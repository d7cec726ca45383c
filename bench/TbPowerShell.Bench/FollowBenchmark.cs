using System.Diagnostics;
using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 9: memory stays flat while <see cref="EventFollower"/> follows a log directory that a
/// writer keeps growing (tens of seconds, millions of events, several files): managed heap after a
/// full GC and working set are sampled every second; growth from the first sample (after a warm-up
/// of 3 s) to the last, and to the peak, must stay under a small bound. Baseline (same run): the
/// follower's catch-up over the finished directory against <see cref="EventFileReader"/> reading
/// the same files one after another.
/// </summary>
internal static class FollowBenchmark
{
    /// <summary>
    /// Allowed growth of the managed heap (after a full GC), first sample to last and to peak. The
    /// writer's pending buffers (in this process, up to about a megabyte at this pace) come and go
    /// with its flushes; a leak of even one small object per event would be tens of megabytes.
    /// </summary>
    public const long HeapBound = 4_000_000;

    /// <summary>Allowed growth of the working set, first sample to last and to peak.</summary>
    public const long WorkingSetBound = 32_000_000;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    public static bool Run(int seconds, int ratePerSecond, int repetitions)
    {
        using var scratch = new ScratchDirectory("follow");
        int files = 6;
        long perFile = Math.Max(1, (long)seconds * ratePerSecond / files);

        // The writer: paced to the rate, a new file every perFile events, a new run for the second half.
        long written = 0;
        bool writerDone = false;
        Exception? writerFailure = null;
        var writer = new Thread(() =>
        {
            try
            {
                var clock = Stopwatch.StartNew();
                double start = TbTimestamp.Now.UnixSeconds;
                int i = 0;
                for (int f = 0; f < files; f++)
                {
                    string run = Path.Combine(scratch.Path, f < files / 2 ? "run1" : "run2");
                    using var w = new TbWriter(run, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(100) });
                    for (long n = 0; n < perFile; n++, i++)
                    {
                        w.AddScalar(ScalarWorkload.Tag(i), ScalarWorkload.Value(i), ScalarWorkload.Step(i), new TbTimestamp(start + i * 1e-6));
                        if ((i & 1023) == 0)
                        {
                            Interlocked.Exchange(ref written, i);
                            while (clock.Elapsed.TotalSeconds * ratePerSecond < i)
                            {
                                Thread.Sleep(1);
                            }
                        }
                    }
                }
                Interlocked.Exchange(ref written, i);
            }
            catch (Exception e)
            {
                writerFailure = e;
            }
            finally
            {
                Volatile.Write(ref writerDone, true);
            }
        }) { Name = "follow benchmark writer", IsBackground = true };

        var samples = new List<(TimeSpan At, long Heap, long WorkingSet, long Behind)>();
        using var self = Process.GetCurrentProcess();
        using var stop = new CancellationTokenSource();
        var follower = new EventFollower(scratch.Path, new EventFollowerOptions(), stop.Token);
        long followed = 0;
        long stepSum = 0;
        bool finalSampled = false;
        var live = Stopwatch.StartNew();
        var nextSample = WarmUp;
        var cpuBefore = self.TotalProcessorTime;
        writer.Start();
        // Ends the follow once everything written was followed (the follower itself would wait on).
        var watchdog = new Thread(() =>
        {
            while (!(Volatile.Read(ref writerDone) && (writerFailure is not null || Interlocked.Read(ref followed) >= Interlocked.Read(ref written))))
            {
                Thread.Sleep(20);
            }
            stop.Cancel();
        }) { Name = "follow benchmark watchdog", IsBackground = true };
        watchdog.Start();
        foreach (var item in follower)
        {
            if (item.Kind == ReadItemKind.Scalar)
            {
                Interlocked.Increment(ref followed);
                stepSum += item.Scalar.Step;
            }
            else if (item.Kind is not ReadItemKind.CaughtUp)
            {
                throw new InvalidOperationException($"The follower reported {item}");
            }
            if (live.Elapsed >= nextSample)
            {
                nextSample = live.Elapsed + TimeSpan.FromSeconds(1);
                samples.Add(Sample(self, live.Elapsed, Interlocked.Read(ref written) - followed));
            }
            if (!finalSampled && Volatile.Read(ref writerDone) && followed >= Interlocked.Read(ref written))
            {
                // The last sample: everything followed, the follower (and its per-file state) still alive.
                finalSampled = true;
                samples.Add(Sample(self, live.Elapsed, 0));
            }
        }
        var followTime = live.Elapsed;
        var cpu = self.TotalProcessorTime - cpuBefore;
        writer.Join();
        watchdog.Join();
        if (writerFailure is not null)
        {
            throw new InvalidOperationException("The benchmark's writer failed.", writerFailure);
        }
        if (!finalSampled)
        {
            samples.Add(Sample(self, live.Elapsed, 0));
        }
        long total = Interlocked.Read(ref written);
        long expectedSum = Enumerable.Range(0, (int)total).Sum(i => ScalarWorkload.Step(i));
        if (followed != total || stepSum != expectedSum)
        {
            throw new InvalidOperationException($"Wrote {total} scalars; the follower produced {followed} (step sum {stepSum}, expected {expectedSum}).");
        }

        var first = samples[0];
        var last = samples[^1];
        long heapPeak = samples.Max(s => s.Heap);
        long wsPeak = samples.Max(s => s.WorkingSet);
        bool met = last.Heap - first.Heap < HeapBound && heapPeak - first.Heap < HeapBound
                   && last.WorkingSet - first.WorkingSet < WorkingSetBound && wsPeak - first.WorkingSet < WorkingSetBound;
        long bytes = Directory.EnumerateFiles(scratch.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        // Baseline: the same files read after the fact, by the follower's catch-up and by plain readers.
        var timings = Timings.MeasureInterleaved(repetitions,
            () => Timings.Time(() => Check(total, CatchUp(scratch.Path))),
            () => Timings.Time(() => Check(total, ReadPlain(scratch.Path))));
        double catchUp = timings[0].Rate(total);
        double plain = timings[1].Rate(total);

        Report.Line(Report.Invariant($"follower memory while following {total:N0} scalars for {followTime.TotalSeconds:0} s: managed heap {Report.MB(first.Heap)} -> {Report.MB(last.Heap)} (peak {Report.MB(heapPeak)}), working set {Report.MB(first.WorkingSet)} -> {Report.MB(last.WorkingSet)} (peak {Report.MB(wsPeak)}); target growth < {Report.MB(HeapBound)} heap, < {Report.MB(WorkingSetBound)} working set: {Report.Verdict(met)}"));
        Report.Detail(Report.Invariant($"{samples.Count} samples (after a full GC, every second from {WarmUp.TotalSeconds:0} s); {files} files in 2 runs ({Report.MB(bytes)}), writer paced at {Report.Rate(ratePerSecond)} events/s, default poll (500 ms) with a watcher"));
        Report.Detail(Report.Invariant($"followed live: {Report.Rate(total / followTime.TotalSeconds)} events/s (the writer's pace), at most {samples.Max(s => s.Behind):N0} events behind at a sample; process CPU {Report.Ms(cpu)} (writer included)"));
        Report.Detail(Report.Invariant($"catch-up over the finished directory: follower {Report.Rate(catchUp)} events/s = {Report.Ratio(catchUp / plain)} the plain EventFileReader baseline ({Report.Rate(plain)} events/s); median of {repetitions}"));
        return met;
    }

    private static (TimeSpan, long, long, long) Sample(Process self, TimeSpan at, long behind)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        self.Refresh();
        return (at, heap, self.WorkingSet64, behind);
    }

    private static void Check(long expected, long got)
    {
        if (expected != got)
        {
            throw new InvalidOperationException($"Expected {expected} scalars, read {got}.");
        }
    }

    private static long CatchUp(string root)
    {
        using var stop = new CancellationTokenSource();
        long count = 0;
        foreach (var item in new EventFollower(root, new EventFollowerOptions { WakeOnChange = false }, stop.Token))
        {
            if (item.Kind == ReadItemKind.Scalar)
            {
                count++;
            }
            else if (item.Kind == ReadItemKind.CaughtUp)
            {
                stop.Cancel();
            }
        }
        return count;
    }

    private static long ReadPlain(string root)
    {
        long count = 0;
        foreach (var run in LogDirectory.FindRuns(root))
        {
            var state = new RunTagState();
            foreach (string file in run.Files)
            {
                using var reader = new EventFileReader(file, null, state);
                while (reader.Next() == EventReadResult.Scalar)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
