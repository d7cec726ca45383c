namespace TbPowerShell.Core.Imaging;

/// <summary>Tells the format of encoded image bytes (PNG, JPEG, GIF, BMP, WebP) and, for PNG, the channels, from their first bytes only.</summary>
public static class ImageFormatSniffer
{
    /// <summary>The format and channel count of encoded image bytes, from their first bytes only.</summary>
    public static (string Format, int Channels) Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 26 && b[0] == 0x89 && b[1] == (byte)'P' && b[2] == (byte)'N' && b[3] == (byte)'G')
        {
            int channels = b[25] switch
            {
                0 => 1,
                2 => 3,
                3 => 3,
                4 => 2,
                6 => 4,
                _ => 0,
            };
            return ("png", channels);
        }
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            return ("jpeg", 3);
        }
        if (b.Length >= 4 && b[0] == (byte)'G' && b[1] == (byte)'I' && b[2] == (byte)'F')
        {
            return ("gif", 3);
        }
        if (b.Length >= 2 && b[0] == (byte)'B' && b[1] == (byte)'M')
        {
            return ("bmp", 3);
        }
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ("webp", 3);
        }
        return ("unknown", 0);
    }
}
