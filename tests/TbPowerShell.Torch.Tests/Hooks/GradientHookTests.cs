using TbPowerShell.Core.Summaries;
using TbPowerShell.Torch.Demo;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Hooks;

/// <summary>
/// Gradient hooks: the gradient backward() gives a module's output is logged as &lt;name&gt;/grad
/// (histogram) and &lt;name&gt;/grad_norm at the step of the forward pass that produced it. Expected
/// gradients are computed here with autograd.grad on a twin model given the same weights (no
/// retain_grad, no hooks under test), so they do not depend on the code under test. (autograd.grad on
/// the hooked model itself would not do: libtorch also accumulates it into a retained .grad.)
/// </summary>
public class GradientHookTests
{
    [TorchFact]
    public void TheGradientIsLoggedAtTheNextForwardOrWriteGradientsAtTheStepThatProducedIt()
    {
        using var net = Models.Net();
        using var twin = Models.Net(); // same weights before every step, for the expected gradients
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("stage.branch1"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient }));
        Assert.Equal(TbHookKind.Gradient, reg.Kind);
        var optimizer = optim.SGD(net.parameters(), 0.05);
        var data = new ShapesDataset(12, 5);
        var expected = new List<float[]>();

        for (int step = 0; step < 3; step++)
        {
            run.Writer.GlobalStep = 10 + step;
            using var scope = NewDisposeScope();
            var x = data.Images(step * 4, 4);
            var y = data.Labels(step * 4, 4);
            expected.Add(ExpectedGradients(net, twin, x, y, "stage.branch1").Single().Gradient);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(net.call(x), y);
            Assert.Equal(step, reg.Logs); // this forward pass logged the previous step's gradient
            loss.backward();
            optimizer.step();
        }
        Assert.Equal(2, reg.Logs);
        reg.WriteGradients();
        Assert.Equal(3, reg.Logs);
        reg.WriteGradients(); // nothing left: no second log
        Assert.Equal(3, reg.Logs);
        var written = run.Close();

        Assert.Equal(new long[] { 10, 11, 12 }, written.Histograms.Select(h => h.Step).Order());
        Assert.Equal(new long[] { 10, 11, 12 }, written.Scalars.Select(s => s.Step).Order());
        Assert.Equal(new[] { "stage.branch1/grad", "stage.branch1/grad_norm" }, written.Tags.Order());
        for (int step = 0; step < 3; step++)
        {
            AssertGradient(written, "stage.branch1", 10 + step, expected[step]);
        }
        Assert.Equal(3, reg.Calls);
        Assert.Equal(0, reg.Errors + reg.Skipped);
    }

    [TorchFact]
    public void TheTrainersDisposeScopeDoesNotLoseTheGradient()
    {
        // The demo Trainer runs forward, backward and the optimiser step in one dispose scope, and
        // TwoBranchNet.forward disposes its intermediates (the stage's outputs) in its own scope.
        using var net = Models.Net();
        using var twin = Models.Net(); // same weights before every step, for the expected gradients
        using var run = new HookRun();
        var regs = ModuleHooks.Register(net, Names.Like("stage.branch0", "head.fc"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient });
        var trainer = new Trainer(net);
        var data = new ShapesDataset(16, 9);
        var expected = new Dictionary<(string, long), float[]>();

        for (int step = 0; step < 4; step++)
        {
            run.Writer.GlobalStep = step;
            using var x = data.Images(step * 4, 4);
            using var y = data.Labels(step * 4, 4);
            foreach (var (name, g) in ExpectedGradients(net, twin, x, y, "stage.branch0", "head.fc"))
            {
                expected[(name, step)] = g;
            }
            trainer.Step(x, y);
        }
        var written = run.Close(); // the last step's gradients are written on close

        Assert.All(regs, r => Assert.Equal((4L, 4L, 0L, 0L), (r.Calls, r.Logs, r.Errors, r.Skipped)));
        foreach (var ((name, step), g) in expected)
        {
            AssertGradient(written, name, step, g);
        }
        Assert.Equal(8, written.Histograms.Count());
    }

    [TorchFact]
    public void EveryNKeepsGradientsOfLoggingStepsOnly()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("fuse"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient, Every = 2 }));
        var trainer = new Trainer(net);
        var data = new ShapesDataset(20, 4);
        for (int step = 0; step < 5; step++)
        {
            run.Writer.GlobalStep = step;
            using var x = data.Images(step * 4, 4);
            using var y = data.Labels(step * 4, 4);
            trainer.Step(x, y);
        }
        var written = run.Close();
        Assert.Equal(new long[] { 0, 2, 4 }, written.Histograms.Select(h => h.Step).Order());
        Assert.Equal((5L, 3L), (reg.Calls, reg.Logs));
    }

    [TorchFact]
    public void WithoutBackwardOrWithoutGradNothingIsLogged()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("fuse"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient }));
        var trainer = new Trainer(net);
        using var x = Steps.Images(4);
        using var y = tensor(new long[] { 0, 1, 2, 3 });

        run.Writer.GlobalStep = 0;
        trainer.Evaluate(x, y);             // no_grad: the output has no gradient to keep
        Assert.Equal(1, reg.Skipped);
        run.Writer.GlobalStep = 1;
        using (var scope = NewDisposeScope())
        {
            net.call(x);                    // a graph, but backward() never runs
        }
        run.Writer.GlobalStep = 2;
        trainer.Evaluate(x, y);             // reads the kept output: no .grad
        var written = run.Close();

        Assert.Empty(written.Histograms);
        Assert.Empty(written.Scalars);
        Assert.Equal((3L, 0L, 0L), (reg.Calls, reg.Logs, reg.Errors));
        Assert.Empty(run.Writer.TakeFeedErrors());
    }

    [TorchFact]
    public void UnregisteringWritesThePendingGradient()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("head.fc"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient }));
        var trainer = new Trainer(net);
        var data = new ShapesDataset(4, 4);
        run.Writer.GlobalStep = 7;
        using (var x = data.Images(0, 4))
        using (var y = data.Labels(0, 4))
        {
            trainer.Step(x, y);
        }
        Assert.Equal(0, reg.Logs);
        reg.Remove();
        Assert.Equal(1, reg.Logs);
        var written = run.Close();
        Assert.Equal(7, Assert.Single(written.Histograms).Step);
        Assert.True(written.Scalar("head.fc/grad_norm", 7).Value > 0);
    }

    [TorchFact]
    public void GradientHooksLeaveNoTensorAliveEvenWhenGradientsAreReadOutsideADisposeScope()
    {
        manual_seed(3);
        using var model = nn.Sequential(("fc1", nn.Linear(6, 5)), ("relu", nn.ReLU()), ("fc2", nn.Linear(5, 2)));
        using var run = new HookRun();
        var regs = ModuleHooks.Register(model, Names.Like("fc1", "fc2"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient });
        using var x = randn(3, 6);

        void Step(long step)
        {
            run.Writer.GlobalStep = step;
            using (var scope = NewDisposeScope())
            {
                model.zero_grad();
                model.call(x).pow(2).sum().backward();
            }
            foreach (var r in regs)
            {
                r.WriteGradients(); // on the training thread, outside any dispose scope
            }
        }

        Step(0); // warm-up
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int step = 1; step <= 10; step++)
        {
            Step(step);
        }
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Step(11);
        run.Close(); // writes and frees what step 11 kept
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.All(regs, r => Assert.Equal(12, r.Logs));
    }

    [TorchFact]
    public void ATupleOutputLogsTheGradientOfEachBranch()
    {
        using var net = Models.Net();
        using var twin = Models.Net();
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("stage"), run.Writer, new TbHookOptions { Kind = TbHookKind.Gradient }));
        var data = new ShapesDataset(4, 9);
        run.Writer.GlobalStep = 7;
        List<(string Name, float[] Gradient)> expected;
        using (NewDisposeScope())
        {
            var x = data.Images(0, 4);
            var y = data.Labels(0, 4);
            // The stage returns (branch0 output, branch1 output): their gradients are those of the two branches.
            expected = ExpectedGradients(net, twin, x, y, "stage.branch0", "stage.branch1");
            nn.functional.cross_entropy(net.call(x), y).backward();
        }
        reg.WriteGradients();
        var written = run.Close();

        Assert.Equal(new[] { "stage/branch0/grad", "stage/branch0/grad_norm", "stage/branch1/grad", "stage/branch1/grad_norm" }, written.Tags.Order());
        AssertGradient(written, "stage/branch0", 7, expected[0].Gradient);
        AssertGradient(written, "stage/branch1", 7, expected[1].Gradient);
        Assert.Equal(0, reg.Skipped + reg.Errors);
        Assert.Equal(1, reg.Logs);
    }

    /// <summary>
    /// The gradient of each named module's output for one batch, on a twin of <paramref name="model"/>
    /// given the same weights: forward, cross-entropy, autograd.grad with respect to the outputs.
    /// </summary>
    private static List<(string Name, float[] Gradient)> ExpectedGradients(nn.Module model, TwoBranchNet twin, Tensor x, Tensor y, params string[] names)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (mine, theirs) in twin.parameters().Zip(model.parameters()))
            {
                mine.copy_(theirs);
            }
        }
        var outputs = new Dictionary<string, Tensor>();
        var removers = names.Select(name => ((nn.Module<Tensor, Tensor>)Models.Sub(twin, name)).register_forward_hook((m, input, o) =>
        {
            outputs[name] = o.alias().MoveToOuterDisposeScope();
            return o;
        })).ToList();
        twin.train();
        var loss = nn.functional.cross_entropy(twin.call(x), y);
        removers.ForEach(r => r.remove());
        var grads = autograd.grad(new[] { loss }, names.Select(n => outputs[n]).ToArray());
        return names.Select((n, i) => (n, Models.Copy(grads[i]).Values)).ToList();
    }

    private static void AssertGradient(WrittenRun written, string name, long step, float[] expected)
    {
        var doubles = Array.ConvertAll(expected, v => (double)v);
        Assert.Equal(HistogramBuilder.Build(doubles), written.HistogramProto(name + "/grad", step));
        using var g = tensor(doubles);
        using var norm = g.pow(2).sum().sqrt();
        double expectedNorm = norm.item<double>();
        Assert.True(expectedNorm > 0, $"{name} at {step}: a zero gradient tests nothing");
        Assert.Equal((float)expectedNorm, (float)written.Scalar(name + "/grad_norm", step).Value);
    }
}
