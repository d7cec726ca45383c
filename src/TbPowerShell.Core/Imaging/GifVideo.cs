using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace TbPowerShell.Core.Imaging;

/// <summary>
/// Animated GIFs for video summaries (what PyTorch's <c>make_video</c> writes through moviepy): one GIF frame per
/// video frame, a delay of 1/fps, looping forever. Frames whose colours (all frames together) number at most 256
/// are stored exactly (every frame with a table of those colours); more colours are reduced per frame (Wu, no
/// dithering), as every GIF writer must. Alpha survives only as fully transparent or opaque (GIF's one
/// transparent index).
/// </summary>
public static class GifVideo
{
    /// <summary>The delay between frames in GIF's unit (1/100 s) for <paramref name="fps"/>: 100/fps rounded, within 1 to 65535.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fps"/> is not a positive finite number.</exception>
    public static int FrameDelay(double fps)
    {
        if (!(fps > 0) || double.IsInfinity(fps))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "Frames per second must be a positive number.");
        }
        return (int)Math.Clamp(Math.Round(100 / fps, MidpointRounding.AwayFromZero), 1, ushort.MaxValue);
    }

    /// <summary>Encodes the frames of <paramref name="clip"/> as an animated GIF that loops forever.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fps"/> is not a positive finite number.</exception>
    public static byte[] Encode(VideoClip clip, double fps)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int delay = FrameDelay(fps);
        var palette = ExactPalette(clip);
        using var image = new Image<Rgba32>(clip.Width, clip.Height);
        int frameBytes = clip.Width * clip.Height * clip.Channels;
        for (int t = 0; t < clip.Count; t++)
        {
            var frame = t == 0 ? image.Frames.RootFrame : image.Frames.CreateFrame();
            int start = t * frameBytes;
            frame.ProcessPixelRows(rows =>
            {
                var source = clip.Pixels.AsSpan(start, frameBytes);
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        row[x] = Pixel(source, (y * clip.Width + x) * clip.Channels, clip.Channels);
                    }
                }
            });
            var meta = frame.Metadata.GetGifMetadata();
            meta.FrameDelay = delay;
            meta.DisposalMethod = GifDisposalMethod.RestoreToBackground;
        }
        image.Metadata.GetGifMetadata().RepeatCount = 0;
        var encoder = palette is null
            ? new GifEncoder
            {
                ColorTableMode = GifColorTableMode.Local,
                Quantizer = new WuQuantizer(new QuantizerOptions { Dither = null, MaxColors = 256 }),
            }
            : new GifEncoder
            {
                // Local tables: the encoder quantizes every frame with this quantizer (a global table would map the
                // later frames through ImageSharp's own palette look-up, which is not exact).
                ColorTableMode = GifColorTableMode.Local,
                Quantizer = new GifExactPalette(palette),
            };
        using var stream = new MemoryStream();
        image.SaveAsGif(stream, encoder);
        return stream.ToArray();
    }

    /// <summary>Decodes every frame of a GIF as RGBA pixels (4 channels), as a browser would show them.</summary>
    /// <exception cref="ImageFormatException">The bytes are not a GIF ImageSharp can read.</exception>
    public static IReadOnlyList<ImagePixels> DecodeFrames(byte[] gif)
    {
        ArgumentNullException.ThrowIfNull(gif);
        try
        {
            using var image = Image.Load<Rgba32>(gif, new GifDecoder());
            var frames = new List<ImagePixels>(image.Frames.Count);
            foreach (ImageFrame<Rgba32> frame in image.Frames)
            {
                var bytes = new byte[image.Width * image.Height * 4];
                frame.CopyPixelDataTo(bytes);
                frames.Add(new ImagePixels(image.Width, image.Height, 4, bytes));
            }
            return frames;
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException)
        {
            throw new ImageFormatException(ImageError.Unreadable, "The bytes are not a GIF that can be read: " + e.Message, null, e);
        }
    }

    /// <summary>
    /// How many frames a GIF has, counted from its block structure without decoding any pixel (1 for bytes that
    /// are not a GIF or end early after a frame; 0 when no frame is found).
    /// </summary>
    public static int FrameCount(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < 13 || gif[0] != (byte)'G' || gif[1] != (byte)'I' || gif[2] != (byte)'F')
        {
            return 1;
        }
        int pos = 13;
        if ((gif[10] & 0x80) != 0)
        {
            pos += 3 << ((gif[10] & 7) + 1);
        }
        int frames = 0;
        while (pos < gif.Length)
        {
            switch (gif[pos])
            {
                case 0x21:
                    pos = SkipSubBlocks(gif, pos + 2);
                    break;
                case 0x2C:
                    if (pos + 10 > gif.Length)
                    {
                        return Math.Max(frames, 1);
                    }
                    frames++;
                    byte packed = gif[pos + 9];
                    pos += 10;
                    if ((packed & 0x80) != 0)
                    {
                        pos += 3 << ((packed & 7) + 1);
                    }
                    pos = SkipSubBlocks(gif, pos + 1);
                    break;
                default:
                    // the trailer (0x3B) or bytes that are not a block
                    return frames;
            }
        }
        return frames;
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int pos)
    {
        while (pos < gif.Length)
        {
            int size = gif[pos];
            pos += size + 1;
            if (size == 0)
            {
                break;
            }
        }
        return pos;
    }

    private static Rgba32 Pixel(ReadOnlySpan<byte> p, int i, int channels) => channels switch
    {
        1 => new Rgba32(p[i], p[i], p[i], 255),
        3 => new Rgba32(p[i], p[i + 1], p[i + 2], 255),
        _ => new Rgba32(p[i], p[i + 1], p[i + 2], p[i + 3]),
    };

    /// <summary>The clip's colours when there are at most 256 of them (all frames together), else null.</summary>
    private static Rgba32[]? ExactPalette(VideoClip clip)
    {
        var colors = new HashSet<uint>();
        var p = clip.Pixels;
        int c = clip.Channels;
        for (int i = 0; i < p.Length; i += c)
        {
            var px = Pixel(p, i, c);
            if (colors.Add(px.PackedValue) && colors.Count > 256)
            {
                return null;
            }
        }
        return colors.Select(v => new Rgba32(v)).ToArray();
    }
}
