using System.Collections;
using System.Globalization;
using System.Text;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// The mesh plugin's <c>json_config</c> as PyTorch makes it: Python's <c>json.dumps(config, sort_keys=True)</c>, byte
/// for byte: keys sorted by code point, <c>", "</c> and <c>": "</c> as separators, non-ASCII escaped as <c>\uXXXX</c>,
/// floats as Python's <c>repr</c> (<c>75.0</c>, <c>1e-05</c>), NaN and infinities as <c>NaN</c>, <c>Infinity</c>.
/// </summary>
public static class MeshConfigJson
{
    /// <summary>
    /// The JSON of <paramref name="config"/>: dictionaries (keys as text), lists and arrays, strings, booleans,
    /// integers, floating-point numbers and null, nested as deep as wanted; "{}" for null.
    /// </summary>
    /// <exception cref="MeshFormatException">A value is of another type, or the nesting is deeper than 64.</exception>
    public static string Serialize(object? config)
    {
        if (config is null)
        {
            return "{}";
        }
        var text = new StringBuilder();
        Write(text, config, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, int depth)
    {
        if (depth > 64)
        {
            throw new MeshFormatException(MeshError.InvalidConfig, "The configuration is nested more than 64 levels deep.", value);
        }
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(text, s);
                return;
            case char c:
                WriteString(text, c.ToString());
                return;
            case double d:
                text.Append(PythonFloat(d));
                return;
            case float f:
                text.Append(PythonFloat(f));
                return;
            case decimal m:
                text.Append(PythonFloat((double)m));
                return;
            case sbyte or byte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case IDictionary dictionary:
                var entries = new List<KeyValuePair<string, object?>>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    entries.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "null", entry.Value));
                }
                entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                text.Append('{');
                for (int i = 0; i < entries.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    WriteString(text, entries[i].Key);
                    text.Append(": ");
                    Write(text, entries[i].Value, depth + 1);
                }
                text.Append('}');
                return;
            case IEnumerable list:
                text.Append('[');
                bool first = true;
                foreach (object? item in list)
                {
                    if (!first)
                    {
                        text.Append(", ");
                    }
                    first = false;
                    Write(text, item, depth + 1);
                }
                text.Append(']');
                return;
            default:
                throw new MeshFormatException(MeshError.InvalidConfig,
                    $"A {value.GetType().Name} ('{value}') cannot be written as JSON: use dictionaries, lists, strings, numbers, booleans and null.", value);
        }
    }

    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>Python's <c>repr</c> of a float: the shortest digits that read back, in positional notation from 1e-4 to 1e16.</summary>
    public static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0)
        {
            return BitConverter.DoubleToInt64Bits(value) < 0 ? "-0.0" : "0.0";
        }
        string sign = value < 0 ? "-" : string.Empty;
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        string mantissa = r;
        int exponent = 0;
        int e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0)
        {
            mantissa = r[..e];
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        int dot = mantissa.IndexOf('.');
        string digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        // value = 0.digits × 10^point
        int point = (dot >= 0 ? dot : mantissa.Length) + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        point -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        if (point <= -4 || point > 16)
        {
            int x = point - 1;
            string body = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return sign + body + "e" + (x < 0 ? "-" : "+") + Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
        }
        if (point <= 0)
        {
            return sign + "0." + new string('0', -point) + digits;
        }
        if (point >= digits.Length)
        {
            return sign + digits + new string('0', point - digits.Length) + ".0";
        }
        return sign + digits[..point] + "." + digits[point..];
    }
}
