using System.Collections;
using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>Flattens what PowerShell passes as "an array of numbers" (typed arrays, object[], nested arrays, lists).</summary>
internal static class ArrayInput
{
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
    public static void Flatten(object? data, Action<double> add)
    {
        object? item = ValueParsing.Unwrap(data);
        switch (item)
        {
            case null:
                throw new ArgumentException("The data holds a null where a number was expected.");
            case { } tensor when TorchBridge.IsTensor(tensor):
                foreach (double v in TorchBridge.ToDoubles(tensor))
                {
                    add(v);
                }
                return;
            case string s:
                if (!ValueParsing.TryParseDouble(s, out double parsed))
                {
                    throw new ArgumentException($"'{s}' is not a number.");
                }
                add(parsed);
                return;
            case double[] d:
                foreach (double v in d)
                {
                    add(v);
                }
                return;
            case float[] f:
                foreach (float v in f)
                {
                    add(v);
                }
                return;
            case IEnumerable enumerable:
                foreach (object? element in enumerable)
                {
                    Flatten(element, add);
                }
                return;
            default:
                if (!ValueParsing.TryGetDouble(item, out double value))
                {
                    throw new ArgumentException($"A {item.GetType().Name} ('{item}') is not a number.");
                }
                add(value);
                return;
        }
    }
}
