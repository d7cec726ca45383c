using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests;

/// <summary>What these tests rely on libtorch for, checked against libtorch's own float64 arithmetic.</summary>
public class LibTorchTests
{
    [TorchTheory]
    [InlineData(8)]  // the demo model's stage
    [InlineData(12)] // a multiple of no channel block
    public void Convolution_input_gradients_are_right_from_the_first_backward_pass_on(int channels)
    {
        // With oneDNN on, the first backward pass of a process was wrong (garbage or NaN) in most runs; see OneDnn.
        manual_seed(5);
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(channels, channels, 3, padding: 1);
        var input = randn(4, channels, 16, 16);
        var upstream = randn(4, channels, 16, 16);

        var reference = input.to_type(ScalarType.Float64).requires_grad_(true);
        nn.functional.conv2d(reference, conv.weight!.detach().to_type(ScalarType.Float64), conv.bias!.detach().to_type(ScalarType.Float64), padding: new long[] { 1, 1 })
            .backward(new[] { upstream.to_type(ScalarType.Float64) });
        var expected = reference.grad!.to_type(ScalarType.Float32);

        for (int pass = 0; pass < 3; pass++)
        {
            var x = input.clone().requires_grad_(true);
            conv.call(x).backward(new[] { upstream });
            var error = (x.grad! - expected).abs().max().item<float>();
            Assert.True(error < 1e-4f, $"pass {pass}: the input gradient is off by {error}");
        }
    }
}
