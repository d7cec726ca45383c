using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a video (or a batch of videos as one grid) as an animated GIF, as PyTorch's add_video does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbVideo", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbImageEvent))]
public sealed class AddTbVideoCommand : TbWriterCommandBase
{
    /// <summary>
    /// The frames: floats in [0, 1] (scaled by 255 as PyTorch does), a byte[] of values 0–255, nested arrays (flattened), or a
    /// TorchSharp tensor (uint8 as bytes). Also <c>-Value</c>, the name of the value on every Add-Tb* cmdlet.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [ValidateNotNull]
    public object Data { get; set; } = null!;

    /// <summary>The dimensions of <c>-Data</c>: N, T, C, H, W (a batch of videos) or T, C, H, W (one video). A tensor brings its own.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[]? Shape { get; set; }

    /// <summary>Frames per second (default 4, as PyTorch): the GIF shows each frame for 1/Fps seconds, rounded to 1/100 s.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double Fps { get; set; } = 4;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        if (!(Fps > 0) || double.IsInfinity(Fps))
        {
            WriteError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Fps), Fps, $"-Fps must be a positive number of frames per second, not {Fps}."),
                ErrorIds.InvalidFrameRate, ErrorCategory.InvalidArgument, Fps));
            return;
        }
        VideoClip clip;
        try
        {
            clip = Clip(Data, Shape);
        }
        catch (ImageFormatException e)
        {
            WriteError(VideoError(e, (object?)Shape ?? Data));
            return;
        }
        catch (NotANumberException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
            return;
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Data));
            return;
        }

        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        byte[] gif = GifVideo.Encode(clip, Fps);
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddValue(SummaryValues.Image(Tag, gif, clip.Width, clip.Height, clip.Channels), step, wallTime), Data, wallTime) && PassThru)
        {
            WriteObject(new TbImageEvent(EffectiveRun, writer.Path,
                new ImageRecord(Tag, step, wallTime.UnixSeconds, clip.Width, clip.Height, clip.Channels, "gif", gif, 0)));
        }
    }

    /// <summary>
    /// The frames of <paramref name="data"/>. The shape (a tensor's own when none is given) and the number of values
    /// are checked before anything is copied or converted.
    /// </summary>
    private static VideoClip Clip(object data, int[]? shape)
    {
        data = ArrayInput.ValuesOfRow(data)!;
        if (TorchBridge.IsTensor(data))
        {
            VideoFrames.CheckShape(shape ?? TorchBridge.Shape(data));
            byte[]? bytes = TorchBridge.ToBytesIfByteTensor(data, out int[] tensorShape);
            return bytes is not null
                ? VideoFrames.FromBytes(bytes, shape ?? tensorShape)
                : VideoFrames.FromFloats(TorchBridge.ToFloats(data, out _), shape ?? tensorShape);
        }
        if (shape is null)
        {
            throw new ImageFormatException(ImageError.InvalidShape,
                "-Data needs -Shape: N, T, C, H, W (a batch of videos) or T, C, H, W (one video).", null);
        }
        long needed = VideoFrames.CheckShape(shape);
        long given = ArrayInput.Count(data);
        if (given != needed)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"The shape [{string.Join(", ", shape)}] needs {needed} values, but {given} were given.", shape);
        }
        return ArrayInput.IsBytes(data)
            ? VideoFrames.FromBytes((byte[])ValueParsing.Unwrap(data)!, shape)
            : VideoFrames.FromFloats(ArrayInput.ToFloats(data), shape);
    }

    private static ErrorRecord VideoError(ImageFormatException e, object? fallbackTarget)
    {
        var (id, category) = e.Error switch
        {
            ImageError.InvalidShape => (ErrorIds.InvalidVideoShape, ErrorCategory.InvalidArgument),
            ImageError.ShapeMismatch => (ErrorIds.ShapeMismatch, ErrorCategory.InvalidArgument),
            ImageError.InvalidChannelCount => (ErrorIds.InvalidChannelCount, ErrorCategory.InvalidArgument),
            ImageError.TooLarge => (ErrorIds.VideoTooLarge, ErrorCategory.LimitsExceeded),
            _ => (ErrorIds.InvalidValue, ErrorCategory.InvalidData),
        };
        return new ErrorRecord(e, id, category, e.OffendingValue ?? fallbackTarget);
    }
}
