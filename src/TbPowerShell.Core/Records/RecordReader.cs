using System.Buffers;
namespace TbPowerShell.Core.Records;

/// <summary>What one <see cref="RecordReader.Read"/> call found.</summary>
public enum RecordStatus
{
    /// <summary>An intact record; its bytes are in <see cref="RecordReader.Payload"/>.</summary>
    Record,

    /// <summary>The data ends cleanly at a record boundary.</summary>
    EndOfData,

    /// <summary>
    /// The data ends inside a record (a writer may be mid-write). Not an error: reading can resume
    /// at <see cref="RecordReader.Offset"/> once more bytes exist.
    /// </summary>
    Truncated,

    /// <summary>
    /// A damaged region was found and skipped; <see cref="RecordReader.LastDamage"/> says where and
    /// how many bytes were skipped. The reader is positioned at the next intact record.
    /// </summary>
    Damaged,
}

/// <summary>The kind of damage a reader found.</summary>
public enum RecordDamageKind
{
    /// <summary>The CRC of a record's length field does not match.</summary>
    LengthCrc,

    /// <summary>The CRC of a record's payload does not match.</summary>
    DataCrc,

    /// <summary>
    /// A record's length verifies but runs past the end of the data while an intact record starts after its
    /// header: a rewritten length, not a record still being written.
    /// </summary>
    LengthBeyondEnd,
}

/// <summary>A damaged region of an event file.</summary>
/// <param name="Offset">Byte offset of the record whose check failed.</param>
/// <param name="Kind">Which check failed.</param>
/// <param name="SkippedBytes">Bytes skipped before the next intact record (or the end of data).</param>
/// <param name="ResumedAt">Offset of the next intact record, or of a record that runs past the end of the data (a writer may
/// still be writing it: the next read reports it as truncated), or -1 when neither followed.</param>
/// <remarks>
/// A verified length that runs past the end of the data is damage (<see cref="RecordDamageKind.LengthBeyondEnd"/>) only
/// when an intact record starts after its header; otherwise it is a record still being written, reported as
/// <see cref="RecordStatus.Truncated"/>.
/// </remarks>
public sealed record RecordDamage(long Offset, RecordDamageKind Kind, long SkippedBytes, long ResumedAt);

/// <summary>
/// Streams TFRecords from a file with constant memory (one buffer, grown only to the largest
/// record). Unlike TensorBoard, which stops at the first bad record, it resynchronises on the next
/// offset where both the length CRC and the payload CRC verify, so every intact record is read.
/// A verified length that runs past the end stops reading (a record still being written) only when
/// no intact record follows it. Resynchronising is linear in the file size: the last forward scan is
/// remembered, so no byte is scanned twice however many lying headers a file holds.
/// </summary>
public sealed class RecordReader : IDisposable
{
    private const int MinBufferSize = 1 << 16;
    private const int ShortReadSize = 1 << 12;
    private const int ReadGranule = 512;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer;
    private byte[]? _rented;     // the pool's array while _buffer is it or was grown from it; returned on Dispose
    private long _bufferStart;   // file offset of _buffer[0]
    private int _bufferLength;   // valid bytes in _buffer
    private long _offset;        // next record's offset
    private int _payloadStart = -1;
    private int _payloadLength;
    private int _peekedLength = -1;
    private int _fillSize = MinBufferSize;
    private long _knownLength;   // the file's length when last asked (it only grows while written)

    // The last forward scan for an intact record: none starts in [_scanFrom, _scanEnd), and one starts at
    // _scanEnd when _scanFoundIntact (otherwise the data ended there). _scanUnfinished is the first offset in
    // that range whose verified header runs past the end (-1: none). Valid while the data is _scanLength long.
    private long _scanFrom = -1;
    private long _scanEnd = -1;
    private long _scanUnfinished = -1;
    private long _scanLength = -1;
    private bool _scanFoundIntact;

    /// <summary>Opens <paramref name="path"/> for reading while other processes may still write it.</summary>
    public RecordReader(string path, long startOffset = 0)
        : this(OpenShared(path), startOffset, ownsStream: true)
    {
    }

    /// <summary>Reads records from <paramref name="stream"/>, which must be readable and seekable.</summary>
    public RecordReader(Stream stream, long startOffset = 0, bool ownsStream = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _ownsStream = ownsStream;
        // From the shared pool: readers opened by the thousand (previews, many runs) would otherwise each allocate and
        // zero 64 KiB for the collector to sweep. Returned on Dispose; a reader never disposed simply leaves it to the GC.
        _buffer = _rented = ArrayPool<byte>.Shared.Rent(MinBufferSize);
        _offset = startOffset;
        _bufferStart = startOffset;
        _stream.Seek(startOffset, SeekOrigin.Begin);
    }

    /// <summary>
    /// Reads little at first and doubles the reads as records are used (slow start), for a reader that wants a few
    /// records at some place of a large file (a preview) rather than a whole file: not 64 KiB for a hundred records.
    /// </summary>
    public void StartSmall() => _fillSize = ShortReadSize;

    /// <summary>Offset of the next record to read; after <see cref="RecordStatus.Truncated"/>, where to resume.</summary>
    public long Offset => _offset;

    /// <summary>Offset of the record last returned as <see cref="RecordStatus.Record"/>.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The payload of the last record read; valid until the next call to <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Payload =>
        _payloadStart < 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_buffer, _payloadStart, _payloadLength);

    /// <summary>The damage last reported by <see cref="RecordStatus.Damaged"/>.</summary>
    public RecordDamage? LastDamage { get; private set; }

    /// <summary>Opens a file for shared reading (writers may still append, rename or delete it).</summary>
    public static FileStream OpenShared(string path) => Storage.LogLocation.OpenShared(path);

    /// <summary>
    /// True when <paramref name="stream"/> (readable, seekable, read from its start) may be TFRecords: when it is
    /// shorter than a header (a file just created), when its first header verifies (cheap, and true of a file whose
    /// first record is still being written), or else when an intact record starts anywhere in it (one scan, linear).
    /// A file whose first record is damaged but which holds intact records is an event file to read past the damage.
    /// </summary>
    public static bool HoldsRecords(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Seek(0, SeekOrigin.Begin);
        Span<byte> header = stackalloc byte[TfRecord.HeaderSize];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < TfRecord.HeaderSize || TfRecord.TryReadHeader(header, out _))
        {
            return true;
        }
        using var records = new RecordReader(stream, 0);
        return records.ScanForIntact(1, needUnfinished: false).Intact >= 0;
    }

    /// <summary>Reads the next record, or reports the end of data, a truncated tail or a damaged region.</summary>
    public RecordStatus Read()
    {
        _payloadStart = -1;
        int peeked = _peekedLength;
        _peekedLength = -1;
        ulong length;
        int at;
        if (peeked >= 0)
        {
            // Peek verified this header already.
            length = (ulong)peeked;
        }
        else
        {
            int available = Ensure(_offset, TfRecord.HeaderSize);
            if (available == 0)
            {
                return RecordStatus.EndOfData;
            }
            if (available < TfRecord.HeaderSize)
            {
                return RecordStatus.Truncated;
            }

            at = (int)(_offset - _bufferStart);
            if (!TfRecord.TryReadHeader(_buffer.AsSpan(at, TfRecord.HeaderSize), out length))
            {
                return Resynchronise(_offset, RecordDamageKind.LengthCrc, _offset + 1);
            }
        }
        if (length > int.MaxValue - TfRecord.Overhead)
        {
            // No file we could read holds a record this large: a lying length, or (as TensorBoard
            // has it) data not written yet.
            return RunsPastEnd(_offset);
        }

        int total = (int)length + TfRecord.Overhead;
        if (Ensure(_offset, total, checkLength: true) < total)
        {
            return RunsPastEnd(_offset);
        }

        at = (int)(_offset - _bufferStart);
        var payload = _buffer.AsSpan(at + TfRecord.HeaderSize, (int)length);
        if (!TfRecord.VerifyPayload(payload, _buffer.AsSpan(at + TfRecord.HeaderSize + (int)length, 4)))
        {
            // Scan from the next byte, not from the claimed end: a length can verify and still lie
            // (a rewritten header), and jumping over it would lose the intact records it spans.
            // For an honest length this finds the record right after this one, as before.
            return Resynchronise(_offset, RecordDamageKind.DataCrc, _offset + 1);
        }

        RecordOffset = _offset;
        _payloadStart = at + TfRecord.HeaderSize;
        _payloadLength = (int)length;
        _offset += total;
        return RecordStatus.Record;
    }

    /// <summary>
    /// Reads the next record when it is intact, shorter than <paramref name="maxPayloadLength"/> bytes and already in the
    /// buffer: the common case of a stream of small records, taken without a call to the file or any bookkeeping beyond
    /// the two CRC checks. False when any of that does not hold; nothing is consumed then, and <see cref="Read"/> or
    /// <see cref="Peek"/> handles the record (and reports its damage) as usual.
    /// </summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool TryReadBuffered(int maxPayloadLength)
    {
        _payloadStart = -1;
        if (_peekedLength >= 0)
        {
            return false;
        }
        long relative = _offset - _bufferStart;
        int available = _bufferLength - (int)relative;
        if ((ulong)relative > (ulong)_bufferLength || available < TfRecord.HeaderSize)
        {
            return false;
        }
        int at = (int)relative;
        var header = new ReadOnlySpan<byte>(_buffer, at, TfRecord.HeaderSize);
        ulong length = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (length >= (ulong)maxPayloadLength || (long)length > available - TfRecord.Overhead)
        {
            return false;
        }
        int payloadLength = (int)length;
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(8)) != MaskedCrc32C.ComputeMasked(header.Slice(0, 8))
            || !TfRecord.VerifyPayload(new ReadOnlySpan<byte>(_buffer, at + TfRecord.HeaderSize, payloadLength),
                                       new ReadOnlySpan<byte>(_buffer, at + TfRecord.HeaderSize + payloadLength, 4)))
        {
            return false;
        }
        RecordOffset = _offset;
        _payloadStart = at + TfRecord.HeaderSize;
        _payloadLength = payloadLength;
        _offset += payloadLength + TfRecord.Overhead;
        return true;
    }

    /// <summary>
    /// Reads the next record's header (length CRC checked) and at most <paramref name="headBytes"/> bytes of its
    /// payload, without reading the rest or checking the payload CRC. Then call <see cref="SkipPeeked"/> to pass
    /// the record unread, or <see cref="Read"/> to read and verify it as usual. This is how readers skip large
    /// payloads they do not want (images, audio) at the cost of a seek instead of reading and checking them.
    /// </summary>
    /// <returns><see cref="RecordStatus.Record"/> with the head in <see cref="PeekedHead"/>; otherwise what <see cref="Read"/> would return.</returns>
    /// <param name="headBytes">How many payload bytes to make available in <see cref="PeekedHead"/>.</param>
    /// <param name="minLengthForHead">Records shorter than this are not looked into (their head is empty): a caller that
    /// only skips large records then pays nothing more than <see cref="Read"/> for the small ones.</param>
    public RecordStatus Peek(int headBytes, int minLengthForHead = 0)
    {
        _payloadStart = -1;
        _peekedLength = -1;
        _peekedHeadRequest = headBytes;
        int available = Ensure(_offset, TfRecord.HeaderSize);
        if (available == 0)
        {
            return RecordStatus.EndOfData;
        }
        if (available < TfRecord.HeaderSize)
        {
            return RecordStatus.Truncated;
        }
        int at = (int)(_offset - _bufferStart);
        if (!TfRecord.TryReadHeader(_buffer.AsSpan(at, TfRecord.HeaderSize), out ulong length))
        {
            return Resynchronise(_offset, RecordDamageKind.LengthCrc, _offset + 1);
        }
        if (length > int.MaxValue - TfRecord.Overhead)
        {
            return RunsPastEnd(_offset);
        }
        if ((long)length < minLengthForHead)
        {
            _peekedLength = (int)length;
            _peekedHead = 0;
            return RecordStatus.Record;
        }
        if (!WithinKnownLength(_offset + (long)length + TfRecord.Overhead))
        {
            return RunsPastEnd(_offset);
        }
        int head = (int)Math.Min((long)headBytes, (long)length);
        if (Ensure(_offset, TfRecord.HeaderSize + head) < TfRecord.HeaderSize + head)
        {
            return RunsPastEnd(_offset);
        }
        _peekedLength = (int)length;
        _peekedHead = head;
        return RecordStatus.Record;
    }

    private int _peekedHead;
    private int _peekedHeadRequest;
    private long _lastSkipEnd = -1;

    /// <summary>The first bytes of the payload found by the last <see cref="Peek"/> (unverified); valid until the next call.</summary>
    public ReadOnlySpan<byte> PeekedHead =>
        _peekedLength < 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_buffer, (int)(_offset - _bufferStart) + TfRecord.HeaderSize, _peekedHead);

    /// <summary>The full payload length of the record found by the last <see cref="Peek"/>, or -1.</summary>
    public int PeekedLength => _peekedLength;

    /// <summary>Passes over the record found by the last <see cref="Peek"/> without reading or verifying its payload.</summary>
    public void SkipPeeked()
    {
        if (_peekedLength < 0)
        {
            throw new InvalidOperationException("No record has been peeked.");
        }
        RecordOffset = _offset;
        long end = _offset + _peekedLength + TfRecord.Overhead;
        // After a skip the next record usually starts far from what the buffer holds: read little there,
        // so that the small records between two large payloads are read without most of the next payload.
        // Logs are regular (so many scalars, then an image), so the bytes between the last two skips tell
        // how much to read: those records and the next large one's head, in one read. Without that, read
        // 4 kB and double the reads as records are used (slow start).
        if (end > _bufferStart + _bufferLength)
        {
            long gap = _lastSkipEnd >= 0 && _offset >= _lastSkipEnd ? _offset - _lastSkipEnd : -1;
            _fillSize = gap < 0
                ? ShortReadSize
                : (int)Math.Clamp((gap + TfRecord.HeaderSize + _peekedHeadRequest + ReadGranule - 1) / ReadGranule * ReadGranule, ReadGranule, MinBufferSize);
        }
        _lastSkipEnd = end;
        _offset = end;
        _peekedLength = -1;
    }

    /// <summary>
    /// True when the data reaches <paramref name="end"/>. The file's length is asked only when what we knew of it
    /// does not reach: one system call per record would cost more than a skip.
    /// </summary>
    private bool WithinKnownLength(long end)
    {
        if (end <= _bufferStart + _bufferLength || end <= _knownLength)
        {
            return true;
        }
        _knownLength = DataLength();
        return end <= _knownLength;
    }

    /// <summary>
    /// The record at <paramref name="headerOffset"/> has a verified length that runs past the end of the data. With an
    /// intact record after its header the length lied: damage, skipped up to that record. Without one, a writer may
    /// still be writing it: <see cref="RecordStatus.Truncated"/>, and reading resumes here once it is complete.
    /// </summary>
    private RecordStatus RunsPastEnd(long headerOffset)
    {
        var scan = ScanForIntact(headerOffset + 1, needUnfinished: false);
        if (scan.Intact < 0)
        {
            _offset = headerOffset;
            return RecordStatus.Truncated;
        }
        LastDamage = new RecordDamage(headerOffset, RecordDamageKind.LengthBeyondEnd, scan.Intact - headerOffset, scan.Intact);
        _offset = scan.Intact;
        return RecordStatus.Damaged;
    }

    private RecordStatus Resynchronise(long damageOffset, RecordDamageKind kind, long scanFrom)
    {
        var scan = ScanForIntact(scanFrom, needUnfinished: true);
        if (scan.Intact >= 0)
        {
            LastDamage = new RecordDamage(damageOffset, kind, scan.Intact - damageOffset, scan.Intact);
            _offset = scan.Intact;
        }
        else if (scan.Unfinished >= 0)
        {
            // No intact record follows, but a verified header does whose record runs past the
            // end: a writer may be writing it. Stop there, so that reading it once it is
            // complete (a follower's next look) does not lose it.
            LastDamage = new RecordDamage(damageOffset, kind, scan.Unfinished - damageOffset, scan.Unfinished);
            _offset = scan.Unfinished;
        }
        else
        {
            // No intact record follows: everything up to the end of the data is skipped.
            LastDamage = new RecordDamage(damageOffset, kind, scan.End - damageOffset, -1);
            _offset = scan.End;
        }
        return RecordStatus.Damaged;
    }

    /// <summary>What a forward scan found: the first intact record (or -1), the first record before it that runs
    /// past the end (or -1), and where the scan stopped (the intact record, or the end of the data).</summary>
    private readonly record struct ScanResult(long Intact, long Unfinished, long End);

    /// <summary>
    /// Finds the first offset at or after <paramref name="from"/> where an intact record starts. The result is
    /// remembered, and a later scan from inside the range already scanned is answered from it, so however many
    /// lying headers send readers looking ahead, every byte is looked at once.
    /// </summary>
    /// <param name="from">Where to start looking.</param>
    /// <param name="needUnfinished">Whether the caller needs <see cref="ScanResult.Unfinished"/>.</param>
    private ScanResult ScanForIntact(long from, bool needUnfinished)
    {
        long length = DataLength();
        if (length == _scanLength && from >= _scanFrom && from <= _scanEnd
            && (!needUnfinished || _scanUnfinished < 0 || from <= _scanUnfinished))
        {
            long unfinished = _scanUnfinished >= from ? _scanUnfinished : -1;
            return new ScanResult(_scanFoundIntact ? _scanEnd : -1, unfinished, _scanEnd);
        }

        long candidate = from;
        long firstUnfinished = -1;
        bool found = false;
        while (true)
        {
            int available = Ensure(candidate, TfRecord.HeaderSize);
            if (available < TfRecord.HeaderSize)
            {
                candidate += available;
                break;
            }
            var probe = ProbeRecordAt(candidate, length);
            if (probe == Probe.Intact)
            {
                found = true;
                break;
            }
            if (probe == Probe.RunsPastEnd && firstUnfinished < 0)
            {
                firstUnfinished = candidate;
            }
            candidate++;
        }
        _scanFrom = from;
        _scanEnd = candidate;
        _scanFoundIntact = found;
        _scanUnfinished = firstUnfinished;
        _scanLength = length;
        return new ScanResult(found ? candidate : -1, firstUnfinished, candidate);
    }

    private enum Probe
    {
        NotARecord,
        Intact,
        RunsPastEnd,
    }

    /// <summary>What starts at <paramref name="position"/>, whose header is in the buffer, in data <paramref name="length"/> bytes long.</summary>
    private Probe ProbeRecordAt(long position, long length)
    {
        int at = (int)(position - _bufferStart);
        if (!TfRecord.TryReadHeader(_buffer.AsSpan(at, TfRecord.HeaderSize), out ulong payloadLength))
        {
            return Probe.NotARecord;
        }
        // Never allocate for a length the data cannot hold: a lying length field costs nothing.
        if (payloadLength > int.MaxValue - TfRecord.Overhead || position + (long)payloadLength + TfRecord.Overhead > length)
        {
            return Probe.RunsPastEnd;
        }
        int total = (int)payloadLength + TfRecord.Overhead;
        if (Ensure(position, total) < total)
        {
            return Probe.RunsPastEnd;
        }
        at = (int)(position - _bufferStart);
        return TfRecord.VerifyPayload(_buffer.AsSpan(at + TfRecord.HeaderSize, (int)payloadLength),
                                      _buffer.AsSpan(at + TfRecord.HeaderSize + (int)payloadLength, 4))
            ? Probe.Intact
            : Probe.NotARecord;
    }

    /// <summary>The data's length now (long.MaxValue when the stream cannot tell).</summary>
    private long DataLength()
    {
        try
        {
            return _stream.Length;
        }
        catch (NotSupportedException)
        {
            return long.MaxValue;
        }
    }

    private long RemainingFrom(long position)
    {
        try
        {
            return Math.Max(0, _stream.Length - position);
        }
        catch (NotSupportedException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>
    /// Makes the buffer hold <paramref name="count"/> bytes starting at file offset
    /// <paramref name="position"/> (as many as exist); returns how many it holds.
    /// </summary>
    /// <param name="position">Where the bytes start.</param>
    /// <param name="count">How many are needed.</param>
    /// <param name="checkLength">Whether to return 0 without reading when the data is known to end before them (a length
    /// that lies must not make the buffer grow to the rest of the file).</param>
    private int Ensure(long position, int count, bool checkLength = false)
    {
        long bufferEnd = _bufferStart + _bufferLength;
        if (position >= _bufferStart && position + count <= bufferEnd)
        {
            return count;
        }
        if (checkLength && !WithinKnownLength(position + count))
        {
            return 0;
        }

        if (position < _bufferStart || position > bufferEnd)
        {
            // Not contiguous with what we hold: start afresh at the position.
            _stream.Seek(position, SeekOrigin.Begin);
            _bufferStart = position;
            _bufferLength = 0;
        }
        else
        {
            // Slide the bytes we still need to the front.
            int keep = (int)(bufferEnd - position);
            if (keep > 0 && position != _bufferStart)
            {
                Buffer.BlockCopy(_buffer, (int)(position - _bufferStart), _buffer, 0, keep);
            }
            _bufferStart = position;
            _bufferLength = keep;
        }

        if (count > _buffer.Length)
        {
            // Grow only when a record really needs it, and only to what the file can hold.
            long remaining = RemainingFrom(position);
            int size = (int)Math.Min(Math.Max(count, _buffer.Length * 2L), Math.Max(count, Math.Min(remaining, int.MaxValue)));
            if (remaining < count)
            {
                size = (int)Math.Max(_buffer.Length, Math.Min(remaining, int.MaxValue));
            }
            if (size > _buffer.Length)
            {
                var bigger = new byte[size];
                Buffer.BlockCopy(_buffer, 0, bigger, 0, _bufferLength);
                _buffer = bigger;
            }
        }

        int fill = Math.Min(_buffer.Length, Math.Max(count, _bufferLength + _fillSize));
        _fillSize = Math.Min(MinBufferSize, _fillSize * 2);
        while (_bufferLength < count && _bufferLength < fill)
        {
            int read = _stream.Read(_buffer, _bufferLength, fill - _bufferLength);
            if (read == 0)
            {
                break;
            }
            _bufferLength += read;
        }
        return Math.Min(_bufferLength, count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
        // Only the array rented, and once (a buffer grown past it is the collector's); nothing of it stays here.
        if (Interlocked.Exchange(ref _rented, null) is { } pooled)
        {
            if (ReferenceEquals(_buffer, pooled))
            {
                _buffer = [];
                _bufferLength = 0;
                _bufferStart = _offset;
            }
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
