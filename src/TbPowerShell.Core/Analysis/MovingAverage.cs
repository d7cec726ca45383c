namespace TbPowerShell.Core.Analysis;

/// <summary>
/// A trailing moving average: the mean of the last <see cref="Window"/> finite values, fewer at the
/// start of a series. Non-finite values pass through unchanged and are left out of the window, as
/// TensorBoard's smoothing leaves them out.
/// </summary>
public sealed class MovingAverage
{
    private readonly double[] _ring;
    private int _count;
    private int _next;
    private double _sum;
    private double _compensation;
    private int _sinceRecompute;

    /// <summary>Starts a series averaged over <paramref name="window"/> values.</summary>
    public MovingAverage(int window)
    {
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must hold at least one value.");
        }
        _ring = new double[window];
    }

    /// <summary>How many values are averaged.</summary>
    public int Window => _ring.Length;

    /// <summary>Feeds the next value and returns the mean of the window ending with it.</summary>
    public double Next(double value)
    {
        if (!double.IsFinite(value))
        {
            return value;
        }
        if (_count == _ring.Length)
        {
            AddToSum(-_ring[_next]);
        }
        else
        {
            _count++;
        }
        _ring[_next] = value;
        _next = (_next + 1) % _ring.Length;
        AddToSum(value);

        // A running sum drifts; summing the window afresh now and then bounds the error
        // without paying the window's length for every value.
        if (++_sinceRecompute >= _ring.Length * 16)
        {
            _sinceRecompute = 0;
            _sum = 0;
            _compensation = 0;
            for (int i = 0; i < _count; i++)
            {
                AddToSum(_ring[i]);
            }
        }
        return (_sum + _compensation) / _count;
    }

    // Kahan–Babuška (Neumaier) summation: exact enough that a window of equal values averages to that value.
    private void AddToSum(double value)
    {
        double t = _sum + value;
        if (Math.Abs(_sum) >= Math.Abs(value))
        {
            _compensation += (_sum - t) + value;
        }
        else
        {
            _compensation += (value - t) + _sum;
        }
        _sum = t;
    }
}
