using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>What hooks see of a module's input or output: its tensors.</summary>
internal static class HookTensors
{
    /// <summary>The tensors of a module output: a tensor, a tuple of tensors, or an array/list of them.</summary>
    public static List<Tensor> Flatten(object? value)
    {
        var list = new List<Tensor>();
        switch (value)
        {
            case Tensor t:
                list.Add(t);
                break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                {
                    if (tuple[i] is Tensor item)
                    {
                        list.Add(item);
                    }
                }
                break;
            case System.Collections.IEnumerable items:
                foreach (object? item in items)
                {
                    if (item is Tensor tensor)
                    {
                        list.Add(tensor);
                    }
                }
                break;
        }
        return list;
    }

    /// <summary>The tag of tensor <paramref name="index"/> of <paramref name="count"/>: the prefix alone for one tensor, else &lt;prefix&gt;/branch&lt;i&gt;.</summary>
    public static string Tag(string prefix, int index, int count) => count == 1 ? prefix : $"{prefix}/branch{index}";
}
