namespace TbPowerShell.Core.Analysis;

/// <summary>
/// The exponential moving average TensorBoard's scalar dashboard draws ("classic smoothing" in its
/// frontend, <c>data_transformer.ts</c>): a first-order low-pass filter started at 0 and debiased by
/// dividing by <c>1 - w^n</c>, where n counts the finite values seen. Non-finite values pass through
/// unchanged and do not advance the filter; a series whose values are all equal is drawn unsmoothed.
/// </summary>
public struct TensorBoardSmoothing
{
    private double _last;
    private int _count;

    /// <summary>Starts a series smoothed with <paramref name="weight"/> (clamped to [0, 1]; NaN counts as 0, as in TensorBoard).</summary>
    public TensorBoardSmoothing(double weight)
    {
        Weight = ClampWeight(weight);
        _last = 0;
        _count = 0;
    }

    /// <summary>The smoothing weight in [0, 1]: 0 is no smoothing, values near 1 smooth heavily.</summary>
    public double Weight { get; }

    /// <summary>The weight TensorBoard uses for a slider value: NaN and infinities become 0, the rest is clamped to [0, 1].</summary>
    public static double ClampWeight(double weight) =>
        double.IsFinite(weight) ? Math.Max(0, Math.Min(weight, 1)) : 0;

    /// <summary>Feeds the next value of the series and returns its smoothed value.</summary>
    public double Next(double value)
    {
        if (!double.IsFinite(value))
        {
            return value;
        }
        // The same operations in the same order as TensorBoard, so results agree to the bit
        // (up to the last bit of Math.Pow, whose rounding browsers and .NET may differ in).
        _last = _last * Weight + (1 - Weight) * value;
        _count++;
        double debias = Weight == 1 ? 1 : 1 - Math.Pow(Weight, _count);
        return _last / debias;
    }

    /// <summary>
    /// Smooths a whole series as TensorBoard draws it: unchanged when every value equals the first
    /// (compared as JavaScript's <c>==</c> does, so a NaN makes a series non-constant).
    /// </summary>
    public static double[] Smooth(ReadOnlySpan<double> values, double weight)
    {
        var result = values.ToArray();
        if (ConstantSeries.Of(values))
        {
            return result;
        }
        var smoothing = new TensorBoardSmoothing(weight);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = smoothing.Next(result[i]);
        }
        return result;
    }
}
