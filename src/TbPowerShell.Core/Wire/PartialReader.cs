namespace TbPowerShell.Core.Wire;

/// <summary>
/// Reads the fields at the start of a protobuf message of which only the first bytes are at hand.
/// It can step into a length-delimited field without holding it, which is how a large record is
/// recognised from its head and passed over. Anything that needs bytes beyond the head throws
/// <see cref="MalformedPayloadException"/> (the caller then reads the record whole).
/// </summary>
internal ref struct PartialReader
{
    private readonly ReadOnlySpan<byte> _head;
    private readonly int _messageLength;
    private ProtoReader _reader;
    private int _consumedBeforeReader;

    /// <summary>Reads <paramref name="head"/>, the first bytes of a message of <paramref name="messageLength"/> bytes.</summary>
    public PartialReader(ReadOnlySpan<byte> head, int messageLength)
    {
        _head = head;
        _messageLength = messageLength;
        _reader = new ProtoReader(head);
        _consumedBeforeReader = 0;
    }

    private readonly int Position => _consumedBeforeReader + _reader.Position;

    /// <summary>Reads the next field key; false when the head holds no more.</summary>
    public bool TryReadTag(out int field, out WireType wireType) => _reader.TryReadTag(out field, out wireType);

    public ulong ReadVarint() => _reader.ReadVarint();

    public ulong ReadFixed64() => _reader.ReadFixed64();

    /// <summary>Reads a length prefix and steps inside the field; returns where the field ends in the message.</summary>
    public int ReadLengthEnd()
    {
        ulong length = _reader.ReadVarint();
        long end = Position + (long)length;
        if (end > _messageLength)
        {
            throw new MalformedPayloadException("A length-delimited field runs past the end of the message.");
        }
        return (int)end;
    }

    /// <summary>Reads a length-delimited field held wholly in the head; false when it is not.</summary>
    public bool TryReadInHead(out ReadOnlySpan<byte> bytes)
    {
        ulong length = _reader.ReadVarint();
        if (length > (ulong)(_head.Length - Position))
        {
            bytes = default;
            return false;
        }
        bytes = _head.Slice(Position, (int)length);
        int next = Position + (int)length;
        _consumedBeforeReader = next;
        _reader = new ProtoReader(_head.Slice(next));
        return true;
    }

    /// <summary>Skips a field held wholly in the head; false when it is not.</summary>
    public bool TrySkipInHead(WireType wireType)
    {
        if (wireType == WireType.LengthDelimited)
        {
            return TryReadInHead(out _);
        }
        _reader.Skip(wireType);
        return true;
    }
}
