using SixLabors.ImageSharp;

namespace TbPowerShell.Core.Imaging;

/// <summary>Image files as image summaries want them: PNG bytes and what they hold.</summary>
public static class ImageFiles
{
    /// <summary>
    /// The channels a file holds, from its header: decoders return 32-bit pixels for most formats,
    /// so the decoded image cannot tell a 24-bit BMP from one with alpha.
    /// </summary>
    private static int SourceChannels(EncodedImageInfo info) => info.Channels switch
    {
        1 or 3 or 4 => info.Channels,
        2 => 4,
        _ => 3,
    };

    /// <summary>
    /// Reads an image file: a PNG is stored as it is; any other format ImageSharp decodes is
    /// re-encoded as PNG. Throws <see cref="ImageFormatException"/> for unreadable or oversized images.
    /// </summary>
    public static (byte[] Png, int Width, int Height, int Channels) LoadAsPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        EncodedImageInfo info;
        try
        {
            info = PngCodec.Identify(bytes);
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException(ImageError.Unreadable, $"'{path}' is not an image ImageSharp can read.", path, e);
        }
        if (info.Width > ImagePixels.MaxSide || info.Height > ImagePixels.MaxSide)
        {
            throw new ImageFormatException(ImageError.TooLarge,
                $"'{path}' is {info.Width}×{info.Height} pixels, larger than {ImagePixels.MaxSide} pixels a side.", path);
        }
        if (info.Format == "png" && info.Channels is 1 or 3 or 4)
        {
            return (bytes, info.Width, info.Height, info.Channels);
        }
        try
        {
            using var image = SixLabors.ImageSharp.Image.Load(bytes);
            int channels = SourceChannels(info);
            return (PngCodec.Encode(image, channels), image.Width, image.Height, channels);
        }
        catch (Exception e) when (e is SixLabors.ImageSharp.UnknownImageFormatException or SixLabors.ImageSharp.InvalidImageContentException or NotSupportedException)
        {
            throw new ImageFormatException(ImageError.Unreadable, $"'{path}' is not an image ImageSharp can read.", path, e);
        }
    }
}
