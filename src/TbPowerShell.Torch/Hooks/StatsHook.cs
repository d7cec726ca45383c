namespace TbPowerShell.Torch;

/// <summary>
/// The statistics a hook logs (<see cref="TbHookLog.Stats"/>): mean, std, min, max and the fraction
/// of zeros of the values, as scalars &lt;name&gt;/mean, /std, /min, /max and /zero_fraction.
/// </summary>
internal static class StatsHook
{
    /// <summary>Writes the five scalars of <paramref name="finite"/> (no NaN or infinity; at least one value).</summary>
    public static void Write(TbWriter writer, string tag, double[] finite, long step)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        long zeros = 0;
        foreach (double v in finite)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            if (v == 0)
            {
                zeros++;
            }
        }
        double mean = sum / finite.Length;
        double squares = 0;
        foreach (double v in finite)
        {
            squares += (v - mean) * (v - mean);
        }
        // torch.std's default: the unbiased estimate.
        double std = finite.Length > 1 ? Math.Sqrt(squares / (finite.Length - 1)) : 0;
        writer.AddScalar(tag + "/mean", mean, step);
        writer.AddScalar(tag + "/std", std, step);
        writer.AddScalar(tag + "/min", min, step);
        writer.AddScalar(tag + "/max", max, step);
        writer.AddScalar(tag + "/zero_fraction", (double)zeros / finite.Length, step);
    }
}
