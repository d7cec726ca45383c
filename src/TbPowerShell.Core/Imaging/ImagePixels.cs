namespace TbPowerShell.Core.Imaging;

/// <summary>
/// 8-bit pixels in height × width × channels order (interleaved), with 1 (grey), 3 (RGB) or
/// 4 (RGBA) channels: what an image summary encodes as PNG.
/// </summary>
public sealed class ImagePixels
{
    /// <summary>The largest width or height accepted: larger images are not shown by TensorBoard's image dashboard in any useful way.</summary>
    public const int MaxSide = 8192;

    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    public ImagePixels(int width, int height, int channels, byte[] pixels)
    {
        if (channels is not (1 or 3 or 4))
        {
            throw new ImageFormatException(ImageError.InvalidChannelCount, $"An image must have 1, 3 or 4 channels, not {channels}.", channels);
        }
        if (width < 1 || height < 1)
        {
            throw new ImageFormatException(ImageError.InvalidShape, $"An image must be at least 1×1 pixels, not {width}×{height}.", new[] { height, width });
        }
        if (width > MaxSide || height > MaxSide)
        {
            throw new ImageFormatException(ImageError.TooLarge, $"An image of {width}×{height} pixels is larger than {MaxSide} pixels a side.", new[] { height, width });
        }
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"{pixels.Length} bytes do not make a {width}×{height} image with {channels} channels.", pixels.Length);
        }
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>1 (grey), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    /// <summary>The pixels, row by row, channels interleaved.</summary>
    public byte[] Pixels { get; }

    /// <summary>The value of channel <paramref name="c"/> at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public byte this[int y, int x, int c] => Pixels[((y * Width) + x) * Channels + c];
}

/// <summary>What was wrong with image input.</summary>
public enum ImageError
{
    /// <summary>The shape does not fit the data format (wrong rank, zero or negative sizes, letters repeated).</summary>
    InvalidShape,

    /// <summary>The number of values does not match the shape.</summary>
    ShapeMismatch,

    /// <summary>A channel count other than 1, 3 or 4.</summary>
    InvalidChannelCount,

    /// <summary>Wider or taller than <see cref="ImagePixels.MaxSide"/>.</summary>
    TooLarge,

    /// <summary>The bytes or file are not an image ImageSharp can read.</summary>
    Unreadable,
}

/// <summary>Image input that cannot be made into an image summary.</summary>
public sealed class ImageFormatException : ArgumentException
{
    /// <summary>An input refused for <paramref name="error"/>, keeping the value at fault for the error record's target.</summary>
    public ImageFormatException(ImageError error, string message, object? offendingValue, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        OffendingValue = offendingValue;
    }

    /// <summary>What was wrong.</summary>
    public ImageError Error { get; }

    /// <summary>The value at fault (a shape, a channel count, a path).</summary>
    public object? OffendingValue { get; }
}
