namespace TbPowerShell.Core.Imaging;

/// <summary>
/// Feature maps as one picture, the recipe people write by hand in PyTorch: take one sample's
/// C×H×W activations, min-max normalise every channel map on its own (a constant map becomes
/// zeros, not NaN), view them as C×1×H×W and tile them with make_grid.
/// </summary>
public static class FeatureMapGrid
{
    /// <summary>Normalises each of the <paramref name="channels"/> maps of <paramref name="chw"/> to [0, 1] in place.</summary>
    public static void NormalizeEachChannel(Span<float> chw, int channels)
    {
        int plane = chw.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var map = chw.Slice(c * plane, plane);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (float v in map)
            {
                if (float.IsFinite(v))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
            float range = max - min;
            for (int i = 0; i < map.Length; i++)
            {
                float v = map[i];
                map[i] = range > 0 && float.IsFinite(v) ? (v - min) / range : 0f;
            }
        }
    }

    /// <summary>
    /// The grid image of <paramref name="channels"/> maps of <paramref name="height"/>×<paramref name="width"/>
    /// (at most <paramref name="maxChannels"/>), <paramref name="nrow"/> maps a row, 2 pixels of padding.
    /// </summary>
    public static ImagePixels Make(float[] chw, int channels, int height, int width, int maxChannels = 64, int nrow = 8, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(chw);
        if ((long)channels * height * width != chw.Length)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"{chw.Length} values do not make {channels} maps of {height}×{width}.", new[] { channels, height, width });
        }
        int c = Math.Min(channels, Math.Max(1, maxChannels));
        var maps = chw.AsSpan(0, c * height * width).ToArray();
        NormalizeEachChannel(maps, c);
        var grid = ImageGrid.Make(maps, c, 1, height, width, new ImageGridOptions { NRow = nrow, Padding = padding });
        // make_grid turns 1-channel maps into RGB; the picture is grey, so keep one channel.
        int plane = grid.Height * grid.Width;
        var grey = new float[plane];
        Array.Copy(grid.Values, grey, plane);
        return ImageConversion.FromFloats(grey, new[] { grid.Height, grid.Width }, "HW");
    }
}
