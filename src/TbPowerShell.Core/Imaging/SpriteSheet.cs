namespace TbPowerShell.Core.Imaging;

/// <summary>
/// The projector's sprite: label images packed as PyTorch's <c>make_sprite</c> packs them
/// (<c>torch/utils/tensorboard/_embedding.py</c>): ceil(sqrt(N)) images a row, no padding, left to right then top to
/// bottom, grey images repeated into RGB, the canvas made square (as wide as it is tall) with black below, floats
/// scaled as <c>uint8((x * 255).clip(0, 255))</c> (truncating; NaN becomes 0). Bytes are taken as they are (as
/// Add-TbImage takes them; PyTorch would multiply them by 255 too).
/// </summary>
public static class SpriteSheet
{
    /// <summary>Images a row: ceil(sqrt(<paramref name="count"/>)).</summary>
    public static int ImagesPerRow(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A sprite needs at least one image.");
        }
        int side = (int)Math.Sqrt(count);
        while ((long)side * side < count)
        {
            side++;
        }
        while (side > 1 && (long)(side - 1) * (side - 1) >= count)
        {
            side--;
        }
        return side;
    }

    /// <summary>The sprite's width and height in pixels for <paramref name="count"/> images of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static (long Width, long Height) Size(int count, int height, int width)
    {
        int perRow = ImagesPerRow(count);
        int columns = Math.Min(count, perRow);
        int rows = (count + columns - 1) / columns;
        long spriteWidth = (long)width * columns;
        // PyTorch's canvas is square at the grid's width; for images taller than wide that would cut rows off (PyTorch fails), so it grows.
        long spriteHeight = Math.Max(spriteWidth, (long)height * rows);
        return (spriteWidth, spriteHeight);
    }

    /// <summary>Packs float images (N × C × H × W, C 1 or 3, values in [0, 1]) into a sprite.</summary>
    public static ImagePixels Make(ReadOnlySpan<double> nchw, int count, int channels, int height, int width) =>
        Pack(count, channels, height, width, nchw.Length, nchw.ToArray(), null);

    /// <summary>Packs byte images (N × C × H × W, C 1 or 3, values 0–255 taken as they are) into a sprite.</summary>
    public static ImagePixels Make(ReadOnlySpan<byte> nchw, int count, int channels, int height, int width) =>
        Pack(count, channels, height, width, nchw.Length, null, nchw.ToArray());

    private static ImagePixels Pack(int count, int channels, int height, int width, int length, double[]? floats, byte[]? bytes)
    {
        if (channels is not (1 or 3))
        {
            throw new ImageFormatException(ImageError.InvalidChannelCount,
                $"Label images must have 1 or 3 channels (N × C × H × W), not {channels}.", channels);
        }
        if (count < 1 || height < 1 || width < 1)
        {
            throw new ImageFormatException(ImageError.InvalidShape,
                $"Label images must be at least one image of 1×1 pixels, not {count} of {width}×{height}.", new[] { count, channels, height, width });
        }
        if ((long)count * channels * height * width != length)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"{length} values do not make {count} images of {channels}×{height}×{width}.", length);
        }
        var (spriteWidth, spriteHeight) = Size(count, height, width);
        if (spriteWidth > ImagePixels.MaxSide || spriteHeight > ImagePixels.MaxSide)
        {
            throw new ImageFormatException(ImageError.TooLarge,
                $"A sprite of {count} images of {width}×{height} pixels would be {spriteWidth}×{spriteHeight}, larger than {ImagePixels.MaxSide} pixels a side.",
                new[] { spriteHeight, spriteWidth });
        }
        int columns = Math.Min(count, ImagesPerRow(count));
        int sw = (int)spriteWidth;
        var pixels = new byte[sw * (int)spriteHeight * 3];
        int plane = height * width;
        for (int n = 0; n < count; n++)
        {
            int top = n / columns * height;
            int left = n % columns * width;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int target = (((top + y) * sw) + left + x) * 3;
                    for (int c = 0; c < 3; c++)
                    {
                        int source = ((n * channels) + (channels == 1 ? 0 : c)) * plane + (y * width) + x;
                        pixels[target + c] = bytes is not null ? bytes[source] : ToByte(floats![source]);
                    }
                }
            }
        }
        return new ImagePixels(sw, (int)spriteHeight, 3, pixels);
    }

    /// <summary>numpy's <c>uint8((x * 255).clip(0, 255))</c> in double precision: truncation, NaN as 0.</summary>
    public static byte ToByte(double value)
    {
        double v = value * 255.0;
        if (!(v > 0))
        {
            return 0;
        }
        return v >= 255 ? (byte)255 : (byte)v;
    }
}
