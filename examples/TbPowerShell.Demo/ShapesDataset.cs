using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>
/// A synthetic image task that needs no download: 16×16 grey images of a horizontal bar, a
/// vertical bar, a diagonal or a cross at a random place, with noise. Deterministic for a seed.
/// </summary>
public sealed class ShapesDataset
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 16;

    /// <summary>The class names, in label order.</summary>
    public static readonly string[] Classes = { "horizontal", "vertical", "diagonal", "cross" };

    private readonly float[] _images;
    private readonly long[] _labels;

    /// <summary>Makes <paramref name="count"/> images.</summary>
    public ShapesDataset(int count, int seed = 1234, float noise = 0.3f)
    {
        Count = count;
        _images = new float[count * Side * Side];
        _labels = new long[count];
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(Classes.Length);
            _labels[i] = label;
            var image = _images.AsSpan(i * Side * Side, Side * Side);
            int r = random.Next(3, Side - 3), c = random.Next(3, Side - 3);
            for (int k = -3; k <= 3; k++)
            {
                if (label is 0 or 3) image[r * Side + c + k] = 1f;
                if (label is 1 or 3) image[(r + k) * Side + c] = 1f;
                if (label == 2) image[(r + k) * Side + c + k] = 1f;
            }
            for (int p = 0; p < image.Length; p++)
            {
                image[p] = Math.Clamp(image[p] + noise * (float)(random.NextDouble() - 0.5), 0f, 1f);
            }
        }
    }

    /// <summary>How many images.</summary>
    public int Count { get; }

    /// <summary>Images <paramref name="start"/> .. start+count-1 as an N×1×16×16 float tensor.</summary>
    public Tensor Images(int start, int count) =>
        tensor(_images.AsSpan(start * Side * Side, count * Side * Side).ToArray(), new long[] { count, 1, Side, Side });

    /// <summary>Their labels as an int64 tensor.</summary>
    public Tensor Labels(int start, int count) => tensor(_labels.AsSpan(start, count).ToArray());
}
