using System.Collections;
using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>Flattens what PowerShell passes as "an array of numbers" (typed arrays, object[], nested arrays, lists).</summary>
internal static class ArrayInput
{
    /// <summary>
    /// The values a row carries: PowerShell binds any piped object to an <c>object</c> parameter by value before it looks
    /// at property names, so a row such as <c>[pscustomobject]@{ Tag = 'w'; Value = $weights }</c> (or an event of
    /// Get-TbEvent) arrives whole. For such an object (not a number, string, collection or tensor) this is its
    /// <c>Data</c> property, else its <c>Value</c> property, as binding by name would give; anything else is returned as it is.
    /// </summary>
    public static object? ValuesOfRow(object? data)
    {
        object? item = ValueParsing.Unwrap(data);
        if (item is null || item is string || item is IEnumerable || item.GetType().IsPrimitive || item is decimal || TorchBridge.IsTensor(item))
        {
            return data;
        }
        var properties = PSObject.AsPSObject(data!).Properties;
        var property = properties["Data"] ?? properties["Value"];
        return property is null ? data : property.Value;
    }

    /// <summary>True when <paramref name="data"/> is a byte[] (taken as raw 0–255 pixel values).</summary>
    public static bool IsBytes(object? data) => ValueParsing.Unwrap(data) is byte[];

    /// <summary>
    /// How many numbers <paramref name="data"/> holds once flattened, counted without copying anything (a typed array
    /// by its length, nested arrays and lists element by element, a tensor by its shape), so that a shape can be
    /// checked against the data before it is converted.
    /// </summary>
    public static long Count(object? data)
    {
        object? item = ValueParsing.Unwrap(data);
        switch (item)
        {
            case null:
            case string:
                return 1;
            case { } tensor when TorchBridge.IsTensor(tensor):
                return TorchBridge.Shape(tensor).Aggregate(1L, (n, d) => n * d);
            case Array array when array.GetType().GetElementType() is { IsPrimitive: true }:
                return array.LongLength;
            case IEnumerable enumerable:
                long count = 0;
                foreach (object? element in enumerable)
                {
                    count += Count(element);
                }
                return count;
            default:
                return 1;
        }
    }

    /// <summary>The numbers of <paramref name="data"/>, flattened in order, as float32.</summary>
    /// <exception cref="ArgumentException">An element is not a number.</exception>
    public static float[] ToFloats(object? data)
    {
        if (TorchBridge.IsTensor(data))
        {
            return TorchBridge.ToFloats(data!, out _);
        }
        switch (ValueParsing.Unwrap(data))
        {
            case float[] f:
                return f;
            case double[] d:
                return Array.ConvertAll(d, v => (float)v);
            case byte[] b:
                return Array.ConvertAll(b, v => (float)v);
        }
        var list = new List<float>();
        Flatten(data, v => list.Add((float)v));
        return list.ToArray();
    }

    /// <summary>The numbers of <paramref name="data"/>, flattened in order, as doubles.</summary>
    public static double[] ToDoubles(object? data)
    {
        if (TorchBridge.IsTensor(data))
        {
            return TorchBridge.ToDoubles(data!);
        }
        switch (ValueParsing.Unwrap(data))
        {
            case double[] d:
                return d;
            case float[] f:
                return Array.ConvertAll(f, v => (double)v);
        }
        var list = new List<double>();
        Flatten(data, list.Add);
        return list.ToArray();
    }

    /// <summary>Appends every number of <paramref name="data"/> (recursing into arrays and lists) to <paramref name="add"/>.</summary>
    /// <exception cref="NotANumberException">An element is not a number; the message gives its index in the flattened data.</exception>
    public static void Flatten(object? data, Action<double> add)
    {
        long index = 0;
        Flatten(data, add, ref index);
    }

    private static void Flatten(object? data, Action<double> add, ref long index)
    {
        object? item = ValueParsing.Unwrap(data);
        switch (item)
        {
            case null:
                throw new NotANumberException($"The value at index {index} is null, where a number was expected.", null, index);
            case { } tensor when TorchBridge.IsTensor(tensor):
                foreach (double v in TorchBridge.ToDoubles(tensor))
                {
                    add(v);
                    index++;
                }
                return;
            case string s:
                if (!ValueParsing.TryParseDouble(s, out double parsed))
                {
                    throw new NotANumberException($"The value at index {index}, '{s}', is not a number.", s, index);
                }
                add(parsed);
                index++;
                return;
            case double[] d:
                foreach (double v in d)
                {
                    add(v);
                }
                index += d.Length;
                return;
            case float[] f:
                foreach (float v in f)
                {
                    add(v);
                }
                index += f.Length;
                return;
            case IEnumerable enumerable:
                foreach (object? element in enumerable)
                {
                    Flatten(element, add, ref index);
                }
                return;
            default:
                if (!ValueParsing.TryGetDouble(item, out double value))
                {
                    throw new NotANumberException($"The value at index {index}, a {item.GetType().Name} ('{item}'), is not a number.", data, index);
                }
                add(value);
                index++;
                return;
        }
    }
}
