using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// An image value. The encoded bytes are in the hidden <see cref="Bytes"/> property (pixels are
/// never decoded unless <see cref="Decode"/> is called); <c>Export-Csv</c> writes its size instead.
/// </summary>
public sealed class TbImageEvent : TbEvent
{
    internal TbImageEvent(string run, string file, ImageRecord r)
        : base(run, r, file)
    {
        Width = r.Width;
        Height = r.Height;
        Channels = r.Channels;
        Format = r.Format;
        Size = r.Encoded.Length;
        Bytes = r.Encoded;
        Sample = r.Sample;
        Frames = r.Format == "gif" ? GifVideo.FrameCount(r.Encoded) : 1;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

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

    /// <summary>How many frames the image has: above 1 for an animated GIF (a video of Add-TbVideo or PyTorch's add_video), else 1.</summary>
    public int Frames { get; }

    /// <summary>The encoded image (a PNG, JPEG or GIF file as stored), for <c>Save-TbMedia</c> or <see cref="Decode"/>.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public byte[] Bytes { get; }

    /// <summary>
    /// The encoded image as base64: what <c>ConvertTo-Json</c> writes in place of <see cref="Bytes"/> (which it would write as
    /// an array of numbers, about four times longer). Hidden, like <see cref="Bytes"/>, from views and CSV.
    /// </summary>
    [Hidden]
    public string BytesBase64 => Convert.ToBase64String(Bytes);

    /// <summary>Which image of the event (new-style summaries can hold several); 0 for the first.</summary>
    [Hidden]
    public int Sample { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>Decodes the pixels (height × width × channels bytes; grey+alpha becomes RGBA).</summary>
    public ImagePixels Decode() => PngCodec.Decode(Bytes, Channels is 1 or 3 ? Channels : 4);

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Width}x{Height} {Format}";
}
