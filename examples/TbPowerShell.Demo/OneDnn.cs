using System.Runtime.InteropServices;

namespace TbPowerShell.Torch.Demo;

/// <summary>
/// Turns off libtorch's oneDNN (mkldnn) kernels for the process, as
/// <c>torch.backends.mkldnn.enabled = False</c> does in PyTorch (TorchSharp 0.107 has no such switch).
/// </summary>
/// <remarks>
/// libtorch-cpu 2.10.0 (oneDNN 3.7.1) computes a wrong input gradient in the backward pass of a
/// convolution whose channel count is not a multiple of oneDNN's channel block (16 with AVX-512, 8
/// with AVX2): it works on channel-padded blocked copies and reads the padding, which nobody zeroed.
/// What is in that memory depends on the process (about one process in three here): garbage, often
/// NaN. The demo model's 8-channel convolutions hit it in their first backward pass, so training
/// went NaN after one step, at random. libtorch's own convolutions (used once oneDNN is off) are right
/// every time. <see cref="Determinism.Seed"/> turns it off, so a seeded run repeats exactly.
/// </remarks>
public static class OneDnn
{
    private const string LibTorchCpu = "libtorch_cpu";

    /// <summary>Turns oneDNN off; throws if libtorch did not take it.</summary>
    public static void Disable()
    {
        IntPtr context = GlobalContext();
        SetUserEnabledMkldnn(context, false);
        if (UserEnabledMkldnn(context))
        {
            throw new InvalidOperationException("libtorch kept oneDNN (mkldnn) on after at::Context::setUserEnabledMkldnn(false).");
        }
    }

    // at::globalContext(), at::Context::setUserEnabledMkldnn(bool), at::Context::userEnabledMkldnn() const
    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(LibTorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}
