using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Demo;

/// <summary>One training step's results.</summary>
/// <param name="Loss">Cross-entropy of the batch.</param>
/// <param name="Accuracy">Fraction of the batch classified right.</param>
public readonly record struct StepResult(double Loss, double Accuracy);

/// <summary>Trains a classifier with SGD + momentum and cross-entropy, one batch per <see cref="Step"/>.</summary>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly optim.Optimizer _optimizer;

    /// <summary>Trains <paramref name="model"/> with SGD (momentum 0.9) at <paramref name="learningRate"/>.</summary>
    public Trainer(nn.Module<Tensor, Tensor> model, double learningRate = 0.05)
    {
        _model = model;
        LearningRate = learningRate;
        _optimizer = optim.SGD(model.parameters(), learningRate, momentum: 0.9);
    }

    /// <summary>The SGD learning rate, fixed for the whole run.</summary>
    public double LearningRate { get; }

    /// <summary>Forward (through <c>call()</c>, so hooks fire), backward and an optimiser step.</summary>
    public StepResult Step(Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        _model.train();
        _optimizer.zero_grad();
        var scores = _model.call(images);
        var loss = nn.functional.cross_entropy(scores, labels);
        loss.backward();
        _optimizer.step();
        double accuracy = scores.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        return new StepResult(loss.item<float>(), accuracy);
    }

    /// <summary>Accuracy on a batch without training.</summary>
    public double Evaluate(Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _model.eval();
        var scores = _model.call(images);
        return scores.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
    }
}
