namespace TbPowerShell.Core.Analysis;

/// <summary>
/// The smoothed figure of one series (a run and tag) as TensorBoard draws it: a moving average, or its
/// EMA, except that a series is drawn raw while it is constant (<see cref="ConstantSeries"/>). Whether
/// the whole series is constant may be known beforehand from a scan; a series seen changing there is
/// smoothed from its first value, one seen constant (or unknown, as one appearing while following) is
/// drawn raw until a value differs.
/// </summary>
public sealed class SeriesSmoother
{
    private TensorBoardSmoothing _ema;
    private readonly MovingAverage? _average;
    private ConstantSeries _seen;
    private bool _constantSoFar;

    /// <summary>Smooths with a moving average of <paramref name="movingAverage"/> values when given, else with TensorBoard's EMA of <paramref name="weight"/>.</summary>
    /// <param name="weight">The EMA weight (ignored with a moving average).</param>
    /// <param name="movingAverage">The moving-average window, or null for the EMA.</param>
    /// <param name="constantOverall">What a scan found of the whole series: constant, changing, or null when unknown.</param>
    public SeriesSmoother(double weight, int? movingAverage, bool? constantOverall)
    {
        if (movingAverage is int window)
        {
            _average = new MovingAverage(window);
        }
        else
        {
            _ema = new TensorBoardSmoothing(weight);
        }
        _constantSoFar = constantOverall ?? true;
    }

    /// <summary>Feeds the next value and returns its smoothed figure.</summary>
    public double Next(double value)
    {
        if (_average is not null)
        {
            return _average.Next(value);
        }
        // The filter runs over every value, so a series that stops being constant while being
        // followed goes on exactly as the dashboard would smooth it from the start.
        double smoothed = _ema.Next(value);
        if (_constantSoFar && _seen.Add(value))
        {
            return value;
        }
        _constantSoFar = false;
        return smoothed;
    }
}
