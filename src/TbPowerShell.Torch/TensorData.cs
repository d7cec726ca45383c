using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// Copies tensor values out to plain arrays without touching the caller's tensor or its autograd
/// graph: every step works on a detached CPU copy inside a dispose scope, so no native memory leaks.
/// Any dtype (float16, bfloat16, integers, bool) is converted by libtorch itself.
/// </summary>
public static class TensorData
{
    /// <summary>True when <paramref name="value"/> is a TorchSharp tensor (checked by name, so TorchSharp is not loaded to answer).</summary>
    public static bool IsTensor(object? value) => value?.GetType().FullName is "TorchSharp.torch+Tensor" or "TorchSharp.Modules.Parameter";

    /// <summary>The values as float32, flattened in row-major order, and the tensor's shape.</summary>
    public static float[] ToFloats(Tensor tensor, out long[] shape)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        shape = tensor.shape;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var copy = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return copy.data<float>().ToArray();
    }

    /// <summary>The values as doubles (float64 precision kept), flattened, and the shape.</summary>
    public static double[] ToDoubles(Tensor tensor, out long[] shape)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        shape = tensor.shape;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var copy = tensor.detach().cpu().to_type(ScalarType.Float64).contiguous();
        return copy.data<double>().ToArray();
    }

    /// <summary>The values of a uint8 tensor as they are (image pixels).</summary>
    public static byte[] ToBytes(Tensor tensor, out long[] shape)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        shape = tensor.shape;
        using var scope = NewDisposeScope();
        var copy = tensor.detach().cpu().contiguous();
        return copy.data<byte>().ToArray();
    }

    /// <summary>True for uint8 tensors, which images take as 0–255 pixel values.</summary>
    public static bool IsByteTensor(Tensor tensor) => tensor.dtype == ScalarType.Byte;

    /// <summary>The single value of a 0-d or one-element tensor.</summary>
    /// <exception cref="ArgumentException">The tensor holds more than one value.</exception>
    public static double ToScalar(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.numel() != 1)
        {
            throw new ArgumentException(
                $"A scalar needs a tensor with one element; this one has shape [{string.Join(", ", tensor.shape)}].", nameof(tensor));
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return tensor.detach().cpu().to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>The shape as ints (for image and grid code).</summary>
    public static int[] IntShape(long[] shape) => shape.Select(d => checked((int)d)).ToArray();
}
