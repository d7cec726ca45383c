using TbPowerShell.Core.Records;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.IO;

/// <summary>What <see cref="EventFileReader.Next"/> produced.</summary>
public enum EventReadResult
{
    /// <summary>A scalar value is in <see cref="EventFileReader.Current"/>.</summary>
    Scalar,

    /// <summary>A damaged region was skipped; see <see cref="EventFileReader.LastError"/>.</summary>
    Error,

    /// <summary>The file ends inside a record; <see cref="EventFileReader.Offset"/> is where to resume.</summary>
    Truncated,

    /// <summary>The file ends cleanly.</summary>
    EndOfData,
}

/// <summary>
/// Streams the scalar values of one event file with constant memory. Old (<c>simple_value</c>)
/// and new (rank-0 tensors of the <c>scalars</c> plugin) encodings give the same
/// <see cref="ScalarRecord"/>; every other kind of value is skipped without being decoded.
/// </summary>
public sealed class EventFileReader : IDisposable
{
    private const string ScalarsPlugin = "scalars";

    private readonly RecordReader _records;
    private readonly RunTagState _runState;
    private readonly Func<string, bool>? _tagFilter;
    private readonly Dictionary<string, bool> _tagVerdicts = new(StringComparer.Ordinal);
    private readonly Utf8StringCache _strings;
    private readonly List<ScalarRecord> _batch = new();
    private int _batchIndex;

    /// <summary>Opens <paramref name="path"/> (shared with writers) at <paramref name="startOffset"/>.</summary>
    /// <param name="path">The event file.</param>
    /// <param name="tagFilter">Which tags to produce; null for all.</param>
    /// <param name="runState">Tag knowledge shared by the files of one run, in order; null for a file on its own.</param>
    /// <param name="startOffset">Where to start: 0, or an <see cref="Offset"/> kept from an earlier read.</param>
    public EventFileReader(string path, Func<string, bool>? tagFilter = null, RunTagState? runState = null, long startOffset = 0)
        : this(RecordReader.OpenShared(path), path, tagFilter, runState, startOffset)
    {
    }

    internal EventFileReader(Stream stream, string path, Func<string, bool>? tagFilter, RunTagState? runState, long startOffset)
    {
        Path = path;
        _records = new RecordReader(stream, startOffset, ownsStream: true);
        _tagFilter = tagFilter;
        _runState = runState ?? new RunTagState();
        _strings = new Utf8StringCache();
    }

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
                Current = _batch[_batchIndex++];
                return EventReadResult.Scalar;
            }
            _batch.Clear();
            _batchIndex = 0;

            switch (_records.Read())
            {
                case RecordStatus.EndOfData:
                    return EventReadResult.EndOfData;
                case RecordStatus.Truncated:
                    return EventReadResult.Truncated;
                case RecordStatus.Damaged:
                    var d = _records.LastDamage!;
                    LastError = new EventReadError(Path, d.Offset,
                        d.Kind == RecordDamageKind.LengthCrc ? EventReadErrorKind.LengthCrc : EventReadErrorKind.DataCrc,
                        d.SkippedBytes, d.ResumedAt);
                    return EventReadResult.Error;
            }

            RecordsRead++;
            try
            {
                DecodeEvent(_records.Payload);
            }
            catch (MalformedPayloadException)
            {
                _batch.Clear();
                long offset = _records.RecordOffset;
                LastError = new EventReadError(Path, offset, EventReadErrorKind.UnparsablePayload,
                    _records.Offset - offset, _records.Offset);
                return EventReadResult.Error;
            }
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

    private void DecodeValue(ReadOnlySpan<byte> value, long step, double wallTime)
    {
        ReadOnlySpan<byte> tag = default;
        ReadOnlySpan<byte> nodeName = default;
        ReadOnlySpan<byte> tensor = default;
        ReadOnlySpan<byte> metadata = default;
        bool hasSimple = false, hasTensor = false, hasMetadata = false;
        float simple = 0;

        var reader = new ProtoReader(value);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    tag = reader.ReadBytes();
                    break;
                case 2 when wire == WireType.Fixed32:
                    simple = reader.ReadFloat();
                    hasSimple = true;
                    hasTensor = false;
                    break;
                case 7 when wire == WireType.LengthDelimited:
                    nodeName = reader.ReadBytes();
                    break;
                case 8 when wire == WireType.LengthDelimited:
                    tensor = reader.ReadBytes();
                    hasTensor = true;
                    hasSimple = false;
                    break;
                case 9 when wire == WireType.LengthDelimited:
                    metadata = reader.ReadBytes();
                    hasMetadata = true;
                    break;
                case 3 or 4 or 5 or 6:
                    // Another member of the value oneof (histogram, image, audio): the last one wins.
                    reader.Skip(wire);
                    hasSimple = hasTensor = false;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        string tagText = _strings.Get(tag.IsEmpty ? nodeName : tag);
        if (hasMetadata)
        {
            string? plugin = ReadPluginName(metadata);
            if (plugin is not null)
            {
                _runState.NotePlugin(tagText, plugin);
            }
        }
        if (!hasSimple && !hasTensor)
        {
            return;
        }
        if (!Wanted(tagText))
        {
            return;
        }
        if (hasSimple)
        {
            _batch.Add(new ScalarRecord(tagText, step, wallTime, simple));
        }
        else if (_runState.PluginOf(tagText) == ScalarsPlugin && ScalarTensor.TryDecode(tensor, out double number))
        {
            _batch.Add(new ScalarRecord(tagText, step, wallTime, number));
        }
    }

    private string? ReadPluginName(ReadOnlySpan<byte> metadata)
    {
        var reader = new ProtoReader(metadata);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                var pluginData = new ProtoReader(reader.ReadBytes());
                while (pluginData.TryReadTag(out int inner, out WireType innerWire))
                {
                    if (inner == 1 && innerWire == WireType.LengthDelimited)
                    {
                        return _strings.Get(pluginData.ReadBytes());
                    }
                    pluginData.Skip(innerWire);
                }
                return null;
            }
            reader.Skip(wire);
        }
        return null;
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
