namespace TbPowerShell.Core.Imaging;

/// <summary>
/// Turns number arrays into 8-bit pixels exactly as PyTorch's <c>add_image</c> does: the array
/// is laid out by its data format (any order of the letters C, H, W; N for a batch), floats are
/// multiplied by 255 in float32, clipped to [0, 255] and truncated; bytes are taken as they are.
/// A batch (N) becomes one grid with torchvision's <c>make_grid</c>.
/// </summary>
public static class ImageConversion
{
    /// <summary>
    /// Checks a shape and data format before any data is read or copied: the format's letters, the rank, the sizes, the
    /// channels, and the size of the image (or, for a batch, the grid) they make, which must be at most
    /// <see cref="ImagePixels.MaxSide"/> pixels a side. Returns how many values the data must hold. Callers holding a
    /// large input call this first, so that an image too large fails before anything is converted.
    /// </summary>
    /// <param name="shape">The array's dimensions, one per letter of <paramref name="dataFormat"/>.</param>
    /// <param name="dataFormat">"CHW", "HWC", "HW", "NCHW" or another order of those letters.</param>
    /// <param name="grid">How a batch is laid out; null for torchvision's defaults.</param>
    /// <exception cref="ImageFormatException">The shape or format is invalid, the channels are not 1, 3 or 4, or the image is too large.</exception>
    public static long CheckShape(IReadOnlyList<int> shape, string dataFormat, ImageGridOptions? grid = null)
    {
        var layout = Layout.Parse(shape, dataFormat);
        CheckOutput(layout, grid ?? new ImageGridOptions());
        return layout.Count;
    }

    /// <summary>Converts float samples (nominally in [0, 1]).</summary>
    /// <param name="data">The values, in the order <paramref name="shape"/> and <paramref name="dataFormat"/> say.</param>
    /// <param name="shape">The array's dimensions, one per letter of <paramref name="dataFormat"/>.</param>
    /// <param name="dataFormat">"CHW" (PyTorch's default), "HWC", "HW", "NCHW" (a grid), or another order of those letters.</param>
    /// <param name="grid">How to lay out a batch; null for torchvision's defaults.</param>
    public static ImagePixels FromFloats(ReadOnlySpan<float> data, IReadOnlyList<int> shape, string dataFormat, ImageGridOptions? grid = null)
    {
        var layout = Layout.Parse(shape, dataFormat, data.Length);
        CheckOutput(layout, grid ?? new ImageGridOptions());
        if (layout.IsBatch)
        {
            var g = ImageGrid.Make(ToNchw(data, layout), layout.N, layout.C, layout.H, layout.W, grid ?? new ImageGridOptions());
            return ScaleChw(g.Values, g.Channels, g.Height, g.Width, 255f);
        }
        return ScaleChw(ToChw(data, layout), layout.C, layout.H, layout.W, 255f);
    }

    /// <summary>Converts bytes, taken as they are (no scaling); a batch with <see cref="ImageGridOptions.Normalize"/> is scaled after normalising.</summary>
    public static ImagePixels FromBytes(ReadOnlySpan<byte> data, IReadOnlyList<int> shape, string dataFormat, ImageGridOptions? grid = null)
    {
        var layout = Layout.Parse(shape, dataFormat, data.Length);
        CheckOutput(layout, grid ?? new ImageGridOptions());
        var floats = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            floats[i] = data[i];
        }
        if (layout.IsBatch)
        {
            var options = grid ?? new ImageGridOptions();
            var g = ImageGrid.Make(ToNchw(floats, layout), layout.N, layout.C, layout.H, layout.W, options);
            return ScaleChw(g.Values, g.Channels, g.Height, g.Width, options.Normalize ? 255f : 1f);
        }
        return ScaleChw(ToChw(floats, layout), layout.C, layout.H, layout.W, 1f);
    }

    /// <summary>The channels and size of what <paramref name="layout"/> makes, checked before anything is converted.</summary>
    private static void CheckOutput(Layout layout, ImageGridOptions grid)
    {
        if (layout.C is not (1 or 3 or 4))
        {
            throw new ImageFormatException(ImageError.InvalidChannelCount, $"An image must have 1, 3 or 4 channels, not {layout.C}.", layout.C);
        }
        if (layout.IsBatch && layout.N > 1)
        {
            grid.Validate();
            var (gridH, gridW) = ImageGrid.Size(layout.N, layout.H, layout.W, grid);
            if (gridH > ImagePixels.MaxSide || gridW > ImagePixels.MaxSide)
            {
                throw ImageGrid.TooLarge(gridH, gridW);
            }
            return;
        }
        if (layout.H > ImagePixels.MaxSide || layout.W > ImagePixels.MaxSide)
        {
            throw new ImageFormatException(ImageError.TooLarge,
                $"An image of {layout.W}×{layout.H} pixels is larger than {ImagePixels.MaxSide} pixels a side.", new[] { layout.H, layout.W });
        }
    }

    /// <summary>PyTorch's float-to-byte step: <c>(x * scale).clip(0, 255).astype(uint8)</c> in float32 (NaN becomes 0).</summary>
    public static byte ToByte(float value, float scale)
    {
        float v = value * scale;
        if (!(v > 0f))
        {
            return 0; // also NaN
        }
        return v >= 255f ? (byte)255 : (byte)v;
    }

    /// <summary>Makes pixels from a CHW float array, one channel becoming grey.</summary>
    private static ImagePixels ScaleChw(float[] chw, int c, int h, int w, float scale)
    {
        if (c is not (1 or 3 or 4))
        {
            throw new ImageFormatException(ImageError.InvalidChannelCount, $"An image must have 1, 3 or 4 channels, not {c}.", c);
        }
        if (h > ImagePixels.MaxSide || w > ImagePixels.MaxSide)
        {
            throw new ImageFormatException(ImageError.TooLarge, $"An image of {w}×{h} pixels is larger than {ImagePixels.MaxSide} pixels a side.", new[] { h, w });
        }
        var pixels = new byte[c * h * w];
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < plane; i++)
            {
                pixels[i * c + ch] = ToByte(chw[ch * plane + i], scale);
            }
        }
        return new ImagePixels(w, h, c, pixels);
    }

    private static float[] ToChw(ReadOnlySpan<float> data, Layout layout)
    {
        var result = new float[layout.C * layout.H * layout.W];
        int i = 0;
        for (int c = 0; c < layout.C; c++)
        {
            for (int y = 0; y < layout.H; y++)
            {
                for (int x = 0; x < layout.W; x++)
                {
                    result[i++] = data[layout.Index(0, c, y, x)];
                }
            }
        }
        return result;
    }

    private static float[] ToNchw(ReadOnlySpan<float> data, Layout layout)
    {
        var result = new float[layout.N * layout.C * layout.H * layout.W];
        int i = 0;
        for (int n = 0; n < layout.N; n++)
        {
            for (int c = 0; c < layout.C; c++)
            {
                for (int y = 0; y < layout.H; y++)
                {
                    for (int x = 0; x < layout.W; x++)
                    {
                        result[i++] = data[layout.Index(n, c, y, x)];
                    }
                }
            }
        }
        return result;
    }

    /// <summary>Sizes and strides of the N, C, H and W axes of an array with a given data format.</summary>
    private readonly struct Layout
    {
        private readonly int _sn, _sc, _sh, _sw;

        private Layout(int n, int c, int h, int w, int sn, int sc, int sh, int sw, bool isBatch)
        {
            N = n; C = c; H = h; W = w;
            _sn = sn; _sc = sc; _sh = sh; _sw = sw;
            IsBatch = isBatch;
        }

        public int N { get; }
        public int C { get; }
        public int H { get; }
        public int W { get; }
        public bool IsBatch { get; }

        public int Index(int n, int c, int y, int x) => n * _sn + c * _sc + y * _sh + x * _sw;

        /// <summary>The number of values the shape holds.</summary>
        public long Count => (long)N * C * H * W;

        /// <summary>Parses <paramref name="shape"/> and checks that it holds <paramref name="count"/> values.</summary>
        public static Layout Parse(IReadOnlyList<int> shape, string dataFormat, int count)
        {
            var layout = Parse(shape, dataFormat);
            if (layout.Count != count)
            {
                throw new ImageFormatException(ImageError.ShapeMismatch,
                    $"The shape [{string.Join(", ", shape)}] needs {layout.Count} values, but {count} were given.", shape);
            }
            return layout;
        }

        /// <summary>Parses <paramref name="shape"/> in <paramref name="dataFormat"/> without looking at any data.</summary>
        public static Layout Parse(IReadOnlyList<int> shape, string dataFormat)
        {
            string format = (dataFormat ?? string.Empty).Trim().ToUpperInvariant();
            bool valid = format.Length is >= 2 and <= 4
                && format.Distinct().Count() == format.Length
                && format.All(ch => ch is 'N' or 'C' or 'H' or 'W')
                && format.Contains('H') && format.Contains('W')
                && (format.Length != 3 || format.Contains('C'))
                && (format.Length != 4 || (format.Contains('C') && format.Contains('N')));
            if (!valid)
            {
                throw new ImageFormatException(ImageError.InvalidShape,
                    $"'{dataFormat}' is not a data format: use CHW, HWC, HW, NCHW or another order of those letters.", dataFormat);
            }
            if (shape is null || shape.Count != format.Length)
            {
                throw new ImageFormatException(ImageError.InvalidShape,
                    $"The shape [{string.Join(", ", shape ?? Array.Empty<int>())}] has {shape?.Count ?? 0} dimensions; the data format {format} needs {format.Length}.", shape);
            }
            foreach (int d in shape)
            {
                if (d < 1)
                {
                    throw new ImageFormatException(ImageError.InvalidShape, $"The shape [{string.Join(", ", shape)}] has a dimension below 1.", shape);
                }
            }

            // Row-major strides of the given order.
            var strides = new int[format.Length];
            int stride = 1;
            for (int i = format.Length - 1; i >= 0; i--)
            {
                strides[i] = stride;
                stride *= shape[i];
            }
            int Size(char axis) => format.IndexOf(axis) is int at and >= 0 ? shape[at] : 1;
            int Stride(char axis) => format.IndexOf(axis) is int at and >= 0 ? strides[at] : 0;
            return new Layout(Size('N'), Size('C'), Size('H'), Size('W'), Stride('N'), Stride('C'), Stride('H'), Stride('W'), format.Contains('N'));
        }
    }
}
