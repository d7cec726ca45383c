using System.Collections;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Internal;

/// <summary>What Add-TbMesh takes as a mesh tensor and as a configuration, made into the core's forms.</summary>
internal static class MeshInput
{
    /// <summary>
    /// A B × N × 3 tensor from a TorchSharp tensor (its shape), a multi-dimensional .NET array (its dimensions), nested
    /// arrays (their nesting: rows of three numbers, in a list of meshes or not) or a flat array of numbers (rows of
    /// three). Two dimensions [N, 3] are one mesh, [1, N, 3].
    /// </summary>
    /// <exception cref="MeshFormatException">The data is not rows of three numbers.</exception>
    /// <exception cref="NotANumberException">An element is not a number.</exception>
    public static MeshTensor ToTensor(object data, string what)
    {
        data = ArrayInput.ValuesOfRow(data)!;
        long[] shape = ShapeOf(data);
        double[] values = ArrayInput.ToDoubles(data);
        long count = values.LongLength;
        if (shape.Length <= 1)
        {
            // a flat list: rows of three
            shape = count % 3 == 0 && count > 0 ? new[] { 1, count / 3, 3L } : new[] { count };
        }
        else if (shape.Length == 2)
        {
            shape = new[] { 1L, shape[0], shape[1] };
        }
        if (shape.Length != 3 || shape[2] != 3 || shape.Aggregate(1L, (a, b) => a * b) != count)
        {
            throw new MeshFormatException(MeshError.InvalidShape,
                $"The {what} are [{string.Join(", ", shape)}] ({count} numbers): a mesh tensor is B × N × 3, rows of three numbers.", shape);
        }
        return new MeshTensor(shape, values);
    }

    /// <summary>The configuration with PowerShell's wrappers removed, for <see cref="MeshConfigJson"/>.</summary>
    public static object? Plain(object? value) => ValueParsing.Unwrap(value) switch
    {
        null => null,
        string s => s,
        IDictionary d => d.Cast<DictionaryEntry>().Aggregate(new Hashtable(), (h, e) =>
        {
            h[Plain(e.Key) ?? "null"] = Plain(e.Value);
            return h;
        }),
        IEnumerable list => list.Cast<object?>().Select(Plain).ToArray(),
        var other => other,
    };

    private static long[] ShapeOf(object? data)
    {
        object? item = ValueParsing.Unwrap(data);
        switch (item)
        {
            case { } tensor when TorchBridge.IsTensor(tensor):
                return TorchBridge.Shape(tensor).Select(d => (long)d).ToArray();
            case Array array when array.Rank > 1:
                return Enumerable.Range(0, array.Rank).Select(r => (long)array.GetLength(r)).ToArray();
            case string:
                return Array.Empty<long>();
            case IEnumerable list:
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0)
                {
                    return new[] { 0L };
                }
                var inner = ShapeOf(items[0]);
                // Ragged nesting: no shape beyond this level (the count check reports it).
                return items.Skip(1).All(i => ShapeOf(i).SequenceEqual(inner))
                    ? new[] { (long)items.Count }.Concat(inner).ToArray()
                    : new[] { (long)items.Count, -1 };
            default:
                return Array.Empty<long>();
        }
    }
}
