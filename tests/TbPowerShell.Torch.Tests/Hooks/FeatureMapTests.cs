using TbPowerShell.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Hooks;

/// <summary>
/// The feature-map grid written by a hook equals the recipe done by hand from the tensor's values:
/// output[sample], each channel min-max normalised (constant → 0), tiled as make_grid(nrow 8, padding 2).
/// </summary>
public class FeatureMapTests
{
    [TorchTheory]
    [InlineData(0)]
    [InlineData(2)]
    public void TheStemGridIsTheRecipeForTheChosenSample(int sample)
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var stem = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stem"), out var remove);
        ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions { Sample = sample });
        using var x = Steps.Images(3);
        Steps.Forward(net, run.Writer, x, new long[] { 4 });
        remove();
        var image = run.Close().Image("stem", 4);

        Assert.Equal((146, 20, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal("png", image.Format);
        var expected = Recipe.FeatureMapGrid(stem[0].Values, stem[0].Shape, sample);
        Recipe.Equal(expected, Recipe.Decode(image));
        // the padding is black and every map spans black to white
        Assert.All(Enumerable.Range(0, 146), col => Assert.Equal(0, expected[0, col]));
        for (int k = 0; k < 8; k++)
        {
            var cell = Enumerable.Range(2, 16).SelectMany(r => Enumerable.Range(2 + 18 * k, 16).Select(c => expected[r, c])).ToArray();
            Assert.True(cell.Max() == 255 || cell.All(v => v == 0), $"map {k}");
        }
    }

    [TorchFact]
    public void SamplesDifferSoTheChosenOneIsReallyUsed()
    {
        using var net = Models.Net();
        var stem = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stem"), out var remove);
        using var x = Steps.Images(3);
        using (var scope = NewDisposeScope())
        {
            net.call(x);
        }
        remove();
        var a = Recipe.FeatureMapGrid(stem[0].Values, stem[0].Shape, 0);
        var b = Recipe.FeatureMapGrid(stem[0].Values, stem[0].Shape, 2);
        Assert.NotEqual(a.Cast<byte>(), b.Cast<byte>());
    }

    [TorchFact]
    public void ASamplePastTheBatchShowsTheLastOne()
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var stem = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stem"), out var remove);
        ModuleHooks.Register(net, Names.Like("stem"), run.Writer, new TbHookOptions { Sample = 9 });
        using var x = Steps.Images(2);
        Steps.Forward(net, run.Writer, x, new long[] { 0 });
        remove();
        Recipe.Equal(Recipe.FeatureMapGrid(stem[0].Values, stem[0].Shape, 1), Recipe.Decode(run.Close().Image("stem", 0)));
    }

    [TorchTheory]
    [InlineData(1, 8, 8)]       // one map: no padding, as make_grid returns a single image as it is
    [InlineData(4, 2 + 4 * 10, 2 + 10)]
    [InlineData(9, 2 + 8 * 10, 2 + 2 * 10)]
    [InlineData(64, 2 + 8 * 10, 2 + 2 * 10)] // 16 maps only
    public void MaxChannelsCapsTheMapsDrawn(int maxChannels, int width, int height)
    {
        using var net = Models.Net();
        using var run = new HookRun();
        var branch1 = Models.CaptureOutputs((nn.Module<Tensor, Tensor>)Models.Sub(net, "stage.branch1"), out var remove);
        ModuleHooks.Register(net, Names.Like("stage.branch1"), run.Writer, new TbHookOptions { MaxChannels = maxChannels });
        using var x = Steps.Images(2);
        Steps.Forward(net, run.Writer, x, new long[] { 0 });
        remove();
        var image = run.Close().Image("stage.branch1", 0);
        Assert.Equal((width, height), (image.Width, image.Height));
        Recipe.Equal(Recipe.FeatureMapGrid(branch1[0].Values, branch1[0].Shape, 0, maxChannels), Recipe.Decode(image));
    }

    [TorchFact]
    public void AConstantMapBecomesBlackAndTheOthersAreNormalisedOnTheirOwn()
    {
        // Three 1×1 convolutions of one input: ×1, a constant 0.7, ×(-2) + 5.
        using var conv = nn.Conv2d(1, 3, 1);
        using (no_grad())
        {
            conv.weight!.copy_(tensor(new[] { 1f, 0f, -2f }, new long[] { 3, 1, 1, 1 }));
            conv.bias!.copy_(tensor(new[] { 0f, 0.7f, 5f }));
        }
        using var model = nn.Sequential(("conv", conv));
        using var run = new HookRun();
        ModuleHooks.Register(model, Names.Like("conv"), run.Writer, new TbHookOptions());
        var input = new float[25];
        for (int i = 0; i < 25; i++) input[i] = (i * 7 % 25) / 10f - 1f; // -1 .. 1.4, not monotonic
        using var x = tensor(input, new long[] { 1, 1, 5, 5 });
        var captured = Models.CaptureOutputs(model, out var remove);
        Steps.Forward(model, run.Writer, x, new long[] { 0 });
        remove();
        var image = run.Close().Image("conv", 0);

        var expected = Recipe.FeatureMapGrid(captured[0].Values, captured[0].Shape, 0);
        Recipe.Equal(expected, Recipe.Decode(image));
        Assert.Equal((2 + 3 * 7, 2 + 7), (image.Width, image.Height));
        float max = 24 / 10f - 1f;
        for (int r = 2; r < 7; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                float v = input[(r - 2) * 5 + c];
                // map 0 is the input itself; map 1 is constant: black; map 2 is the input upside down
                Assert.Equal((byte)Math.Clamp((v + 1f) / (max + 1f) * 255f, 0f, 255f), expected[r, 2 + c]);
                Assert.Equal(0, expected[r, 9 + c]);
                Assert.Equal(255 - expected[r, 2 + c], expected[r, 16 + c], 1.0);
            }
        }
    }
}
