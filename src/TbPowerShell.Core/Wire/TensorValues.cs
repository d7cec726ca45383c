using System.Buffers.Binary;
using System.Text;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Decodes the values of a <c>TensorProto</c> (typed lists or <c>tensor_content</c>) as TensorFlow's <c>make_ndarray</c>
/// does, allocating only what the tensor's bytes can honestly hold: <c>tensor_content</c> must be exactly the shape's
/// size, a value list at most the shape's count, and TensorFlow's fill form (fewer values than the shape holds, the last
/// repeated) is expanded to at most <see cref="MaxFillElements"/> elements. Anything else throws
/// <see cref="TensorSizeException"/> before any array is sized from the claim.
/// </summary>
public static class TensorValues
{
    /// <summary>
    /// The most elements a tensor stored in TensorFlow's fill form may be expanded to (8,388,608: 64 MiB of doubles).
    /// Real tensors this large are stored with <c>tensor_content</c>, whose size the record's own bytes bound; a fill
    /// that claims more is a few bytes asking for gigabytes, and is refused.
    /// </summary>
    public const int MaxFillElements = 1 << 23;

    /// <summary>
    /// The most bytes the padding of a string tensor in fill form may add up to (64 MiB): the padding shares one array,
    /// but text made of it (a text value's joined strings) holds every copy.
    /// </summary>
    public const int MaxFillBytes = 1 << 26;

    /// <summary>The tensor's dimensions (empty for rank 0).</summary>
    public static long[] Shape(TensorProto tensor) =>
        tensor.TensorShape?.Dim.Select(d => d.Size).ToArray() ?? Array.Empty<long>();

    /// <summary>The number of elements the shape holds; throws <see cref="TensorSizeException"/> for a negative dimension or a count beyond <see cref="long.MaxValue"/>.</summary>
    public static long ElementCount(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        bool empty = false;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new TensorSizeException(false, $"has the shape {Describe(shape)}, with a negative dimension");
            }
            empty |= d == 0;
        }
        if (empty)
        {
            return 0;
        }
        long n = 1;
        foreach (long d in shape)
        {
            if (n > long.MaxValue / d)
            {
                throw new TensorSizeException(true, $"has the shape {Describe(shape)}, whose element count overflows a 64-bit integer");
            }
            n *= d;
        }
        return n;
    }

    /// <summary>A shape as text for messages, "[3, 4]", its first dimensions only when it has many.</summary>
    public static string Describe(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        const int Shown = 8;
        string dims = string.Join(", ", shape.Take(Shown));
        return shape.Length > Shown ? $"[{dims}, ... ({shape.Length} dimensions)]" : $"[{dims}]";
    }

    /// <summary>TensorFlow's name of the tensor's dtype, e.g. "DT_FLOAT".</summary>
    public static string DTypeName(TensorProto tensor) => tensor.Dtype switch
    {
        DataType.DtFloat => "DT_FLOAT",
        DataType.DtDouble => "DT_DOUBLE",
        DataType.DtInt32 => "DT_INT32",
        DataType.DtUint8 => "DT_UINT8",
        DataType.DtInt16 => "DT_INT16",
        DataType.DtInt8 => "DT_INT8",
        DataType.DtString => "DT_STRING",
        DataType.DtInt64 => "DT_INT64",
        DataType.DtBool => "DT_BOOL",
        DataType.DtBfloat16 => "DT_BFLOAT16",
        DataType.DtUint16 => "DT_UINT16",
        DataType.DtHalf => "DT_HALF",
        DataType.DtUint32 => "DT_UINT32",
        DataType.DtUint64 => "DT_UINT64",
        DataType.DtComplex64 => "DT_COMPLEX64",
        DataType.DtComplex128 => "DT_COMPLEX128",
        _ => "DT_" + tensor.Dtype.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// The elements of a string tensor, as bytes. Fewer strings than the shape holds are padded by repeating the last
    /// (TensorFlow's fill form; the padding shares the last array) when <paramref name="allowFill"/>, up to
    /// <see cref="MaxFillElements"/> elements and <see cref="MaxFillBytes"/> bytes of padding; without <paramref name="allowFill"/> every element must be stored (what image and
    /// audio tensors, one record per element, need). A tensor with no strings gives none.
    /// </summary>
    /// <exception cref="TensorSizeException">The shape is invalid, holds fewer strings than stored, or claims more than may be expanded.</exception>
    public static byte[][] Strings(TensorProto tensor, bool allowFill = true)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] shape = Shape(tensor);
        long count = ElementCount(shape);
        int stored = tensor.StringVal.Count;
        CheckStoredCount(tensor, shape, count, stored, "strings");
        if (stored == 0 || stored == count)
        {
            return tensor.StringVal.Select(s => s.ToByteArray()).ToArray();
        }
        if (!allowFill)
        {
            throw new TensorSizeException(true,
                $"is a DT_STRING tensor whose shape {Describe(shape)} claims {count} elements but which holds {stored}; each element of an image or audio tensor must be stored");
        }
        CheckFill(tensor, shape, count, stored);
        long padding = (count - stored) * (long)tensor.StringVal[stored - 1].Length;
        if (padding > MaxFillBytes)
        {
            throw new TensorSizeException(true,
                $"is a DT_STRING tensor whose shape {Describe(shape)} claims {count} elements from {stored} stored, padded with {count - stored} copies of a {tensor.StringVal[stored - 1].Length}-byte string ({padding} bytes); a fill may add at most {MaxFillBytes} bytes of strings");
        }
        var items = new byte[count][];
        for (int i = 0; i < stored; i++)
        {
            items[i] = tensor.StringVal[i].ToByteArray();
        }
        Array.Fill(items, items[stored - 1], stored, (int)count - stored);
        return items;
    }

    /// <summary>UTF-8 text of each element (invalid bytes replaced); repeated arrays (a fill's padding) share one string.</summary>
    public static string[] Text(byte[][] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var text = new string[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            text[i] = i > 0 && ReferenceEquals(items[i], items[i - 1]) ? text[i - 1] : Encoding.UTF8.GetString(items[i]);
        }
        return text;
    }

    /// <summary>UTF-8 text of each element of a string tensor (invalid bytes replaced), padded as <see cref="Strings"/> pads.</summary>
    /// <exception cref="TensorSizeException">The tensor claims a size it cannot have (see <see cref="Strings"/>).</exception>
    public static string[] Text(TensorProto tensor) => Text(Strings(tensor));

    /// <summary>
    /// The numbers of a numeric or boolean tensor as doubles, the fill form expanded (up to <see cref="MaxFillElements"/>);
    /// null for strings, complex and unknown dtypes. A tensor with no values gives none.
    /// </summary>
    /// <exception cref="TensorSizeException">
    /// The shape is invalid, <c>tensor_content</c> is not exactly the shape's size, the value list is longer than the
    /// shape, or a fill claims more than <see cref="MaxFillElements"/> elements.
    /// </exception>
    public static double[]? Numbers(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int size = ElementSize(tensor.Dtype);
        if (size == 0)
        {
            return null;
        }
        long[] shape = Shape(tensor);
        long count = ElementCount(shape);
        var content = tensor.TensorContent.Span;
        if (!content.IsEmpty)
        {
            if (content.Length % size != 0 || content.Length / size != count)
            {
                throw new TensorSizeException(content.Length / size < count,
                    $"is a {DTypeName(tensor)} tensor whose shape {Describe(shape)} claims {count} elements, but whose tensor_content holds {content.Length} bytes ({size} per element)");
            }
            return tensor.Dtype switch
            {
                DataType.DtFloat => FromContent(content, 4, c => BinaryPrimitives.ReadSingleLittleEndian(c)),
                DataType.DtDouble => FromContent(content, 8, c => BinaryPrimitives.ReadDoubleLittleEndian(c)),
                DataType.DtInt32 => FromContent(content, 4, c => BinaryPrimitives.ReadInt32LittleEndian(c)),
                DataType.DtInt16 => FromContent(content, 2, c => BinaryPrimitives.ReadInt16LittleEndian(c)),
                DataType.DtInt8 => FromContent(content, 1, c => (sbyte)c[0]),
                DataType.DtUint8 => FromContent(content, 1, c => c[0]),
                DataType.DtUint16 => FromContent(content, 2, c => BinaryPrimitives.ReadUInt16LittleEndian(c)),
                DataType.DtInt64 => FromContent(content, 8, c => BinaryPrimitives.ReadInt64LittleEndian(c)),
                DataType.DtUint32 => FromContent(content, 4, c => BinaryPrimitives.ReadUInt32LittleEndian(c)),
                DataType.DtUint64 => FromContent(content, 8, c => BinaryPrimitives.ReadUInt64LittleEndian(c)),
                DataType.DtBool => FromContent(content, 1, c => c[0] != 0 ? 1 : 0),
                DataType.DtHalf => FromContent(content, 2, c => (double)BinaryPrimitives.ReadHalfLittleEndian(c)),
                _ => FromContent(content, 2, c => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(c) << 16)), // bfloat16
            };
        }

        int stored = tensor.Dtype switch
        {
            DataType.DtFloat => tensor.FloatVal.Count,
            DataType.DtDouble => tensor.DoubleVal.Count,
            DataType.DtInt64 => tensor.Int64Val.Count,
            DataType.DtUint32 => tensor.Uint32Val.Count,
            DataType.DtUint64 => tensor.Uint64Val.Count,
            DataType.DtBool => tensor.BoolVal.Count,
            DataType.DtHalf or DataType.DtBfloat16 => tensor.HalfVal.Count,
            _ => tensor.IntVal.Count,
        };
        CheckStoredCount(tensor, shape, count, stored, "values");
        if (stored < count && stored > 0)
        {
            CheckFill(tensor, shape, count, stored);
        }
        var values = new double[stored == 0 ? 0 : count];
        for (int i = 0; i < stored; i++)
        {
            values[i] = tensor.Dtype switch
            {
                DataType.DtFloat => tensor.FloatVal[i],
                DataType.DtDouble => tensor.DoubleVal[i],
                DataType.DtInt32 or DataType.DtInt16 or DataType.DtInt8 => tensor.IntVal[i],
                DataType.DtUint8 => (byte)tensor.IntVal[i],
                DataType.DtUint16 => (ushort)tensor.IntVal[i],
                DataType.DtInt64 => tensor.Int64Val[i],
                DataType.DtUint32 => tensor.Uint32Val[i],
                DataType.DtUint64 => tensor.Uint64Val[i],
                DataType.DtBool => tensor.BoolVal[i] ? 1.0 : 0.0,
                DataType.DtHalf => (double)BitConverter.UInt16BitsToHalf((ushort)tensor.HalfVal[i]),
                _ => BitConverter.Int32BitsToSingle(tensor.HalfVal[i] << 16), // bfloat16
            };
        }
        if (stored > 0 && stored < count)
        {
            // TensorFlow's fill form: the last value repeated to the shape's size.
            Array.Fill(values, values[stored - 1], stored, (int)count - stored);
        }
        return values;
    }

    /// <summary>Bytes per element of the numeric and boolean dtypes whose values are decoded; 0 for the others.</summary>
    private static int ElementSize(DataType dtype) => dtype switch
    {
        DataType.DtDouble or DataType.DtInt64 or DataType.DtUint64 => 8,
        DataType.DtFloat or DataType.DtInt32 or DataType.DtUint32 => 4,
        DataType.DtInt16 or DataType.DtUint16 or DataType.DtHalf or DataType.DtBfloat16 => 2,
        DataType.DtInt8 or DataType.DtUint8 or DataType.DtBool => 1,
        _ => 0,
    };

    private static void CheckStoredCount(TensorProto tensor, long[] shape, long count, int stored, string what)
    {
        if (stored > count)
        {
            throw new TensorSizeException(false,
                $"is a {DTypeName(tensor)} tensor whose shape {Describe(shape)} claims {count} elements, but which holds {stored} {what}");
        }
    }

    private static void CheckFill(TensorProto tensor, long[] shape, long count, int stored)
    {
        if (count > MaxFillElements)
        {
            throw new TensorSizeException(true,
                $"is a {DTypeName(tensor)} tensor whose shape {Describe(shape)} claims {count} elements from {stored} stored {(stored == 1 ? "value" : "values")} (TensorFlow's fill form); a fill may expand to at most {MaxFillElements} elements");
        }
    }

    private delegate double ElementReader(ReadOnlySpan<byte> bytes);

    private static double[] FromContent(ReadOnlySpan<byte> content, int size, ElementReader read)
    {
        var values = new double[content.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(content.Slice(i * size, size));
        }
        return values;
    }
}
