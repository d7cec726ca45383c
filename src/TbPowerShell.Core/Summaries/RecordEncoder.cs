using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Audio;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// The reader's inverse: builds the <c>Summary.Value</c>s that <see cref="EventFileReader"/> reads
/// back as exactly the given records (every property, bytes and double bits included), choosing per
/// record between the old encoding PyTorch writes (<c>simple_value</c>, <c>Summary.Image</c>,
/// <c>Summary.Audio</c>, <c>HistogramProto</c>) and a plugin tensor, so that runs can be filtered
/// and rewritten. Pure: no I/O. Plugin metadata is on every value that needs it; the writer keeps
/// only the first of each tag.
/// </summary>
public static class RecordEncoder
{
    private static readonly long CanonicalNaNBits = BitConverter.DoubleToInt64Bits(double.NaN);

    // AudioPluginData { encoding: WAV }: what TensorBoard's audio summary writes.
    private static readonly ByteString WavAudioContent = new AudioPluginData { Encoding = AudioPluginData.Types.Encoding.Wav }.ToByteString();

    // The names the reader gives (TensorValues.DTypeName), and "DT_INVALID" for a value with no tensor.
    private static readonly Dictionary<string, DataType> DataTypesByName = CreateDataTypesByName();

    /// <summary>
    /// A scalar read back bit for bit (for rewriting runs; <c>TbWriter.AddScalar</c> logs new scalars as PyTorch
    /// does): a float32 <c>simple_value</c> when the number is a float32 (what PyTorch writes, and
    /// every scalar PyTorch wrote), else a rank-0 DT_DOUBLE tensor of the scalars plugin, so that no
    /// bit of a double read from a TensorFlow run is lost.
    /// </summary>
    public static Summary.Types.Value Scalar(string tag, double value)
    {
        float single = (float)value;
        if (BitConverter.DoubleToInt64Bits(single) == BitConverter.DoubleToInt64Bits(value))
        {
            return new Summary.Types.Value { Tag = tag, SimpleValue = single };
        }
        var tensor = new TensorProto { Dtype = DataType.DtDouble, TensorShape = new TensorShapeProto() };
        tensor.DoubleVal.Add(value);
        return new Summary.Types.Value
        {
            Tag = tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Scalars, ByteString.Empty),
            Tensor = tensor,
        };
    }

    /// <summary>
    /// True when <paramref name="next"/> is the next sample (image or audio clip) of the same event as
    /// the samples in <paramref name="group"/>: same kind, tag, step and wall time, and a
    /// <c>Sample</c> one above the last. Such samples are written back as one event.
    /// </summary>
    public static bool ContinuesSamples(IReadOnlyList<ValueRecord> group, ValueRecord next)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(next);
        if (group.Count == 0)
        {
            return false;
        }
        var last = group[^1];
        if (!string.Equals(last.Tag, next.Tag, StringComparison.Ordinal) || last.Step != next.Step
            || BitConverter.DoubleToInt64Bits(last.WallTime) != BitConverter.DoubleToInt64Bits(next.WallTime))
        {
            return false;
        }
        return (last, next) switch
        {
            (ImageRecord a, ImageRecord b) => b.Sample == a.Sample + 1 && a.Width == b.Width && a.Height == b.Height,
            (AudioRecord a, AudioRecord b) => b.Sample == a.Sample + 1,
            _ => false,
        };
    }

    /// <summary>True for the records that can share an event with further samples (images and audio).</summary>
    public static bool IsSample(ValueRecord record) => record is ImageRecord or AudioRecord;

    /// <summary>
    /// The values for a run of samples of one event (see <see cref="ContinuesSamples"/>), or for one
    /// record of any kind: usually one value; one per record when the samples cannot share an event
    /// and still read back the same. Each is written at the records' step and wall time.
    /// </summary>
    /// <exception cref="ArgumentException">A record cannot be encoded (a tensor of an unknown dtype without its stored form).</exception>
    public static IReadOnlyList<Summary.Types.Value> Encode(IReadOnlyList<ValueRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 1 && records[0] is MeshRecord mesh)
        {
            return MeshSummaries.Encode(mesh);
        }
        if (records.Count == 1)
        {
            return new[] { Encode(records[0]) };
        }
        if (records.All(r => r is ImageRecord) && ImagesShareEvent(records.Cast<ImageRecord>().ToArray()))
        {
            return new[] { ImageTensor(records.Cast<ImageRecord>().ToArray()) };
        }
        if (records.All(r => r is AudioRecord) && AudioTensorReadsBack(records.Cast<AudioRecord>()))
        {
            return new[] { AudioTensor(records.Cast<AudioRecord>().ToArray()) };
        }
        return records.Select(Encode).ToArray();
    }

    /// <summary>The value that reads back as <paramref name="record"/> (as sample 0 of its event).</summary>
    /// <exception cref="ArgumentException">The record cannot be encoded (a tensor of an unknown dtype without its stored form).</exception>
    public static Summary.Types.Value Encode(ValueRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record switch
        {
            ImageRecord image => Image(image),
            AudioRecord audio => Audio(audio),
            TextRecord text => Text(text),
            HistogramRecord histogram => Histogram(histogram),
            TensorRecord tensor => Tensor(tensor),
            HParamsRecord hparams => new Summary.Types.Value
            {
                Tag = hparams.Tag,
                Metadata = SummaryValues.PluginMetadata(PluginNames.HParams, ByteString.CopyFrom(hparams.Content)),
            },
            MeshRecord => throw new ArgumentException("A mesh is written as up to three values: encode it as a list of one record.", nameof(record)),
            PrCurveRecord curve => PrCurves.Value(curve.Tag, Array.ConvertAll(curve.Flatten(), v => (float)v), curve.NumThresholds),
            LayoutRecord layout => WithTag(SummaryValues.CustomScalarsLayout(CustomScalarLayouts.ToProto(layout.Categories)), layout.Tag),
            _ => throw new ArgumentException($"A {record.GetType().Name} cannot be encoded.", nameof(record)),
        };
    }

    private static Summary.Types.Value Image(ImageRecord r) =>
        // The reader takes the channels from colorspace when it is above 0, else from the bytes.
        SummaryValues.Image(r.Tag, r.Encoded, r.Width, r.Height, Math.Max(0, r.Channels));

    private static bool ImagesShareEvent(ImageRecord[] images) =>
        // A tensor of images gives every image the same size and the channels sniffed from its bytes.
        images.All(i => i.Width == images[0].Width && i.Height == images[0].Height
                        && ImageFormatSniffer.Sniff(i.Encoded).Channels == i.Channels);

    private static Summary.Types.Value ImageTensor(ImageRecord[] images)
    {
        // TensorBoard's image summary: [width, height, image 0, image 1, ...] as strings.
        var tensor = StringTensor(images.Length + 2);
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Width.ToString(CultureInfo.InvariantCulture)));
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Height.ToString(CultureInfo.InvariantCulture)));
        foreach (var image in images)
        {
            tensor.StringVal.Add(ByteString.CopyFrom(image.Encoded));
        }
        return new Summary.Types.Value
        {
            Tag = images[0].Tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Images, ByteString.Empty),
            Tensor = tensor,
        };
    }

    private static Summary.Types.Value Audio(AudioRecord r)
    {
        // Summary.Audio has no label, and a float32 rate: otherwise a [1, 2] tensor keeps them.
        if (r.Label.Length > 0 || (double)(float)r.SampleRate != r.SampleRate)
        {
            if (AudioTensorReadsBack(new[] { r }))
            {
                return AudioTensor(new[] { r });
            }
        }
        return new Summary.Types.Value
        {
            Tag = r.Tag,
            Audio = new Summary.Types.Audio
            {
                SampleRate = (float)r.SampleRate,
                NumChannels = r.Channels,
                LengthFrames = r.Frames,
                EncodedAudioString = ByteString.CopyFrom(r.Encoded),
                ContentType = r.ContentType,
            },
        };
    }

    private static bool AudioTensorReadsBack(IEnumerable<AudioRecord> clips) =>
        // A tensor of clips gives the numbers in each clip's WAV header and the type audio/wav.
        clips.All(c => c.ContentType == "audio/wav" && WavNumbers(c.Encoded) == (c.SampleRate, c.Channels, c.Frames));

    private static (double Rate, int Channels, long Frames) WavNumbers(byte[] clip)
    {
        try
        {
            var info = WavCodec.ReadInfo(clip);
            return (info.SampleRate, info.Channels, info.Frames);
        }
        catch (AudioFormatException)
        {
            return (0, 0, 0);
        }
    }

    private static Summary.Types.Value AudioTensor(AudioRecord[] clips)
    {
        // TensorBoard's audio summary: [k, 2] strings, (clip, label) pairs.
        var tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = Shape(new long[] { clips.Length, 2 }),
        };
        foreach (var clip in clips)
        {
            tensor.StringVal.Add(ByteString.CopyFrom(clip.Encoded));
            tensor.StringVal.Add(ByteString.CopyFromUtf8(clip.Label));
        }
        return new Summary.Types.Value
        {
            Tag = clips[0].Tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Audio, WavAudioContent),
            Tensor = tensor,
        };
    }

    private static Summary.Types.Value Text(TextRecord r)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(r.Shape) };
        foreach (string s in r.Strings)
        {
            tensor.StringVal.Add(ByteString.CopyFromUtf8(s));
        }
        return new Summary.Types.Value
        {
            Tag = r.Tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Text, ByteString.Empty),
            Tensor = tensor,
        };
    }

    /// <summary>
    /// A histogram read from a k×3 tensor (Sum and SumSquares NaN, the rest implied by the buckets)
    /// goes back to one; any other (read from <c>HistogramProto</c>) goes back to a <c>HistogramProto</c>,
    /// which keeps Sum, SumSquares and Count and reads back with the same buckets.
    /// </summary>
    private static Summary.Types.Value Histogram(HistogramRecord r) =>
        IsTensorShaped(r) ? HistogramTensor(r) : SummaryValues.Histogram(r.Tag, HistogramProtoOf(r));

    private static bool IsTensorShaped(HistogramRecord r)
    {
        if (Bits(r.Sum) != CanonicalNaNBits || Bits(r.SumSquares) != CanonicalNaNBits)
        {
            return false;
        }
        var b = r.Buckets;
        double count = 0;
        foreach (var bucket in b)
        {
            count += bucket.Count;
        }
        return Bits(r.Count) == Bits(count) && (b.Length > 0
            ? Bits(r.Min) == Bits(b[0].Left) && Bits(r.Max) == Bits(b[^1].Right)
            : Bits(r.Min) == CanonicalNaNBits && Bits(r.Max) == CanonicalNaNBits);
    }

    private static Summary.Types.Value HistogramTensor(HistogramRecord r)
    {
        var content = new byte[r.Buckets.Length * 3 * sizeof(double)];
        for (int i = 0; i < r.Buckets.Length; i++)
        {
            var span = content.AsSpan(i * 3 * sizeof(double));
            BinaryPrimitives.WriteDoubleLittleEndian(span, r.Buckets[i].Left);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], r.Buckets[i].Right);
            BinaryPrimitives.WriteDoubleLittleEndian(span[16..], r.Buckets[i].Count);
        }
        return new Summary.Types.Value
        {
            Tag = r.Tag,
            Metadata = SummaryValues.PluginMetadata(PluginNames.Histograms, ByteString.Empty),
            Tensor = new TensorProto
            {
                Dtype = DataType.DtDouble,
                TensorShape = Shape(new long[] { r.Buckets.Length, 3 }),
                TensorContent = ByteString.CopyFrom(content),
            },
        };
    }

    private static HistogramProto HistogramProtoOf(HistogramRecord r)
    {
        // The reader makes bucket i's left edge the limit of bucket i-1 (min for the first) and the
        // last right edge max: the right edges are the limits.
        var h = new HistogramProto { Min = r.Min, Max = r.Max, Num = r.Count, Sum = r.Sum, SumSquares = r.SumSquares };
        foreach (var bucket in r.Buckets)
        {
            h.BucketLimit.Add(bucket.Right);
            h.Bucket.Add(bucket.Count);
        }
        return h;
    }

    private static Summary.Types.Value Tensor(TensorRecord r)
    {
        var value = new Summary.Types.Value { Tag = r.Tag };
        if (r.Plugin.Length > 0 || r.PluginContent.Length > 0)
        {
            value.Metadata = SummaryValues.PluginMetadata(r.Plugin, ByteString.CopyFrom(r.PluginContent));
        }
        if (r.RawTensor is not null)
        {
            value.Tensor = TensorProto.Parser.ParseFrom(r.RawTensor);
            return value;
        }
        if (!DataTypesByName.TryGetValue(r.DType, out var dtype))
        {
            throw new ArgumentException($"The tensor '{r.Tag}' has the unknown dtype '{r.DType}'.", nameof(r));
        }
        if (dtype == DataType.DtInvalid && r.Values.Length == 0 && r.Shape.Length == 0)
        {
            // A value with metadata only (hparams writes these); the writer keeps its metadata.
            value.Metadata ??= new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData() };
            return value;
        }
        var tensor = new TensorProto { Dtype = dtype, TensorShape = Shape(r.Shape) };
        if (dtype == DataType.DtString)
        {
            if (r.Bytes is not null)
            {
                foreach (var item in r.Bytes)
                {
                    tensor.StringVal.Add(ByteString.CopyFrom(item));
                }
            }
            else
            {
                foreach (object? item in r.Values)
                {
                    tensor.StringVal.Add(ByteString.CopyFromUtf8(Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty));
                }
            }
        }
        else
        {
            tensor.TensorContent = ByteString.CopyFrom(NumericContent(r, dtype));
        }
        value.Tensor = tensor;
        return value;
    }

    /// <summary>The little-endian <c>tensor_content</c> of numbers that the reader widened to doubles.</summary>
    private static byte[] NumericContent(TensorRecord r, DataType dtype)
    {
        int size = dtype switch
        {
            DataType.DtDouble or DataType.DtInt64 or DataType.DtUint64 => 8,
            DataType.DtFloat or DataType.DtInt32 or DataType.DtUint32 => 4,
            DataType.DtInt16 or DataType.DtUint16 or DataType.DtHalf or DataType.DtBfloat16 => 2,
            DataType.DtInt8 or DataType.DtUint8 or DataType.DtBool => 1,
            _ => throw new ArgumentException($"The values of the {r.DType} tensor '{r.Tag}' cannot be written back.", nameof(r)),
        };
        var values = r.Values as double[]
            ?? throw new ArgumentException($"The values of the {r.DType} tensor '{r.Tag}' are not numbers.", nameof(r));
        var content = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            var span = content.AsSpan(i * size, size);
            double v = values[i];
            switch (dtype)
            {
                case DataType.DtDouble:
                    BinaryPrimitives.WriteDoubleLittleEndian(span, v);
                    break;
                case DataType.DtFloat:
                    BinaryPrimitives.WriteSingleLittleEndian(span, (float)v);
                    break;
                case DataType.DtInt64:
                    BinaryPrimitives.WriteInt64LittleEndian(span, v >= 9.2233720368547758E18 ? long.MaxValue : v <= -9.2233720368547758E18 ? long.MinValue : (long)v);
                    break;
                case DataType.DtUint64:
                    BinaryPrimitives.WriteUInt64LittleEndian(span, v >= 1.8446744073709552E19 ? ulong.MaxValue : v <= 0 ? 0 : (ulong)v);
                    break;
                case DataType.DtInt32:
                    BinaryPrimitives.WriteInt32LittleEndian(span, (int)v);
                    break;
                case DataType.DtUint32:
                    BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)v);
                    break;
                case DataType.DtInt16:
                    BinaryPrimitives.WriteInt16LittleEndian(span, (short)v);
                    break;
                case DataType.DtUint16:
                    BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v);
                    break;
                case DataType.DtHalf:
                    BinaryPrimitives.WriteHalfLittleEndian(span, (Half)v);
                    break;
                case DataType.DtBfloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits((float)v) >> 16));
                    break;
                case DataType.DtInt8:
                    span[0] = (byte)(sbyte)v;
                    break;
                case DataType.DtUint8:
                    span[0] = (byte)v;
                    break;
                case DataType.DtBool:
                    span[0] = v != 0 ? (byte)1 : (byte)0;
                    break;
            }
        }
        return content;
    }

    private static TensorProto StringTensor(long length) =>
        new() { Dtype = DataType.DtString, TensorShape = Shape(new[] { length }) };

    private static TensorShapeProto Shape(long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        }
        return shape;
    }

    private static Dictionary<string, DataType> CreateDataTypesByName()
    {
        var names = new Dictionary<string, DataType>(StringComparer.Ordinal);
        foreach (var dtype in Enum.GetValues<DataType>())
        {
            names.TryAdd(TensorValues.DTypeName(new TensorProto { Dtype = dtype }), dtype);
        }
        names["DT_INVALID"] = DataType.DtInvalid;
        return names;
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static Summary.Types.Value WithTag(Summary.Types.Value value, string tag)
    {
        value.Tag = tag;
        return value;
    }
}
