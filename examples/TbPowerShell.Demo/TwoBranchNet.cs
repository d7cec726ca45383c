using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>
/// A small CNN with an HRNet-like two-branch stage, for the demo and the tests: a stem, a stage
/// whose output is a tuple (full-resolution and half-resolution branches), a fuse layer and a
/// classifier head. Input: N×1×16×16 images; output: N×4 class scores.
/// </summary>
public sealed class TwoBranchNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly TwoBranchStage stage;
    private readonly nn.Module<Tensor, Tensor> fuse;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Creates the model with weights from TorchSharp's default initialisation (seed it with torch.manual_seed).</summary>
    public TwoBranchNet(int classes = 4) : base(nameof(TwoBranchNet))
    {
        stem = nn.Sequential(
            ("conv", nn.Conv2d(1, 8, 3, padding: 1)),
            ("relu", nn.ReLU()));
        stage = new TwoBranchStage(8);
        fuse = nn.Sequential(
            ("conv", nn.Conv2d(24, 16, 1)),
            ("relu", nn.ReLU()));
        head = nn.Sequential(
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(16, classes)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = stem.call(input);
        var (high, low) = stage.call(x);
        var up = low.repeat_interleave(2, 2).repeat_interleave(2, 3);
        var fused = fuse.call(cat(new[] { high, up }, 1));
        return head.call(fused).MoveToOuterDisposeScope();
    }
}

/// <summary>An HRNet-like stage: a full-resolution branch and a half-resolution branch, returned as a tuple.</summary>
public sealed class TwoBranchStage : nn.Module<Tensor, (Tensor, Tensor)>
{
    private readonly nn.Module<Tensor, Tensor> branch0;
    private readonly nn.Module<Tensor, Tensor> branch1;

    /// <summary>Creates the stage for <paramref name="channels"/> input channels.</summary>
    public TwoBranchStage(int channels) : base(nameof(TwoBranchStage))
    {
        branch0 = nn.Sequential(
            ("conv", nn.Conv2d(channels, channels, 3, padding: 1)),
            ("relu", nn.ReLU()));
        branch1 = nn.Sequential(
            ("pool", nn.MaxPool2d(2)),
            ("conv", nn.Conv2d(channels, 2 * channels, 3, padding: 1)),
            ("relu", nn.ReLU()));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor, Tensor) forward(Tensor input) => (branch0.call(input), branch1.call(input));
}
