using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs an image (or a batch of images as one grid) to a TensorBoard run, as PyTorch's add_image does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbImage", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbImageEvent))]
public sealed class AddTbImageCommand : TbWriterCommandBase
{
    /// <summary>An image file (any format ImageSharp reads; PNG is stored as it is). Wildcards allowed. The second positional parameter, after the tag.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Path { get; set; }

    /// <summary>An image file, taken literally. Binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>
    /// Pixel values: floats in [0, 1] (scaled by 255 as PyTorch does) or a byte[] taken as it is; nested arrays are
    /// flattened; or a TorchSharp tensor (uint8 taken as it is). Also <c>-Value</c>, the name of the value on every Add-Tb* cmdlet.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [ValidateNotNull]
    public object? Data { get; set; }

    /// <summary>The dimensions of <c>-Data</c>, one per letter of <c>-DataFormat</c> (a tensor brings its own).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[]? Shape { get; set; }

    /// <summary>The layout of <c>-Data</c>: CHW (default, as PyTorch), HWC, HW, or NCHW for a batch drawn as a grid.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DataFormat { get; set; } = "CHW";

    /// <summary>An ImageSharp image.</summary>
    [Parameter]
    [ValidateNotNull]
    public SixLabors.ImageSharp.Image? Image { get; set; }

    /// <summary>Grid: images per row (torchvision's nrow). Default 8.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int NRow { get; set; } = 8;

    /// <summary>Grid: pixels between and around images. Default 2.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Padding { get; set; } = 2;

    /// <summary>Grid: shift values to [0, 1] by their minimum and maximum (or -ValueRange).</summary>
    [Parameter]
    public SwitchParameter Normalize { get; set; }

    /// <summary>Grid: with -Normalize, the (low, high) range mapped to [0, 1].</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public double[]? ValueRange { get; set; }

    /// <summary>Grid: with -Normalize, normalise each image on its own.</summary>
    [Parameter]
    public SwitchParameter ScaleEach { get; set; }

    /// <summary>Grid: the value of padding pixels (in the data's units). Default 0.</summary>
    [Parameter]
    public double PadValue { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        int sources = (Path is null ? 0 : 1) + (LiteralPath is null ? 0 : 1) + (Data is null ? 0 : 1) + (Image is null ? 0 : 1);
        if (sources != 1)
        {
            WriteSourceError("Give exactly one image: -Path, -LiteralPath, -Data (with -Shape) or -Image.", Tag);
            return;
        }
        if (Path is not null || LiteralPath is not null)
        {
            foreach (string file in ResolveFiles())
            {
                AddFile(file);
            }
            return;
        }
        if (Image is not null)
        {
            byte[] png = PngCodec.Encode(Image, out int channels);
            Write(png, Image.Width, Image.Height, channels, Image);
            return;
        }
        AddData();
    }

    private IEnumerable<string> ResolveFiles()
    {
        if (LocalOnly.IsStore(LiteralPath ?? Path))
        {
            string given = (LiteralPath ?? Path)!;
            WriteError(LocalOnly.Refused(given, LiteralPath is null ? nameof(Path) : nameof(LiteralPath), "the image files read",
                "copy them to local files first (the log directory written to may be in a store)."));
            return Array.Empty<string>();
        }
        if (LiteralPath is not null)
        {
            string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
            if (File.Exists(resolved))
            {
                return new[] { resolved };
            }
            WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find the image file '{LiteralPath}'."),
                ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, LiteralPath));
            return Array.Empty<string>();
        }
        try
        {
            var files = GetResolvedProviderPathFromPSPath(Path!, out _).Where(File.Exists).ToArray();
            if (files.Length > 0)
            {
                return files;
            }
        }
        catch (SessionStateException)
        {
            // reported below
        }
        WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find the image file '{Path}'."),
            ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, Path));
        return Array.Empty<string>();
    }

    private void AddFile(string file)
    {
        try
        {
            var (png, width, height, channels) = ImageFiles.LoadAsPng(file);
            Write(png, width, height, channels, file);
        }
        catch (ImageFormatException e)
        {
            WriteImageError(e, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.ImageUnreadable, ErrorCategory.ReadError, file));
        }
    }

    private void AddData()
    {
        try
        {
            var grid = GridOptions.From(NRow, Padding, Normalize, ValueRange, ScaleEach, PadValue);
            var pixels = GridOptions.Pixels(Data!, Shape, DataFormat, grid);
            Write(PngCodec.Encode(pixels), pixels.Width, pixels.Height, pixels.Channels, Data!);
        }
        catch (ImageFormatException e)
        {
            // Without -Shape the problem is the data format's missing sizes, not the (perhaps huge) data.
            WriteImageError(e, (object?)Shape ?? DataFormat);
        }
        catch (ArgumentOutOfRangeException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidGridOption, ErrorCategory.InvalidArgument, e.ActualValue));
        }
        catch (NotANumberException e)
        {
            // The element, not the whole array: the message gives its index.
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Data));
        }
    }

    private void Write(byte[] png, int width, int height, int channels, object target)
    {
        if (width > ImagePixels.MaxSide || height > ImagePixels.MaxSide)
        {
            WriteImageError(new ImageFormatException(ImageError.TooLarge,
                $"An image of {width}×{height} pixels is larger than {ImagePixels.MaxSide} pixels a side.", new[] { height, width }), target);
            return;
        }
        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddValue(SummaryValues.Image(Tag, png, width, height, channels), step, wallTime), target, wallTime) && PassThru)
        {
            WriteObject(new TbImageEvent(EffectiveRun, writer.Path,
                new ImageRecord(Tag, step, wallTime.UnixSeconds, width, height, channels, "png", png, 0)));
        }
    }
}
