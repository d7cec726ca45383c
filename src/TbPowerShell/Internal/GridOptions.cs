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
    public static ImagePixels Pixels(object data, int[] shape, string dataFormat, ImageGridOptions grid) =>
        ArrayInput.IsBytes(data)
            ? ImageConversion.FromBytes((byte[])ValueParsing.Unwrap(data)!, shape, dataFormat, grid)
            : ImageConversion.FromFloats(ArrayInput.ToFloats(data), shape, dataFormat, grid);
}
