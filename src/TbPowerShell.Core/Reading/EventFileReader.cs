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
    private readonly RunTagState _runState;
    private readonly Func<string, bool>? _tagFilter;
    private readonly Dictionary<string, bool> _tagVerdicts = new(StringComparer.Ordinal);
    private readonly Utf8StringCache _strings;
    private readonly EventKinds _kinds;
    private readonly CancellationToken _cancellation;
    private readonly List<PendingValue> _batch = new();
    private readonly List<ValueHeader> _headers = new();
    private int _batchIndex;
    private EventKinds _counted;
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
        : this(RecordReader.OpenShared(path), path, tagFilter, runState, startOffset, kinds, cancellation)
    {
    }

    internal EventFileReader(Stream stream, string path, Func<string, bool>? tagFilter, RunTagState? runState, long startOffset,
                             EventKinds kinds = EventKinds.Scalar, CancellationToken cancellation = default)
    {
        _kinds = kinds;
        _cancellation = cancellation;
        Path = path;
        _records = new RecordReader(stream, startOffset, ownsStream: true);
        _tagFilter = tagFilter;
        _runState = runState ?? new RunTagState();
        _strings = new Utf8StringCache();
        UpdateSkim();
    }

    /// <summary>
    /// Kinds that are counted rather than decoded: each value of such a kind (and not in the kinds asked for)
    /// gives <see cref="EventReadResult.Counted"/> with its tag, step and wall time; its payload is never parsed,
    /// and large ones are not even read. Default: none.
    /// </summary>
    public EventKinds CountedKinds
    {
        get => _counted;
        init
        {
            _counted = value & ~_kinds;
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
        _skim = _tagFilter is not null || (_kinds & (EventKinds.All & ~EventKinds.Scalar)) != (EventKinds.All & ~EventKinds.Scalar);

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>Where the next record starts; after <see cref="EventReadResult.Truncated"/>, where to resume later.</summary>
    public long Offset => _records.Offset;

    /// <summary>Intact records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The file version named by the file's first event (normally <c>brain.Event:2</c>).</summary>
    public string? FileVersion { get; private set; }

    /// <summary>The value produced by the last <see cref="EventReadResult.Scalar"/>.</summary>
    public ScalarRecord Current { get; private set; }

    /// <summary>The value produced by the last <see cref="EventReadResult.Value"/>.</summary>
    public ValueRecord? CurrentValue { get; private set; }

    /// <summary>The damage reported by the last <see cref="EventReadResult.Error"/>.</summary>
    public EventReadError? LastError { get; private set; }

    /// <summary>
    /// True when the file is empty or starts with a TFRecord header whose CRC verifies: cheap
    /// to ask, it tells event files from other files before anything is reported as damage.
    /// </summary>
    public static bool LooksLikeEventFile(string path)
    {
        using var stream = RecordReader.OpenShared(path);
        Span<byte> header = stackalloc byte[TfRecord.HeaderSize];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return read < TfRecord.HeaderSize || TfRecord.TryReadHeader(header, out _);
    }

    /// <summary>Advances to the next scalar, damaged region, or end of the data.</summary>
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
                if ((_kinds & EventKinds.Scalar) != 0 && SimpleScalar.TryDecode(payload, out var tag, out long step, out double wallTime, out float value))
                {
                    string tagText = _strings.Get(tag);
                    if (Wanted(tagText))
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
            DecodeEvent(payload);
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
            d.Kind == RecordDamageKind.LengthCrc ? EventReadErrorKind.LengthCrc : EventReadErrorKind.DataCrc,
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
                    case 1 when wire == WireType.Fixed64:
                        wallTime = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
                        break;
                    case 2 when wire == WireType.Varint:
                        step = (long)reader.ReadVarint();
                        break;
                    case 5 when wire == WireType.LengthDelimited:
                        summaryEnd = reader.ReadLengthEnd();
                        break;
                    case 4 or 8 or 9 when wire == WireType.LengthDelimited:
                        // A graph, run metadata or meta graph: never a value; pass it over when it closes the record.
                        return reader.ReadLengthEnd() == recordLength;
                    case 3:
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
                || valueField != 1 || valueWire != WireType.LengthDelimited || reader.ReadLengthEnd() != recordLength)
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
                if (field == 1 && wire == WireType.LengthDelimited)
                {
                    if (!reader.TryReadInHead(out tag))
                    {
                        return false;
                    }
                    continue;
                }
                if (wire != WireType.LengthDelimited || field is not (4 or 5 or 6 or 8) || tag.IsEmpty
                    || reader.ReadLengthEnd() != recordLength)
                {
                    return false;
                }
                string tagText = _strings.Get(tag);
                EventKinds kind;
                string plugin;
                switch (field)
                {
                    case 4:
                        (kind, plugin) = (EventKinds.Image, _runState.PluginOf(tagText) ?? "images");
                        break;
                    case 5:
                        (kind, plugin) = (EventKinds.Histogram, _runState.PluginOf(tagText) ?? "histograms");
                        break;
                    case 6:
                        (kind, plugin) = (EventKinds.Audio, _runState.PluginOf(tagText) ?? "audio");
                        break;
                    default:
                        if (!_runState.Knows(tagText))
                        {
                            // Its kind comes from metadata we have not seen: read it whole.
                            return false;
                        }
                        plugin = _runState.PluginOf(tagText)!;
                        kind = ValueDecoder.KindOfTensor(plugin);
                        if (kind == EventKinds.Scalar)
                        {
                            return false;
                        }
                        break;
                }
                if (!Wanted(tagText))
                {
                    return true;
                }
                if ((_kinds & kind) != 0)
                {
                    return false;
                }
                if ((_counted & kind) != 0)
                {
                    _headers.Add(new ValueHeader(tagText, step, wallTime, kind, plugin));
                    _batch.Add(new PendingValue(default, null, _headers.Count - 1));
                }
                return true;
            }
        }
        catch (MalformedPayloadException)
        {
            return false;
        }
    }

    private void DecodeEvent(ReadOnlySpan<byte> payload)
    {
        double wallTime = 0;
        long step = 0;
        ReadOnlySpan<byte> summary = default;
        bool hasSummary = false;

        var reader = new ProtoReader(payload);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.Fixed64:
                    wallTime = reader.ReadDouble();
                    break;
                case 2 when wire == WireType.Varint:
                    step = (long)reader.ReadVarint();
                    break;
                case 3 when wire == WireType.LengthDelimited:
                    // Always consume the field: a later file_version event (PurgeStep writes one)
                    // must be skipped over, not left for the field loop to misread.
                    var version = reader.ReadBytes();
                    FileVersion ??= _strings.Get(version);
                    break;
                case 5 when wire == WireType.LengthDelimited:
                    summary = reader.ReadBytes();
                    hasSummary = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (!hasSummary)
        {
            return;
        }

        var values = new ProtoReader(summary);
        while (values.TryReadTag(out int field, out WireType wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                DecodeValue(values.ReadBytes(), step, wallTime);
            }
            else
            {
                values.Skip(wire);
            }
        }
    }

    private enum ValueField
    {
        None,
        Simple,
        Image,
        Histogram,
        Audio,
        Tensor,
    }

    private void DecodeValue(ReadOnlySpan<byte> value, long step, double wallTime)
    {
        ReadOnlySpan<byte> tag = default;
        ReadOnlySpan<byte> nodeName = default;
        ReadOnlySpan<byte> payload = default;
        ReadOnlySpan<byte> metadata = default;
        bool hasMetadata = false;
        var field = ValueField.None;
        float simple = 0;

        var reader = new ProtoReader(value);
        while (reader.TryReadTag(out int number, out WireType wire))
        {
            switch (number)
            {
                case 1 when wire == WireType.LengthDelimited:
                    tag = reader.ReadBytes();
                    break;
                case 2 when wire == WireType.Fixed32:
                    simple = reader.ReadFloat();
                    field = ValueField.Simple;
                    break;
                case 4 when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueField.Image;
                    break;
                case 5 when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueField.Histogram;
                    break;
                case 6 when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueField.Audio;
                    break;
                case 7 when wire == WireType.LengthDelimited:
                    nodeName = reader.ReadBytes();
                    break;
                case 8 when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueField.Tensor;
                    break;
                case 9 when wire == WireType.LengthDelimited:
                    metadata = reader.ReadBytes();
                    hasMetadata = true;
                    break;
                case 3:
                    // obsolete_old_style_histogram: a member of the value oneof we do not read.
                    reader.Skip(wire);
                    field = ValueField.None;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        string tagText = _strings.Get(tag.IsEmpty ? nodeName : tag);
        if (hasMetadata && !_runState.Knows(tagText))
        {
            NotePlugin(tagText, metadata);
        }
        if (!Wanted(tagText))
        {
            return;
        }
        if (_counted != 0 && (field != ValueField.None || hasMetadata) && Count(field, tagText, step, wallTime, payload))
        {
            return;
        }
        if (field == ValueField.None)
        {
            // A value with metadata only (hparams writes these): a tensor with no elements.
            if (hasMetadata && (_kinds & EventKinds.Tensor) != 0)
            {
                Add(new TensorRecord(tagText, step, wallTime, _runState.PluginOf(tagText) ?? string.Empty, "DT_INVALID",
                    Array.Empty<long>(), Array.Empty<double>(), null, _runState.PluginContentOf(tagText)));
            }
            return;
        }

        switch (field)
        {
            case ValueField.Simple:
                if ((_kinds & EventKinds.Scalar) != 0)
                {
                    _batch.Add(new PendingValue(new ScalarRecord(tagText, step, wallTime, simple), null));
                }
                return;
            case ValueField.Image:
                if ((_kinds & EventKinds.Image) != 0)
                {
                    Add(ValueDecoder.OldImage(tagText, step, wallTime, payload));
                }
                return;
            case ValueField.Audio:
                if ((_kinds & EventKinds.Audio) != 0)
                {
                    Add(ValueDecoder.OldAudio(tagText, step, wallTime, payload));
                }
                return;
            case ValueField.Histogram:
                if ((_kinds & EventKinds.Histogram) != 0)
                {
                    Add(ValueDecoder.OldHistogram(tagText, step, wallTime, payload));
                }
                return;
        }

        // A tensor: what it is depends on the plugin of the tag's first metadata.
        string? plugin = _runState.PluginOf(tagText);
        var kind = ValueDecoder.KindOfTensor(plugin);
        if (kind == EventKinds.Scalar)
        {
            if ((_kinds & EventKinds.Scalar) != 0 && ScalarTensor.TryDecode(payload, out double number))
            {
                _batch.Add(new PendingValue(new ScalarRecord(tagText, step, wallTime, number), null));
                return;
            }
            kind = EventKinds.Tensor;
            if ((_kinds & EventKinds.Tensor) == 0 || ScalarTensor.TryDecode(payload, out _))
            {
                return;
            }
        }
        if ((_kinds & kind) == 0)
        {
            return;
        }
        foreach (var record in ValueDecoder.NewStyle(kind, tagText, step, wallTime, plugin ?? string.Empty,
                     _runState.PluginContentOf(tagText), payload))
        {
            Add(record);
        }
    }

    private void Add(ValueRecord record) => _batch.Add(new PendingValue(default, record));

    /// <summary>Queues a counted header when the value is of a counted kind; true when it did.</summary>
    private bool Count(ValueField field, string tag, long step, double wallTime, ReadOnlySpan<byte> payload)
    {
        string? known = _runState.PluginOf(tag);
        var (kind, plugin) = field switch
        {
            ValueField.Simple => (EventKinds.Scalar, known ?? "scalars"),
            ValueField.Image => (EventKinds.Image, known ?? "images"),
            ValueField.Audio => (EventKinds.Audio, known ?? "audio"),
            ValueField.Histogram => (EventKinds.Histogram, known ?? "histograms"),
            ValueField.None => (EventKinds.Tensor, known ?? string.Empty),
            _ => (ValueDecoder.KindOfTensor(known), known ?? string.Empty),
        };
        if (kind == EventKinds.Scalar && field == ValueField.Tensor && !ScalarTensor.TryDecode(payload, out _))
        {
            kind = EventKinds.Tensor;
        }
        if ((_counted & kind) == 0)
        {
            return false;
        }
        _headers.Add(new ValueHeader(tag, step, wallTime, kind, plugin));
        _batch.Add(new PendingValue(default, null, _headers.Count - 1));
        return true;
    }

    private void NotePlugin(string tag, ReadOnlySpan<byte> metadata)
    {
        var reader = new ProtoReader(metadata);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                var pluginData = new ProtoReader(reader.ReadBytes());
                string? name = null;
                ReadOnlySpan<byte> content = default;
                while (pluginData.TryReadTag(out int inner, out WireType innerWire))
                {
                    if (inner == 1 && innerWire == WireType.LengthDelimited)
                    {
                        name = _strings.Get(pluginData.ReadBytes());
                    }
                    else if (inner == 2 && innerWire == WireType.LengthDelimited)
                    {
                        content = pluginData.ReadBytes();
                    }
                    else
                    {
                        pluginData.Skip(innerWire);
                    }
                }
                if (name is not null)
                {
                    _runState.NotePlugin(tag, name, content);
                }
                return;
            }
            reader.Skip(wire);
        }
    }

    private readonly record struct PendingValue(ScalarRecord Scalar, ValueRecord? Value, int HeaderIndex = -1)
    {
        public bool Counted => HeaderIndex >= 0;
    }

    private bool Wanted(string tag)
    {
        if (_tagFilter is null)
        {
            return true;
        }
        if (!_tagVerdicts.TryGetValue(tag, out bool wanted))
        {
            wanted = _tagFilter(tag);
            _tagVerdicts[tag] = wanted;
        }
        return wanted;
    }

    /// <inheritdoc />
    public void Dispose() => _records.Dispose();
}
