using System.Diagnostics;

namespace TbPowerShell.Bench;

/// <summary>The durations of the timed repetitions of one benchmark body (warm-up excluded).</summary>
internal sealed class Timings
{
    private readonly TimeSpan[] _sorted;

    private Timings(TimeSpan[] durations)
    {
        _sorted = durations.OrderBy(d => d).ToArray();
    }

    /// <summary>The median repetition: the figure every benchmark reports.</summary>
    public TimeSpan Median => _sorted[_sorted.Length / 2];

    /// <summary>The fastest repetition, shown beside the median to make the spread visible.</summary>
    public TimeSpan Best => _sorted[0];

    /// <summary>
    /// Runs each body <paramref name="repetitions"/> times, taking turns (A, B, A, B, ...) so that a
    /// change in the machine's load hits every body alike; each body times itself and returns the duration.
    /// </summary>
    public static Timings[] MeasureInterleaved(int repetitions, params Func<TimeSpan>[] bodies)
    {
        var durations = bodies.Select(_ => new TimeSpan[repetitions]).ToArray();
        for (int i = 0; i < repetitions; i++)
        {
            for (int b = 0; b < bodies.Length; b++)
            {
                // Start every repetition from the same heap state, so one run's garbage is not billed to the next.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                durations[b][i] = bodies[b]();
            }
        }
        return durations.Select(d => new Timings(d)).ToArray();
    }

    /// <summary>Items per second at the median duration.</summary>
    public double Rate(long items) => items / Median.TotalSeconds;

    /// <summary>Items per second at the best duration.</summary>
    public double BestRate(long items) => items / Best.TotalSeconds;

    /// <summary>Times <paramref name="body"/> with a stopwatch.</summary>
    public static TimeSpan Time(Action body)
    {
        var clock = Stopwatch.StartNew();
        body();
        return clock.Elapsed;
    }
}
