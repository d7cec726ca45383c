using System.Buffers.Binary;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Reads a rank-0 numeric <c>TensorProto</c> as a double, the way TensorBoard's Python loader
/// turns a new-style scalar tensor into a number (<c>make_ndarray(t).item()</c>).
/// </summary>
internal static class ScalarTensor
{
    /// <summary>True when <paramref name="tensor"/> holds exactly one number of a numeric dtype and has rank 0.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> tensor, out double value)
    {
        value = 0;
        int dtype = 0;
        ReadOnlySpan<byte> content = default;
        int valueField = 0;       // field number of the *_val list that carried numbers
        int valueCount = 0;
        ulong firstBits = 0;      // raw first element of that list

        var reader = new ProtoReader(tensor);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case TensorField.Dtype when wire == WireType.Varint:
                    dtype = (int)reader.ReadVarint();
                    break;
                case TensorField.TensorShape when wire == WireType.LengthDelimited:
                    if (!IsRankZero(reader.ReadBytes()))
                    {
                        return false;
                    }
                    break;
                case TensorField.TensorContent when wire == WireType.LengthDelimited:
                    content = reader.ReadBytes();
                    break;
                case TensorField.FloatVal or TensorField.DoubleVal or TensorField.IntVal or TensorField.Int64Val
                    or TensorField.HalfVal or TensorField.Uint32Val or TensorField.Uint64Val:
                    ReadValues(ref reader, field, wire, ref valueField, ref valueCount, ref firstBits);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        int expectedField = dtype switch
        {
            TensorDataType.Float => TensorField.FloatVal,
            TensorDataType.Double => TensorField.DoubleVal,
            TensorDataType.Int32 or TensorDataType.Int16 or TensorDataType.Int8
                or TensorDataType.UInt8 or TensorDataType.UInt16 => TensorField.IntVal,
            TensorDataType.Int64 => TensorField.Int64Val,
            TensorDataType.Half or TensorDataType.BFloat16 => TensorField.HalfVal,
            TensorDataType.UInt32 => TensorField.Uint32Val,
            TensorDataType.UInt64 => TensorField.Uint64Val,
            _ => 0,
        };
        if (expectedField == 0)
        {
            return false;
        }

        if (valueField == expectedField && valueCount > 0)
        {
            if (valueCount != 1)
            {
                return false;
            }
            value = FromListBits(dtype, firstBits);
            return true;
        }
        if (valueCount == 0 && !content.IsEmpty)
        {
            return TryFromContent(dtype, content, out value);
        }
        return false;
    }

    private static bool IsRankZero(ReadOnlySpan<byte> shape)
    {
        var reader = new ProtoReader(shape);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == TensorShapeField.Dim || (field == TensorShapeField.UnknownRank && wire == WireType.Varint && reader.ReadVarint() != 0))
            {
                return false; // a dimension, or unknown rank
            }
            if (field != TensorShapeField.UnknownRank)
            {
                reader.Skip(wire);
            }
        }
        return true;
    }

    private static void ReadValues(ref ProtoReader reader, int field, WireType wire,
                                   ref int valueField, ref int valueCount, ref ulong firstBits)
    {
        bool isFloat = field == TensorField.FloatVal;
        bool isDouble = field == TensorField.DoubleVal;
        if (wire == WireType.LengthDelimited)
        {
            var packed = new ProtoReader(reader.ReadBytes());
            while (!packed.End)
            {
                ulong bits = isFloat ? packed.ReadFixed32() : isDouble ? packed.ReadFixed64() : packed.ReadVarint();
                Note(field, bits, ref valueField, ref valueCount, ref firstBits);
            }
            return;
        }
        ulong single = wire switch
        {
            WireType.Fixed32 => reader.ReadFixed32(),
            WireType.Fixed64 => reader.ReadFixed64(),
            WireType.Varint => reader.ReadVarint(),
            _ => throw new MalformedPayloadException($"Tensor field {field} has wire type {(int)wire}."),
        };
        Note(field, single, ref valueField, ref valueCount, ref firstBits);
    }

    private static void Note(int field, ulong bits, ref int valueField, ref int valueCount, ref ulong firstBits)
    {
        if (valueField != field)
        {
            if (valueCount > 0)
            {
                valueCount = 2; // numbers in two different lists: not a plain scalar
                return;
            }
            valueField = field;
            firstBits = bits;
        }
        valueCount++;
    }

    private static double FromListBits(int dtype, ulong bits) => dtype switch
    {
        TensorDataType.Float => BitConverter.Int32BitsToSingle((int)(uint)bits),
        TensorDataType.Double => BitConverter.Int64BitsToDouble((long)bits),
        TensorDataType.Int32 or TensorDataType.Int16 or TensorDataType.Int8 => (int)bits,
        TensorDataType.UInt8 => (byte)bits,
        TensorDataType.UInt16 => (ushort)bits,
        TensorDataType.Int64 => (long)bits,
        TensorDataType.UInt32 => (uint)bits,
        TensorDataType.UInt64 => bits,
        TensorDataType.Half => (double)BitConverter.UInt16BitsToHalf((ushort)bits),
        TensorDataType.BFloat16 => BitConverter.Int32BitsToSingle((int)((uint)(ushort)bits << 16)),
        _ => double.NaN,
    };

    private static bool TryFromContent(int dtype, ReadOnlySpan<byte> c, out double value)
    {
        int size = dtype switch
        {
            TensorDataType.Float or TensorDataType.Int32 or TensorDataType.UInt32 => 4,
            TensorDataType.Double or TensorDataType.Int64 or TensorDataType.UInt64 => 8,
            TensorDataType.Int16 or TensorDataType.UInt16 or TensorDataType.Half or TensorDataType.BFloat16 => 2,
            TensorDataType.Int8 or TensorDataType.UInt8 => 1,
            _ => 0,
        };
        value = 0;
        if (size == 0 || c.Length != size)
        {
            return false;
        }
        value = dtype switch
        {
            TensorDataType.Float => BinaryPrimitives.ReadSingleLittleEndian(c),
            TensorDataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(c),
            TensorDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(c),
            TensorDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(c),
            TensorDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(c),
            TensorDataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(c),
            TensorDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(c),
            TensorDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(c),
            TensorDataType.Half => (double)BinaryPrimitives.ReadHalfLittleEndian(c),
            TensorDataType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(c) << 16),
            TensorDataType.Int8 => (sbyte)c[0],
            _ => c[0],
        };
        return true;
    }
}
