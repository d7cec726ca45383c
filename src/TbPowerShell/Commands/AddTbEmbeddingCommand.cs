using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs an embedding (points, their labels and label images) for TensorBoard's projector, as PyTorch's add_embedding does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbEmbedding", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbEmbedding))]
public sealed class AddTbEmbeddingCommand : TbWriterCommandBase
{
    /// <summary>The points, a row each: a 2-D array, an array of rows, or a TorchSharp tensor of rank 2. Binds the Points of Get-TbEmbedding.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Points", "Mat")]
    [ValidateNotNull]
    [AllowEmptyCollection]
    public object Data { get; set; } = null!;

    /// <summary>The embedding's name; "default" (PyTorch's default) when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    [ArgumentCompleter(typeof(TbPowerShell.Completion.TbTagCompleter))]
    public new string Tag { get; set; } = "default";

    /// <summary>
    /// A label per point: strings or numbers (one column); arrays of cells (several columns, with -MetadataHeader);
    /// or objects such as Import-Csv rows, whose property names are the header.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Metadata { get; set; }

    /// <summary>The column names of metadata with two or more columns (with objects: which properties, in what order).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? MetadataHeader { get; set; }

    /// <summary>
    /// An image a point, N × C × H × W (C 1 or 3; N × H × W for grey): nested arrays, a 4-D array, or a tensor; floats in
    /// [0, 1] (scaled by 255), bytes as they are. Packed into the projector's sprite as PyTorch packs it.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? LabelImage { get; set; }

    /// <summary>The dimensions of -LabelImage (N, C, H, W) when it is a flat array; nested arrays and tensors bring their own.</summary>
    [Parameter]
    [ValidateCount(3, 4)]
    public int[]? LabelImageShape { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string tag = Tag ?? "default";
        if (RejectEmptyTag(tag))
        {
            return;
        }
        ProjectorData data;
        try
        {
            double[] values = EmbeddingInput.Matrix(Data, out int rows, out int columns);
            IReadOnlyList<IReadOnlyList<string>>? labels = null;
            string[]? header = MetadataHeader is { Length: > 0 } ? MetadataHeader : null;
            if (Metadata is not null)
            {
                labels = EmbeddingInput.Metadata(Metadata, header, out header);
            }
            ImagePixels? sprite = null;
            int width = 0, height = 0;
            if (LabelImage is not null && rows > 0 && columns > 0)
            {
                sprite = Sprite(rows, out width, out height);
                if (sprite is null)
                {
                    return;
                }
            }
            // Checked before a writer (and its event file) is opened for it.
            _ = new ProjectorData(tag, 0, values, rows, columns, labels, header, sprite, width, height);
            var writerForStep = CurrentWriter(Run);
            if (writerForStep is null)
            {
                return;
            }
            data = new ProjectorData(tag, EffectiveStep(writerForStep, Step), values, rows, columns, labels, header, sprite, width, height);
            Write(writerForStep, data);
        }
        catch (EmbeddingInputException e)
        {
            WriteError(new ErrorRecord(e, ErrorIdOf(e.Error), ErrorCategory.InvalidArgument, e.OffendingValue ?? Data));
        }
        catch (NotANumberException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
        }
        catch (ImageFormatException e)
        {
            WriteImageError(e, LabelImage);
        }
    }

    private ImagePixels? Sprite(int points, out int width, out int height)
    {
        width = height = 0;
        int[] shape = LabelImageShape ?? EmbeddingInput.Shape(LabelImage);
        if (shape.Length is not (3 or 4))
        {
            throw new ImageFormatException(ImageError.InvalidShape,
                $"-LabelImage has shape [{string.Join(", ", shape)}]: label images are N × C × H × W (or N × H × W for grey).", shape);
        }
        int n = shape[0];
        int c = shape.Length == 4 ? shape[1] : 1;
        height = shape[^2];
        width = shape[^1];
        if (n != points)
        {
            throw new EmbeddingInputException(EmbeddingError.ImageCountMismatch,
                $"There are {n} label images for {points} points: give one image a point.", n);
        }
        long count = ArrayInput.Count(LabelImage);
        if (count != (long)n * c * height * width)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"-LabelImage holds {count} values, not the {(long)n * c * height * width} of {n} images of {c}×{height}×{width}.", shape);
        }
        if (TorchBridge.IsTensor(LabelImage) && TorchBridge.ToBytesIfByteTensor(LabelImage!, out _) is { } tensorBytes)
        {
            return SpriteSheet.Make(tensorBytes, n, c, height, width);
        }
        if (ArrayInput.IsBytes(LabelImage))
        {
            return SpriteSheet.Make((byte[])ValueParsing.Unwrap(LabelImage)!, n, c, height, width);
        }
        return SpriteSheet.Make(ArrayInput.ToDoubles(LabelImage), n, c, height, width);
    }

    private void Write(TbWriter writer, ProjectorData data)
    {
        ProjectorWriteResult result;
        try
        {
            result = ProjectorWriter.Write(writer.LogDir, data);
        }
        catch (ProjectorConfigException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.ProjectorConfigUnreadable, ErrorCategory.InvalidData, e.Path));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(StoreErrors.OrDefault(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, writer.LogDir));
            return;
        }
        if (result.Replaced)
        {
            WriteWarning($"The embedding folder '{result.Folder}' existed already: its files were overwritten (give each embedding its own -Step or -Tag).");
        }
        if (PassThru)
        {
            string run = EffectiveRun;
            string name = ProjectorTsv.TensorName(data.Tag, data.Step);
            var read = ProjectorReader.ReadRun(run, writer.LogDir, readPoints: true, null, (_, n) => n == name).FirstOrDefault();
            if (read is not null)
            {
                WriteObject(new TbEmbedding(read));
            }
        }
    }

    private static string ErrorIdOf(EmbeddingError error) => error switch
    {
        EmbeddingError.EmptyMatrix => ErrorIds.EmptyEmbedding,
        EmbeddingError.RaggedRows => ErrorIds.RaggedEmbedding,
        EmbeddingError.NotFinite => ErrorIds.EmbeddingValueNotFinite,
        EmbeddingError.MetadataCountMismatch => ErrorIds.MetadataCountMismatch,
        EmbeddingError.MetadataShapeMismatch => ErrorIds.MetadataShapeMismatch,
        EmbeddingError.MetadataHeaderMismatch => ErrorIds.MetadataHeaderMismatch,
        EmbeddingError.MetadataInvalidCharacter => ErrorIds.InvalidMetadataLabel,
        _ => ErrorIds.LabelImageCountMismatch,
    };
}
