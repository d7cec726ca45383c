using System.Globalization;

namespace TbPowerShell.Bench;

/// <summary>Formats figures the same way in every benchmark line (invariant culture).</summary>
internal static class Report
{
    /// <summary>A rate such as "3.1 M" or "523 k" (append the unit yourself).</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => Invariant($"{perSecond / 1e6:0.0#} M"),
        >= 1e3 => Invariant($"{perSecond / 1e3:0} k"),
        _ => Invariant($"{perSecond:0}"),
    };

    /// <summary>A ratio such as "9.4x" or "240x".</summary>
    public static string Ratio(double ratio) => ratio >= 20 ? Invariant($"{ratio:0}x") : Invariant($"{ratio:0.0#}x");

    /// <summary>A duration in milliseconds.</summary>
    public static string Ms(TimeSpan duration) =>
        duration.TotalMilliseconds < 10 ? Invariant($"{duration.TotalMilliseconds:0.0} ms") : Invariant($"{duration.TotalMilliseconds:0} ms");

    /// <summary>A byte count in MB (10^6 bytes).</summary>
    public static string MB(long bytes) => Invariant($"{bytes / 1e6:0.0} MB");

    /// <summary>PASS or MISS: a missed target is reported, never an error.</summary>
    public static string Verdict(bool met) => met ? "PASS" : "MISS";

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Prints a benchmark's result line.</summary>
    public static void Line(string text) => Console.WriteLine(text);

    /// <summary>Prints a detail under a result line (indented, so the result lines stand out).</summary>
    public static void Detail(string text) => Console.WriteLine("    " + text);
}
