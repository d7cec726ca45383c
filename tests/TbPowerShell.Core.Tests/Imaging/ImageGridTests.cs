using TbPowerShell.Core.Imaging;

namespace TbPowerShell.Core.Tests.Imaging;

/// <summary>
/// <see cref="ImageGrid.Make"/> against torchvision's <c>make_grid</c>: an independent reference
/// written from its semantics (plain loops, float32 arithmetic as PyTorch's in-place ops), compared
/// bit for bit on seeded random batches, and tiny grids worked out by hand.
/// </summary>
public class ImageGridTests
{
    /// <summary>
    /// torchvision's make_grid: 1-channel batches become 3 channels; normalize clamps to [low, high]
    /// (the batch's or each image's min and max, or value_range), subtracts low and divides by
    /// max(high - low, 1e-5) computed in double then used as a float32; a batch of one is returned
    /// as it is; otherwise a (h + pad) × (w + pad) cell per image, nrow per row, plus pad at the
    /// bottom and right, every pixel not covered by an image set to pad_value.
    /// </summary>
    private static (float[] Values, int C, int H, int W) Reference(float[] input, int n, int c, int h, int w, ImageGridOptions o)
    {
        var t = new float[n * c * h * w];
        Array.Copy(input, t, t.Length);
        if (c == 1)
        {
            var rgb = new float[n * 3 * h * w];
            for (int i = 0; i < n; i++)
            {
                for (int ch = 0; ch < 3; ch++)
                {
                    for (int y = 0; y < h; y++)
                    {
                        for (int x = 0; x < w; x++)
                        {
                            rgb[((i * 3 + ch) * h + y) * w + x] = t[(i * h + y) * w + x];
                        }
                    }
                }
            }
            t = rgb;
            c = 3;
        }
        if (o.Normalize)
        {
            int image = c * h * w;
            if (o.ScaleEach)
            {
                for (int i = 0; i < n; i++)
                {
                    NormRange(t, i * image, image, o.ValueRange);
                }
            }
            else
            {
                NormRange(t, 0, t.Length, o.ValueRange);
            }
        }
        if (n == 1)
        {
            return (t, c, h, w);
        }
        int pad = o.Padding;
        int xmaps = Math.Min(o.NRow, n);
        int ymaps = (int)Math.Ceiling((double)n / xmaps);
        int height = h + pad, width = w + pad;
        int gh = height * ymaps + pad, gw = width * xmaps + pad;
        var grid = new float[c * gh * gw];
        for (int i = 0; i < grid.Length; i++)
        {
            grid[i] = o.PadValue;
        }
        int k = 0;
        for (int y = 0; y < ymaps; y++)
        {
            for (int x = 0; x < xmaps; x++)
            {
                if (k >= n)
                {
                    break;
                }
                for (int ch = 0; ch < c; ch++)
                {
                    for (int r = 0; r < h; r++)
                    {
                        for (int col = 0; col < w; col++)
                        {
                            grid[(ch * gh + y * height + pad + r) * gw + x * width + pad + col] = t[((k * c + ch) * h + r) * w + col];
                        }
                    }
                }
                k++;
            }
        }
        return (grid, c, gh, gw);
    }

    private static void NormRange(float[] t, int start, int length, (float Low, float High)? range)
    {
        float low, high;
        if (range is { } r)
        {
            (low, high) = r;
        }
        else
        {
            low = t[start];
            high = t[start];
            for (int i = start; i < start + length; i++)
            {
                if (t[i] < low)
                {
                    low = t[i];
                }
                if (t[i] > high)
                {
                    high = t[i];
                }
            }
        }
        // max(high - low, 1e-5) is Python float arithmetic on the two bounds; div_ uses it as float32.
        float divisor = (float)Math.Max((double)high - (double)low, 1e-5);
        for (int i = start; i < start + length; i++)
        {
            float v = t[i] < low ? low : t[i] > high ? high : t[i];
            float shifted = v - low;
            t[i] = shifted / divisor;
        }
    }

    private static void AssertSameBits(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    private static readonly (int N, int C, int H, int W, int NRow, int Padding)[] Shapes =
    [
        (1, 3, 4, 5, 8, 2),    // a single image: returned as it is
        (1, 1, 3, 3, 8, 2),    // a single grey image: three channels, no padding
        (3, 3, 2, 3, 2, 2),    // nrow 2: two rows, the second half empty
        (10, 3, 2, 2, 8, 2),   // 10 in rows of 8
        (10, 1, 3, 2, 8, 5),   // grey batch, padding 5
        (7, 4, 3, 3, 3, 0),    // RGBA, no padding
        (8, 3, 2, 2, 8, 0),    // exactly one row
        (5, 3, 2, 1, 1, 2),    // one column
        (4, 3, 1, 2, 20, 5),   // nrow larger than the batch
        (17, 1, 1, 1, 4, 2),
    ];

    private static readonly (bool Normalize, float Low, float High, bool ScaleEach, float PadValue)[] Options =
    [
        (false, float.NaN, float.NaN, false, 0f),
        (false, float.NaN, float.NaN, false, 0.5f),
        (true, float.NaN, float.NaN, false, 0f),
        (true, float.NaN, float.NaN, true, 1f),
        (true, 0f, 1f, false, 0f),
        (true, -1f, 2f, false, -1f),
        (true, -0.5f, 0.7f, true, 0.25f),
        (false, float.NaN, float.NaN, true, 0f), // scale_each without normalize does nothing
    ];

    public static IEnumerable<object[]> Cases() =>
        from s in Shapes
        from o in Options
        select new object[] { s.N, s.C, s.H, s.W, s.NRow, s.Padding, o.Normalize, o.Low, o.High, o.ScaleEach, o.PadValue };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MakeEqualsTheReferenceBitForBit(int n, int c, int h, int w, int nrow, int padding, bool normalize, float low, float high, bool scaleEach, float padValue)
    {
        var options = new ImageGridOptions
        {
            NRow = nrow,
            Padding = padding,
            Normalize = normalize,
            ValueRange = float.IsNaN(low) ? null : (low, high),
            ScaleEach = scaleEach,
            PadValue = padValue,
        };
        var random = new Random(HashCode.Combine(n, c, h, w, nrow, padding) ^ (normalize ? 1 : 0));
        for (int round = 0; round < 3; round++)
        {
            // Values beyond [0, 1] and beyond the value ranges, so clamping and scaling matter.
            var input = new float[n * c * h * w];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)(random.NextDouble() * 4 - 1.5);
            }
            var expected = Reference(input, n, c, h, w, options);
            var actual = ImageGrid.Make((float[])input.Clone(), n, c, h, w, options);
            Assert.Equal((expected.C, expected.H, expected.W), (actual.Channels, actual.Height, actual.Width));
            AssertSameBits(expected.Values, actual.Values);
        }
    }

    [Fact]
    public void ABatchOfOneIsTheImageWithoutPadding()
    {
        float[] image = [1, 2, 3, 4, 5, 6];
        var grid = ImageGrid.Make((float[])image.Clone(), 1, 3, 1, 2, new ImageGridOptions { Padding = 2, PadValue = 9 });
        Assert.Equal((3, 1, 2), (grid.Channels, grid.Height, grid.Width));
        Assert.Equal(image, grid.Values);

        var grey = ImageGrid.Make([0.25f, 0.75f], 1, 1, 1, 2, new ImageGridOptions { Padding = 5 });
        Assert.Equal((3, 1, 2), (grey.Channels, grey.Height, grey.Width));
        Assert.Equal([0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f], grey.Values);
    }

    [Fact]
    public void ThreeImagesInRowsOfTwo()
    {
        // 1×1 grey images a, b, c; padding 1, pad value p: cells of 2×2, a 5×5 grid.
        const float a = 0.1f, b = 0.2f, c = 0.3f, p = 0.9f;
        var grid = ImageGrid.Make([a, b, c], 3, 1, 1, 1, new ImageGridOptions { NRow = 2, Padding = 1, PadValue = p });
        Assert.Equal((3, 5, 5), (grid.Channels, grid.Height, grid.Width));
        float[] plane =
        [
            p, p, p, p, p,
            p, a, p, b, p,
            p, p, p, p, p,
            p, c, p, p, p,
            p, p, p, p, p,
        ];
        Assert.Equal([.. plane, .. plane, .. plane], grid.Values);
    }

    [Fact]
    public void TenImagesInRowsOfEightLeaveTheRestPadding()
    {
        // 1×1 RGB images, image i channel ch = 10 i + ch; no padding: a 2×8 grid.
        var input = new float[10 * 3];
        for (int i = 0; i < 10; i++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                input[i * 3 + ch] = 10 * i + ch;
            }
        }
        var grid = ImageGrid.Make(input, 10, 3, 1, 1, new ImageGridOptions { Padding = 0, PadValue = -7 });
        Assert.Equal((3, 2, 8), (grid.Channels, grid.Height, grid.Width));
        for (int ch = 0; ch < 3; ch++)
        {
            var plane = grid.Values.AsSpan(ch * 16, 16).ToArray();
            Assert.Equal([0 + ch, 10 + ch, 20 + ch, 30 + ch, 40 + ch, 50 + ch, 60 + ch, 70 + ch,
                          80 + ch, 90 + ch, -7, -7, -7, -7, -7, -7], plane);
        }
    }

    [Fact]
    public void PaddingSurroundsEveryCell()
    {
        // Two 1×1 images, padding 2: 5 rows (2 + 1 + 2), 8 columns (2 + 1 + 2 + 1 + 2).
        var grid = ImageGrid.Make([1, 1, 1, 2, 2, 2], 2, 3, 1, 1, new ImageGridOptions { Padding = 2, PadValue = 0.5f });
        Assert.Equal((3, 5, 8), (grid.Channels, grid.Height, grid.Width));
        for (int ch = 0; ch < 3; ch++)
        {
            for (int y = 0; y < 5; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    float expected = (y, x) switch { (2, 2) => 1, (2, 5) => 2, _ => 0.5f };
                    Assert.Equal(expected, grid.Values[(ch * 5 + y) * 8 + x]);
                }
            }
        }
    }

    [Theory]
    // Two grey 1×2 images [-1, 0] and [1, 3], no padding: one row of four values (in each of 3 channels).
    [InlineData(false, float.NaN, float.NaN, false, new[] { -1f, 0f, 1f, 3f })]
    [InlineData(true, float.NaN, float.NaN, false, new[] { 0f, 0.25f, 0.5f, 1f })]   // (v + 1) / 4
    [InlineData(true, float.NaN, float.NaN, true, new[] { 0f, 1f, 0f, 1f })]         // each image on its own
    [InlineData(true, 0f, 2f, false, new[] { 0f, 0f, 0.5f, 1f })]                     // clamped to [0, 2], / 2
    [InlineData(true, 0f, 2f, true, new[] { 0f, 0f, 0.5f, 1f })]                      // a given range is the same for each
    [InlineData(true, -3f, 5f, false, new[] { 0.25f, 0.375f, 0.5f, 0.75f })]          // (v + 3) / 8
    public void NormalizeByTheBatchEachImageOrAGivenRange(bool normalize, float low, float high, bool scaleEach, float[] expected)
    {
        var options = new ImageGridOptions { Padding = 0, Normalize = normalize, ScaleEach = scaleEach, ValueRange = float.IsNaN(low) ? null : (low, high) };
        var grid = ImageGrid.Make([-1f, 0f, 1f, 3f], 2, 1, 1, 2, options);
        Assert.Equal((3, 1, 4), (grid.Channels, grid.Height, grid.Width));
        Assert.Equal([.. expected, .. expected, .. expected], grid.Values);
    }

    [Fact]
    public void AConstantBatchNormalizesToZero()
    {
        // high - low = 0, so the divisor is 1e-5 and every (v - low) is 0.
        var grid = ImageGrid.Make([5f, 5f, 5f, 5f], 2, 1, 1, 2, new ImageGridOptions { Padding = 1, PadValue = 0.5f, Normalize = true });
        Assert.Equal((3, 3, 7), (grid.Channels, grid.Height, grid.Width));
        Assert.Equal(2 * 2 * 3, grid.Values.Count(v => v == 0f));
        Assert.All(grid.Values, v => Assert.True(v == 0f || v == 0.5f));
        // A tiny range divides by the range itself once it is above 1e-5.
        var small = ImageGrid.Make([0f, 1e-4f], 1, 1, 1, 2, new ImageGridOptions { Normalize = true });
        Assert.Equal(1f, small.Values[1]);
    }

    [Fact]
    public void PaddingValuesAreNotNormalized()
    {
        var grid = ImageGrid.Make([10f, 20f], 2, 1, 1, 1, new ImageGridOptions { Padding = 1, PadValue = 7f, Normalize = true });
        Assert.Equal((3, 3, 5), (grid.Channels, grid.Height, grid.Width));
        Assert.Equal([7f, 7f, 7f, 7f, 7f, 7f, 0f, 7f, 1f, 7f, 7f, 7f, 7f, 7f, 7f], grid.Values.AsSpan(0, 15).ToArray());
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Make(new float[4], 4, 1, 1, 1, new ImageGridOptions { NRow = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Make(new float[4], 4, 1, 1, 1, new ImageGridOptions { Padding = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Make(new float[4], 4, 1, 1, 1, new ImageGridOptions { Normalize = true, ValueRange = (1f, 1f) }));
        var e = Assert.Throws<ImageFormatException>(() => ImageGrid.Make(new float[5], 4, 1, 1, 1, new ImageGridOptions()));
        Assert.Equal(ImageError.ShapeMismatch, e.Error);
    }
}
