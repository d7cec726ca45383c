using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// Pure builders of <c>Summary.Value</c>s in the forms PyTorch's <c>SummaryWriter</c> writes them.
/// No I/O: a writer adds what they return.
/// </summary>
public static class SummaryValues
{
    /// <summary>The tag TensorBoard reads a run's custom-scalars layout from.</summary>
    public const string CustomScalarsLayoutTag = "custom_scalars__config__";

    /// <summary>The suffix PyTorch's <c>add_text</c> adds to text tags.</summary>
    public const string TextTagSuffix = "/text_summary";

    /// <summary>An encoded image (PNG from our encoder) in <c>Summary.Image</c>, as <c>add_image</c> writes it.</summary>
    public static Summary.Types.Value Image(string tag, byte[] encoded, int width, int height, int channels) =>
        new()
        {
            Tag = tag,
            Image = new Summary.Types.Image
            {
                Width = width,
                Height = height,
                Colorspace = channels,
                EncodedImageString = ByteString.CopyFrom(encoded),
            },
        };

    /// <summary>A WAV file in <c>Summary.Audio</c>, as <c>add_audio</c> writes it.</summary>
    public static Summary.Types.Value Audio(string tag, byte[] wav, int sampleRate, int channels, long frames) =>
        new()
        {
            Tag = tag,
            Audio = new Summary.Types.Audio
            {
                SampleRate = sampleRate,
                NumChannels = channels,
                LengthFrames = frames,
                EncodedAudioString = ByteString.CopyFrom(wav),
                ContentType = "audio/wav",
            },
        };

    /// <summary>
    /// Markdown text as <c>add_text</c> writes it: tag <c>&lt;tag&gt;/text_summary</c>, the text plugin,
    /// a DT_STRING tensor of shape [1].
    /// </summary>
    /// <exception cref="ArgumentException">The tag is empty or only white space (the suffix would hide it from the writer's check).</exception>
    public static Summary.Types.Value Text(string tag, string text)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A tag must not be empty or only white space.", nameof(tag));
        }
        var tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } },
        };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(text ?? string.Empty));
        return new Summary.Types.Value
        {
            Tag = tag + TextTagSuffix,
            Metadata = PluginMetadata(PluginNames.Text, new TextPluginData { Version = 0 }.ToByteString()),
            Tensor = tensor,
        };
    }

    /// <summary>A histogram in <c>Summary.histo</c>, as <c>add_histogram</c> writes it.</summary>
    public static Summary.Types.Value Histogram(string tag, HistogramProto histogram) =>
        new() { Tag = tag, Histo = histogram };

    /// <summary>A custom-scalars layout, as <c>add_custom_scalars</c> writes it.</summary>
    public static Summary.Types.Value CustomScalarsLayout(Layout layout)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(layout.ToByteString());
        return new Summary.Types.Value
        {
            Tag = CustomScalarsLayoutTag,
            Metadata = PluginMetadata(PluginNames.CustomScalars, ByteString.Empty),
            Tensor = tensor,
        };
    }

    /// <summary>Metadata naming a plugin, with its content.</summary>
    public static SummaryMetadata PluginMetadata(string plugin, ByteString content) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content } };
}
