using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Torch.Demo;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Hooks;

/// <summary>Which modules a name picks (nested names, wildcards, a wrapper's <c>module.</c>) and what each kind of output gives.</summary>
public class HookSelectionTests
{
    private static readonly string[] AllNames =
    {
        "stem", "stem.conv", "stem.relu",
        "stage", "stage.branch0", "stage.branch0.conv", "stage.branch0.relu",
        "stage.branch1", "stage.branch1.pool", "stage.branch1.conv", "stage.branch1.relu",
        "fuse", "fuse.conv", "fuse.relu",
        "head", "head.pool", "head.flatten", "head.fc",
    };

    [TorchFact]
    public void TheDemoModelNamesItsNestedModulesAndNotTheRoot()
    {
        using var net = Models.Net();
        Assert.Equal(AllNames.Order(), net.named_modules().Select(m => m.name).Order());
        Assert.Equal(AllNames.Order(), ModuleHooks.Find(net, _ => true).Select(m => m.Name).Order());
    }

    [TorchTheory]
    [InlineData("stage*", new[] { "stage", "stage.branch0", "stage.branch0.conv", "stage.branch0.relu", "stage.branch1", "stage.branch1.pool", "stage.branch1.conv", "stage.branch1.relu" })]
    [InlineData("*.conv", new[] { "stem.conv", "stage.branch0.conv", "stage.branch1.conv", "fuse.conv" })]
    [InlineData("stage.branch?", new[] { "stage.branch0", "stage.branch1" })]
    [InlineData("head.fc", new[] { "head.fc" })]
    [InlineData("stage", new[] { "stage" })]
    [InlineData("*relu", new[] { "stem.relu", "stage.branch0.relu", "stage.branch1.relu", "fuse.relu" })]
    [InlineData("conv", new string[0])]
    [InlineData("", new string[0])]
    public void WildcardsPickModulesByDottedName(string pattern, string[] expected)
    {
        using var net = Models.Net();
        Assert.Equal(expected.Order(), ModuleHooks.Find(net, Names.Like(pattern)).Select(m => m.Name).Order());
    }

    [TorchFact]
    public void RegisteringGivesOneRegistrationPerModuleWithItsTypeOptionsAndWriter()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var options = new TbHookOptions { Log = TbHookLog.Histogram | TbHookLog.Stats, Every = 5 };
        var regs = ModuleHooks.Register(net, Names.Like("*.conv", "stage", "head.fc"), run.Writer, options);

        Assert.Equal(new[] { "fuse.conv", "head.fc", "stage", "stage.branch0.conv", "stage.branch1.conv", "stem.conv" },
                     regs.Select(r => r.Name).Order());
        Assert.Equal("Conv2d", regs.Single(r => r.Name == "stem.conv").ModuleType);
        Assert.Equal("TwoBranchStage", regs.Single(r => r.Name == "stage").ModuleType);
        Assert.Equal("Linear", regs.Single(r => r.Name == "head.fc").ModuleType);
        Assert.All(regs, r =>
        {
            Assert.Equal(r.Name, r.TagPrefix);
            Assert.Equal(TbHookKind.Forward, r.Kind);
            Assert.Equal(TbHookLog.Histogram | TbHookLog.Stats, r.Log);
            Assert.Equal(5, r.Every);
            Assert.Same(run.Writer, r.Writer);
            Assert.True(r.IsRegistered);
            Assert.Equal(0, r.Calls + r.Logs + r.Skipped + r.Errors);
            Assert.Null(r.LastError);
            Assert.Contains(r, ModuleHooks.Registrations);
        });
    }

    [TorchFact]
    public void EveryBelow1IsRejected()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        Assert.Throws<ArgumentOutOfRangeException>(() => ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions { Every = 0 }));
        Assert.DoesNotContain(ModuleHooks.Registrations, r => r.Writer == run.Writer);
    }

    [TorchFact]
    public void AWrapperHoldingTheModelAsModuleIsMatchedWithoutModuleAndTaggedWithoutIt()
    {
        using var net = Models.Net();
        using var wrapper = new ModelWrapper(net);
        Assert.Contains("module.stage", wrapper.named_modules().Select(m => m.name));

        Assert.Equal(new[] { "module.stage" }, ModuleHooks.Find(wrapper, Names.Like("stage")).Select(m => m.Name));
        Assert.Equal(new[] { "module.stage" }, ModuleHooks.Find(wrapper, Names.Like("module.stage")).Select(m => m.Name));
        Assert.Equal(new[] { "module.fuse.conv", "module.stage.branch0.conv", "module.stage.branch1.conv", "module.stem.conv" },
                     ModuleHooks.Find(wrapper, Names.Like("*.conv")).Select(m => m.Name).Order());

        using var run = new HookRun();
        var regs = ModuleHooks.Register(wrapper, Names.Like("stage", "head.fc"), run.Writer, new TbHookOptions());
        Assert.Equal(new[] { ("module.head.fc", "head.fc"), ("module.stage", "stage") },
                     regs.Select(r => (r.Name, r.TagPrefix)).Order());
        using var x = Steps.Images();
        Steps.Forward(wrapper, run.Writer, x, new long[] { 3 });
        var written = run.Close();
        Assert.Equal(new[] { "head.fc", "stage/branch0", "stage/branch1" }, written.Images.Select(i => i.Tag).Order());
        Assert.All(written.Images, i => Assert.Equal(3, i.Step));
    }

    [TorchFact]
    public void ATupleReturningStageGivesOneGridPerBranchEqualToTheRecipe()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var branch0 = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stage.branch0"), out var remove0);
        var branch1 = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stage.branch1"), out var remove1);
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("stage"), run.Writer, new TbHookOptions()));
        using var x = Steps.Images(3);
        Steps.Forward(net, run.Writer, x, new long[] { 0 });
        remove0();
        remove1();
        var written = run.Close();

        Assert.Equal(1, reg.Calls);
        Assert.Equal(1, reg.Logs);
        Assert.Equal(0, reg.Skipped);
        Assert.Equal(new[] { "stage/branch0", "stage/branch1" }, written.Images.Select(i => i.Tag).Order());
        // branch0: 8 maps of 16×16 in one row; branch1: 16 maps of 8×8 in two rows of 8.
        var image0 = written.Image("stage/branch0", 0);
        Assert.Equal((2 + 8 * 18, 2 + 18, 1), (image0.Width, image0.Height, image0.Channels));
        var image1 = written.Image("stage/branch1", 0);
        Assert.Equal((2 + 8 * 10, 2 + 2 * 10, 1), (image1.Width, image1.Height, image1.Channels));
        Assert.Equal(new long[] { 3, 8, 16, 16 }, Assert.Single(branch0).Shape);
        Assert.Equal(new long[] { 3, 16, 8, 8 }, Assert.Single(branch1).Shape);
        Recipe.Equal(Recipe.FeatureMapGrid(branch0[0].Values, branch0[0].Shape, 0), Recipe.Decode(image0));
        Recipe.Equal(Recipe.FeatureMapGrid(branch1[0].Values, branch1[0].Shape, 0), Recipe.Decode(image1));
    }

    [TorchFact]
    public void A2dOutputIsDrawnAsOneRow()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var fc = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "head.fc"), out var remove);
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("head.fc"), run.Writer, new TbHookOptions { Sample = 1 }));
        using var x = Steps.Images(3);
        Steps.Forward(net, run.Writer, x, new long[] { 2 });
        remove();
        var written = run.Close();

        var image = written.Image("head.fc", 2);
        Assert.Equal((4, 1, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal(new long[] { 3, 4 }, fc[0].Shape);
        var expected = Recipe.Row(fc[0].Values, 1, 4);
        Recipe.Equal(expected, Recipe.Decode(image));
        // normalised: the smallest score is black, the largest white
        Assert.Contains((byte)0, expected.Cast<byte>());
        Assert.Contains((byte)255, expected.Cast<byte>());
        Assert.Equal((1, 1, 0), (reg.Calls, reg.Logs, reg.Skipped));
    }

    [TorchFact]
    public void OutputsOfOtherRanksAreCountedAsSkippedAndNotDrawn()
    {
        using var model = nn.Sequential(("fc", nn.Linear(4, 3)));
        using var run = new HookRun();
        var reg = Assert.Single(ModuleHooks.Register(model, Names.Like("fc"), run.Writer, new TbHookOptions()));
        using (var scope = NewDisposeScope())
        {
            run.Writer.GlobalStep = 0;
            model.call(ones(4));          // rank 1
            run.Writer.GlobalStep = 1;
            model.call(ones(2, 5, 4));    // rank 3
            run.Writer.GlobalStep = 2;
            model.call(ones(new long[] { 1, 2, 3, 5, 4 })); // rank 5
            run.Writer.GlobalStep = 3;
            model.call(ones(0, 4));       // an empty batch
            run.Writer.GlobalStep = 4;
            model.call(ones(2, 4));       // rank 2: drawn
        }
        var written = run.Close();
        Assert.Equal(5, reg.Calls);
        Assert.Equal(4, reg.Skipped);
        Assert.Equal(1, reg.Logs);
        Assert.Equal(0, reg.Errors);
        Assert.Equal(4, Assert.Single(written.Images).Step);
    }

    [TorchFact]
    public void ForwardPreLogsTheInput()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var stem = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stem"), out var remove);
        var reg = Assert.Single(ModuleHooks.Register(net, Names.Like("stage.branch0"), run.Writer,
            new TbHookOptions { Kind = TbHookKind.ForwardPre, Log = TbHookLog.FeatureMap | TbHookLog.Histogram }));
        using var x = Steps.Images(2);
        Steps.Forward(net, run.Writer, x, new long[] { 1 });
        remove();
        var written = run.Close();

        Assert.Equal(TbHookKind.ForwardPre, reg.Kind);
        // the input of stage.branch0 is the output of stem
        Recipe.Equal(Recipe.FeatureMapGrid(stem[0].Values, stem[0].Shape, 0), Recipe.Decode(written.Image("stage.branch0", 1)));
        Assert.Equal(Core.Summaries.HistogramBuilder.Build(Array.ConvertAll(stem[0].Values, v => (double)v)),
                     written.HistogramProto("stage.branch0", 1));
    }

    [TorchFact]
    public void AModuleThatCannotBeHookedFailsTheWholeRegistrationAndLeavesNoHookBehind()
    {
        using var model = new LinearThenBilinear();
        using var run = new HookRun();
        Assert.Equal(new[] { "a", "b" }, model.named_modules().Select(m => m.name).Order());
        var e = Assert.Throws<ArgumentException>(() => ModuleHooks.Register(model, _ => true, run.Writer, new TbHookOptions()));
        Assert.Contains("'b'", e.Message);
        Assert.DoesNotContain(ModuleHooks.Registrations, r => r.Writer == run.Writer);

        // No hook may be left on 'a' that nobody can see or remove: it would log forever.
        using (var scope = NewDisposeScope())
        {
            model.call(ones(2, 3));
        }
        var written = run.Close();
        Assert.Empty(written.Images);
        Assert.Empty(run.Writer.TakeFeedErrors());
    }

    /// <summary>A Linear (hookable) and then a Bilinear (two inputs: not hookable).</summary>
    private sealed class LinearThenBilinear : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> a = nn.Linear(3, 3);
        private readonly TorchSharp.Modules.Bilinear b = nn.Bilinear(3, 3, 2);

        public LinearThenBilinear() : base(nameof(LinearThenBilinear)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var h = a.call(input);
            return b.call(h, h);
        }
    }
}
