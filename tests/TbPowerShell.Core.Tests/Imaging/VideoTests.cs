using ImageFormatException = TbPowerShell.Core.Imaging.ImageFormatException;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;
using TbPowerShell.Tests.Shared;

namespace TbPowerShell.Core.Tests.Imaging;

/// <summary>
/// Video summaries against PyTorch's <c>add_video</c> (no fixture: moviepy was missing when they were made). The
/// frames PyTorch's algorithm gives are computed here from the inputs, step by step as numpy does them
/// (<c>_prepare_video</c>: pad N to a power of two, reshape to (rows, cols, T, C, H, W), transpose to
/// (T, rows, H, cols, W, C); then float32 × 255, clip, truncate), and compared pixel for pixel with the frames
/// decoded from the GIF we wrote and read back from an event file.
/// </summary>
public class VideoTests
{
    /// <summary>PyTorch's frames, as numpy computes them, for float32 input (uint8 input divided by 255 first, in float32).</summary>
    private static byte[][] PyTorchFrames(float[] v, int n, int t, int c, int h, int w, out int width, out int height)
    {
        int bitLength = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);
        bool power2 = n != 0 && (n & (n - 1)) == 0;
        int padded = power2 ? n : (1 << bitLength);
        var padding = new float[(long)padded * t * c * h * w];
        v.CopyTo(padding, 0); // np.concatenate((V, zeros), axis=0)
        int rows = 1 << ((bitLength - 1) / 2);
        int cols = padded / rows;
        width = cols * w;
        height = rows * h;
        var frames = new byte[t][];
        for (int ti = 0; ti < t; ti++)
        {
            frames[ti] = new byte[height * width * c];
            int o = 0;
            // np.transpose(axes=(2, 0, 4, 1, 5, 3)) of (rows, cols, T, C, H, W): iterate (T, rows, H, cols, W, C).
            for (int r = 0; r < rows; r++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int col = 0; col < cols; col++)
                    {
                        for (int x = 0; x < w; x++)
                        {
                            for (int ch = 0; ch < c; ch++)
                            {
                                long source = ((((long)(r * cols + col) * t + ti) * c + ch) * h + y) * w + x;
                                float scaled = Math.Clamp(padding[source] * 255f, 0f, 255f);
                                frames[ti][o++] = (byte)scaled;
                            }
                        }
                    }
                }
            }
        }
        return frames;
    }

    private static ImageRecord WriteAndReadBack(TempDir dir, VideoClip clip, double fps, string tag = "video")
    {
        byte[] gif = GifVideo.Encode(clip, fps);
        using (var writer = new TbWriter(dir.Path))
        {
            writer.AddValue(SummaryValues.Image(tag, gif, clip.Width, clip.Height, clip.Channels), 3);
        }
        return Assert.IsType<ImageRecord>(Assert.Single(ReadValues.Run(dir.Path)));
    }

    private static void AssertFramesEqual(byte[][] expected, int channels, ImageRecord record)
    {
        var frames = GifVideo.DecodeFrames(record.Encoded);
        Assert.Equal(expected.Length, frames.Count);
        Assert.Equal(expected.Length, GifVideo.FrameCount(record.Encoded));
        for (int t = 0; t < expected.Length; t++)
        {
            var frame = frames[t];
            Assert.Equal(record.Width, frame.Width);
            Assert.Equal(record.Height, frame.Height);
            for (int i = 0, p = 0; p < frame.Width * frame.Height; p++, i += channels)
            {
                for (int k = 0; k < 3; k++)
                {
                    byte want = channels == 1 ? expected[t][i] : expected[t][i + k];
                    Assert.True(want == frame.Pixels[p * 4 + k], $"frame {t}, pixel {p}, channel {k}: PyTorch {want}, ours {frame.Pixels[p * 4 + k]}");
                }
                Assert.Equal(channels == 4 ? expected[t][i + 3] : 255, frame.Pixels[p * 4 + 3]);
            }
        }
    }

    [Fact]
    public void ThreeFloatRgbVideosArePaddedToFourInOneRowAndDecodeToPyTorchsFramesPixelForPixel()
    {
        const int n = 3, t = 5, c = 3, h = 6, w = 7;
        // Five levels a channel (125 colours with black): a GIF stores them exactly. Some values lie outside [0, 1].
        var rng = new LegacyRandomState(14);
        var data = rng.Uniform(-0.25, 1.25, n * t * c * h * w).Select(x => (float)(Math.Round(x * 4) / 4)).ToArray();
        var expected = PyTorchFrames(data, n, t, c, h, w, out int width, out int height);
        Assert.Equal((28, 6), (width, height));

        using var dir = new TempDir();
        var record = WriteAndReadBack(dir, VideoFrames.FromFloats(data, new[] { n, t, c, h, w }), fps: 4);

        Assert.Equal("gif", record.Format);
        Assert.Equal(width, record.Width);   // Summary.Image fields as make_video sets them: the grid's size, colorspace C
        Assert.Equal(height, record.Height);
        Assert.Equal(c, record.Channels);
        AssertFramesEqual(expected, c, record);
    }

    [Fact]
    public void FiveGreyByteVideosMakeTwoRowsOfFourAndDecodeToPyTorchsFramesPixelForPixel()
    {
        const int n = 5, t = 4, c = 1, h = 3, w = 5;
        var rng = new LegacyRandomState(5);
        var bytes = rng.Uniform(0, 256, n * t * c * h * w).Select(x => (byte)x).ToArray();
        // PyTorch: np.float32(V) / 255.0, then × 255 in float32 and truncated.
        var asFloats = bytes.Select(b => b / 255f).ToArray();
        var expected = PyTorchFrames(asFloats, n, t, c, h, w, out int width, out int height);
        Assert.Equal((20, 6), (width, height));

        using var dir = new TempDir();
        var record = WriteAndReadBack(dir, VideoFrames.FromBytes(bytes, new[] { n, t, c, h, w }), fps: 10);

        Assert.Equal((width, height, 1), (record.Width, record.Height, record.Channels));
        AssertFramesEqual(expected, c, record);
    }

    [Fact]
    public void AFourDimensionalShapeIsOneVideoAndOpaqueRgbaKeepsItsColours()
    {
        const int t = 3, c = 4, h = 2, w = 3;
        var data = Enumerable.Range(0, t * c * h * w).Select(i => i / (h * w) % c == 3 ? 1f : (i % 11) / 10f).ToArray();
        var expected = PyTorchFrames(data, 1, t, c, h, w, out int width, out int height);

        using var dir = new TempDir();
        var record = WriteAndReadBack(dir, VideoFrames.FromFloats(data, new[] { t, c, h, w }), fps: 4);

        Assert.Equal((w, h, 4), (record.Width, record.Height, record.Channels));
        AssertFramesEqual(expected, c, record);
    }

    [Fact]
    public void TheGifLoopsForeverWithADelayOfOneOverFps()
    {
        var clip = VideoFrames.FromFloats(new float[2 * 3 * 2 * 2], new[] { 2, 3, 2, 2 });
        byte[] gif = GifVideo.Encode(clip, 4);
        using var image = Image.Load<Rgba32>(gif, new GifDecoder());
        Assert.Equal(0, image.Metadata.GetGifMetadata().RepeatCount);
        Assert.Equal(2, image.Frames.Count);
        foreach (ImageFrame<Rgba32> frame in image.Frames)
        {
            Assert.Equal(25, frame.Metadata.GetGifMetadata().FrameDelay);
        }
        Assert.Equal(25, GifVideo.FrameDelay(4));
        Assert.Equal(3, GifVideo.FrameDelay(30));
        Assert.Equal(1, GifVideo.FrameDelay(1000));
        Assert.Equal(ushort.MaxValue, GifVideo.FrameDelay(0.0001));
        Assert.Throws<ArgumentOutOfRangeException>(() => GifVideo.FrameDelay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GifVideo.FrameDelay(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GifVideo.FrameDelay(double.NaN));
    }

    [Fact]
    public void AVideoOfMoreThan256ColoursIsReducedPerFrameAndKeepsItsFramesAndSize()
    {
        const int t = 3, c = 3, h = 20, w = 20;
        var rng = new LegacyRandomState(7);
        var data = rng.Uniform(0, 1, t * c * h * w).Select(x => (float)x).ToArray();
        var expected = PyTorchFrames(data, 1, t, c, h, w, out _, out _);
        var clip = VideoFrames.FromFloats(data, new[] { t, c, h, w });
        var frames = GifVideo.DecodeFrames(GifVideo.Encode(clip, 4));
        Assert.Equal(t, frames.Count);
        double error = 0;
        for (int f = 0; f < t; f++)
        {
            for (int p = 0; p < h * w; p++)
            {
                for (int k = 0; k < 3; k++)
                {
                    error += Math.Abs(expected[f][p * 3 + k] - frames[f].Pixels[p * 4 + k]);
                }
            }
        }
        // 1200 random colours a frame in 256: close, not exact.
        Assert.InRange(error / (t * h * w * 3), 0.01, 24);
    }

    [Fact]
    public void FloatsAreScaledInFloat32ClippedAndTruncatedAsPyTorchDoes()
    {
        Assert.Equal(0, VideoFrames.ToByte(-0.5f));
        Assert.Equal(255, VideoFrames.ToByte(1.5f));
        Assert.Equal(0, VideoFrames.ToByte(float.NaN));
        Assert.Equal(127, VideoFrames.ToByte(0.5f)); // 127.5 truncated
        Assert.Equal(254, VideoFrames.ToByte(0.999f)); // 254.745 truncated
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, ImageError.InvalidShape)]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6 }, ImageError.InvalidShape)]
    [InlineData(new[] { 2, 0, 4, 4 }, ImageError.InvalidShape)]
    [InlineData(new[] { 2, 2, 4, 4 }, ImageError.InvalidChannelCount)]
    [InlineData(new[] { 1, 5, 4, 4 }, ImageError.InvalidChannelCount)]
    [InlineData(new[] { 2, 3, 9000, 4 }, ImageError.TooLarge)]
    [InlineData(new[] { 1000, 3, 256, 256 }, ImageError.TooLarge)]
    [InlineData(new[] { 17, 1, 3, 8, 2000 }, ImageError.TooLarge)] // padded to 32: 4 rows of 8 columns of 2000 pixels
    public void ABadShapeIsRefusedBeforeAnyValueIsRead(int[] shape, ImageError error)
    {
        var e = Assert.Throws<ImageFormatException>(() => VideoFrames.CheckShape(shape));
        Assert.Equal(error, e.Error);
    }

    [Fact]
    public void DataOfTheWrongLengthIsAShapeMismatch()
    {
        var e = Assert.Throws<ImageFormatException>(() => VideoFrames.FromFloats(new float[10], new[] { 2, 1, 2, 2 }));
        Assert.Equal(ImageError.ShapeMismatch, e.Error);
        Assert.Equal(new[] { 2, 1, 2, 2 }, e.OffendingValue);
        e = Assert.Throws<ImageFormatException>(() => VideoFrames.FromBytes(new byte[9], new[] { 2, 1, 2, 2 }));
        Assert.Equal(ImageError.ShapeMismatch, e.Error);
    }

    [Fact]
    public void FrameCountReadsTheBlocksOfAGifAndCountsOtherImagesAsOne()
    {
        var clip = VideoFrames.FromFloats(Enumerable.Range(0, 7 * 3 * 4 * 5).Select(i => (i % 13) / 12f).ToArray(), new[] { 7, 3, 4, 5 });
        Assert.Equal(7, GifVideo.FrameCount(GifVideo.Encode(clip, 2)));
        Assert.Equal(1, GifVideo.FrameCount(PngCodec.Encode(clip.Frame(0))));
        Assert.Equal(1, GifVideo.FrameCount(ReadOnlySpan<byte>.Empty));
    }
}
