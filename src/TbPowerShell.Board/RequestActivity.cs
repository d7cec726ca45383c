using System.Diagnostics;

namespace TbPowerShell.Board;

/// <summary>
/// The page's requests in flight, for the read-ahead to stand aside while a page is being served. A lower thread
/// priority alone is not enough: the read-ahead holds a run's lock while it reads that run, and a request that needs the
/// same run would wait for a thread the scheduler keeps for last (a browser on the same small machine takes the cores).
/// So the read-ahead asks <see cref="WaitForQuiet"/> before each run, and goes on only when no request has been in
/// flight for <see cref="QuietPeriod"/>: a request waits at most for the one run being read when it came.
/// </summary>
internal sealed class RequestActivity
{
    /// <summary>How long after the last request ends the page counts as quiet (a page's requests come in bursts).</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest the read-ahead stands aside at once: a page that never stops asking cannot starve it.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private int _inFlight;
    private long _lastEnd;

    /// <summary>Requests begun and not ended.</summary>
    public int InFlight
    {
        get { lock (_gate) return _inFlight; }
    }

    /// <summary>A request begins; end it with <see cref="End"/> once its answer is written.</summary>
    public void Begin()
    {
        lock (_gate) _inFlight++;
    }

    /// <summary>A request has been answered.</summary>
    public void End()
    {
        lock (_gate)
        {
            if (_inFlight > 0) _inFlight--;
            _lastEnd = Stopwatch.GetTimestamp();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Waits until no request is in flight and none has ended within <see cref="QuietPeriod"/>, at most
    /// <see cref="LongestWait"/>; false when <paramref name="cancellation"/> ends it first.
    /// </summary>
    public bool WaitForQuiet(CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            while (!cancellation.IsCancellationRequested)
            {
                var waited = Stopwatch.GetElapsedTime(started);
                if (waited >= LongestWait) return true;
                TimeSpan wait;
                if (_inFlight > 0)
                {
                    wait = LongestWait - waited;
                }
                else
                {
                    var sinceEnd = _lastEnd == 0 ? QuietPeriod : Stopwatch.GetElapsedTime(_lastEnd);
                    if (sinceEnd >= QuietPeriod) return true;
                    wait = QuietPeriod - sinceEnd;
                }
                // Woken by End, or on time; a short slice so that a stop is noticed soon.
                Monitor.Wait(_gate, Min(wait, TimeSpan.FromMilliseconds(100)));
            }
            return false;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
