using System.Globalization;
using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>
/// Turns pipeline values into numbers and times with the invariant culture. PowerShell's own
/// conversion would turn the string "-0" into +0.0 and depends on the culture.
/// </summary>
internal static class ValueParsing
{
    public static bool TryGetDouble(object? input, out double value)
    {
        value = 0;
        switch (Unwrap(input))
        {
            case double d: value = d; return true;
            case float f: value = f; return true;
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short s: value = s; return true;
            case byte b: value = b; return true;
            case sbyte sb: value = sb; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case ulong ul: value = ul; return true;
            case decimal m: value = (double)m; return true;
            case Half h: value = (double)h; return true;
            case string text: return TryParseDouble(text, out value);
            case { } other when TorchBridge.IsTensor(other):
                try
                {
                    value = TorchBridge.ToScalar(other);
                    return true;
                }
                catch (ArgumentException)
                {
                    return false; // more than one element
                }
            default: return false;
        }
    }

    public static bool TryParseDouble(string text, out double value)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        // Export-Csv writes numbers in the current culture ("0,25" under de-DE): accept that too.
        var culture = CultureInfo.CurrentCulture;
        if (!ReferenceEquals(culture, CultureInfo.InvariantCulture)
            && double.TryParse(text, NumberStyles.Float, culture, out value))
        {
            return true;
        }
        switch (text.ToLowerInvariant())
        {
            case "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity" or "∞" or "+∞": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity" or "-∞": value = double.NegativeInfinity; return true;
            default: return false;
        }
    }

    public static object? Unwrap(object? input) => input is PSObject pso ? pso.BaseObject : input;

    /// <summary>
    /// A step: a whole number in the range of <see cref="long"/>. Integers, integral doubles and decimals, and strings
    /// of such numbers (invariant culture) are steps; a fractional value (1.5) is not (PowerShell would round it to 2).
    /// </summary>
    public static bool TryGetStep(object? input, out long step)
    {
        step = 0;
        switch (Unwrap(input))
        {
            case long l: step = l; return true;
            case int i: step = i; return true;
            case short s: step = s; return true;
            case byte b: step = b; return true;
            case sbyte sb: step = sb; return true;
            case ushort us: step = us; return true;
            case uint ui: step = ui; return true;
            case ulong ul when ul <= long.MaxValue: step = (long)ul; return true;
            case decimal m when decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue: step = (long)m; return true;
            case string text:
                text = text.Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out step))
                {
                    return true;
                }
                return TryParseDouble(text, out double parsed) && TryIntegral(parsed, out step);
            case double d: return TryIntegral(d, out step);
            case float f: return TryIntegral(f, out step);
            default: return false;
        }
    }

    // 2^63 is the first double past long.MaxValue; every double below it in magnitude converts exactly when integral.
    private static bool TryIntegral(double d, out long step)
    {
        step = 0;
        if (!double.IsFinite(d) || Math.Floor(d) != d || d < -9.2233720368547758E18 || d >= 9.2233720368547758E18)
        {
            return false;
        }
        step = (long)d;
        return true;
    }
}

/// <summary>
/// Binds a step: whole numbers only (see <see cref="ValueParsing.TryGetStep"/>), so <c>-Step 1.5</c> is an error
/// instead of PowerShell's rounding to 2.
/// </summary>
internal sealed class StepTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? input = ValueParsing.Unwrap(inputData);
        if (input is null or string { Length: 0 })
        {
            return null;
        }
        if (ValueParsing.TryGetStep(input, out long step))
        {
            return step;
        }
        throw new ArgumentTransformationMetadataException(
            $"'{input}' is not a step: a step is a whole number from {long.MinValue} to {long.MaxValue}.");
    }
}

/// <summary>Binds dates, <see cref="TbTimestamp"/>s, Unix seconds and ISO 8601 strings (invariant culture) to a wall-time parameter.</summary>
internal sealed class TbTimestampTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? input = ValueParsing.Unwrap(inputData);
        switch (input)
        {
            case null:
                return null;
            case TbTimestamp t:
                return t;
            case DateTimeOffset dto:
                return TbTimestamp.FromDateTimeOffset(dto);
            case DateTime dt:
                return TbTimestamp.FromDateTime(dt);
            case string s when string.IsNullOrWhiteSpace(s):
                return null;
            case string s:
                if (TbTimestamp.TryParse(s, out var parsed))
                {
                    return parsed;
                }
                throw new ArgumentTransformationMetadataException(
                    $"'{s}' is not a wall time: give a date, an ISO 8601 string or a number of Unix seconds.");
            default:
                if (ValueParsing.TryGetDouble(input, out double seconds))
                {
                    return new TbTimestamp(seconds);
                }
                throw new ArgumentTransformationMetadataException(
                    $"A {input.GetType().Name} is not a wall time: give a date, an ISO 8601 string or a number of Unix seconds.");
        }
    }
}

/// <summary>Binds numbers as seconds, strings as seconds or <c>hh:mm:ss</c>, and time spans to a time-span parameter.</summary>
internal sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? input = ValueParsing.Unwrap(inputData);
        switch (input)
        {
            case TimeSpan span:
                return span;
            case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var parsed) && s.Contains(':'):
                return parsed;
            default:
                if (ValueParsing.TryGetDouble(input, out double seconds) && double.IsFinite(seconds))
                {
                    return TimeSpan.FromSeconds(seconds);
                }
                throw new ArgumentTransformationMetadataException(
                    $"'{input}' is not a time span: give seconds (e.g. 5 or 0.5) or a TimeSpan.");
        }
    }
}
