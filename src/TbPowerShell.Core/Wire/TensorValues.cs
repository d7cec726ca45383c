using System.Buffers.Binary;
using System.Text;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Wire;

/// <summary>Decodes the values of a <c>TensorProto</c> (typed lists or <c>tensor_content</c>) as TensorFlow's <c>make_ndarray</c> does.</summary>
public static class TensorValues
{
    /// <summary>The tensor's dimensions (empty for rank 0).</summary>
    public static long[] Shape(TensorProto tensor) =>
        tensor.TensorShape?.Dim.Select(d => d.Size).ToArray() ?? Array.Empty<long>();

    /// <summary>The number of elements the shape holds.</summary>
    public static long ElementCount(long[] shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n = d < 0 ? 0 : n * d;
        }
        return n;
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

    /// <summary>The elements of a string tensor, as bytes (padded to the shape's size by repeating the last, as TensorFlow does).</summary>
    public static byte[][] Strings(TensorProto tensor)
    {
        long count = ElementCount(Shape(tensor));
        var list = tensor.StringVal.Select(s => s.ToByteArray()).ToList();
        if (list.Count > 0 && list.Count < count && count < 1 << 24)
        {
            var last = list[^1];
            while (list.Count < count)
            {
                list.Add(last);
            }
        }
        return list.ToArray();
    }

    /// <summary>UTF-8 text of each element of a string tensor (invalid bytes replaced).</summary>
    public static string[] Text(TensorProto tensor) => Strings(tensor).Select(b => Encoding.UTF8.GetString(b)).ToArray();

    /// <summary>The numbers of a numeric or boolean tensor as doubles; null for strings, complex and unknown dtypes.</summary>
    public static double[]? Numbers(TensorProto tensor)
    {
        long count = ElementCount(Shape(tensor));
        if (count > 1 << 28)
        {
            return null;
        }
        var content = tensor.TensorContent.Span;
        double[]? values = tensor.Dtype switch
        {
            DataType.DtFloat => content.IsEmpty ? tensor.FloatVal.Select(v => (double)v).ToArray() : FromContent(content, 4, c => BinaryPrimitives.ReadSingleLittleEndian(c)),
            DataType.DtDouble => content.IsEmpty ? tensor.DoubleVal.ToArray() : FromContent(content, 8, c => BinaryPrimitives.ReadDoubleLittleEndian(c)),
            DataType.DtInt32 or DataType.DtInt16 or DataType.DtInt8 =>
                content.IsEmpty ? tensor.IntVal.Select(v => (double)v).ToArray()
                : tensor.Dtype == DataType.DtInt32 ? FromContent(content, 4, c => BinaryPrimitives.ReadInt32LittleEndian(c))
                : tensor.Dtype == DataType.DtInt16 ? FromContent(content, 2, c => BinaryPrimitives.ReadInt16LittleEndian(c))
                : FromContent(content, 1, c => (sbyte)c[0]),
            DataType.DtUint8 => content.IsEmpty ? tensor.IntVal.Select(v => (double)(byte)v).ToArray() : FromContent(content, 1, c => c[0]),
            DataType.DtUint16 => content.IsEmpty ? tensor.IntVal.Select(v => (double)(ushort)v).ToArray() : FromContent(content, 2, c => BinaryPrimitives.ReadUInt16LittleEndian(c)),
            DataType.DtInt64 => content.IsEmpty ? tensor.Int64Val.Select(v => (double)v).ToArray() : FromContent(content, 8, c => BinaryPrimitives.ReadInt64LittleEndian(c)),
            DataType.DtUint32 => content.IsEmpty ? tensor.Uint32Val.Select(v => (double)v).ToArray() : FromContent(content, 4, c => BinaryPrimitives.ReadUInt32LittleEndian(c)),
            DataType.DtUint64 => content.IsEmpty ? tensor.Uint64Val.Select(v => (double)v).ToArray() : FromContent(content, 8, c => BinaryPrimitives.ReadUInt64LittleEndian(c)),
            DataType.DtBool => content.IsEmpty ? tensor.BoolVal.Select(v => v ? 1.0 : 0.0).ToArray() : FromContent(content, 1, c => c[0] != 0 ? 1 : 0),
            DataType.DtHalf => content.IsEmpty ? tensor.HalfVal.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray() : FromContent(content, 2, c => (double)BinaryPrimitives.ReadHalfLittleEndian(c)),
            DataType.DtBfloat16 => content.IsEmpty ? tensor.HalfVal.Select(v => (double)BitConverter.Int32BitsToSingle(v << 16)).ToArray() : FromContent(content, 2, c => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(c) << 16)),
            _ => null,
        };
        if (values is null)
        {
            return null;
        }
        // A single value fills the whole shape (TensorFlow's compact form for constant tensors).
        if (values.Length == 1 && count > 1)
        {
            var filled = new double[count];
            Array.Fill(filled, values[0]);
            return filled;
        }
        return values;
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
