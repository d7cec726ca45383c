using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// An image value. The encoded bytes are in the hidden <see cref="Bytes"/> property (pixels are
/// never decoded unless <see cref="Decode"/> is called); <c>Export-Csv</c> writes its size instead.
/// </summary>
public sealed class TbImageEvent
{
    internal TbImageEvent(string run, string file, ImageRecord r)
    {
        Run = run;
        Tag = r.Tag;
        Step = r.Step;
        WallTime = new TbTimestamp(r.WallTime);
        Width = r.Width;
        Height = r.Height;
        Channels = r.Channels;
        Format = r.Format;
        Size = r.Encoded.Length;
        Bytes = r.Encoded;
        Sample = r.Sample;
        File = file;
    }

    /// <summary>The run.</summary>
    public string Run { get; }

    /// <summary>The tag.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When it was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>1 grey, 3 RGB, 4 RGBA (TensorBoard's colourspace).</summary>
    public int Channels { get; }

    /// <summary>The encoding: "png", "jpeg", "gif", ...</summary>
    public string Format { get; }

    /// <summary>Size of the encoded image in bytes.</summary>
    public int Size { get; }

    /// <summary>The encoded image.</summary>
    [Hidden]
    public byte[] Bytes { get; }

    /// <summary>Which image of the event (new-style summaries can hold several); 0 for the first.</summary>
    [Hidden]
    public int Sample { get; }

    /// <summary>The event file.</summary>
    [Hidden]
    public string File { get; }

    /// <summary>Decodes the pixels (height × width × channels bytes; grey+alpha becomes RGBA).</summary>
    public ImagePixels Decode() => PngCodec.Decode(Bytes, Channels is 1 or 3 ? Channels : 4);

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Width}x{Height} {Format}";
}

/// <summary>An audio value. The encoded clip is in the hidden <see cref="Bytes"/> property.</summary>
public sealed class TbAudioEvent
{
    internal TbAudioEvent(string run, string file, AudioRecord r)
    {
        Run = run;
        Tag = r.Tag;
        Step = r.Step;
        WallTime = new TbTimestamp(r.WallTime);
        SampleRate = r.SampleRate;
        Channels = r.Channels;
        Frames = r.Frames;
        ContentType = r.ContentType;
        Size = r.Encoded.Length;
        Bytes = r.Encoded;
        Sample = r.Sample;
        Label = r.Label;
        File = file;
    }

    /// <summary>The run.</summary>
    public string Run { get; }

    /// <summary>The tag.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When it was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>Frames per second.</summary>
    public double SampleRate { get; }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Length in frames.</summary>
    public long Frames { get; }

    /// <summary>The MIME type, normally audio/wav.</summary>
    public string ContentType { get; }

    /// <summary>Size of the encoded clip in bytes.</summary>
    public int Size { get; }

    /// <summary>The encoded clip (a WAV file).</summary>
    [Hidden]
    public byte[] Bytes { get; }

    /// <summary>Which clip of the event; 0 for the first.</summary>
    [Hidden]
    public int Sample { get; }

    /// <summary>The clip's label (new-style summaries), or empty.</summary>
    [Hidden]
    public string Label { get; }

    /// <summary>The event file.</summary>
    [Hidden]
    public string File { get; }

    /// <summary>Duration of the clip.</summary>
    public TimeSpan Duration => SampleRate > 0 ? TimeSpan.FromSeconds(Frames / SampleRate) : TimeSpan.Zero;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Frames} frames at {SampleRate} Hz";
}

/// <summary>A text value (markdown, as TensorBoard's text dashboard renders it).</summary>
public sealed class TbTextEvent
{
    internal TbTextEvent(string run, string file, TextRecord r)
    {
        Run = run;
        Tag = r.Tag;
        Step = r.Step;
        WallTime = new TbTimestamp(r.WallTime);
        Strings = r.Strings;
        Shape = r.Shape;
        Text = string.Join("\n", r.Strings);
        File = file;
    }

    /// <summary>The run.</summary>
    public string Run { get; }

    /// <summary>The tag (PyTorch's <c>add_text</c> adds <c>/text_summary</c>).</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When it was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>The text; several strings (a text tensor of more than one element) are joined by new lines.</summary>
    public string Text { get; }

    /// <summary>Every string of the text tensor.</summary>
    [Hidden]
    public string[] Strings { get; }

    /// <summary>The text tensor's shape.</summary>
    [Hidden]
    public long[] Shape { get; }

    /// <summary>The event file.</summary>
    [Hidden]
    public string File { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>
/// A histogram. The buckets (Left, Right, Count) are in the hidden <see cref="Buckets"/> property;
/// <c>Export-Csv</c> writes the summary numbers.
/// </summary>
public sealed class TbHistogramEvent
{
    internal TbHistogramEvent(string run, string file, HistogramRecord r)
    {
        Run = run;
        Tag = r.Tag;
        Step = r.Step;
        WallTime = new TbTimestamp(r.WallTime);
        Min = r.Min;
        Max = r.Max;
        Count = r.Count;
        Sum = r.Sum;
        SumSquares = r.SumSquares;
        Buckets = r.Buckets;
        File = file;
    }

    /// <summary>The run.</summary>
    public string Run { get; }

    /// <summary>The tag.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When it was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>The smallest value.</summary>
    public double Min { get; }

    /// <summary>The largest value.</summary>
    public double Max { get; }

    /// <summary>How many values.</summary>
    public double Count { get; }

    /// <summary>Their sum (NaN when the encoding does not store it).</summary>
    public double Sum { get; }

    /// <summary>The sum of their squares (NaN when the encoding does not store it).</summary>
    public double SumSquares { get; }

    /// <summary>The buckets, left to right.</summary>
    [Hidden]
    public HistogramBucket[] Buckets { get; }

    /// <summary>The event file.</summary>
    [Hidden]
    public string File { get; }

    /// <summary>The mean (NaN when the sum is not stored).</summary>
    public double Mean => Count > 0 ? Sum / Count : double.NaN;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Count} values in [{Min}, {Max}]";
}

/// <summary>Any other tensor value: its plugin, dtype, shape and values.</summary>
public sealed class TbTensorEvent
{
    internal TbTensorEvent(string run, string file, TensorRecord r)
    {
        Run = run;
        Tag = r.Tag;
        Step = r.Step;
        WallTime = new TbTimestamp(r.WallTime);
        Plugin = r.Plugin;
        DType = r.DType;
        Shape = "[" + string.Join(",", r.Shape) + "]";
        Dimensions = r.Shape;
        Values = r.Values;
        StringBytes = r.Bytes;
        PluginContent = r.PluginContent;
        RawTensor = r.RawTensor;
        File = file;
    }

    /// <summary>The run.</summary>
    public string Run { get; }

    /// <summary>The tag.</summary>
    public string Tag { get; }

    /// <summary>The step.</summary>
    public long Step { get; }

    /// <summary>When it was logged.</summary>
    public TbTimestamp WallTime { get; }

    /// <summary>The plugin named by the tag's metadata ("" for none).</summary>
    public string Plugin { get; }

    /// <summary>TensorFlow's dtype name, e.g. DT_FLOAT.</summary>
    public string DType { get; }

    /// <summary>The shape, e.g. "[2,3]".</summary>
    public string Shape { get; }

    /// <summary>The shape as numbers.</summary>
    [Hidden]
    public long[] Dimensions { get; }

    /// <summary>The values, flattened: double[] for numbers, string[] for strings.</summary>
    [Hidden]
    public Array Values { get; }

    /// <summary>For string tensors, each element's raw bytes.</summary>
    [Hidden]
    public byte[][]? StringBytes { get; }

    /// <summary>The plugin's content bytes (e.g. a serialized plugin-data message).</summary>
    [Hidden]
    public byte[] PluginContent { get; }

    /// <summary>
    /// The stored tensor (a serialized <c>TensorProto</c>) when <see cref="Values"/> cannot reproduce
    /// it, e.g. complex numbers; null otherwise. <c>Add-TbEvent</c> writes it back as it was.
    /// </summary>
    [Hidden]
    public byte[]? RawTensor { get; }

    /// <summary>The event file.</summary>
    [Hidden]
    public string File { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Plugin} {DType}{Shape}";
}
