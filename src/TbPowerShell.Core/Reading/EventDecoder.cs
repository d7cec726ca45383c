using TbPowerShell.Core.Model;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// A decoded value waiting to be handed out by the reader: a scalar, a value, the index of a counted
/// value's header in <see cref="EventDecoder.Headers"/>, or a value that could not be decoded.
/// </summary>
internal readonly record struct PendingValue(ScalarRecord Scalar, ValueRecord? Value, int HeaderIndex = -1, ValueProblem? Problem = null)
{
    /// <summary>True for a value that is counted rather than decoded.</summary>
    public bool Counted => HeaderIndex >= 0;
}

/// <summary>
/// A value of an intact record that was not decoded because its payload claims a size it cannot have or does not
/// parse; the reader reports it (as an <see cref="EventReadError"/> of <see cref="Kind"/>) in its place and goes on.
/// </summary>
/// <param name="Tag">The value's tag.</param>
/// <param name="Kind"><see cref="EventReadErrorKind.ValueTooLarge"/> or <see cref="EventReadErrorKind.MalformedValue"/>.</param>
/// <param name="Detail">What the value claimed, as the end of a sentence ("is a DT_FLOAT tensor whose shape ...").</param>
internal sealed record ValueProblem(string Tag, EventReadErrorKind Kind, string Detail)
{
    /// <summary>The error to report for this value of the record at <paramref name="offset"/>; reading resumes at <paramref name="next"/>.</summary>
    public EventReadError ToError(string file, long offset, long next) =>
        new(file, offset, Kind, 0, next) { Tag = Tag, Detail = Detail };
}

/// <summary>
/// Decodes event records into the values a reader hands out: old and new encodings give the same
/// records (<c>simple_value</c> and rank-0 tensors of the scalars plugin give a <see cref="ScalarRecord"/>;
/// <c>Summary.Image</c>/<c>Audio</c>/<c>histo</c> and the tensors of the images, audio, text and histograms
/// plugins give the matching <see cref="ValueRecord"/>), a tensor's meaning comes from the plugin of its
/// tag's first metadata (kept in the run's <see cref="RunTagState"/>), and kinds not asked for are not
/// decoded. One per file being read; not thread-safe.
/// </summary>
internal sealed class EventDecoder
{
    private readonly Func<string, bool>? _tagFilter;
    private readonly Dictionary<string, bool> _tagVerdicts = new(StringComparer.Ordinal);
    private readonly EventKinds _kinds;
    private readonly List<PendingValue> _batch = new();
    private readonly List<ValueHeader> _headers = new();
    private EventKinds _counted;

    /// <summary>Decodes the kinds in <paramref name="kinds"/> of the tags <paramref name="tagFilter"/> keeps, learning plugins into <paramref name="runState"/>.</summary>
    public EventDecoder(Func<string, bool>? tagFilter, RunTagState runState, EventKinds kinds)
    {
        _tagFilter = tagFilter;
        RunState = runState;
        _kinds = kinds;
    }

    /// <summary>What the run has said about its tags (plugins), shared by its files in order.</summary>
    public RunTagState RunState { get; }

    /// <summary>Tags and plugin names, decoded once per distinct byte sequence.</summary>
    public Utf8StringCache Strings { get; } = new();

    /// <summary>True when only some tags are wanted (then large records of other tags are passed over unread).</summary>
    public bool FiltersTags => _tagFilter is not null;

    /// <summary>The kinds decoded and handed out.</summary>
    public EventKinds Kinds => _kinds;

    /// <summary>The kinds counted (a header each) rather than decoded; never one of <see cref="Kinds"/>.</summary>
    public EventKinds Counted
    {
        get => _counted;
        set => _counted = value & ~_kinds;
    }

    /// <summary>The values decoded from the last records, in order.</summary>
    public List<PendingValue> Batch => _batch;

    /// <summary>The headers of the counted values in <see cref="Batch"/>.</summary>
    public List<ValueHeader> Headers => _headers;

    /// <summary>The file version named by the first event that had one.</summary>
    public string? FileVersion { get; private set; }

    /// <summary>Queues the header of a counted value (the reader finds these in records it passes over unread).</summary>
    public void QueueCounted(in ValueHeader header)
    {
        _headers.Add(header);
        _batch.Add(new PendingValue(default, null, _headers.Count - 1));
    }

    /// <summary>Decodes one event record into <see cref="Batch"/> (and <see cref="Headers"/>); throws on a payload that does not parse.</summary>
    /// <exception cref="MalformedPayloadException">The payload is not a well-formed event.</exception>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">A nested message does not parse.</exception>
    public void Decode(ReadOnlySpan<byte> payload)
    {
        double wallTime = 0;
        long step = 0;
        ReadOnlySpan<byte> summary = default;
        bool hasSummary = false;
        ReadOnlySpan<byte> graph = default;
        int graphField = 0;

        var reader = new ProtoReader(payload);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case EventField.WallTime when wire == WireType.Fixed64:
                    wallTime = reader.ReadDouble();
                    break;
                case EventField.Step when wire == WireType.Varint:
                    step = (long)reader.ReadVarint();
                    break;
                case EventField.FileVersion when wire == WireType.LengthDelimited:
                    // Always consume the field: a later file_version event (PurgeStep writes one)
                    // must be skipped over, not left for the field loop to misread.
                    var version = reader.ReadBytes();
                    FileVersion ??= Strings.Get(version);
                    break;
                case EventField.Summary when wire == WireType.LengthDelimited:
                    summary = reader.ReadBytes();
                    hasSummary = true;
                    break;
                case EventField.GraphDef or EventField.TaggedRunMetadata or EventField.MetaGraphDef when wire == WireType.LengthDelimited:
                    graph = reader.ReadBytes();
                    graphField = field;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (graphField != 0)
        {
            DecodeGraph(graphField, graph, step, wallTime);
        }
        if (!hasSummary)
        {
            return;
        }

        var values = new ProtoReader(summary);
        while (values.TryReadTag(out int field, out WireType wire))
        {
            if (field == SummaryField.Value && wire == WireType.LengthDelimited)
            {
                DecodeValue(values.ReadBytes(), step, wallTime);
            }
            else
            {
                values.Skip(wire);
            }
        }
    }

    /// <summary>
    /// A graph field of an event (graph_def, tagged_run_metadata or meta_graph_def) as a <see cref="GraphRecord"/>
    /// when graphs are asked for (or its header when counted); a graph that does not parse costs itself only.
    /// </summary>
    private void DecodeGraph(int field, ReadOnlySpan<byte> bytes, long step, double wallTime)
    {
        if (((_kinds | _counted) & EventKinds.Graph) == 0)
        {
            return;
        }
        string tag = field == EventField.TaggedRunMetadata ? GraphDecoder.TagOf(bytes, Strings) : GraphRecord.RunGraphTag;
        if (!Wanted(tag))
        {
            return;
        }
        if ((_kinds & EventKinds.Graph) == 0)
        {
            QueueCounted(new ValueHeader(tag, step, wallTime, EventKinds.Graph, GraphDecoder.PluginOf(field)));
            return;
        }
        try
        {
            Add(field switch
            {
                EventField.GraphDef => GraphDecoder.FromGraphDef(step, wallTime, bytes),
                EventField.MetaGraphDef => GraphDecoder.FromMetaGraphDef(step, wallTime, bytes),
                _ => GraphDecoder.FromTaggedRunMetadata(step, wallTime, bytes),
            });
        }
        catch (Exception e) when (e is MalformedPayloadException or Google.Protobuf.InvalidProtocolBufferException)
        {
            _batch.Add(new PendingValue(default, null, Problem: new ValueProblem(tag, EventReadErrorKind.MalformedValue,
                "is a graph that does not parse (" + e.Message.TrimEnd('.', ' ') + ")")));
        }
    }

    private enum ValueCase
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
        var field = ValueCase.None;
        float simple = 0;

        var reader = new ProtoReader(value);
        while (reader.TryReadTag(out int number, out WireType wire))
        {
            switch (number)
            {
                case SummaryValueField.Tag when wire == WireType.LengthDelimited:
                    tag = reader.ReadBytes();
                    break;
                case SummaryValueField.SimpleValue when wire == WireType.Fixed32:
                    simple = reader.ReadFloat();
                    field = ValueCase.Simple;
                    break;
                case SummaryValueField.Image when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueCase.Image;
                    break;
                case SummaryValueField.Histo when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueCase.Histogram;
                    break;
                case SummaryValueField.Audio when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueCase.Audio;
                    break;
                case SummaryValueField.NodeName when wire == WireType.LengthDelimited:
                    nodeName = reader.ReadBytes();
                    break;
                case SummaryValueField.Tensor when wire == WireType.LengthDelimited:
                    payload = reader.ReadBytes();
                    field = ValueCase.Tensor;
                    break;
                case SummaryValueField.Metadata when wire == WireType.LengthDelimited:
                    metadata = reader.ReadBytes();
                    hasMetadata = true;
                    break;
                case SummaryValueField.ObsoleteOldStyleHistogram:
                    // obsolete_old_style_histogram: a member of the value oneof we do not read.
                    reader.Skip(wire);
                    field = ValueCase.None;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        string tagText = Strings.Get(tag.IsEmpty ? nodeName : tag);
        if (hasMetadata && !RunState.Knows(tagText))
        {
            NotePlugin(tagText, metadata);
        }
        if (!Wanted(tagText))
        {
            return;
        }
        if (_counted != 0 && (field != ValueCase.None || hasMetadata) && Count(field, tagText, step, wallTime, payload))
        {
            return;
        }
        if (field == ValueCase.None)
        {
            // The hparams plugin's values are metadata only, each its own (not the tag's first).
            if (hasMetadata && RunState.PluginOf(tagText) == PluginNames.HParams)
            {
                if ((_kinds & EventKinds.Hyperparameters) != 0)
                {
                    AddHParams(tagText, step, wallTime, metadata);
                }
                return;
            }
            // A value with metadata only (of another plugin): a tensor with no elements.
            if (hasMetadata && (_kinds & EventKinds.Tensor) != 0)
            {
                Add(new TensorRecord(tagText, step, wallTime, RunState.PluginOf(tagText) ?? string.Empty, "DT_INVALID",
                    Array.Empty<long>(), Array.Empty<double>(), null, RunState.PluginContentOf(tagText)));
            }
            return;
        }

        // From here on the value's own bytes are framed: what goes wrong inside its payload (a size it cannot
        // have, a nested message that does not parse) costs this value only, not the record's other values.
        int mark = _batch.Count;
        try
        {
            DecodePayload(field, tagText, step, wallTime, simple, payload);
        }
        catch (TensorSizeException e)
        {
            Reject(mark, tagText, e.TooLarge ? EventReadErrorKind.ValueTooLarge : EventReadErrorKind.MalformedValue, e.Message);
        }
        catch (Exception e) when (e is MalformedPayloadException or Google.Protobuf.InvalidProtocolBufferException)
        {
            Reject(mark, tagText, EventReadErrorKind.MalformedValue, "has a payload that does not parse (" + e.Message.TrimEnd('.', ' ') + ")");
        }
        catch (OutOfMemoryException)
        {
            // The bounds in TensorValues are the real defence; this keeps one value that still got past them
            // from ending the whole read.
            Reject(mark, tagText, EventReadErrorKind.ValueTooLarge, "could not be decoded: the process ran out of memory");
        }
    }

    /// <summary>Replaces what a value added to the batch (if anything) by the report of its problem.</summary>
    private void Reject(int mark, string tag, EventReadErrorKind kind, string detail)
    {
        _batch.RemoveRange(mark, _batch.Count - mark);
        _batch.Add(new PendingValue(default, null, Problem: new ValueProblem(tag, kind, detail)));
    }

    private void DecodePayload(ValueCase field, string tagText, long step, double wallTime, float simple, ReadOnlySpan<byte> payload)
    {
        switch (field)
        {
            case ValueCase.Simple:
                if ((_kinds & EventKinds.Scalar) != 0)
                {
                    _batch.Add(new PendingValue(new ScalarRecord(tagText, step, wallTime, simple), null));
                }
                return;
            case ValueCase.Image:
                if ((_kinds & EventKinds.Image) != 0)
                {
                    Add(ValueDecoder.OldImage(tagText, step, wallTime, payload));
                }
                return;
            case ValueCase.Audio:
                if ((_kinds & EventKinds.Audio) != 0)
                {
                    Add(ValueDecoder.OldAudio(tagText, step, wallTime, payload));
                }
                return;
            case ValueCase.Histogram:
                if ((_kinds & EventKinds.Histogram) != 0)
                {
                    Add(ValueDecoder.OldHistogram(tagText, step, wallTime, payload));
                }
                return;
        }

        // A tensor: what it is depends on the plugin of the tag's first metadata.
        string? plugin = RunState.PluginOf(tagText);
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
                     RunState.PluginContentOf(tagText), payload))
        {
            Add(record);
        }
    }

    private void Add(ValueRecord record)
    {
        // The components of a mesh (<name>_VERTEX, _FACE, _COLOR) come as values of one event: one record.
        if (record is MeshRecord mesh && _batch.Count > 0 && _batch[^1].Value is MeshRecord last && MeshRecord.Merge(last, mesh) is { } merged)
        {
            _batch[^1] = new PendingValue(default, merged);
            return;
        }
        _batch.Add(new PendingValue(default, record));
    }

    private void AddHParams(string tag, long step, double wallTime, ReadOnlySpan<byte> metadata)
    {
        int mark = _batch.Count;
        try
        {
            if (HParamsDecoder.FromMetadata(tag, step, wallTime, metadata) is { } record)
            {
                Add(record);
            }
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            Reject(mark, tag, EventReadErrorKind.MalformedValue, "has hparams plugin data that does not parse (" + e.Message.TrimEnd('.', ' ') + ")");
        }
    }

    /// <summary>Queues a counted header when the value is of a counted kind; true when it did.</summary>
    private bool Count(ValueCase field, string tag, long step, double wallTime, ReadOnlySpan<byte> payload)
    {
        string? known = RunState.PluginOf(tag);
        var (kind, plugin) = field switch
        {
            ValueCase.Simple => (EventKinds.Scalar, known ?? PluginNames.Scalars),
            ValueCase.Image => (EventKinds.Image, known ?? PluginNames.Images),
            ValueCase.Audio => (EventKinds.Audio, known ?? PluginNames.Audio),
            ValueCase.Histogram => (EventKinds.Histogram, known ?? PluginNames.Histograms),
            ValueCase.None => (known == PluginNames.HParams ? EventKinds.Hyperparameters : EventKinds.Tensor, known ?? string.Empty),
            _ => (ValueDecoder.KindOfTensor(known), known ?? string.Empty),
        };
        if (kind == EventKinds.Scalar && field == ValueCase.Tensor && !ScalarTensor.TryDecode(payload, out _))
        {
            kind = EventKinds.Tensor;
        }
        if ((_counted & kind) == 0)
        {
            return false;
        }
        QueueCounted(new ValueHeader(tag, step, wallTime, kind, plugin));
        return true;
    }

    private void NotePlugin(string tag, ReadOnlySpan<byte> metadata)
    {
        var reader = new ProtoReader(metadata);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == MetadataField.PluginData && wire == WireType.LengthDelimited)
            {
                var pluginData = new ProtoReader(reader.ReadBytes());
                string? name = null;
                ReadOnlySpan<byte> content = default;
                while (pluginData.TryReadTag(out int inner, out WireType innerWire))
                {
                    if (inner == MetadataField.PluginName && innerWire == WireType.LengthDelimited)
                    {
                        name = Strings.Get(pluginData.ReadBytes());
                    }
                    else if (inner == MetadataField.PluginContent && innerWire == WireType.LengthDelimited)
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
                    RunState.NotePlugin(tag, name, content);
                }
                return;
            }
            reader.Skip(wire);
        }
    }


    /// <summary>True when the tag filter keeps <paramref name="tag"/> (asked once per tag and file).</summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool Wanted(string tag)
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
}
