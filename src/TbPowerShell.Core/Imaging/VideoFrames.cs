namespace TbPowerShell.Core.Imaging;

/// <summary>
/// The frames of a video summary: <see cref="Count"/> frames of height × width × channels bytes each (channels
/// interleaved), one after the other: what PyTorch's <c>_prepare_video</c> and scaling hand to the GIF writer.
/// </summary>
public sealed class VideoClip
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied): <paramref name="count"/> frames, each height × width × channels.</summary>
    public VideoClip(int count, int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)count * width * height * channels)
        {
            throw new ArgumentException($"{pixels.LongLength} bytes do not make {count} frames of {width}×{height}×{channels}.", nameof(pixels));
        }
        Count = count;
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>How many frames.</summary>
    public int Count { get; }

    /// <summary>Width of a frame in pixels (the grid of videos side by side).</summary>
    public int Width { get; }

    /// <summary>Height of a frame in pixels.</summary>
    public int Height { get; }

    /// <summary>1 (grey), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    /// <summary>All frames' pixels, frame after frame, row by row, channels interleaved.</summary>
    public byte[] Pixels { get; }

    /// <summary>Frame <paramref name="t"/> as an image (copied).</summary>
    public ImagePixels Frame(int t)
    {
        int size = Width * Height * Channels;
        return new ImagePixels(Width, Height, Channels, Pixels.AsSpan(t * size, size).ToArray());
    }
}

/// <summary>
/// PyTorch's <c>add_video</c> input handling (<c>torch/utils/tensorboard/_utils.py</c> <c>_prepare_video</c> and
/// <c>summary.video</c>): N × T × C × H × W (or T × C × H × W, one video) becomes T frames in which the N videos
/// are laid out as a grid of <c>2^((bitlength(N)−1) div 2)</c> rows, N padded with black videos to a power of two;
/// floats are scaled by 255 in float32, clipped to [0, 255] and truncated to bytes; bytes are divided by 255 and
/// scaled back the same way, in float32, as PyTorch does.
/// </summary>
public static class VideoFrames
{
    /// <summary>The most pixels (frames × frame width × frame height) a video may have: about 32 million, 128 MB as RGBA.</summary>
    public const long MaxPixels = 1L << 25;

    /// <summary>
    /// Checks a shape (N, T, C, H, W or T, C, H, W) and returns how many values it needs.
    /// </summary>
    /// <exception cref="ImageFormatException">Wrong rank, a size below 1, channels not 1, 3 or 4, frames wider or
    /// taller than <see cref="ImagePixels.MaxSide"/>, or more than <see cref="MaxPixels"/> pixels in all.</exception>
    public static long CheckShape(IReadOnlyList<int> shape)
    {
        var layout = Layout.Of(shape);
        return (long)layout.N * layout.T * layout.C * layout.H * layout.W;
    }

    /// <summary>The frames of float input (PyTorch's float path: ×255 in float32, clipped, truncated; NaN gives 0).</summary>
    /// <exception cref="ImageFormatException">The shape is wrong (see <see cref="CheckShape"/>) or does not match the data's length.</exception>
    public static VideoClip FromFloats(ReadOnlySpan<float> data, IReadOnlyList<int> shape)
    {
        var layout = Layout.Of(shape);
        CheckLength(data.Length, layout, shape);
        var pixels = new byte[layout.PixelBytes];
        Fill(layout, pixels, data, static v => ToByte(v));
        return new VideoClip(layout.T, layout.GridWidth, layout.GridHeight, layout.C, pixels);
    }

    /// <summary>The frames of uint8 input: PyTorch divides them by 255 and scales them back in float32 (see <see cref="ToByte"/>).</summary>
    /// <exception cref="ImageFormatException">The shape is wrong (see <see cref="CheckShape"/>) or does not match the data's length.</exception>
    public static VideoClip FromBytes(ReadOnlySpan<byte> data, IReadOnlyList<int> shape)
    {
        var layout = Layout.Of(shape);
        CheckLength(data.Length, layout, shape);
        var pixels = new byte[layout.PixelBytes];
        Fill(layout, pixels, data, static v => ToByte(v / 255f));
        return new VideoClip(layout.T, layout.GridWidth, layout.GridHeight, layout.C, pixels);
    }

    /// <summary>A float as PyTorch's video summary makes it a byte: float32 × 255, clipped to [0, 255], truncated.</summary>
    public static byte ToByte(float value)
    {
        float scaled = value * 255f;
        if (float.IsNaN(scaled))
        {
            return 0;
        }
        return (byte)Math.Clamp(scaled, 0f, 255f);
    }

    private delegate byte Convert<T>(T value);

    private static void Fill<T>(Layout l, byte[] pixels, ReadOnlySpan<T> data, Convert<T> convert)
    {
        // Frame t, grid cell (row r, column c) shows video r·columns + c (black beyond N), channels interleaved.
        int frameBytes = l.GridWidth * l.GridHeight * l.C;
        long videoSize = (long)l.T * l.C * l.H * l.W;
        for (int video = 0; video < l.N; video++)
        {
            int row = video / l.Columns, column = video % l.Columns;
            for (int t = 0; t < l.T; t++)
            {
                for (int ch = 0; ch < l.C; ch++)
                {
                    long plane = video * videoSize + ((long)t * l.C + ch) * l.H * l.W;
                    for (int y = 0; y < l.H; y++)
                    {
                        int outRow = t * frameBytes + ((row * l.H + y) * l.GridWidth + column * l.W) * l.C + ch;
                        var source = data.Slice((int)(plane + (long)y * l.W), l.W);
                        for (int x = 0; x < l.W; x++)
                        {
                            pixels[outRow + x * l.C] = convert(source[x]);
                        }
                    }
                }
            }
        }
    }

    private static void CheckLength(long given, Layout layout, IReadOnlyList<int> shape)
    {
        long needed = (long)layout.N * layout.T * layout.C * layout.H * layout.W;
        if (given != needed)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"The shape [{string.Join(", ", shape)}] needs {needed} values, but {given} were given.", shape.ToArray());
        }
    }

    private readonly record struct Layout(int N, int T, int C, int H, int W, int Rows, int Columns)
    {
        public int GridWidth => Columns * W;

        public int GridHeight => Rows * H;

        public long PixelBytes => (long)T * GridWidth * GridHeight * C;

        public static Layout Of(IReadOnlyList<int> shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            if (shape.Count is not (4 or 5))
            {
                throw new ImageFormatException(ImageError.InvalidShape,
                    $"A video's shape is N, T, C, H, W (a batch of videos) or T, C, H, W (one video), not [{string.Join(", ", shape)}].", shape.ToArray());
            }
            if (shape.Any(d => d < 1))
            {
                throw new ImageFormatException(ImageError.InvalidShape,
                    $"Every size of a video's shape must be at least 1, not [{string.Join(", ", shape)}].", shape.ToArray());
            }
            int o = shape.Count - 4;
            int n = o == 1 ? shape[0] : 1;
            int t = shape[o], c = shape[o + 1], h = shape[o + 2], w = shape[o + 3];
            if (c is not (1 or 3 or 4))
            {
                throw new ImageFormatException(ImageError.InvalidChannelCount,
                    $"A video frame must have 1, 3 or 4 channels (grey, RGB, RGBA), not {c}.", c);
            }
            // _prepare_video: N padded to the next power of two; 2^((bitlength(N) − 1) div 2) rows.
            int padded = (n & (n - 1)) == 0 ? n : 1 << BitLength(n);
            int rows = 1 << ((BitLength(n) - 1) / 2);
            int columns = padded / rows;
            long gridWidth = (long)columns * w, gridHeight = (long)rows * h;
            if (gridWidth > ImagePixels.MaxSide || gridHeight > ImagePixels.MaxSide)
            {
                throw new ImageFormatException(ImageError.TooLarge,
                    $"Video frames of {gridWidth}×{gridHeight} pixels are larger than {ImagePixels.MaxSide} pixels a side.", shape.ToArray());
            }
            if (gridWidth * gridHeight * t > MaxPixels)
            {
                throw new ImageFormatException(ImageError.TooLarge,
                    $"{t} frames of {gridWidth}×{gridHeight} pixels are more than {MaxPixels} pixels in all.", shape.ToArray());
            }
            return new Layout(n, t, c, h, w, rows, columns);
        }

        private static int BitLength(int n) => 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);
    }
}
