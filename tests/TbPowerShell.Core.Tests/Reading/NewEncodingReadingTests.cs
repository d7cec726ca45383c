using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>
/// The new (plugin tensor) encodings, built with the proto types exactly as TensorFlow 2's summary
/// ops write them, read back as the same records as the old encodings PyTorch wrote of the same data.
/// </summary>
public class NewEncodingReadingTests
{
    private static readonly TbTimestamp AnyTime = new(1_700_000_000.0);

    private static SummaryMetadata Metadata(string plugin, ByteString content, DataClass dataClass) => new()
    {
        PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content },
        DataClass = dataClass,
    };

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        }
        return shape;
    }

    private static TensorProto Strings(long[] shape, params byte[][] items)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(shape) };
        foreach (var item in items)
        {
            tensor.StringVal.Add(ByteString.CopyFrom(item));
        }
        return tensor;
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>tf.summary.image: a DT_STRING [k + 2] tensor [width, height, png...], plugin "images", blob sequence.</summary>
    private static Summary.Types.Value ImageV2(string tag, int width, int height, params byte[][] pngs) => new()
    {
        Tag = tag,
        Metadata = Metadata("images", new ImagePluginData { Version = 0 }.ToByteString(), DataClass.BlobSequence),
        Tensor = Strings([pngs.Length + 2], [Ascii(width.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                                             Ascii(height.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. pngs]),
    };

    /// <summary>tf.summary.audio: a DT_STRING [k, 2] tensor of (wav, label), plugin "audio" with encoding WAV, blob sequence.</summary>
    private static Summary.Types.Value AudioV2(string tag, params (byte[] Wav, string Label)[] clips) => new()
    {
        Tag = tag,
        Metadata = Metadata("audio", new AudioPluginData { Version = 0, Encoding = AudioPluginData.Types.Encoding.Wav }.ToByteString(), DataClass.BlobSequence),
        Tensor = Strings([clips.Length, 2], clips.SelectMany(c => new[] { c.Wav, Encoding.UTF8.GetBytes(c.Label) }).ToArray()),
    };

    /// <summary>tf.summary.histogram: a DT_DOUBLE [k, 3] tensor of (left, right, count) in tensor_content, plugin "histograms".</summary>
    private static Summary.Types.Value HistogramV2(string tag, HistogramBucket[] buckets)
    {
        var content = new byte[buckets.Length * 3 * 8];
        for (int i = 0; i < buckets.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(content.AsSpan(24 * i), buckets[i].Left);
            BinaryPrimitives.WriteDoubleLittleEndian(content.AsSpan(24 * i + 8), buckets[i].Right);
            BinaryPrimitives.WriteDoubleLittleEndian(content.AsSpan(24 * i + 16), buckets[i].Count);
        }
        return new Summary.Types.Value
        {
            Tag = tag,
            Metadata = Metadata("histograms", new HistogramPluginData { Version = 0 }.ToByteString(), DataClass.Tensor),
            Tensor = new TensorProto { Dtype = DataType.DtDouble, TensorShape = Shape(buckets.Length, 3), TensorContent = ByteString.CopyFrom(content) },
        };
    }

    /// <summary>tf.summary.text: a rank-0 DT_STRING tensor, plugin "text", data class tensor.</summary>
    private static Summary.Types.Value TextV2(string tag, long[] shape, params string[] texts) => new()
    {
        Tag = tag,
        Metadata = Metadata("text", new TextPluginData { Version = 0 }.ToByteString(), DataClass.Tensor),
        Tensor = Strings(shape, texts.Select(Encoding.UTF8.GetBytes).ToArray()),
    };

    private static List<T> Fixture<T>(string kind) where T : ValueRecord =>
        ReadValues.File(Fixtures.EventFile("pytorch", kind)).OfType<T>().ToList();

    /// <summary>Writes the values at their steps and wall times into a fresh run and reads it back.</summary>
    private static List<object> WriteAndRead(TempDir temp, IEnumerable<(Summary.Types.Value Value, long Step, double Wall)> values)
    {
        using (var writer = new TbWriter(temp.Path))
        {
            foreach (var (value, step, wall) in values)
            {
                writer.AddValue(value, step, new TbTimestamp(wall));
            }
        }
        return ReadValues.Run(temp.Path);
    }

    internal static void AssertSameImage(ImageRecord expected, ImageRecord actual)
    {
        Assert.Equal(expected.Tag, actual.Tag);
        Assert.Equal(expected.Step, actual.Step);
        Bits.Equal(expected.WallTime, actual.WallTime, expected.Tag);
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Channels, actual.Channels);
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Encoded, actual.Encoded);
        Assert.Equal(expected.Sample, actual.Sample);
    }

    internal static void AssertSameAudio(AudioRecord expected, AudioRecord actual)
    {
        Assert.Equal(expected.Tag, actual.Tag);
        Assert.Equal(expected.Step, actual.Step);
        Bits.Equal(expected.WallTime, actual.WallTime, expected.Tag);
        Bits.Equal(expected.SampleRate, actual.SampleRate, expected.Tag + " rate");
        Assert.Equal(expected.Channels, actual.Channels);
        Assert.Equal(expected.Frames, actual.Frames);
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Encoded, actual.Encoded);
        Assert.Equal(expected.Sample, actual.Sample);
        Assert.Equal(expected.Label, actual.Label);
    }

    [Fact]
    public void ImagesPluginTensorsReadLikeSummaryImages()
    {
        var old = Fixture<ImageRecord>("image");
        Assert.Equal(6, old.Count);
        using var temp = new TempDir();
        var read = WriteAndRead(temp, old.Select(r => (ImageV2(r.Tag, r.Width, r.Height, r.Encoded), r.Step, r.WallTime))
            // two images in one value: samples 0 and 1, both of the value's size
            .Append((ImageV2("pair", 24, 16, old[0].Encoded, old[1].Encoded), 7L, 1_700_000_007.0)));

        var images = read.Cast<ImageRecord>().ToList();
        Assert.Equal(old.Count + 2, images.Count);
        for (int i = 0; i < old.Count; i++)
        {
            AssertSameImage(old[i], images[i]);
        }
        // The step-1 rgb_chw value had no metadata (only the first value of a tag carries it): still an image.
        Assert.Equal(1, images[4].Step);
        Assert.Null(Summary.Types.Value.Parser.ParseFrom(RawValues.Of(Directory.GetFiles(temp.Path).Single())[4].Bytes).Metadata);

        AssertSameImage(old[0] with { Tag = "pair", Step = 7, WallTime = 1_700_000_007.0 }, images[6]);
        AssertSameImage(old[1] with { Tag = "pair", Step = 7, WallTime = 1_700_000_007.0, Sample = 1 }, images[7]);
    }

    [Fact]
    public void GreyAndRgbaImagesKeepTheirChannelsInBothEncodings()
    {
        var grey = new TbPowerShell.Core.Imaging.ImagePixels(3, 2, 1, [0, 50, 100, 150, 200, 250]);
        var rgba = new TbPowerShell.Core.Imaging.ImagePixels(1, 2, 4, [1, 2, 3, 4, 5, 6, 7, 8]);
        byte[] greyPng = TbPowerShell.Core.Imaging.PngCodec.Encode(grey);
        byte[] rgbaPng = TbPowerShell.Core.Imaging.PngCodec.Encode(rgba);
        using var temp = new TempDir();
        var read = WriteAndRead(temp, [
            (TbPowerShell.Core.Summaries.SummaryValues.Image("grey", greyPng, 3, 2, 1), 0, 1e9),
            (TbPowerShell.Core.Summaries.SummaryValues.Image("rgba", rgbaPng, 1, 2, 4), 0, 1e9),
            (ImageV2("grey_v2", 3, 2, greyPng), 0, 1e9),
            (ImageV2("rgba_v2", 1, 2, rgbaPng), 0, 1e9),
        ]).Cast<ImageRecord>().ToList();
        Assert.Equal(4, read.Count);
        AssertSameImage(read[0] with { Tag = "grey_v2" }, read[2]);
        AssertSameImage(read[1] with { Tag = "rgba_v2" }, read[3]);
        Assert.Equal(1, read[2].Channels);
        Assert.Equal(4, read[3].Channels);
    }

    [Fact]
    public void AudioPluginTensorsReadLikeSummaryAudio()
    {
        var old = Fixture<AudioRecord>("audio");
        Assert.Equal(2, old.Count);
        using var temp = new TempDir();
        var read = WriteAndRead(temp, old.Select(r => (AudioV2(r.Tag, (r.Encoded, "")), r.Step, r.WallTime))
            .Append((AudioV2("labelled", (old[0].Encoded, "the *sine*"), (old[1].Encoded, "chirp")), 3L, 1_700_000_003.0)));

        var clips = read.Cast<AudioRecord>().ToList();
        Assert.Equal(4, clips.Count);
        AssertSameAudio(old[0], clips[0]);
        AssertSameAudio(old[1], clips[1]);
        AssertSameAudio(old[0] with { Tag = "labelled", Step = 3, WallTime = 1_700_000_003.0, Label = "the *sine*" }, clips[2]);
        AssertSameAudio(old[1] with { Tag = "labelled", Step = 3, WallTime = 1_700_000_003.0, Label = "chirp", Sample = 1 }, clips[3]);
    }

    [Fact]
    public void AudioPluginTensorsWithoutLabelsAreOneClipPerElement()
    {
        var old = Fixture<AudioRecord>("audio");
        using var temp = new TempDir();
        var value = new Summary.Types.Value
        {
            Tag = "plain",
            Metadata = Metadata("audio", ByteString.Empty, DataClass.BlobSequence),
            Tensor = Strings([2], old[1].Encoded, old[0].Encoded),
        };
        var clips = WriteAndRead(temp, [(value, 1, 1_700_000_001.0)]).Cast<AudioRecord>().ToList();
        Assert.Equal(2, clips.Count);
        AssertSameAudio(old[1] with { Tag = "plain" }, clips[0]);
        AssertSameAudio(old[0] with { Tag = "plain", Step = 1, WallTime = 1_700_000_001.0, Sample = 1 }, clips[1]);
    }

    [Fact]
    public void HistogramsPluginTensorsReadLikeHistogramProtos()
    {
        var old = Fixture<HistogramRecord>("histogram");
        Assert.Equal(9, old.Count);
        using var temp = new TempDir();
        var read = WriteAndRead(temp, old.Select(r => (HistogramV2(r.Tag, r.Buckets), r.Step, r.WallTime))).Cast<HistogramRecord>().ToList();

        Assert.Equal(old.Count, read.Count);
        for (int i = 0; i < old.Count; i++)
        {
            var (o, n) = (old[i], read[i]);
            string where = $"{o.Tag}@{o.Step}";
            Assert.Equal(o.Tag, n.Tag);
            Assert.Equal(o.Step, n.Step);
            Bits.Equal(o.WallTime, n.WallTime, where);
            Bits.Equal(o.Min, n.Min, where + " min");
            Bits.Equal(o.Max, n.Max, where + " max");
            Bits.Equal(o.Count, n.Count, where + " count");
            Assert.Equal(o.Buckets, n.Buckets);
            // The k×3 encoding stores no sum or sum of squares.
            Assert.True(double.IsNaN(n.Sum) && double.IsNaN(n.SumSquares), where);
            Assert.False(double.IsNaN(o.Sum) || double.IsNaN(o.SumSquares), where);
        }
    }

    [Fact]
    public void FloatHistogramTensorsAsTensorBoardMigratesThemReadAsFloat32Buckets()
    {
        // TensorBoard's own migration writes DT_FLOAT rows with float_val.
        var raw = Fixture<HistogramRecord>("histogram").Single(h => h.Tag == "raw");
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(raw.Buckets.Length, 3) };
        foreach (var b in raw.Buckets)
        {
            tensor.FloatVal.Add([(float)b.Left, (float)b.Right, (float)b.Count]);
        }
        var value = new Summary.Types.Value { Tag = "raw", Metadata = Metadata("histograms", ByteString.Empty, DataClass.Tensor), Tensor = tensor };
        using var temp = new TempDir();
        var h = Assert.IsType<HistogramRecord>(Assert.Single(WriteAndRead(temp, [(value, 0, 1e9)])));
        Assert.Equal(new HistogramBucket[] { new(-1, -0.5, 1), new(-0.5, 0.5, 4), new(0.5, 1.5, 3), new(1.5, 3, 2) }, h.Buckets);
        Assert.Equal(raw.Buckets, h.Buckets);
        Assert.Equal(-1.0, h.Min);
        Assert.Equal(3.0, h.Max);
        Assert.Equal(10.0, h.Count);
    }

    [Fact]
    public void TextPluginTensorsOfAnyShapeReadAsText()
    {
        var old = Fixture<TextRecord>("text");
        Assert.Equal(5, old.Count);
        using var temp = new TempDir();
        var read = WriteAndRead(temp, old.Select(r => (TextV2(r.Tag, [], r.Strings.Single()), r.Step, r.WallTime))
            .Append((TextV2("table", [2, 2], "a", "b", "ü", "世界 🚀"), 2L, 1_700_000_002.0)))
            .Cast<TextRecord>().ToList();

        Assert.Equal(old.Count + 1, read.Count);
        for (int i = 0; i < old.Count; i++)
        {
            Assert.Equal(old[i].Tag, read[i].Tag);
            Assert.Equal(old[i].Step, read[i].Step);
            Bits.Equal(old[i].WallTime, read[i].WallTime, old[i].Tag);
            Assert.Equal(old[i].Strings, read[i].Strings);
            // PyTorch writes shape [1]; TensorFlow 2 a scalar. The shape is kept as written.
            Assert.Equal([1L], old[i].Shape);
            Assert.Empty(read[i].Shape);
        }
        Assert.Equal(["a", "b", "ü", "世界 🚀"], read[^1].Strings);
        Assert.Equal([2L, 2L], read[^1].Shape);
    }
}
