namespace TbPowerShell.Core.Imaging;

/// <summary>How <see cref="ImageGrid.Make"/> lays out a batch, as torchvision's <c>make_grid</c> parameters.</summary>
public sealed record ImageGridOptions
{
    /// <summary>Images per row (torchvision's <c>nrow</c>). Default 8.</summary>
    public int NRow { get; init; } = 8;

    /// <summary>Pixels between and around images. Default 2.</summary>
    public int Padding { get; init; } = 2;

    /// <summary>Shift each value to [0, 1] by the minimum and maximum (of <see cref="ValueRange"/> if given).</summary>
    public bool Normalize { get; init; }

    /// <summary>With <see cref="Normalize"/>: the (low, high) range clamped and mapped to [0, 1]; null for the data's own minimum and maximum.</summary>
    public (float Low, float High)? ValueRange { get; init; }

    /// <summary>With <see cref="Normalize"/>: normalise every image on its own rather than the batch as a whole.</summary>
    public bool ScaleEach { get; init; }

    /// <summary>The value of padding pixels. Default 0.</summary>
    public float PadValue { get; init; }

    internal void Validate()
    {
        if (NRow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NRow), NRow, "A grid needs at least one image per row.");
        }
        if (Padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, "Padding cannot be negative.");
        }
        if (ValueRange is { } r && !(r.Low < r.High))
        {
            throw new ArgumentOutOfRangeException(nameof(ValueRange), r, "A value range needs low < high.");
        }
    }
}

/// <summary>A grid made by <see cref="ImageGrid.Make"/>: CHW float values.</summary>
/// <param name="Values">Channel planes, each row by row.</param>
/// <param name="Channels">Channels (1-channel batches become 3, as in torchvision).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
public sealed record GridImage(float[] Values, int Channels, int Height, int Width);

/// <summary>
/// torchvision's <c>make_grid</c> on plain arrays (no TorchSharp needed), computed in float32 as
/// PyTorch does: tiles a batch N×C×H×W into one C×H'×W' image.
/// </summary>
public static class ImageGrid
{
    /// <summary>Tiles the NCHW batch <paramref name="nchw"/> (changed in place when normalising: pass a copy you own).</summary>
    public static GridImage Make(float[] nchw, int n, int c, int h, int w, ImageGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(nchw);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if ((long)n * c * h * w != nchw.Length || n < 1 || c < 1 || h < 1 || w < 1)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"{nchw.Length} values do not make a batch of shape [{n}, {c}, {h}, {w}].", new[] { n, c, h, w });
        }

        // The grid's size before any copy: a batch that makes a grid too large fails at once.
        var size = Size(n, h, w, options);
        if (n > 1 && (size.Height > ImagePixels.MaxSide || size.Width > ImagePixels.MaxSide))
        {
            throw TooLarge(size.Height, size.Width);
        }

        // Single-channel images become RGB.
        if (c == 1)
        {
            var rgb = new float[n * 3 * h * w];
            int plane = h * w;
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < 3; k++)
                {
                    Array.Copy(nchw, i * plane, rgb, (i * 3 + k) * plane, plane);
                }
            }
            nchw = rgb;
            c = 3;
        }

        if (options.Normalize)
        {
            int image = c * h * w;
            if (options.ScaleEach)
            {
                for (int i = 0; i < n; i++)
                {
                    NormalizeRange(nchw.AsSpan(i * image, image), options.ValueRange);
                }
            }
            else
            {
                NormalizeRange(nchw, options.ValueRange);
            }
        }

        if (n == 1)
        {
            return new GridImage(nchw, c, h, w);
        }

        int pad = options.Padding;
        int xmaps = Math.Min(options.NRow, n);
        int ymaps = (n + xmaps - 1) / xmaps;
        int cellH = h + pad;
        int cellW = w + pad;
        int gridH = (int)size.Height;
        int gridW = (int)size.Width;
        var grid = new float[c * gridH * gridW];
        Array.Fill(grid, options.PadValue);
        int k2 = 0;
        for (int y = 0; y < ymaps; y++)
        {
            for (int x = 0; x < xmaps; x++)
            {
                if (k2 >= n)
                {
                    break;
                }
                for (int ch = 0; ch < c; ch++)
                {
                    for (int row = 0; row < h; row++)
                    {
                        Array.Copy(nchw, ((k2 * c + ch) * h + row) * w,
                                   grid, (ch * gridH + y * cellH + pad + row) * gridW + x * cellW + pad, w);
                    }
                }
                k2++;
            }
        }
        return new GridImage(grid, c, gridH, gridW);
    }

    /// <summary>The height and width of the grid <see cref="Make"/> makes of <paramref name="n"/> images of <paramref name="h"/>×<paramref name="w"/> (counted in longs: nothing overflows before the size is checked).</summary>
    public static (long Height, long Width) Size(int n, int h, int w, ImageGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long pad = options.Padding;
        long xmaps = Math.Min(Math.Max(options.NRow, 1), n);
        long ymaps = (n + xmaps - 1) / xmaps;
        return ((h + pad) * ymaps + pad, (w + pad) * xmaps + pad);
    }

    internal static ImageFormatException TooLarge(long gridH, long gridW) =>
        new(ImageError.TooLarge,
            $"A grid of {gridW}×{gridH} pixels is larger than {ImagePixels.MaxSide} pixels a side; use fewer images or a different -NRow.",
            new[] { (int)Math.Min(gridH, int.MaxValue), (int)Math.Min(gridW, int.MaxValue) });

    /// <summary>
    /// torchvision's <c>norm_ip</c>: clamp to [low, high], subtract low, divide by max(high - low, 1e-5),
    /// in float32 with the bounds taken from the data when no range is given.
    /// </summary>
    public static void NormalizeRange(Span<float> values, (float Low, float High)? range)
    {
        float low, high;
        if (range is { } r)
        {
            low = r.Low;
            high = r.High;
        }
        else
        {
            low = float.PositiveInfinity;
            high = float.NegativeInfinity;
            foreach (float v in values)
            {
                // torch.min/max propagate NaN
                if (float.IsNaN(v))
                {
                    low = high = float.NaN;
                    break;
                }
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }
        }
        // high - low is a Python float (double) subtraction of two float32 values.
        float divisor = (float)Math.Max((double)high - low, 1e-5);
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            v = Math.Clamp(v, low, high);
            values[i] = (v - low) / divisor;
        }
    }
}
