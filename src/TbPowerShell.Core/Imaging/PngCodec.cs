using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace TbPowerShell.Core.Imaging;

/// <summary>What an encoded image is, read from its header without decoding pixels.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 grey, 2 grey with alpha, 3 RGB, 4 RGBA.</param>
/// <param name="Format">The format's lower-case name ("png", "jpeg", "gif", ...).</param>
public sealed record EncodedImageInfo(int Width, int Height, int Channels, string Format);

/// <summary>PNG encoding through ImageSharp, and reading what encoded images are.</summary>
public static class PngCodec
{
    /// <summary>Encodes pixels as an 8-bit PNG whose colour type matches the channel count (grey, RGB, RGBA).</summary>
    public static byte[] Encode(ImagePixels pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var stream = new MemoryStream();
        switch (pixels.Channels)
        {
            case 1:
                using (var image = Image.LoadPixelData<L8>(pixels.Pixels, pixels.Width, pixels.Height))
                {
                    image.SaveAsPng(stream, Encoder(PngColorType.Grayscale));
                }
                break;
            case 3:
                using (var image = Image.LoadPixelData<Rgb24>(pixels.Pixels, pixels.Width, pixels.Height))
                {
                    image.SaveAsPng(stream, Encoder(PngColorType.Rgb));
                }
                break;
            default:
                using (var image = Image.LoadPixelData<Rgba32>(pixels.Pixels, pixels.Width, pixels.Height))
                {
                    image.SaveAsPng(stream, Encoder(PngColorType.RgbWithAlpha));
                }
                break;
        }
        return stream.ToArray();
    }

    /// <summary>Encodes an ImageSharp image as PNG, keeping alpha only when the image has it.</summary>
    public static byte[] Encode(Image image, out int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        channels = ChannelsOfPixelType(image);
        var colorType = channels switch
        {
            1 => PngColorType.Grayscale,
            2 => PngColorType.GrayscaleWithAlpha,
            3 => PngColorType.Rgb,
            _ => PngColorType.RgbWithAlpha,
        };
        if (channels == 2)
        {
            // TensorBoard's colourspace has no grey+alpha: store it as RGBA.
            colorType = PngColorType.RgbWithAlpha;
            channels = 4;
        }
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, Encoder(colorType));
        return stream.ToArray();
    }

    /// <summary>Encodes an ImageSharp image as an 8-bit PNG of 1 (grey), 3 (RGB) or 4 (RGBA) channels.</summary>
    public static byte[] Encode(Image image, int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var stream = new MemoryStream();
        switch (channels)
        {
            case 1:
                using (var grey = image.CloneAs<L8>())
                {
                    grey.SaveAsPng(stream, Encoder(PngColorType.Grayscale));
                }
                break;
            case 3:
                using (var rgb = image.CloneAs<Rgb24>())
                {
                    rgb.SaveAsPng(stream, Encoder(PngColorType.Rgb));
                }
                break;
            case 4:
                using (var rgba = image.CloneAs<Rgba32>())
                {
                    rgba.SaveAsPng(stream, Encoder(PngColorType.RgbWithAlpha));
                }
                break;
            default:
                throw new ImageFormatException(ImageError.InvalidChannelCount, $"Images are encoded with 1, 3 or 4 channels, not {channels}.", channels);
        }
        return stream.ToArray();
    }

    /// <summary>Reads size, channels and format from the header of <paramref name="encoded"/> without decoding pixels.</summary>
    public static EncodedImageInfo Identify(byte[] encoded)
    {
        try
        {
            var info = Image.Identify(encoded, out var format);
            if (info is null || format is null)
            {
                throw new ImageFormatException(ImageError.Unreadable, "The bytes are not an image ImageSharp can read.", null);
            }
            var png = info.Metadata.GetPngMetadata();
            int bits = info.PixelType.BitsPerPixel;
            int channels = format.Name switch
            {
                "PNG" => ChannelsOf(bits, png.ColorType, info.PixelType.AlphaRepresentation),
                "JPEG" => bits <= 8 ? 1 : 3,
                "GIF" => 4, // palette with possible transparency
                _ => bits <= 8 ? 3 : ChannelsOf(bits, null, info.PixelType.AlphaRepresentation), // low bit depths are palettes
            };
            return new EncodedImageInfo(info.Width, info.Height, channels, format.Name.ToLowerInvariant());
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new ImageFormatException(ImageError.Unreadable, "The bytes are not an image ImageSharp can read: " + e.Message, null, e);
        }
    }

    /// <summary>The most bytes of pixels <see cref="Decode"/> makes (256 MiB, e.g. 8192×8192 RGBA); larger images are refused from their header.</summary>
    public const int MaxDecodedBytes = 1 << 28;

    /// <summary>Decodes any image ImageSharp reads into 8-bit pixels with <paramref name="channels"/> channels (1, 3 or 4); throws <see cref="ImageFormatException"/> for one larger than <see cref="MaxDecodedBytes"/>.</summary>
    public static ImagePixels Decode(ReadOnlySpan<byte> encoded, int channels)
    {
        if (encoded.IsEmpty)
        {
            // ImageSharp's span overload throws ArgumentNullException for an empty span.
            throw new ImageFormatException(ImageError.Unreadable, "The bytes are not an image ImageSharp can read: there are none.", null);
        }
        try
        {
            // The header's size is checked before any pixel is decoded: a few bytes can claim 65535×65535 pixels.
            var info = Image.Identify(encoded.ToArray());
            if (info is not null && (long)info.Width * info.Height * Math.Max(channels, 1) > MaxDecodedBytes)
            {
                throw new ImageFormatException(ImageError.TooLarge,
                    $"The image is {info.Width}×{info.Height} pixels: more than {MaxDecodedBytes} bytes of {channels}-channel pixels once decoded.", new[] { info.Height, info.Width });
            }
            switch (channels)
            {
                case 1:
                {
                    using var image = Image.Load<L8>(encoded);
                    return Copy(image, 1);
                }
                case 3:
                {
                    using var image = Image.Load<Rgb24>(encoded);
                    return Copy(image, 3);
                }
                case 4:
                {
                    using var image = Image.Load<Rgba32>(encoded);
                    return Copy(image, 4);
                }
                default:
                    throw new ImageFormatException(ImageError.InvalidChannelCount, $"Images decode to 1, 3 or 4 channels, not {channels}.", channels);
            }
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new ImageFormatException(ImageError.Unreadable, "The bytes are not an image ImageSharp can read: " + e.Message, null, e);
        }
    }

    private static ImagePixels Copy<TPixel>(Image<TPixel> image, int channels)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var bytes = new byte[image.Width * image.Height * channels];
        image.CopyPixelDataTo(bytes);
        return new ImagePixels(image.Width, image.Height, channels, bytes);
    }

    /// <summary>
    /// Channels of an in-memory image, from its pixel type (decoders pick the type that fits the
    /// file: Bgra32 for a 32-bit BMP, Rgb24 for a JPEG, L8 for grey). The alpha representation is
    /// not set on images made in memory, so it cannot be relied on.
    /// </summary>
    private static int ChannelsOfPixelType(Image image)
    {
        var pixel = image.GetType().IsGenericType ? image.GetType().GetGenericArguments()[0].Name : string.Empty;
        return pixel switch
        {
            "L8" or "L16" => 1,
            "La16" or "La32" => 2,
            "Rgb24" or "Bgr24" or "Rgb48" or "Bgr565" => 3,
            "" => ChannelsOf(image.PixelType.BitsPerPixel, image.Metadata.GetPngMetadata().ColorType, image.PixelType.AlphaRepresentation),
            _ => 4,
        };
    }

    private static int ChannelsOf(int bitsPerPixel, PngColorType? pngColorType, PixelAlphaRepresentation? alpha)
    {
        switch (pngColorType)
        {
            case PngColorType.Grayscale: return 1;
            case PngColorType.GrayscaleWithAlpha: return 2;
            case PngColorType.Rgb: return 3;
            case PngColorType.RgbWithAlpha: return 4;
            case PngColorType.Palette: return alpha is null or PixelAlphaRepresentation.None ? 3 : 4;
        }
        // Other formats: by bits per pixel; 32 and 64 bits carry alpha unless the decoder says not.
        bool alphaRuledOut = alpha is PixelAlphaRepresentation.None;
        return bitsPerPixel switch
        {
            <= 8 => 1,
            16 => alpha is null or PixelAlphaRepresentation.None ? 1 : 2,
            24 or 48 => 3,
            32 or 64 => alphaRuledOut ? 3 : 4,
            _ => 3,
        };
    }

    private static PngEncoder Encoder(PngColorType colorType) => new()
    {
        ColorType = colorType,
        BitDepth = PngBitDepth.Bit8,
        TransparentColorMode = PngTransparentColorMode.Preserve,
    };
}
