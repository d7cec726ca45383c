using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>Seeds libtorch (PowerShell cannot name TorchSharp's types before TorchSharp is loaded).</summary>
public static class Determinism
{
    /// <summary>
    /// Seeds libtorch's generator, so weight initialisation repeats, and turns libtorch's oneDNN kernels
    /// off (<see cref="OneDnn"/>): their convolution gradients depend on leftover memory, which made
    /// training go NaN at random and seeded runs differ.
    /// </summary>
    public static void Seed(long seed)
    {
        manual_seed(seed);
        OneDnn.Disable();
    }

    /// <summary>
    /// Sets libtorch's intra-op threads. A model this small runs fastest on one thread; more only
    /// add OpenMP hand-offs, which cost dearly when other processes share the cores.
    /// </summary>
    public static void UseThreads(int threads) => set_num_threads(threads);
}
