using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests;

/// <summary>
/// One payload bomb: a summary value of a few hundred bytes (valid CRCs) that claims a huge or impossible size.
/// <paramref name="Expected"/> is the error it must give, or null for a claim the reader must not trust but that
/// is no error (the value is read, sized by its bytes); <paramref name="RecordSurvives"/> is false when the bomb
/// breaks the framing of its own value, so the record's other values cannot be read either.
/// </summary>
internal sealed record PayloadBomb(string Name, EventReadErrorKind? Expected, byte[] ValueBytes, bool RecordSurvives = true)
{
    public override string ToString() => Name;
}

/// <summary>
/// The payload-bomb catalogue and the files that carry them: each file is a file-version record, the bomb's record
/// (the bomb, tag "bomb", then an intact scalar "same_record" = 7 at step 0), scalars "after" = 1, 2, 3 at steps 1 to 3,
/// and a text value "after_text" at step 4.
/// </summary>
internal static class PayloadBombs
{
    /// <summary>The heap cap the child reader runs under (512 MB), far below what any bomb asks for.</summary>
    public const string HeapHardLimit = "0x20000000";

    private const long Fill28 = 1L << 28;
    private const long Text24 = (1L << 24) - 1;

    public static IReadOnlyList<PayloadBomb> All { get; } = Build();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var bomb in All)
        {
            data.Add(bomb.Name);
        }
        return data;
    }

    public static PayloadBomb Named(string name) => All.Single(b => b.Name == name);

    private static List<PayloadBomb> Build()
    {
        var bombs = new List<PayloadBomb>
        {
            // The issue's own: a float fill of 2^28 elements (2.2 GB of doubles), a text fill of 2^24-1 copies of 1,000
            // bytes, the same with images and a histograms [k, 3] fill.
            Tensor("FloatFillOfTwoTo28", EventReadErrorKind.ValueTooLarge, null, Fill(DataType.DtFloat, [Fill28])),
            Tensor("ScalarsPluginFill", EventReadErrorKind.ValueTooLarge, "scalars", Fill(DataType.DtFloat, [Fill28])),
            Tensor("TextFillOfThousandByteStrings", EventReadErrorKind.ValueTooLarge, "text", Strings([Text24], new byte[1000])),
            Tensor("ImagesFill", EventReadErrorKind.ValueTooLarge, "images", Strings([Text24], Ascii("2"), Ascii("2"), new byte[1000])),
            Tensor("ImagesShortFill", EventReadErrorKind.ValueTooLarge, "images", Strings([4], Ascii("2"), Ascii("2"), new byte[100])),
            Tensor("AudioFill", EventReadErrorKind.ValueTooLarge, "audio", Strings([1L << 23, 2], new byte[1000], Ascii("label"))),
            Tensor("HistogramsFill", EventReadErrorKind.ValueTooLarge, "histograms", Fill(DataType.DtDouble, [1L << 26, 3], 3)),
            Tensor("HistogramsContentShort", EventReadErrorKind.ValueTooLarge, "histograms", Content(DataType.DtDouble, [1L << 26, 3], 24)),
            Tensor("TextOverflowingShape", EventReadErrorKind.ValueTooLarge, "text", Strings([1L << 40, 1L << 40], Ascii("x"))),
            Tensor("AudioNegativeDimension", EventReadErrorKind.MalformedValue, "audio", Strings([-1, 2], new byte[10], Ascii("label"))),

            // tensor_content that disagrees with the shape, value lists longer than the shape.
            Tensor("ContentShorterThanShape", EventReadErrorKind.ValueTooLarge, null, Content(DataType.DtFloat, [Fill28], 8)),
            Tensor("ContentLongerThanShape", EventReadErrorKind.MalformedValue, null, Content(DataType.DtDouble, [2], 24)),
            Tensor("ContentNotWholeElements", EventReadErrorKind.ValueTooLarge, null, Content(DataType.DtInt32, [3], 10)),
            Tensor("MoreValuesThanShape", EventReadErrorKind.MalformedValue, null, Fill(DataType.DtFloat, [3], 4000)),
            Tensor("MoreStringsThanShape", EventReadErrorKind.MalformedValue, "text", Strings([2], Ascii("a"), Ascii("b"), Ascii("c"))),
            // Under the element cap, but 8M copies of 1,000 bytes: 8 GB once joined into a text value's text.
            Tensor("TextFillUnderTheElementCapOverTheByteCap", EventReadErrorKind.ValueTooLarge, "text", Strings([1L << 23], new byte[1000])),
            Tensor("StringFillWithoutPlugin", EventReadErrorKind.ValueTooLarge, null, Strings([Fill28], Ascii("padding"))),

            // Shapes: dimensions whose product overflows a long, negative dimensions.
            Tensor("ShapeOverflowsLong", EventReadErrorKind.ValueTooLarge, null, Fill(DataType.DtFloat, [1L << 40, 1L << 40])),
            Tensor("ShapeOverflowsLongLate", EventReadErrorKind.ValueTooLarge, null, Fill(DataType.DtFloat, [2, 3, long.MaxValue / 4])),
            Tensor("NegativeDimension", EventReadErrorKind.MalformedValue, null, Fill(DataType.DtFloat, [-5])),
            Tensor("NegativeDimensionsTimesNegative", EventReadErrorKind.MalformedValue, null, Fill(DataType.DtFloat, [-65536, -65536])),

            // Varint lengths far past the record (Google.Protobuf reads lengths as 32 bits: these are the largest it takes).
            new("TensorStringLengthPastRecord", EventReadErrorKind.MalformedValue,
                Value("bomb", "text", Concat(VarintField(1, (ulong)DataType.DtString), Len(2, Dims(1)), Key(8, 2), Varint(0x7FFFFFF0), Ascii("abc")))),
            new("TensorPackedFloatsPastRecord", EventReadErrorKind.MalformedValue,
                Value("bomb", null, Concat(VarintField(1, (ulong)DataType.DtFloat), Len(2, Dims(1L << 28)), Key(5, 2), Varint(0x7FFFFFF0), new byte[8]))),
            new("HistogramProtoBucketsPastRecord", EventReadErrorKind.MalformedValue,
                OldValue("bomb", 5, Concat(Key(6, 2), Varint(8), new byte[8], Key(7, 2), Varint(0x7FFFFFF0), new byte[16]))),
            new("ValueLengthPastRecord", EventReadErrorKind.UnparsablePayload,
                Concat(Len(1, Ascii("bomb")), Key(8, 2), Varint(1UL << 50), new byte[16]), RecordSurvives: false),

            // Claims the reader must not trust, but that are no error: sizes in headers, counts that disagree.
            new("HistogramProtoCountsDisagree", null,
                OldValue("bomb", 5, new HistogramProto { Min = 0, Max = 1, Num = 3, BucketLimit = { 1.0 }, Bucket = { Enumerable.Repeat(1.0, 5000) } }.ToByteArray())),
            new("OldImageClaimingHugeSize", null,
                OldValue("bomb", 4, new Summary.Types.Image { Height = int.MaxValue, Width = int.MaxValue, Colorspace = 3, EncodedImageString = ByteString.CopyFrom(PngHeaderClaiming(int.MaxValue)) }.ToByteArray())),
            new("OldAudioClaimingHugeLength", null,
                OldValue("bomb", 6, new Summary.Types.Audio { SampleRate = 44100, NumChannels = long.MaxValue, LengthFrames = long.MaxValue, EncodedAudioString = ByteString.CopyFrom(WavHeaderClaiming(uint.MaxValue)), ContentType = "audio/wav" }.ToByteArray())),
            Tensor("AudioWavHeaderClaimingHugeData", null, "audio", Strings([1, 2], WavHeaderClaiming(uint.MaxValue), Ascii("label"))),
            Tensor("ImagesPngHeaderClaimingHugeSize", null, "images", Strings([3], Ascii("2147483647"), Ascii("2147483647"), PngHeaderClaiming(int.MaxValue))),
            Tensor("EmptyTensorWithHugeShape", null, null, new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(Fill28) }),
        };

        // Every dtype in TensorFlow's fill form: one stored value claiming 2^28 elements.
        foreach (var dtype in new[]
                 {
                     DataType.DtDouble, DataType.DtInt32, DataType.DtUint8, DataType.DtInt16, DataType.DtInt8, DataType.DtInt64,
                     DataType.DtBool, DataType.DtBfloat16, DataType.DtUint16, DataType.DtHalf, DataType.DtUint32, DataType.DtUint64,
                 })
        {
            bombs.Add(Tensor($"Fill{dtype}", EventReadErrorKind.ValueTooLarge, null, Fill(dtype, [Fill28])));
            bombs.Add(Tensor($"ContentShort{dtype}", EventReadErrorKind.ValueTooLarge, null, Content(dtype, [Fill28], 16)));
        }
        // Complex values are not decoded at all: a fill is kept as its stored bytes, never expanded.
        bombs.Add(Tensor("FillDtComplex64", null, null, new TensorProto { Dtype = DataType.DtComplex64, TensorShape = Shape(Fill28), ScomplexVal = { 1f, 2f } }));
        bombs.Add(Tensor("FillDtComplex128", null, null, new TensorProto { Dtype = DataType.DtComplex128, TensorShape = Shape(Fill28), DcomplexVal = { 1.0, 2.0 } }));
        return bombs;
    }

    /// <summary>Writes the file that carries <paramref name="bomb"/> (see the class summary) to <paramref name="path"/>.</summary>
    public static void WriteFile(string path, PayloadBomb bomb)
    {
        var records = new List<byte[]>
        {
            new Event { WallTime = 1_700_000_000, FileVersion = "brain.Event:2" }.ToByteArray(),
            EventBytes(0, Concat(Len(1, bomb.ValueBytes), Len(1, new Summary.Types.Value { Tag = "same_record", SimpleValue = 7 }.ToByteArray()))),
        };
        for (int step = 1; step <= 3; step++)
        {
            records.Add(EventBytes(step, Len(1, new Summary.Types.Value { Tag = "after", SimpleValue = step }.ToByteArray())));
        }
        records.Add(EventBytes(4, Len(1, Value("after_text", "text", Strings([], Ascii("intact")).ToByteArray()))));
        using var file = File.Create(path);
        foreach (var payload in records)
        {
            var record = new byte[payload.Length + TfRecord.Overhead];
            TfRecord.Write(payload, record);
            file.Write(record);
        }
    }

    /// <summary>The lines a reader of the file of <paramref name="bomb"/> must print after the bomb's error, in order.</summary>
    public static IEnumerable<string> IntactLines(PayloadBomb bomb)
    {
        if (bomb.RecordSurvives)
        {
            yield return "scalar same_record 0 7";
        }
        yield return "scalar after 1 1";
        yield return "scalar after 2 2";
        yield return "scalar after 3 3";
        yield return "value TextRecord after_text 4 1";
    }

    /// <summary>Runs the bomb reader with <paramref name="args"/> under <see cref="HeapHardLimit"/>; its exit code, output, error output and run time.</summary>
    public static (int ExitCode, string Output, string Error, TimeSpan Elapsed) RunChild(params string[] args) =>
        RunChildUnderCap(HeapHardLimit, args);

    /// <summary>Runs the bomb reader under the heap cap <paramref name="heapHardLimit"/> (hexadecimal bytes).</summary>
    public static (int ExitCode, string Output, string Error, TimeSpan Elapsed) RunChildUnderCap(string heapHardLimit, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "bombreader", "TbPowerShell.BombReader.dll");
        Assert.True(File.Exists(dll), $"the bomb reader was not built beside the tests ('{dll}')");
        var info = new ProcessStartInfo(CrashWriter.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_GCHeapHardLimit"] = heapHardLimit;
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(info) ?? throw new InvalidOperationException("the bomb reader did not start");
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(120_000))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        return (child.HasExited ? child.ExitCode : -1, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult(), clock.Elapsed);
    }

    /// <summary>A value within every bound: a DT_FLOAT fill of exactly <see cref="TbPowerShell.Core.Wire.TensorValues.MaxFillElements"/> elements (64 MiB as doubles).</summary>
    public static PayloadBomb FillAtTheCap { get; } =
        Tensor("FillAtTheCap", null, null, Fill(DataType.DtFloat, [TbPowerShell.Core.Wire.TensorValues.MaxFillElements]));

    private static PayloadBomb Tensor(string name, EventReadErrorKind? expected, string? plugin, TensorProto tensor) =>
        new(name, expected, Value("bomb", plugin, tensor.ToByteArray()));

    /// <summary>A Summary.Value: tag, metadata naming <paramref name="plugin"/> (none when null), and a tensor of raw bytes.</summary>
    private static byte[] Value(string tag, string? plugin, byte[] tensor)
    {
        byte[] metadata = plugin is null
            ? Array.Empty<byte>()
            : Len(9, new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin } }.ToByteArray());
        return Concat(Len(1, Ascii(tag)), metadata, Len(8, tensor));
    }

    /// <summary>A Summary.Value of an old encoding: tag and field <paramref name="field"/> (4 image, 5 histo, 6 audio) of raw bytes.</summary>
    private static byte[] OldValue(string tag, int field, byte[] payload) => Concat(Len(1, Ascii(tag)), Len(field, payload));

    private static byte[] EventBytes(long step, byte[] summary) =>
        Concat(Key(1, 1), BitConverter.GetBytes(1_700_000_000.0 + step), VarintField(2, (ulong)step), Len(5, summary));

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        }
        return shape;
    }

    private static byte[] Dims(params long[] dims) => Shape(dims).ToByteArray();

    /// <summary>A tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding <paramref name="stored"/> values (1 = TensorFlow's fill form).</summary>
    private static TensorProto Fill(DataType dtype, long[] shape, int stored = 1)
    {
        var t = new TensorProto { Dtype = dtype, TensorShape = Shape(shape) };
        for (int i = 0; i < stored; i++)
        {
            switch (dtype)
            {
                case DataType.DtFloat: t.FloatVal.Add(1.5f); break;
                case DataType.DtDouble: t.DoubleVal.Add(1.5); break;
                case DataType.DtInt64: t.Int64Val.Add(3); break;
                case DataType.DtUint32: t.Uint32Val.Add(3); break;
                case DataType.DtUint64: t.Uint64Val.Add(3); break;
                case DataType.DtBool: t.BoolVal.Add(true); break;
                case DataType.DtHalf or DataType.DtBfloat16: t.HalfVal.Add(0x3C00); break;
                default: t.IntVal.Add(3); break;
            }
        }
        return t;
    }

    private static TensorProto Content(DataType dtype, long[] shape, int bytes) =>
        new() { Dtype = dtype, TensorShape = Shape(shape), TensorContent = ByteString.CopyFrom(new byte[bytes]) };

    private static TensorProto Strings(long[] shape, params byte[][] items)
    {
        var t = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(shape) };
        foreach (var item in items)
        {
            t.StringVal.Add(ByteString.CopyFrom(item));
        }
        return t;
    }

    /// <summary>The first bytes of a PNG whose header claims <paramref name="side"/>×<paramref name="side"/> RGB pixels (no pixel data).</summary>
    private static byte[] PngHeaderClaiming(int side)
    {
        var png = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(png, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), side);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), side);
        png[24] = 8;
        png[25] = 2;
        return png;
    }

    /// <summary>A WAV header (and 4 bytes of samples) whose chunk sizes claim <paramref name="dataBytes"/> bytes of data.</summary>
    private static byte[] WavHeaderClaiming(uint dataBytes)
    {
        var wav = new byte[48];
        var span = wav.AsSpan();
        Encoding.ASCII.GetBytes("RIFF", span);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[4..], uint.MaxValue);
        Encoding.ASCII.GetBytes("WAVEfmt ", span[8..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[24..], 44100);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[28..], 44100 * 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data", span[36..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[40..], dataBytes);
        return wav;
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return bytes.ToArray();
    }

    private static byte[] Key(int field, int wire) => Varint((ulong)((field << 3) | wire));

    private static byte[] VarintField(int field, ulong value) => Concat(Key(field, 0), Varint(value));

    private static byte[] Len(int field, byte[] body) => Concat(Key(field, 2), Varint((ulong)body.Length), body);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
