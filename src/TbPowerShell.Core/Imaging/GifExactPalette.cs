using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace TbPowerShell.Core.Imaging;

/// <summary>
/// A quantizer for images of at most 256 colours that maps every pixel to its own colour exactly. ImageSharp's
/// <see cref="PaletteQuantizer"/> caches its look-ups by the top bits of each channel, so two close colours of a
/// palette can come out as one: a video frame would not decode to the pixels PyTorch wrote.
/// </summary>
internal sealed class GifExactPalette : IQuantizer
{
    private readonly Rgba32[] _colors;
    private readonly Dictionary<uint, byte> _index;

    /// <summary>A quantizer for exactly these colours (at most 256, all different).</summary>
    public GifExactPalette(IReadOnlyCollection<Rgba32> colors)
    {
        if (colors.Count is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(colors), colors.Count, "A GIF palette holds 1 to 256 colours.");
        }
        _colors = colors.ToArray();
        _index = new Dictionary<uint, byte>(_colors.Length);
        for (int i = 0; i < _colors.Length; i++)
        {
            _index.Add(_colors[i].PackedValue, (byte)i);
        }
    }

    /// <inheritdoc />
    public QuantizerOptions Options { get; } = new() { Dither = null, MaxColors = 256 };

    /// <inheritdoc />
    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration)
        where TPixel : unmanaged, IPixel<TPixel> => CreatePixelSpecificQuantizer<TPixel>(configuration, Options);

    /// <inheritdoc />
    public IQuantizer<TPixel> CreatePixelSpecificQuantizer<TPixel>(Configuration configuration, QuantizerOptions options)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var palette = new TPixel[_colors.Length];
        for (int i = 0; i < palette.Length; i++)
        {
            palette[i].FromRgba32(_colors[i]);
        }
        return new Frame<TPixel>(configuration, Options, palette, _index);
    }

    private struct Frame<TPixel> : IQuantizer<TPixel>
        where TPixel : unmanaged, IPixel<TPixel>
    {
        private readonly TPixel[] _palette;
        private readonly Dictionary<uint, byte> _index;

        public Frame(Configuration configuration, QuantizerOptions options, TPixel[] palette, Dictionary<uint, byte> index)
        {
            Configuration = configuration;
            Options = options;
            _palette = palette;
            _index = index;
        }

        public Configuration Configuration { get; }

        public QuantizerOptions Options { get; }

        public readonly ReadOnlyMemory<TPixel> Palette => _palette;

        public readonly void AddPaletteColors(Buffer2DRegion<TPixel> pixelRegion)
        {
            // The palette is fixed: it was made from every frame's colours.
        }

        public IndexedImageFrame<TPixel> QuantizeFrame(ImageFrame<TPixel> source, Rectangle bounds) =>
            QuantizerUtilities.QuantizeFrame(ref this, source, bounds);

        public readonly byte GetQuantizedColor(TPixel color, out TPixel match)
        {
            Rgba32 rgba = default;
            color.ToRgba32(ref rgba);
            byte i = _index.TryGetValue(rgba.PackedValue, out byte found) ? found : (byte)0;
            match = _palette[i];
            return i;
        }

        public readonly void Dispose()
        {
        }
    }
}
