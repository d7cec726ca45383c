using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Torch.Demo;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Hooks;

/// <summary>When hooks log (call() only, -Every), what they log (histograms, statistics), the -Action, failures, removal and closing.</summary>
public class HookLoggingTests
{
    [TorchFact]
    public void HooksFireThroughCallAndNotThroughForward()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var conv = (nn.Module<Tensor, Tensor>)Models.Sub(net, "stem.conv");
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("stem.conv"), run.Writer, new TbHookOptions()));
        using var x = Steps.Images();
        using (var scope = NewDisposeScope())
        {
            run.Writer.GlobalStep = 0;
            conv.forward(x);
            conv.forward(x);
            Assert.Equal(0, reg.Calls);
            run.Writer.GlobalStep = 1;
            conv.call(x);
            Assert.Equal(1, reg.Calls);
            // the model's own forward() calls its children through call(): the hook fires
            run.Writer.GlobalStep = 2;
            net.forward(x);
            Assert.Equal(2, reg.Calls);
        }
        var written = run.Close();
        Assert.Equal(new long[] { 1, 2 }, written.Images.Select(i => i.Step));
    }

    [TorchTheory]
    [InlineData(1, 0, 8, new long[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData(3, 0, 8, new long[] { 0, 3, 6 })]
    [InlineData(4, 5, 7, new long[] { 8 })]
    [InlineData(10, 1, 5, new long[0])]
    public void EveryNLogsOnlyWhenTheGlobalStepIsAMultipleOfN(long every, long first, int count, long[] logged)
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var regs = ModuleHooks.Register(net, Names.Like("stem", "head.fc"), run.Writer,
            new TbHookOptions { Every = every, Log = TbHookLog.FeatureMap | TbHookLog.Stats });
        using var x = Steps.Images();
        Steps.Forward(net, run.Writer, x, Enumerable.Range(0, count).Select(i => first + i));
        var written = run.Close();

        Assert.All(regs, r =>
        {
            Assert.Equal(count, r.Calls);
            Assert.Equal(logged.Length, r.Logs);
        });
        Assert.Equal(logged, written.Images.Where(i => i.Tag == "stem").Select(i => i.Step).Order());
        Assert.Equal(logged, written.Images.Where(i => i.Tag == "head.fc").Select(i => i.Step).Order());
        Assert.Equal(logged, written.Scalars.Where(s => s.Tag == "stem/mean").Select(s => s.Step).Order());
    }

    [TorchFact]
    public void AModuleCalledTwiceInOneStepLogsOnce()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("fuse"), run.Writer, new TbHookOptions()));
        using var x = Steps.Images();
        Steps.Forward(net, run.Writer, x, new long[] { 0, 0, 1, 1, 1 });
        var written = run.Close();
        Assert.Equal(5, reg.Calls);
        Assert.Equal(2, reg.Logs);
        Assert.Equal(new long[] { 0, 1 }, written.Images.Select(i => i.Step));
    }

    [TorchFact]
    public void HistogramAndStatsEqualHistogramBuilderAndTorchOpsOnTheOutput()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var fuse = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "fuse"), out var removeFuse);
        var fc = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "head.fc"), out var removeFc);
        ModuleHooks.Register(net, Names.Like("fuse", "head.fc"), run.Writer, new TbHookOptions { Log = TbHookLog.Histogram | TbHookLog.Stats });
        using var x = Steps.Images(4);
        Steps.Forward(net, run.Writer, x, new long[] { 6 });
        removeFuse();
        removeFc();
        var written = run.Close();

        Assert.Empty(written.Images);
        foreach (var (tag, captured) in new[] { ("fuse", fuse[0]), ("head.fc", fc[0]) })
        {
            Assert.Equal(HistogramBuilder.Build(Array.ConvertAll(captured.Values, v => (double)v)), written.HistogramProto(tag, 6));
            AssertStats(written, tag, 6, captured);
        }
        // ReLU output: the fraction of zeros is really measured
        Assert.True(written.Scalar("fuse/zero_fraction", 6).Value > 0);
        Assert.Equal(10, written.Scalars.Count);
    }

    [TorchFact]
    public void ATupleOutputGetsHistogramsAndStatsPerBranch()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var b0 = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stage.branch0"), out var remove0);
        var b1 = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stage.branch1"), out var remove1);
        ModuleHooks.Register(net, Names.Like("stage"), run.Writer, new TbHookOptions { Log = TbHookLog.Histogram | TbHookLog.Stats | TbHookLog.FeatureMap });
        using var x = Steps.Images(2);
        Steps.Forward(net, run.Writer, x, new long[] { 1 });
        remove0();
        remove1();
        var written = run.Close();
        Assert.Equal(
            new[] { "stage/branch0", "stage/branch0/max", "stage/branch0/mean", "stage/branch0/min", "stage/branch0/std", "stage/branch0/zero_fraction",
                    "stage/branch1", "stage/branch1/max", "stage/branch1/mean", "stage/branch1/min", "stage/branch1/std", "stage/branch1/zero_fraction" },
            written.Tags.Order());
        Assert.Equal(HistogramBuilder.Build(Array.ConvertAll(b0[0].Values, v => (double)v)), written.HistogramProto("stage/branch0", 1));
        Assert.Equal(HistogramBuilder.Build(Array.ConvertAll(b1[0].Values, v => (double)v)), written.HistogramProto("stage/branch1", 1));
        AssertStats(written, "stage/branch0", 1, b0[0]);
        AssertStats(written, "stage/branch1", 1, b1[0]);
        Assert.Equal(2, written.Images.Count());
    }

    [TorchFact]
    public void TheActionGetsNameInputOutputAndStepOnLoggingStepsOnly()
    {
        using var net = Models.Net();
        using var wrapper = new ModelWrapper(net);
        using var run = new HookRun();
        var stemOut = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stem"), out var remove);
        var calls = new List<(string Name, object? Input, float[] Output, long Step, long WriterStep)>();
        var stageCalls = new List<object?>();
        var regs = ModuleHooks.Register(wrapper, Names.Like("stem"), run.Writer, new TbHookOptions
        {
            Every = 2,
            Log = TbHookLog.None,
            Action = (name, input, output, step) => calls.Add((name, input, Models.Copy((Tensor)output!).Values, step, run.Writer.GlobalStep)),
        });
        ModuleHooks.Register(wrapper, Names.Like("stage"), run.Writer, new TbHookOptions
        {
            Log = TbHookLog.None,
            Action = (name, input, output, step) => stageCalls.Add(output),
        });
        using var x = Steps.Images();
        Steps.Forward(wrapper, run.Writer, x, new long[] { 0, 1, 2, 3, 4 });
        remove();
        var written = run.Close();

        Assert.Equal(new long[] { 0, 2, 4 }, calls.Select(c => c.Step));
        Assert.All(calls, c =>
        {
            Assert.Equal("module.stem", c.Name); // the module's own name; tags drop "module."
            Assert.Same(x, c.Input);             // the stem's input is the batch itself
            Assert.Equal(c.WriterStep, c.Step);
        });
        Assert.Equal(stemOut[0].Values, calls[0].Output);
        Assert.Equal(stemOut[2].Values, calls[1].Output);
        Assert.Equal(stemOut[4].Values, calls[2].Output);
        // a tuple output is handed over as the tuple
        Assert.Equal(5, stageCalls.Count);
        Assert.All(stageCalls, o => Assert.IsType<ValueTuple<Tensor, Tensor>>(o));
        // Log None: only the action ran
        Assert.Empty(written.Values);
        Assert.Empty(written.Scalars);
        var reg = Assert.Single(regs);
        Assert.Equal((5L, 0L, 0L), (reg.Calls, reg.Logs, reg.Errors));
    }

    [TorchFact]
    public void AThrowingActionDoesNotStopTrainingAndIsCountedAndReported()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var trainer = new Trainer(net);
        var data = new ShapesDataset(16, 3);
        int thrown = 0;
        var bad = Assert.Single(ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions
        {
            Action = (_, _, _, step) => throw new InvalidDataException($"broken at {step} ({++thrown})"),
        }));
        var good = Assert.Single(ModuleHooks.Register(net, Names.Like("fuse"), run.Writer, new TbHookOptions()));
        var losses = new List<double>();
        for (int step = 0; step < 4; step++)
        {
            run.Writer.GlobalStep = step;
            using var x = data.Images(step * 4, 4);
            using var y = data.Labels(step * 4, 4);
            losses.Add(trainer.Step(x, y).Loss);
        }

        Assert.Equal(4, thrown);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.Equal((4L, 4L, 0L), (bad.Calls, bad.Errors, bad.Logs));
        Assert.True(bad.IsRegistered);
        var last = Assert.IsType<InvalidDataException>(bad.LastError);
        Assert.Equal("broken at 3 (4)", last.Message);
        Assert.Equal((4L, 0L), (good.Logs, good.Errors));

        var reported = run.Writer.TakeFeedErrors();
        Assert.Equal(4, reported.Count);
        Assert.All(reported, e =>
        {
            Assert.IsType<InvalidOperationException>(e);
            Assert.Contains("'stem'", e.Message);
            Assert.IsType<InvalidDataException>(e.InnerException);
        });
        Assert.Equal("broken at 0 (1)", reported[0].InnerException!.Message);
        Assert.Empty(run.Writer.TakeFeedErrors()); // each handed out once

        var written = run.Close();
        Assert.Equal(new long[] { 0, 1, 2, 3 }, written.Images.Where(i => i.Tag == "fuse").Select(i => i.Step));
        Assert.DoesNotContain(written.Images, i => i.Tag == "stem");
    }

    [TorchFact]
    public void AFailureOnTheHookWorkerIsCountedAndReportedToo()
    {
        // A 2-D output 9000 wide cannot become an image (8192 pixels a side at most): the worker fails.
        using var model = nn.Sequential(("wide", nn.Linear(4, 9000)), ("narrow", nn.Linear(9000, 3)));
        using var run = new HookRun();
        var regs = ModuleHooks.Register(model, Names.Like("*"), run.Writer, new TbHookOptions());
        using var x = ones(2, 4);
        Steps.Forward(model, run.Writer, x, new long[] { 0, 1 });
        var written = run.Close();

        var wide = regs.Single(r => r.Name == "wide");
        var narrow = regs.Single(r => r.Name == "narrow");
        Assert.Equal(2, wide.Errors);
        Assert.IsType<Core.Imaging.ImageFormatException>(wide.LastError);
        Assert.Equal(0, narrow.Errors);
        var reported = run.Writer.TakeFeedErrors();
        Assert.Equal(2, reported.Count);
        Assert.All(reported, e => Assert.Contains("'wide'", e.Message));
        Assert.Equal(new long[] { 0, 1 }, written.Images.Select(i => i.Step));
        Assert.All(written.Images, i => Assert.Equal("narrow", i.Tag));
    }

    [TorchFact]
    public void AnActionMayRemoveItsOwnHook()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        TbHookRegistration? self = null;
        self = Assert.Single(ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions
        {
            Action = (_, _, _, _) => self!.Remove(), // log once, then stop
        }));
        var other = Assert.Single(ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions { Log = TbHookLog.Stats }));
        using var x = Steps.Images();
        Steps.Forward(net, run.Writer, x, new long[] { 0, 1, 2 });
        var written = run.Close();

        Assert.False(self.IsRegistered);
        Assert.Equal((1L, 0L), (self.Calls, self.Errors));
        Assert.Equal(3, other.Calls);
        Assert.Equal(new long[] { 0 }, written.Images.Select(i => i.Step));
    }

    [TorchFact]
    public void RemoveStopsTheHook()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var regs = ModuleHooks.Register(net, Names.Like("stem", "fuse"), run.Writer, new TbHookOptions());
        var stem = regs.Single(r => r.Name == "stem");
        var fuse = regs.Single(r => r.Name == "fuse");
        using var x = Steps.Images();
        Steps.Forward(net, run.Writer, x, new long[] { 0, 1 });
        stem.Remove();
        Assert.False(stem.IsRegistered);
        Assert.DoesNotContain(stem, ModuleHooks.Registrations);
        Assert.Contains(fuse, ModuleHooks.Registrations);
        Steps.Forward(net, run.Writer, x, new long[] { 2, 3, 4 });
        stem.Remove(); // twice is fine
        var written = run.Close();

        Assert.Equal((2L, 2L), (stem.Calls, stem.Logs));
        Assert.Equal((5L, 5L), (fuse.Calls, fuse.Logs));
        Assert.Equal(new long[] { 0, 1 }, written.Images.Where(i => i.Tag == "stem").Select(i => i.Step));
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, written.Images.Where(i => i.Tag == "fuse").Select(i => i.Step));
    }

    [TorchFact]
    public void ClosingTheWriterRemovesItsHooksAndWritesEverythingTheyQueued()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        using var other = new HookRun();
        var regs = ModuleHooks.Register(net, Names.Like("stem", "stage", "fuse", "stage.branch1.conv"), run.Writer, new TbHookOptions());
        var stats = ModuleHooks.Register(net, Names.Like("head.fc"), run.Writer, new TbHookOptions { Log = TbHookLog.Histogram | TbHookLog.Stats });
        var elsewhere = Assert.Single(ModuleHooks.Register(net, Names.Like("stem"), other.Writer, new TbHookOptions()));
        const int steps = 60;
        using var x = Steps.Images(8);
        Steps.Forward(net, run.Writer, x, Enumerable.Range(0, steps).Select(i => (long)i));
        var written = run.Close(); // right away: the hook worker may still hold work

        Assert.All(regs.Concat(stats), r =>
        {
            Assert.False(r.IsRegistered);
            Assert.DoesNotContain(r, ModuleHooks.Registrations);
        });
        Assert.True(elsewhere.IsRegistered); // another writer's hooks stay
        foreach (string tag in new[] { "stem", "stage/branch0", "stage/branch1", "fuse", "stage.branch1.conv" })
        {
            Assert.Equal(Enumerable.Range(0, steps).Select(i => (long)i), written.Images.Where(i => i.Tag == tag).Select(i => i.Step).Order());
        }
        Assert.Equal(steps, written.Histograms.Count());
        Assert.Equal(5 * steps, written.Scalars.Count);

        // after closing, training goes on without the hooks
        Steps.Forward(net, run.Writer, x, new long[] { steps });
        Assert.All(regs, r => Assert.Equal(steps, r.Calls));
        Assert.Equal(steps + 1, elsewhere.Calls);
        Assert.Empty(run.Writer.TakeFeedErrors());
    }

    [TorchFact]
    public void HooksLeaveNoTensorAliveOnTheTrainingThread()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        ModuleHooks.Register(net, Names.Like("stem", "stage", "head.fc"), run.Writer,
            new TbHookOptions { Log = TbHookLog.FeatureMap | TbHookLog.Histogram | TbHookLog.Stats, Action = (_, _, _, _) => { } });
        ModuleHooks.Register(net, Names.Like("fuse"), run.Writer, new TbHookOptions { Kind = TbHookKind.ForwardPre, Log = TbHookLog.Histogram });
        using var x = Steps.Images();
        Steps.Forward(net, run.Writer, x, new long[] { 0 }); // warm-up

        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Steps.Forward(net, run.Writer, x, Enumerable.Range(1, 20).Select(i => (long)i));
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        run.Close();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>mean, std (unbiased), min, max and the fraction of zeros, computed with torch ops, as the float32 the writer keeps.</summary>
    private static void AssertStats(WrittenRun written, string tag, long step, (long[] Shape, float[] Values) captured)
    {
        using var scope = NewDisposeScope();
        var t = tensor(captured.Values, captured.Shape);
        var d = t.to_type(ScalarType.Float64);
        Assert.Equal((float)d.mean().item<double>(), (float)written.Scalar(tag + "/mean", step).Value);
        Assert.Equal((float)d.std(true).item<double>(), (float)written.Scalar(tag + "/std", step).Value);
        Assert.Equal(t.min().item<float>(), (float)written.Scalar(tag + "/min", step).Value);
        Assert.Equal(t.max().item<float>(), (float)written.Scalar(tag + "/max", step).Value);
        Assert.Equal((float)(t.eq(0).sum().item<long>() / (double)t.numel()), (float)written.Scalar(tag + "/zero_fraction", step).Value);
    }
}
