using ImageFormatException = TbPowerShell.Core.Imaging.ImageFormatException;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Tests.Shared;

namespace TbPowerShell.Core.Tests.Imaging;

/// <summary>
/// Image writing against PyTorch's <c>add_image</c>/<c>add_images</c>: kind_image's inputs
/// regenerated here, converted and encoded by us, decode to exactly the pixels of the fixture's PNGs.
/// </summary>
public class ImageTests
{
    private const int H = 16;
    private const int W = 24;

    private static ImageRecord FixtureImage(string tag, long step = 0) =>
        ReadValues.File(Fixtures.EventFile("pytorch", "image")).OfType<ImageRecord>().Single(r => r.Tag == tag && r.Step == step);

    private static ImagePixels FixturePixels(string tag, long step = 0)
    {
        var record = FixtureImage(tag, step);
        return PngCodec.Decode(record.Encoded, record.Channels);
    }

    /// <summary>gray = (x*10 + y*3) % 256 as HW uint8.</summary>
    private static byte[] Gray()
    {
        var data = new byte[H * W];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                data[y * W + x] = (byte)((x * 10 + y * 3) % 256);
            }
        }
        return data;
    }

    /// <summary>The float64 CHW planes [x/(W-1), y/(H-1), 0.5 (, x/(W-1))] at (c, y, x).</summary>
    private static double Rgb(int c, int y, int x) => c switch
    {
        0 or 3 => x / (double)(W - 1),
        1 => y / (double)(H - 1),
        _ => 0.5,
    };

    /// <summary>CHW float32 of the float64 planes (cast after computing, as numpy's astype).</summary>
    private static float[] Chw(int channels, bool invert)
    {
        var data = new float[channels * H * W];
        int i = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    double v = Rgb(c, y, x);
                    data[i++] = (float)(invert ? 1.0 - v : v);
                }
            }
        }
        return data;
    }

    /// <summary>(rgb HWC float64 * 255).astype(uint8): truncated.</summary>
    private static byte[] HwcUint8()
    {
        var data = new byte[H * W * 3];
        int i = 0;
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    data[i++] = (byte)(Rgb(c, y, x) * 255);
                }
            }
        }
        return data;
    }

    /// <summary>Encodes with our PNG encoder and decodes again: what a reader of our file gets.</summary>
    private static ImagePixels ThroughPng(ImagePixels pixels)
    {
        byte[] png = PngCodec.Encode(pixels);
        var info = PngCodec.Identify(png);
        Assert.Equal(new EncodedImageInfo(pixels.Width, pixels.Height, pixels.Channels, "png"), info);
        var decoded = PngCodec.Decode(png, pixels.Channels);
        Assert.Equal(pixels.Pixels, decoded.Pixels);
        return decoded;
    }

    private static void AssertSamePixels(ImagePixels expected, ImagePixels actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Channels, actual.Channels);
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                for (int c = 0; c < expected.Channels; c++)
                {
                    Assert.True(expected[y, x, c] == actual[y, x, c], $"pixel (y {y}, x {x}, c {c}): expected {expected[y, x, c]}, got {actual[y, x, c]}");
                }
            }
        }
    }

    [Fact]
    public void GrayHwEqualsTheFixturesRgbInEveryChannel()
    {
        var ours = ThroughPng(ImageConversion.FromBytes(Gray(), [H, W], "HW"));
        Assert.Equal(1, ours.Channels);
        // PyTorch stacks HW to three equal channels; we keep one grey channel.
        var theirs = FixturePixels("gray_hw");
        Assert.Equal(3, FixtureImage("gray_hw").Channels);
        Assert.Equal((W, H, 3), (theirs.Width, theirs.Height, theirs.Channels));
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                Assert.Equal((x * 10 + y * 3) % 256, ours[y, x, 0]);
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(ours[y, x, 0], theirs[y, x, c]);
                }
            }
        }
    }

    [Fact]
    public void RgbChwFloatEqualsTheFixture()
    {
        var ours = ThroughPng(ImageConversion.FromFloats(Chw(3, invert: false), [3, H, W], "CHW"));
        AssertSamePixels(FixturePixels("rgb_chw", 0), ours);
        // 0.5 * 255 = 127.5 truncates to 127; x = W-1 gives 1.0, 255.
        Assert.Equal(127, ours[5, 5, 2]);
        Assert.Equal(255, ours[0, W - 1, 0]);
    }

    [Fact]
    public void OneMinusRgbAtStepOneEqualsTheFixture()
    {
        var ours = ThroughPng(ImageConversion.FromFloats(Chw(3, invert: true), [3, H, W], "CHW"));
        AssertSamePixels(FixturePixels("rgb_chw", 1), ours);
    }

    [Fact]
    public void RgbaChwFloatEqualsTheFixture()
    {
        var ours = ThroughPng(ImageConversion.FromFloats(Chw(4, invert: false), [4, H, W], "CHW"));
        Assert.Equal(4, ours.Channels);
        Assert.Equal(4, FixtureImage("rgba_chw").Channels);
        AssertSamePixels(FixturePixels("rgba_chw"), ours);
    }

    [Fact]
    public void HwcUint8EqualsTheFixture()
    {
        var ours = ThroughPng(ImageConversion.FromBytes(HwcUint8(), [H, W, 3], "HWC"));
        AssertSamePixels(FixturePixels("rgb_hwc_uint8"), ours);
        // The truncated bytes give the same image as the floats (PyTorch's two PNGs are identical too).
        Assert.Equal(FixtureImage("rgb_hwc_uint8").Encoded, FixtureImage("rgb_chw").Encoded);
    }

    [Fact]
    public void BatchGridWithoutPaddingEqualsTheFixture()
    {
        // kind_image: RandomState(1234) is used for the batch only, after gray and rgb were computed.
        var rng = new LegacyRandomState(1234);
        float[] batch = rng.Uniform(0, 1, 6 * 3 * 8 * 8).Select(v => (float)v).ToArray();
        var ours = ThroughPng(ImageConversion.FromFloats(batch, [6, 3, 8, 8], "NCHW", new ImageGridOptions { Padding = 0 }));
        Assert.Equal((48, 8, 3), (ours.Width, ours.Height, ours.Channels));
        AssertSamePixels(FixturePixels("batch_grid"), ours);

        // Image n sits at columns 8n..8n+7: spot-check one value through the float-to-byte rule.
        int n = 4, c = 1, y = 3, x = 6;
        Assert.Equal(ImageConversion.ToByte(batch[((n * 3 + c) * 8 + y) * 8 + x], 255f), ours[y, n * 8 + x, c]);

        // torchvision's default padding of 2 would not be PyTorch's image.
        var padded = ImageConversion.FromFloats(batch, [6, 3, 8, 8], "NCHW");
        Assert.Equal((6 * 10 + 2, 12), (padded.Width, padded.Height));
    }

    [Fact]
    public void ImageSummaryValuesArePyTorchsAroundThePng()
    {
        // PNG encoders differ (zlib settings), so the bytes around the PNG are what can be equal:
        // given PyTorch's PNG, our Summary.Image value is PyTorch's, byte for byte.
        var raws = RawValues.Of(Fixtures.EventFile("pytorch", "image"));
        var records = ReadValues.File(Fixtures.EventFile("pytorch", "image")).Cast<ImageRecord>().ToList();
        Assert.Equal(6, raws.Count);
        for (int i = 0; i < raws.Count; i++)
        {
            var r = records[i];
            var ours = TbPowerShell.Core.Summaries.SummaryValues.Image(r.Tag, r.Encoded, r.Width, r.Height, r.Channels);
            Assert.Equal(raws[i].Bytes, Google.Protobuf.MessageExtensions.ToByteArray(ours));
        }
    }

    // ---------------------------------------------------------------- conversion rules

    /// <summary>A distinct byte for each (c, y, x) of a 3×2×3 (C×H×W) image.</summary>
    private static byte Value(int c, int y, int x) => (byte)(1 + c * 60 + y * 10 + x);

    /// <summary>The image laid out in <paramref name="format"/> (row-major over its letters), with its shape.</summary>
    private static (byte[] Data, int[] Shape) Layout(string format, int n, int c, int h, int w, Func<int, int, int, int, byte> value)
    {
        var sizes = new Dictionary<char, int> { ['N'] = n, ['C'] = c, ['H'] = h, ['W'] = w };
        int[] shape = format.Select(ch => sizes[ch]).ToArray();
        var data = new byte[shape.Aggregate(1, (a, b) => a * b)];
        var index = new int[format.Length];
        for (int i = 0; i < data.Length; i++)
        {
            int rest = i;
            for (int k = format.Length - 1; k >= 0; k--)
            {
                index[k] = rest % shape[k];
                rest /= shape[k];
            }
            int At(char axis) => format.IndexOf(axis) is int p and >= 0 ? index[p] : 0;
            data[i] = value(At('N'), At('C'), At('H'), At('W'));
        }
        return (data, shape);
    }

    [Theory]
    [InlineData("CHW")]
    [InlineData("HWC")]
    [InlineData("WHC")]
    [InlineData("HCW")]
    [InlineData("CWH")]
    [InlineData("WCH")]
    [InlineData("chw")]
    [InlineData("NCHW")]
    [InlineData("NHWC")]
    [InlineData("WHCN")]
    public void EveryOrderOfTheLettersIndexesTheSamePixels(string format)
    {
        var (data, shape) = Layout(format.ToUpperInvariant(), 1, 3, 2, 3, (_, c, y, x) => Value(c, y, x));
        var pixels = ImageConversion.FromBytes(data, shape, format);
        // A batch of one is the image itself, without padding.
        Assert.Equal((3, 2, 3), (pixels.Width, pixels.Height, pixels.Channels));
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 3; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(Value(c, y, x), pixels[y, x, c]);
                }
            }
        }

        // Floats too: v/256 scales to trunc(v * 255/256), exact in float32.
        var floats = data.Select(b => b / 256f).ToArray();
        var scaled = ImageConversion.FromFloats(floats, shape, format);
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 3; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal((byte)(Value(c, y, x) * 255 / 256), scaled[y, x, c]);
                }
            }
        }
    }

    [Theory]
    [InlineData("HW")]
    [InlineData("WH")]
    public void TwoLettersGiveOneGreyChannel(string format)
    {
        var (data, shape) = Layout(format, 1, 1, 2, 3, (_, _, y, x) => Value(0, y, x));
        var pixels = ImageConversion.FromBytes(data, shape, format);
        Assert.Equal((3, 2, 1), (pixels.Width, pixels.Height, pixels.Channels));
        Assert.Equal(new byte[] { Value(0, 0, 0), Value(0, 0, 1), Value(0, 0, 2), Value(0, 1, 0), Value(0, 1, 1), Value(0, 1, 2) }, pixels.Pixels);
    }

    [Theory]
    [InlineData("NHWC")]
    [InlineData("WHCN")]
    [InlineData("CNWH")]
    public void PermutedBatchesMakeTheSameGridAsNchw(string format)
    {
        Func<int, int, int, int, byte> value = (n, c, y, x) => (byte)(n * 37 + c * 11 + y * 5 + x);
        var (nchw, nchwShape) = Layout("NCHW", 5, 3, 4, 2, value);
        var (data, shape) = Layout(format, 5, 3, 4, 2, value);
        var options = new ImageGridOptions { NRow = 2, Padding = 1, PadValue = 0.5f, Normalize = true };
        var expected = ImageConversion.FromBytes(nchw, nchwShape, "NCHW", options);
        var actual = ImageConversion.FromBytes(data, shape, format, options);
        Assert.Equal((2 * 3 + 1, 3 * 5 + 1, 3), (expected.Width, expected.Height, expected.Channels));
        Assert.Equal(expected.Pixels, actual.Pixels);
    }

    [Theory]
    [InlineData(0.5f, 127)]
    [InlineData(1.0f, 255)]
    [InlineData(1.5f, 255)]
    [InlineData(-0.1f, 0)]
    [InlineData(float.NaN, 0)]
    [InlineData(0.999f, 254)]
    [InlineData(0.0f, 0)]
    [InlineData(-1e-30f, 0)]
    [InlineData(float.PositiveInfinity, 255)]
    [InlineData(float.NegativeInfinity, 0)]
    [InlineData(0.00392f, 0)]        // 0.9996 truncates
    [InlineData(0.003922f, 1)]       // 1.00011
    [InlineData(0.9999999f, 254)]    // 254.99997 in float32
    [InlineData(100f, 255)]
    public void FloatsBecomeBytesByTruncatingTheClippedFloat32Product(float value, int expected)
    {
        Assert.Equal(expected, ImageConversion.ToByte(value, 255f));
        var pixels = ImageConversion.FromFloats(new[] { value, 0.25f }, [1, 2], "HW");
        Assert.Equal((byte)expected, pixels[0, 0, 0]);
        Assert.Equal(63, pixels[0, 1, 0]);
    }

    [Fact]
    public void ToByteIsTheFloat32ProductTruncatedForEveryByte()
    {
        Assert.Equal(0, ImageConversion.ToByte(-0.0f, 255f));
        // (x * 255) in float32, clipped to [0, 255], truncated: checked on every float near each k/255.
        for (int k = 0; k <= 255; k++)
        {
            float x = k / 255f;
            for (int d = -3; d <= 3; d++)
            {
                float v = x;
                for (int j = 0; j < Math.Abs(d); j++)
                {
                    v = d < 0 ? MathF.BitDecrement(v) : MathF.BitIncrement(v);
                }
                float product = v * 255f;
                int expected = product >= 255f ? 255 : product > 0f ? (int)product : 0;
                Assert.True(expected == ImageConversion.ToByte(v, 255f), $"x = {v:R}: expected {expected}");
            }
        }
    }

    [Fact]
    public void BytesAreTakenAsTheyAre()
    {
        var pixels = ImageConversion.FromBytes(new byte[] { 0, 1, 127, 128, 254, 255 }, [2, 3], "HW");
        Assert.Equal(new byte[] { 0, 1, 127, 128, 254, 255 }, pixels.Pixels);
    }

    // ---------------------------------------------------------------- errors

    private static ImageFormatException Fails(ImageError error, Action action)
    {
        var e = Assert.Throws<ImageFormatException>(action);
        Assert.Equal(error, e.Error);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    [Theory]
    [InlineData("CHW", new[] { 3, 16 })]          // rank 2 for a 3-letter format
    [InlineData("HW", new[] { 1, 4, 4 })]         // rank 3 for a 2-letter format
    [InlineData("NCHW", new[] { 3, 4, 4 })]       // rank 3 for a batch
    [InlineData("HHW", new[] { 3, 4, 4 })]        // a repeated letter
    [InlineData("CHWW", new[] { 3, 4, 4, 1 })]    // a repeated letter, no N
    [InlineData("CHX", new[] { 3, 4, 4 })]        // an unknown letter
    [InlineData("NHW", new[] { 3, 4, 4 })]        // three letters without C
    [InlineData("CH", new[] { 3, 4 })]            // no W
    [InlineData("", new int[0])]
    [InlineData("CHW", new[] { 0, 4, 4 })]        // an empty dimension
    public void ShapesThatDoNotFitTheFormatAreInvalid(string format, int[] shape)
    {
        int count = shape.Length == 0 ? 0 : shape.Aggregate(1, (a, b) => a * b);
        Fails(ImageError.InvalidShape, () => ImageConversion.FromFloats(new float[count], shape, format));
        Fails(ImageError.InvalidShape, () => ImageConversion.FromBytes(new byte[count], shape, format));
    }

    [Fact]
    public void AShapeNeedingOtherThanTheValuesGivenIsAMismatch()
    {
        var e = Fails(ImageError.ShapeMismatch, () => ImageConversion.FromFloats(new float[47], [3, 4, 4], "CHW"));
        Assert.Equal(new[] { 3, 4, 4 }, e.OffendingValue);
        Fails(ImageError.ShapeMismatch, () => ImageConversion.FromBytes(new byte[49], [3, 4, 4], "CHW"));
        Fails(ImageError.ShapeMismatch, () => ImageConversion.FromFloats(new float[2 * 3 * 4], [2, 3, 2, 1], "NCHW"));
        Fails(ImageError.ShapeMismatch, () => new ImagePixels(2, 2, 3, new byte[11]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void OnlyOneThreeOrFourChannelsMakeAnImage(int channels)
    {
        var e = Fails(ImageError.InvalidChannelCount, () => ImageConversion.FromFloats(new float[channels * 16], [channels, 4, 4], "CHW"));
        Assert.Equal(channels, e.OffendingValue);
        Fails(ImageError.InvalidChannelCount, () => ImageConversion.FromBytes(new byte[channels * 16], [4, 4, channels], "HWC"));
        Fails(ImageError.InvalidChannelCount, () => ImageConversion.FromFloats(new float[2 * channels * 16], [2, channels, 4, 4], "NCHW"));
        Fails(ImageError.InvalidChannelCount, () => new ImagePixels(4, 4, channels, new byte[channels * 16]));
        Fails(ImageError.InvalidChannelCount, () => PngCodec.Decode(PngCodec.Encode(new ImagePixels(1, 1, 3, new byte[3])), channels));
    }

    [Fact]
    public void ImagesOver8192PixelsASideAreTooLarge()
    {
        Fails(ImageError.TooLarge, () => ImageConversion.FromBytes(new byte[8193], [1, 8193], "HW"));
        Fails(ImageError.TooLarge, () => ImageConversion.FromFloats(new float[8193], [8193, 1], "HW"));
        Fails(ImageError.TooLarge, () => new ImagePixels(8193, 1, 1, new byte[8193]));
        // 8192 is allowed.
        Assert.Equal(8192, ImageConversion.FromBytes(new byte[8192], [1, 8192], "HW").Width);
        Assert.Equal(8192, ImageConversion.FromBytes(new byte[8192], [8192, 1], "HW").Height);
        // A grid is checked too: two 1×4094 images with padding 2 are 2 + 2×4096 = 8194 wide; 1×4093, 8192.
        Fails(ImageError.TooLarge, () => ImageConversion.FromBytes(new byte[2 * 4094], [2, 1, 1, 4094], "NCHW"));
        Assert.Equal(8192, ImageConversion.FromBytes(new byte[2 * 4093], [2, 1, 1, 4093], "NCHW").Width);
    }

    [Fact]
    public void AShapeTooLargeIsRefusedBeforeAnyDataExists()
    {
        // What Add-TbImage -Data asks first: no array of 20000×20000 values is needed to know it is too large.
        var e = Fails(ImageError.TooLarge, () => ImageConversion.CheckShape([20000, 20000], "HW"));
        Assert.Equal(new[] { 20000, 20000 }, e.OffendingValue);
        Fails(ImageError.TooLarge, () => ImageConversion.CheckShape([3, 8193, 1], "CHW"));
        var grid = Fails(ImageError.TooLarge, () => ImageConversion.CheckShape([100_000, 1, 64, 64], "NCHW"));
        Assert.Contains("grid", grid.Message, StringComparison.Ordinal);
        Fails(ImageError.TooLarge, () => ImageConversion.CheckShape([int.MaxValue, 1, int.MaxValue, int.MaxValue], "NCHW", new ImageGridOptions { NRow = 1 }));
        Fails(ImageError.InvalidChannelCount, () => ImageConversion.CheckShape([2, 4, 4], "CHW"));
        Fails(ImageError.InvalidShape, () => ImageConversion.CheckShape([0, 4], "HW"));
        Assert.Equal(3 * 8192 * 8192L, ImageConversion.CheckShape([8192, 8192, 3], "HWC"));
        Assert.Equal(16L * 3 * 32 * 32, ImageConversion.CheckShape([16, 3, 32, 32], "NCHW"));
    }

    [Fact]
    public void DecodingRefusesAHeaderThatClaimsMoreThanTheCapBeforeDecodingPixels()
    {
        // A real 1×1 PNG whose IHDR (CRC recomputed) now claims 65535×65535 pixels: 16 GB as RGBA.
        byte[] png = PngCodec.Encode(new ImagePixels(1, 1, 3, new byte[3]));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 65535);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 65535);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        Assert.Equal(65535, PngCodec.Identify(png).Width);
        var e = Fails(ImageError.TooLarge, () => PngCodec.Decode(png, 4));
        Assert.Equal(new[] { 65535, 65535 }, e.OffendingValue);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    [Fact]
    public void BytesThatAreNoImageAreUnreadable()
    {
        byte[] text = "hello, this is not an image but a line of text"u8.ToArray();
        Fails(ImageError.Unreadable, () => PngCodec.Identify(text));
        Fails(ImageError.Unreadable, () => PngCodec.Identify([1, 2, 3]));
        Fails(ImageError.Unreadable, () => PngCodec.Identify([]));
        Fails(ImageError.Unreadable, () => PngCodec.Decode(text, 3));
        Fails(ImageError.Unreadable, () => PngCodec.Decode(new byte[] { 1, 2, 3 }, 1));
        Fails(ImageError.Unreadable, () => PngCodec.Decode(Array.Empty<byte>(), 3));

        // A PNG cut after its header: its size is known, its pixels are not.
        byte[] png = PngCodec.Encode(ImageConversion.FromBytes(HwcUint8(), [H, W, 3], "HWC"));
        byte[] headerOnly = png[..33];
        Fails(ImageError.Unreadable, () => PngCodec.Decode(headerOnly, 3));

        // A PNG whose image data fails its CRC.
        byte[] damaged = (byte[])png.Clone();
        int idat = damaged.AsSpan().IndexOf("IDAT"u8);
        damaged[idat + 6] ^= 0xFF;
        Fails(ImageError.Unreadable, () => PngCodec.Decode(damaged, 3));
    }

    [Fact]
    public void FilesThatAreNoImageAreUnreadable()
    {
        using var temp = new TempDir();
        string text = temp.Sub("notes.png");
        File.WriteAllText(text, "not an image");
        var e = Fails(ImageError.Unreadable, () => ImageFiles.LoadAsPng(text));
        Assert.Equal(text, e.OffendingValue);
        Assert.Contains(text, e.Message);

        string empty = temp.Sub("empty.jpg");
        File.WriteAllBytes(empty, []);
        Fails(ImageError.Unreadable, () => ImageFiles.LoadAsPng(empty));
    }

    // ---------------------------------------------------------------- PngCodec.Identify and image files

    [Fact]
    public void IdentifyReadsTheHeaderWithoutDecoding()
    {
        foreach (int channels in new[] { 1, 3, 4 })
        {
            var pixels = new ImagePixels(W, H, channels, new byte[W * H * channels]);
            byte[] png = PngCodec.Encode(pixels);
            Assert.Equal(new EncodedImageInfo(W, H, channels, "png"), PngCodec.Identify(png));
            // Only the signature and IHDR chunk: enough for Identify, not for Decode.
            Assert.Equal(new EncodedImageInfo(W, H, channels, "png"), PngCodec.Identify(png[..33]));
            Assert.Throws<ImageFormatException>(() => PngCodec.Decode(png[..33], channels));
        }
        // PyTorch's PNGs: RGB (HW grey stacked to three channels) and RGBA.
        Assert.Equal(new EncodedImageInfo(W, H, 3, "png"), PngCodec.Identify(FixtureImage("gray_hw").Encoded));
        Assert.Equal(new EncodedImageInfo(W, H, 4, "png"), PngCodec.Identify(FixtureImage("rgba_chw").Encoded));
        Assert.Equal(new EncodedImageInfo(48, 8, 3, "png"), PngCodec.Identify(FixtureImage("batch_grid").Encoded));
    }

    [Fact]
    public void AFixturePngFileIsKeptByteForByte()
    {
        using var temp = new TempDir();
        string path = temp.Sub("gray.png");
        byte[] original = FixtureImage("gray_hw").Encoded;
        File.WriteAllBytes(path, original);
        var (png, width, height, channels) = ImageFiles.LoadAsPng(path);
        Assert.Equal(original, png);
        Assert.Equal((W, H, 3), (width, height, channels));

        string grey = temp.Sub("grey.png");
        byte[] ours = PngCodec.Encode(ImageConversion.FromBytes(Gray(), [H, W], "HW"));
        File.WriteAllBytes(grey, ours);
        var loaded = ImageFiles.LoadAsPng(grey);
        Assert.Equal(ours, loaded.Png);
        Assert.Equal(1, loaded.Channels);
    }

    private static Image<Rgb24> Pattern()
    {
        var image = new Image<Rgb24>(W, H);
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 5));
            }
        }
        return image;
    }

    [Fact]
    public void ABmpFileIsReEncodedAsPngWithTheSamePixels()
    {
        using var temp = new TempDir();
        string path = temp.Sub("pattern.bmp");
        using (var image = Pattern())
        {
            image.Save(path, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        }
        Assert.Equal("bmp", PngCodec.Identify(File.ReadAllBytes(path)).Format);

        var (png, width, height, channels) = ImageFiles.LoadAsPng(path);
        Assert.Equal(new EncodedImageInfo(W, H, 3, "png"), PngCodec.Identify(png));
        Assert.Equal((W, H, 3), (width, height, channels));
        var pixels = PngCodec.Decode(png, 3);
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                Assert.Equal(((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 5)), (pixels[y, x, 0], pixels[y, x, 1], pixels[y, x, 2]));
            }
        }
    }

    [Fact]
    public void AJpegFileIsReEncodedAsPngOfItsDecodedPixels()
    {
        using var temp = new TempDir();
        string path = temp.Sub("pattern.jpg");
        using (var image = Pattern())
        {
            image.Save(path, new JpegEncoder { Quality = 90 });
        }
        byte[] jpeg = File.ReadAllBytes(path);
        Assert.Equal("jpeg", PngCodec.Identify(jpeg).Format);

        var (png, width, height, channels) = ImageFiles.LoadAsPng(path);
        Assert.Equal(new EncodedImageInfo(W, H, 3, "png"), PngCodec.Identify(png));
        Assert.Equal((W, H, 3), (width, height, channels));
        // Lossless from the JPEG's decoded pixels on: the PNG holds exactly what ImageSharp decodes.
        Assert.Equal(PngCodec.Decode(jpeg, 3).Pixels, PngCodec.Decode(png, 3).Pixels);
    }
}
