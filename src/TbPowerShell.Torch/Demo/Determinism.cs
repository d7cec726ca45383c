using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>Seeds libtorch (PowerShell cannot name TorchSharp's types before TorchSharp is loaded).</summary>
public static class Determinism
{
    /// <summary>Seeds libtorch's generator, so weight initialisation repeats.</summary>
    public static void Seed(long seed) => manual_seed(seed);
}
