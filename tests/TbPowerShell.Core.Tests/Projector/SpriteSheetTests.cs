using TbPowerShell.Core.Imaging;

namespace TbPowerShell.Core.Tests.Projector;

public sealed class SpriteSheetTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    [InlineData(5, 3)]
    [InlineData(25, 5)]
    [InlineData(26, 6)]
    [InlineData(10000, 100)]
    [InlineData(10001, 101)]
    public void ImagesARowAreTheCeilingOfTheSquareRoot(int count, int perRow)
    {
        Assert.Equal(perRow, SpriteSheet.ImagesPerRow(count));
    }

    [Fact]
    public void FloatsAreScaledBy255AndTruncatedAsNumpysUint8Cast()
    {
        Assert.Equal(0, SpriteSheet.ToByte(double.NaN));
        Assert.Equal(0, SpriteSheet.ToByte(-1));
        Assert.Equal(127, SpriteSheet.ToByte(0.5));
        Assert.Equal(254, SpriteSheet.ToByte(0.999));
        Assert.Equal(255, SpriteSheet.ToByte(1));
        Assert.Equal(255, SpriteSheet.ToByte(7));
    }

    [Fact]
    public void GreyImagesTallerThanWideAreRepeatedIntoRgbAndTheCanvasGrowsToHoldEveryRow()
    {
        // 3 grey images of 2 (high) × 1 (wide): 2 a row, 2 rows: 2 wide, 4 high (PyTorch's square canvas would cut the second row off).
        var sprite = SpriteSheet.Make(new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 }, 3, 1, 2, 1);
        Assert.Equal((2, 4, 3), (sprite.Width, sprite.Height, sprite.Channels));
        Assert.Equal(new byte[] { 51, 51, 51 }, new[] { sprite[1, 0, 0], sprite[1, 0, 1], sprite[1, 0, 2] });
        Assert.Equal(102, sprite[0, 1, 2]);
        Assert.Equal(255, sprite[3, 0, 0]);
        Assert.Equal(0, sprite[3, 1, 0]);
    }

    [Fact]
    public void ChannelCountsOtherThanOneOrThreeAndWrongLengthsAreRefused()
    {
        Assert.Equal(ImageError.InvalidChannelCount, Assert.Throws<ImageFormatException>(() => SpriteSheet.Make(new double[16], 1, 4, 2, 2)).Error);
        Assert.Equal(ImageError.ShapeMismatch, Assert.Throws<ImageFormatException>(() => SpriteSheet.Make(new double[15], 1, 3, 2, 2)).Error);
        Assert.Equal(ImageError.TooLarge, Assert.Throws<ImageFormatException>(() => SpriteSheet.Make(new byte[2 * 3 * 1 * 5000], 2, 3, 1, 5000)).Error);
    }
}
