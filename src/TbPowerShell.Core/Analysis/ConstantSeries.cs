namespace TbPowerShell.Core.Analysis;

/// <summary>
/// The one rule for a constant series: TensorBoard's dashboard draws a series whose values all equal
/// its first unsmoothed. Equality is JavaScript's <c>==</c> on numbers, so NaN equals nothing and a
/// series holding a NaN is not constant; an empty series is constant. Fed one value at a time, so it
/// serves a scan, a live follower and a whole array alike.
/// </summary>
public struct ConstantSeries
{
    private double _first;
    private bool _started;
    private bool _differs;

    /// <summary>True while every value added equals the first (true before any value).</summary>
    public readonly bool IsConstant => !_differs;

    /// <summary>Adds the next value of the series; returns <see cref="IsConstant"/> after it.</summary>
    public bool Add(double value)
    {
        if (!_started)
        {
            _started = true;
            _first = value;
        }
        if (!(value == _first))
        {
            _differs = true;
        }
        return !_differs;
    }

    /// <summary>True when every value equals the first (NaN equals nothing, as in JavaScript).</summary>
    public static bool Of(ReadOnlySpan<double> values)
    {
        var series = new ConstantSeries();
        foreach (double v in values)
        {
            if (!series.Add(v))
            {
                return false;
            }
        }
        return true;
    }
}
