using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Tiles a batch of images (N×C×H×W numbers) into one grid, as torchvision's make_grid, and saves it as a PNG file.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "TbImageGrid", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportTbImageGridCommand : PSCmdlet
{
    /// <summary>The PNG file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Pixel values: floats (scaled by 255 as PyTorch does) or a byte[] taken as it is; nested arrays are flattened.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public object Data { get; set; } = null!;

    /// <summary>The dimensions of <c>-Data</c>, one per letter of <c>-DataFormat</c> (a tensor brings its own).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? Shape { get; set; }

    /// <summary>The layout of <c>-Data</c>. Default NCHW (a batch); CHW, HWC and HW save a single image.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DataFormat { get; set; } = "NCHW";

    /// <summary>Images per row (torchvision's nrow). Default 8.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int NRow { get; set; } = 8;

    /// <summary>Pixels between and around images. Default 2.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Padding { get; set; } = 2;

    /// <summary>Shift values to [0, 1] by their minimum and maximum (or -ValueRange).</summary>
    [Parameter]
    public SwitchParameter Normalize { get; set; }

    /// <summary>With -Normalize, the (low, high) range mapped to [0, 1].</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public double[]? ValueRange { get; set; }

    /// <summary>With -Normalize, normalise each image on its own.</summary>
    [Parameter]
    public SwitchParameter ScaleEach { get; set; }

    /// <summary>The value of padding pixels (in the data's units). Default 0.</summary>
    [Parameter]
    public double PadValue { get; set; }

    /// <summary>Do not overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Emit the file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (LocalOnly.IsStore(Path))
        {
            ThrowTerminatingError(LocalOnly.Refused(Path, nameof(Path), "the PNG file written",
                "write it to a local file, then copy it up with your store's own tools."));
        }
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        ImagePixels pixels;
        try
        {
            pixels = GridOptions.Pixels(Data, Shape, DataFormat, GridOptions.From(NRow, Padding, Normalize, ValueRange, ScaleEach, PadValue));
        }
        catch (ImageFormatException e)
        {
            ThrowTerminatingError(ImageErrors.Record(e, Shape));
            return;
        }
        catch (ArgumentOutOfRangeException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidGridOption, ErrorCategory.InvalidArgument, e.ActualValue));
            return;
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Data));
            return;
        }

        if (NoClobber && File.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"The file '{path}' exists already."),
                ErrorIds.MediaFileExists, ErrorCategory.ResourceExists, path));
        }
        if (!ShouldProcess(path, $"Save a {pixels.Width}x{pixels.Height} PNG"))
        {
            return;
        }
        try
        {
            string? dir = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
            File.WriteAllBytes(path, PngCodec.Encode(pixels));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.FileWriteFailed, ErrorCategory.WriteError, path));
        }
        if (PassThru)
        {
            // The provider's item, as Get-Item returns it, so the default file view shows it fully.
            WriteObject(SessionState.InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: true), enumerateCollection: true);
        }
    }
}
