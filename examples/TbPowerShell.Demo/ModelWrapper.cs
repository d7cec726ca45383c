using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>A wrapper that holds the real model as <c>module</c>, as DataParallel does.</summary>
public sealed class ModelWrapper : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> module;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public ModelWrapper(nn.Module<Tensor, Tensor> inner) : base(nameof(ModelWrapper))
    {
        module = inner;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => module.call(input);
}
