using System.Runtime.CompilerServices;
using TbPowerShell.Torch;

namespace TbPowerShell.Internal;

/// <summary>
/// The only place the cmdlets touch TorchSharp types. Every member that names one is kept out of
/// line, so TorchSharp (and libtorch) load only when a tensor or a model is actually passed in.
/// </summary>
internal static class TorchBridge
{
    /// <summary>True for a TorchSharp tensor or parameter (by type name: loads nothing).</summary>
    public static bool IsTensor(object? value) => TensorData.IsTensor(ValueParsing.Unwrap(value));

    /// <summary>True for a TorchSharp module (by type hierarchy name: loads nothing).</summary>
    public static bool IsModule(object? value)
    {
        for (var type = ValueParsing.Unwrap(value)?.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName == "TorchSharp.torch+nn+Module")
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double ToScalar(object tensor) => TensorData.ToScalar((TorchSharp.torch.Tensor)ValueParsing.Unwrap(tensor)!);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float[] ToFloats(object tensor, out int[] shape)
    {
        var values = TensorData.ToFloats((TorchSharp.torch.Tensor)ValueParsing.Unwrap(tensor)!, out long[] longShape);
        shape = TensorData.IntShape(longShape);
        return values;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double[] ToDoubles(object tensor) =>
        TensorData.ToDoubles((TorchSharp.torch.Tensor)ValueParsing.Unwrap(tensor)!, out _);

    /// <summary>A tensor's dimensions, read without copying its values.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int[] Shape(object tensor) => TensorData.IntShape(((TorchSharp.torch.Tensor)ValueParsing.Unwrap(tensor)!).shape);

    /// <summary>The pixels of a uint8 tensor as they are; null for other dtypes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static byte[]? ToBytesIfByteTensor(object tensor, out int[] shape)
    {
        var t = (TorchSharp.torch.Tensor)ValueParsing.Unwrap(tensor)!;
        shape = TensorData.IntShape(t.shape);
        return TensorData.IsByteTensor(t) ? TensorData.ToBytes(t, out _) : null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IReadOnlyList<TbHookRegistration> Register(object module, Func<string, bool> names, TbWriter writer, TbHookOptions options) =>
        ModuleHooks.Register((TorchSharp.torch.nn.Module)ValueParsing.Unwrap(module)!, names, writer, options);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IReadOnlyList<TbHookRegistration> Registrations() => ModuleHooks.Registrations;

    /// <summary>(name, values as doubles) of every parameter (or its gradient) of a module.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IEnumerable<(string Name, double[]? Values)> Parameters(object module, bool gradients)
    {
        var m = (TorchSharp.torch.nn.Module)ValueParsing.Unwrap(module)!;
        foreach (var (name, parameter) in m.named_parameters())
        {
            if (!gradients)
            {
                yield return (name, TensorData.ToDoubles(parameter, out _));
                continue;
            }
            // .grad hands out a new native reference: dispose it, or every call leaves one per parameter alive.
            double[]? values;
            using (var grad = parameter.grad)
            {
                values = grad is null || grad.IsInvalid ? null : TensorData.ToDoubles(grad, out _);
            }
            yield return (name, values);
        }
    }

    /// <summary>The graph of a module (<see cref="TbPowerShell.Torch.Graph.ModuleGraph"/>): traced with the example tensors, or in containment order without.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Core.Proto.GraphDef BuildGraph(object module, IReadOnlyList<object>? inputs) =>
        TbPowerShell.Torch.Graph.ModuleGraph.Build((TorchSharp.torch.nn.Module)ValueParsing.Unwrap(module)!,
            inputs?.Select(i => (TorchSharp.torch.Tensor)ValueParsing.Unwrap(i)!).ToArray());

    /// <summary>True when the module has parameters (its own or its sub-modules').</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HasParameters(object module) =>
        TbPowerShell.Torch.Graph.ModuleGraph.HasParameters((TorchSharp.torch.nn.Module)ValueParsing.Unwrap(module)!);

    /// <summary>What libtorch said when it failed to load, for a clear error.</summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            parts.Add(x.Message);
        }
        return string.Join(" -> ", parts.Distinct());
    }

    /// <summary>True when <paramref name="e"/> says libtorch or TorchSharp could not be loaded.</summary>
    public static bool IsLoadFailure(Exception e) =>
        e is TypeInitializationException or DllNotFoundException or BadImageFormatException or FileNotFoundException or TypeLoadException
        || (e is NotSupportedException && e.Message.Contains("libtorch", StringComparison.OrdinalIgnoreCase));
}
