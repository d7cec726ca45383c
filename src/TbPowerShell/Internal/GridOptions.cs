using TbPowerShell.Core.Imaging;

namespace TbPowerShell.Internal;

/// <summary>Builds grid options from the cmdlet parameters that mirror torchvision's make_grid.</summary>
internal static class GridOptions
{
    public static ImageGridOptions From(int nrow, int padding, bool normalize, double[]? valueRange, bool scaleEach, double padValue) =>
        new()
        {
            NRow = nrow,
            Padding = padding,
            Normalize = normalize,
            ScaleEach = scaleEach,
            PadValue = (float)padValue,
            ValueRange = valueRange is { Length: 2 } r ? ((float)r[0], (float)r[1]) : null,
        };

    /// <summary>Pixels for <paramref name="data"/>: byte[] taken as it is, anything else as float32 scaled by 255.</summary>
    /// <remarks>
    /// A tensor brings its own shape (used when <paramref name="shape"/> is null); a uint8 tensor is taken as it is. The
    /// shape, the size of the image it makes and the number of values are checked before anything is flattened, copied
    /// or converted, so an image too large fails at once whatever the size of the data.
    /// </remarks>
    public static ImagePixels Pixels(object data, int[]? shape, string dataFormat, ImageGridOptions grid)
    {
        if (TorchBridge.IsTensor(data))
        {
            ImageConversion.CheckShape(shape ?? TorchBridge.Shape(data), dataFormat, grid);
            byte[]? bytes = TorchBridge.ToBytesIfByteTensor(data, out int[] tensorShape);
            return bytes is not null
                ? ImageConversion.FromBytes(bytes, shape ?? tensorShape, dataFormat, grid)
                : ImageConversion.FromFloats(TorchBridge.ToFloats(data, out _), shape ?? tensorShape, dataFormat, grid);
        }
        if (shape is null)
        {
            // The target is the data format whose sizes are missing: the data may be millions of numbers.
            throw new ImageFormatException(ImageError.InvalidShape,
                $"-Data needs -Shape: the sizes of the axes, one per letter of the data format {dataFormat}.", dataFormat);
        }
        long needed = ImageConversion.CheckShape(shape, dataFormat, grid);
        long given = ArrayInput.Count(data);
        if (given != needed)
        {
            throw new ImageFormatException(ImageError.ShapeMismatch,
                $"The shape [{string.Join(", ", shape)}] needs {needed} values, but {given} were given.", shape);
        }
        return ArrayInput.IsBytes(data)
            ? ImageConversion.FromBytes((byte[])ValueParsing.Unwrap(data)!, shape, dataFormat, grid)
            : ImageConversion.FromFloats(ArrayInput.ToFloats(data), shape, dataFormat, grid);
    }
}
