using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// Rebuilds every histogram of the PyTorch reference run from the inputs <c>make_fixtures.py</c>
/// states, and compares with what PyTorch wrote: bit for bit, sums included (the fixtures were made
/// with numpy 1.24 on reference BLAS, whose summation orders the builder follows).
/// </summary>
public sealed class FixtureParityTests
{
    [Fact]
    public void IntsMatchPytorchWithTensorflowBins()
    {
        HistogramProto built = HistogramBuilder.Build(HistogramFixtures.Ints(), HistogramBins.TensorFlow);

        HistogramAssert.Same(HistogramFixtures.FromJsonl("ints"), built);
        Assert.Equal(HistogramFixtures.FromEventFile("ints"), built);
    }

    [Fact]
    public void ConstantMatchesPytorchWithTensorflowBins()
    {
        HistogramProto built = HistogramBuilder.Build(HistogramFixtures.Constant(), HistogramBins.Parse("tensorflow"));

        HistogramAssert.Same(HistogramFixtures.FromJsonl("constant"), built);
        Assert.Equal(HistogramFixtures.FromEventFile("constant"), built);
    }

    [Fact]
    public void RawMatchesPytorchAddHistogramRaw()
    {
        HistogramProto built = HistogramBuilder.Raw(min: -1.0, max: 3.0, num: 10, sum: 7.0, sumSquares: 19.0,
            bucketLimits: [-0.5, 0.5, 1.5, 3.0], bucketCounts: [1, 4, 3, 2]);

        HistogramAssert.Same(HistogramFixtures.FromJsonl("raw"), built);
        Assert.Equal(HistogramFixtures.FromEventFile("raw"), built);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void NormalDrawsMatchPytorchWithTensorflowBins(int step)
    {
        double[] values = HistogramFixtures.RandomInputs().Normal[step];

        HistogramProto built = HistogramBuilder.Build(values, HistogramBins.TensorFlow);

        HistogramAssert.Same(HistogramFixtures.FromJsonl("normal", step), built);
        Assert.Equal(HistogramFixtures.FromEventFile("normal", step), built);
    }

    [Fact]
    public void UniformDrawsMatchPytorchWithAutoBins()
    {
        double[] values = HistogramFixtures.RandomInputs().Uniform;

        HistogramProto built = HistogramBuilder.Build(values, HistogramBins.Parse("auto"));

        HistogramAssert.Same(HistogramFixtures.FromJsonl("uniform_auto_bins"), built);
        Assert.Equal(HistogramFixtures.FromEventFile("uniform_auto_bins"), built);
    }

    [Fact]
    public void TheJsonlAndTheEventFileAgree()
    {
        foreach ((string tag, int steps) in new[] { ("normal", 5), ("uniform_auto_bins", 1), ("ints", 1), ("constant", 1), ("raw", 1) })
        {
            for (int i = 0; i < steps; i++)
            {
                HistogramAssert.Same(HistogramFixtures.FromJsonl(tag, i), HistogramFixtures.FromEventFile(tag, i));
            }
        }
    }
}
