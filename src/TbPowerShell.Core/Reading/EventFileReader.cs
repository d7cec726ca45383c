using TbPowerShell.Core.Model;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Streams the values of one event file with constant memory. Old and new encodings give the same
/// records: <c>simple_value</c> and rank-0 tensors of the <c>scalars</c> plugin give a
/// <see cref="ScalarRecord"/>; <c>Summary.Image</c>/<c>Audio</c>/<c>histo</c> and the tensors of the
/// images, audio, text and histograms plugins give the matching <see cref="ValueRecord"/>. Kinds not
/// asked for are skipped without being decoded; a record of <see cref="SkimThreshold"/> bytes or more that
/// holds only such a value (or a graph) is recognised from its first bytes and passed over with a seek,
/// neither read nor CRC-checked. <see cref="CountedKinds"/> counts values without decoding them.
/// </summary>
public sealed class EventFileReader : IDisposable
{
    private readonly RecordReader _records;
    private readonly EventDecoder _decoder;
    private readonly CancellationToken _cancellation;
    private readonly List<PendingValue> _batch;
    private readonly List<ValueHeader> _headers;
    private int _batchIndex;
    private bool _skim;

    /// <summary>
    /// Payloads at least this long are looked at through their first bytes only when the value they hold is not
    /// wanted: they are passed over with a seek, unread and unchecked. Shorter records are always read and
    /// CRC-checked, so damage in the small records that hold scalars is always reported.
    /// </summary>
    public const int SkimThreshold = 4096;

    private const int HeadBytes = 512;

    /// <summary>Opens <paramref name="path"/> (shared with writers) at <paramref name="startOffset"/>.</summary>
    /// <param name="path">The event file.</param>
    /// <param name="tagFilter">Which tags to produce; null for all.</param>
    /// <param name="runState">Tag knowledge shared by the files of one run, in order; null for a file on its own.</param>
    /// <param name="startOffset">Where to start: 0, or an <see cref="Offset"/> kept from an earlier read.</param>
    /// <param name="kinds">Which kinds of values to produce.</param>
    /// <param name="cancellation">Stops a long read promptly (checked every few thousand records).</param>
    public EventFileReader(string path, Func<string, bool>? tagFilter = null, RunTagState? runState = null, long startOffset = 0,
                           EventKinds kinds = EventKinds.Scalar, CancellationToken cancellation = default)
        : this(Storage.LogLocation.OpenRead(path), path, tagFilter, runState, startOffset, kinds, cancellation)
    {
    }

    internal EventFileReader(Stream stream, string path, Func<string, bool>? tagFilter, RunTagState? runState, long startOffset,
                             EventKinds kinds = EventKinds.Scalar, CancellationToken cancellation = default, bool ownsStream = true,
                             bool sparse = false)
    {
        _cancellation = cancellation;
        if (stream is Storage.StoreReadStream store)
        {
            store.Cancellation = cancellation; // Ctrl+C stops a read waiting for the store, not only between records
        }
        Path = path;
        _records = new RecordReader(stream, startOffset, ownsStream);
        if (sparse) _records.StartSmall();
        _decoder = new EventDecoder(tagFilter, runState ?? new RunTagState(), kinds);
        _batch = _decoder.Batch;
        _headers = _decoder.Headers;
        UpdateSkim();
    }

    /// <summary>
    /// Kinds that are counted rather than decoded: each value of such a kind (and not in the kinds asked for)
    /// gives <see cref="EventReadResult.Counted"/> with its tag, step and wall time; its payload is never parsed,
    /// and large ones are not even read. Default: none.
    /// </summary>
    public EventKinds CountedKinds
    {
        get => _decoder.Counted;
        init
        {
            _decoder.Counted = value;
            UpdateSkim();
        }
    }

    /// <summary>
    /// Whether small buffered records take the short path (one framing check, <see cref="SimpleScalar"/> for plain scalars).
    /// Off, every record goes through the general path; the results are the same, which tests check by reading both ways.
    /// </summary>
    internal bool FastPaths { get; init; } = true;

    /// <summary>The value counted by the last <see cref="EventReadResult.Counted"/>.</summary>
    public ValueHeader CurrentHeader { get; private set; }

    private void UpdateSkim() =>
        _skim = _decoder.FiltersTags || (_decoder.Kinds & (EventKinds.All & ~EventKinds.Scalar)) != (EventKinds.All & ~EventKinds.Scalar);

    /// <summary>The event file being read (as given), for messages and items.</summary>
    public string Path { get; }

    /// <summary>Where the next record starts; after <see cref="EventReadResult.Truncated"/>, where to resume later.</summary>
    public long Offset => _records.Offset;

    /// <summary>Intact records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The file version named by the file's first event (normally <c>brain.Event:2</c>).</summary>
    public string? FileVersion => _decoder.FileVersion;

    /// <summary>The value produced by the last <see cref="EventReadResult.Scalar"/>.</summary>
    public ScalarRecord Current { get; private set; }

    /// <summary>The value produced by the last <see cref="EventReadResult.Value"/>.</summary>
    public ValueRecord? CurrentValue { get; private set; }

    /// <summary>The damage reported by the last <see cref="EventReadResult.Error"/>.</summary>
    public EventReadError? LastError { get; private set; }

    /// <summary>
    /// True when the file may be an event file: when it is empty (or shorter than a record header: just created),
    /// when its first record header verifies, or when an intact record starts anywhere in it. Cheap for event files
    /// (one header read); a file whose first header is damaged is scanned once, up to its first intact record.
    /// A file with any intact record is an event file: its damage is reported and read past, never a reason to skip it.
    /// </summary>
    public static bool LooksLikeEventFile(string path)
    {
        using var stream = Storage.LogLocation.OpenRead(path);
        return RecordReader.HoldsRecords(stream);
    }

    /// <summary>Advances to the next scalar, damaged region, or end of the data.</summary>
    // Once per record, with the few methods it calls per record (each marked so too): optimized from the first
    // call. Left to tiering, a fresh process reads its first millions of records in unoptimized and then
    // PGO-instrumented code, 4-5x slower (Get-TbEvent -Pivot's layout scan read 5 M scalars in 2.1-2.7 s of
    // CPU instead of 0.5 s), and later still on a busy machine, where the background compiler waits for a core.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public EventReadResult Next()
    {
        while (true)
        {
            if (_batchIndex < _batch.Count)
            {
                var next = _batch[_batchIndex++];
                if (next.Counted)
                {
                    CurrentHeader = _headers[next.HeaderIndex];
                    return EventReadResult.Counted;
                }
                if (next.Problem is { } problem)
                {
                    // A value of the record just read that could not be decoded: reported in its place.
                    LastError = problem.ToError(Path, _records.RecordOffset, _records.Offset);
                    return EventReadResult.Error;
                }
                if (next.Value is null)
                {
                    Current = next.Scalar;
                    return EventReadResult.Scalar;
                }
                CurrentValue = next.Value;
                return EventReadResult.Value;
            }
            _batch.Clear();
            if (_headers.Count > 0)
            {
                _headers.Clear();
            }
            _batchIndex = 0;

            // The common case first: a small record already buffered, most often a scalar written the way
            // PyTorch and TbWriter write them, decoded here without the general machinery.
            if (FastPaths && _records.TryReadBuffered(_skim ? SkimThreshold : int.MaxValue))
            {
                if ((++RecordsRead & 4095) == 0)
                {
                    _cancellation.ThrowIfCancellationRequested();
                }
                var payload = _records.Payload;
                if ((_decoder.Kinds & EventKinds.Scalar) != 0 && SimpleScalar.TryDecode(payload, out var tag, out long step, out double wallTime, out float value))
                {
                    string tagText = _decoder.Strings.Get(tag);
                    if (_decoder.Wanted(tagText))
                    {
                        Current = new ScalarRecord(tagText, step, wallTime, value);
                        return EventReadResult.Scalar;
                    }
                    continue;
                }
                if (!TryDecode(payload))
                {
                    return EventReadResult.Error;
                }
                continue;
            }

            if (_skim)
            {
                var peeked = _records.Peek(HeadBytes, SkimThreshold);
                if (peeked == RecordStatus.Record && _records.PeekedLength >= SkimThreshold && TrySkim(_records.PeekedHead, _records.PeekedLength))
                {
                    _records.SkipPeeked();
                    if ((++RecordsRead & 4095) == 0)
                    {
                        _cancellation.ThrowIfCancellationRequested();
                    }
                    continue;
                }
                if (peeked == RecordStatus.Damaged)
                {
                    return Damaged();
                }
                if (peeked != RecordStatus.Record)
                {
                    return peeked == RecordStatus.EndOfData ? EventReadResult.EndOfData : EventReadResult.Truncated;
                }
            }

            switch (_records.Read())
            {
                case RecordStatus.EndOfData:
                    return EventReadResult.EndOfData;
                case RecordStatus.Truncated:
                    return EventReadResult.Truncated;
                case RecordStatus.Damaged:
                    return Damaged();
            }

            RecordsRead++;
            if ((RecordsRead & 4095) == 0)
            {
                _cancellation.ThrowIfCancellationRequested();
            }
            if (!TryDecode(_records.Payload))
            {
                return EventReadResult.Error;
            }
        }
    }

    /// <summary>Decodes the record just read into the batch; false (with <see cref="LastError"/> set) when it does not parse.</summary>
    private bool TryDecode(ReadOnlySpan<byte> payload)
    {
        try
        {
            _decoder.Decode(payload);
            return true;
        }
        catch (Exception e) when (e is MalformedPayloadException or Google.Protobuf.InvalidProtocolBufferException)
        {
            _batch.Clear();
            long offset = _records.RecordOffset;
            LastError = new EventReadError(Path, offset, EventReadErrorKind.UnparsablePayload,
                _records.Offset - offset, _records.Offset);
            return false;
        }
    }

    private EventReadResult Damaged()
    {
        var d = _records.LastDamage!;
        LastError = new EventReadError(Path, d.Offset,
            d.Kind switch
            {
                RecordDamageKind.LengthCrc => EventReadErrorKind.LengthCrc,
                RecordDamageKind.LengthBeyondEnd => EventReadErrorKind.LengthBeyondEnd,
                _ => EventReadErrorKind.DataCrc,
            },
            d.SkippedBytes, d.ResumedAt);
        return EventReadResult.Error;
    }

    /// <summary>
    /// Decides from the first bytes of a large record whether it can be passed over unread: true when it is an
    /// event whose summary holds one value, of a tag not wanted or of a kind not decoded, whose payload closes the
    /// record (what PyTorch and TbWriter write for images, audio and histograms). A counted value is queued.
    /// Anything else (several values, metadata after the payload, a head too short to tell) reads normally.
    /// </summary>
    private bool TrySkim(ReadOnlySpan<byte> head, int recordLength)
    {
        try
        {
            double wallTime = 0;
            long step = 0;
            var reader = new PartialReader(head, recordLength);
            // Event: wall_time (1), step (2), then a summary (5) that must close the record.
            int summaryEnd = -1;
            while (summaryEnd < 0)
            {
                if (!reader.TryReadTag(out int field, out WireType wire))
                {
                    return false;
                }
                switch (field)
                {
                    case EventField.WallTime when wire == WireType.Fixed64:
                        wallTime = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
                        break;
                    case EventField.Step when wire == WireType.Varint:
                        step = (long)reader.ReadVarint();
                        break;
                    case EventField.Summary when wire == WireType.LengthDelimited:
                        summaryEnd = reader.ReadLengthEnd();
                        break;
                    case EventField.GraphDef or EventField.MetaGraphDef when wire == WireType.LengthDelimited:
                        // A graph or meta graph: pass it over when it closes the record and graphs are neither read nor
                        // counted (or its tag is not wanted).
                        if (reader.ReadLengthEnd() != recordLength)
                        {
                            return false;
                        }
                        if (!_decoder.Wanted(GraphRecord.RunGraphTag))
                        {
                            return true;
                        }
                        if ((_decoder.Kinds & EventKinds.Graph) != 0)
                        {
                            return false;
                        }
                        if ((_decoder.Counted & EventKinds.Graph) != 0)
                        {
                            _decoder.QueueCounted(new ValueHeader(GraphRecord.RunGraphTag, step, wallTime, EventKinds.Graph, GraphDecoder.PluginOf(field)));
                        }
                        return true;
                    case EventField.TaggedRunMetadata when wire == WireType.LengthDelimited:
                        // Run metadata: its tag is inside; read it whole when graphs are read or counted.
                        return reader.ReadLengthEnd() == recordLength && ((_decoder.Kinds | _decoder.Counted) & EventKinds.Graph) == 0;
                    case EventField.FileVersion:
                        return false;
                    default:
                        if (!reader.TrySkipInHead(wire))
                        {
                            return false;
                        }
                        break;
                }
            }
            if (summaryEnd != recordLength || !reader.TryReadTag(out int valueField, out WireType valueWire)
                || valueField != SummaryField.Value || valueWire != WireType.LengthDelimited || reader.ReadLengthEnd() != recordLength)
            {
                return false;
            }
            // Summary.Value: the tag (1), then the payload, which must close the value.
            ReadOnlySpan<byte> tag = default;
            while (true)
            {
                if (!reader.TryReadTag(out int field, out WireType wire))
                {
                    return false;
                }
                if (field == SummaryValueField.Tag && wire == WireType.LengthDelimited)
                {
                    if (!reader.TryReadInHead(out tag))
                    {
                        return false;
                    }
                    continue;
                }
                if (wire != WireType.LengthDelimited || field is not (SummaryValueField.Image or SummaryValueField.Histo or SummaryValueField.Audio or SummaryValueField.Tensor) || tag.IsEmpty
                    || reader.ReadLengthEnd() != recordLength)
                {
                    return false;
                }
                string tagText = _decoder.Strings.Get(tag);
                var runState = _decoder.RunState;
                EventKinds kind;
                string plugin;
                switch (field)
                {
                    case SummaryValueField.Image:
                        (kind, plugin) = (EventKinds.Image, runState.PluginOf(tagText) ?? PluginNames.Images);
                        break;
                    case SummaryValueField.Histo:
                        (kind, plugin) = (EventKinds.Histogram, runState.PluginOf(tagText) ?? PluginNames.Histograms);
                        break;
                    case SummaryValueField.Audio:
                        (kind, plugin) = (EventKinds.Audio, runState.PluginOf(tagText) ?? PluginNames.Audio);
                        break;
                    default:
                        if (!runState.Knows(tagText))
                        {
                            // Its kind comes from metadata we have not seen: read it whole.
                            return false;
                        }
                        plugin = runState.PluginOf(tagText)!;
                        kind = ValueDecoder.KindOfTensor(plugin);
                        if (kind == EventKinds.Scalar)
                        {
                            return false;
                        }
                        break;
                }
                if (!_decoder.Wanted(tagText))
                {
                    return true;
                }
                if ((_decoder.Kinds & kind) != 0)
                {
                    return false;
                }
                if ((_decoder.Counted & kind) != 0)
                {
                    _decoder.QueueCounted(new ValueHeader(tagText, step, wallTime, kind, plugin));
                }
                return true;
            }
        }
        catch (MalformedPayloadException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _records.Dispose();
}
