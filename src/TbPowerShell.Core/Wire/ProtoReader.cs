using System.Buffers.Binary;

namespace TbPowerShell.Core.Wire;

/// <summary>Protobuf wire types.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only protobuf reader over a span. It decodes only the fields a caller asks for and
/// skips the rest without allocating, which is what makes scalar-only scans fast.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public bool End => _position >= _data.Length;

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        ulong key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (WireType)(key & 7);
        if (field <= 0)
        {
            throw new MalformedPayloadException("A field number of 0 is not valid.");
        }
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new MalformedPayloadException("A varint runs past the end of the message.");
            }
            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new MalformedPayloadException("A varint is longer than 10 bytes.");
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble((long)ReadFixed64());

    public float ReadFloat() => BitConverter.Int32BitsToSingle((int)ReadFixed32());

    public ulong ReadFixed64()
    {
        if (_position + 8 > _data.Length)
        {
            throw new MalformedPayloadException("A fixed64 field runs past the end of the message.");
        }
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position));
        _position += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_position + 4 > _data.Length)
        {
            throw new MalformedPayloadException("A fixed32 field runs past the end of the message.");
        }
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position));
        _position += 4;
        return v;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new MalformedPayloadException("A length-delimited field runs past the end of the message.");
        }
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                ReadFixed64();
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                ReadFixed32();
                break;
            default:
                // Groups are long obsolete and never appear in event files.
                throw new MalformedPayloadException($"Wire type {(int)wireType} is not supported.");
        }
    }
}
