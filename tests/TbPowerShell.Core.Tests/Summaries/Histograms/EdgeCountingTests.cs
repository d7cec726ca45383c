using TbPowerShell.Tests.Shared;
using TbPowerShell.Core.Summaries;
using Xunit;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// The explicit-edge counter takes three routes (a count for few edges, a branch-free binary search,
/// a logarithmic guess for the TensorFlow edges); each must count exactly what the definition says:
/// bin i holds [edges[i], edges[i+1]), the last bin also its right edge, nothing outside.
/// </summary>
public sealed class EdgeCountingTests
{
    private static long[] ByDefinition(double[] values, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        foreach (double v in values)
        {
            for (int i = 0; i < counts.Length; i++)
            {
                bool last = i == counts.Length - 1;
                if (edges[i] <= v && (v < edges[i + 1] || (last && v == edges[i + 1])))
                {
                    counts[i]++;
                    break;
                }
            }
        }
        return counts;
    }

    // Every edge, the doubles either side of it, and the midpoints between edges.
    private static double[] Probes(double[] edges)
    {
        var probes = new List<double>();
        for (int i = 0; i < edges.Length; i++)
        {
            probes.AddRange([edges[i], Math.BitDecrement(edges[i]), Math.BitIncrement(edges[i])]);
            if (i > 0)
            {
                probes.Add(edges[i - 1] / 2 + edges[i] / 2);
            }
        }
        probes.AddRange([0.0, -0.0, 1e-300, -1e-300, 1e-13, -1e-13, 1e19, -1e19, 1e20, -1e20, 1e300, -1e300]);
        return probes.ToArray();
    }

    [Fact]
    public void TensorflowEdgesByGuessAndBySearchCountByDefinition()
    {
        double[] edges = HistogramBins.TensorFlow.Edges.ToArray();
        double[] probes = Probes(edges);
        long[] expected = ByDefinition(probes, edges);

        var guessed = new long[edges.Length - 1];
        NumpyHistogram.CountByEdges(probes, edges, guessed, tensorFlowEdges: true);
        var searched = new long[edges.Length - 1];
        NumpyHistogram.CountByEdges(probes, edges, searched, tensorFlowEdges: false);

        Assert.Equal(expected, guessed);
        Assert.Equal(expected, searched);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    public void ExplicitEdgesCountByDefinition(int edgeCount)
    {
        var rng = new LegacyRandomState((uint)edgeCount);
        double[] edges = rng.Uniform(-10, 10, edgeCount).Order().Distinct().ToArray();
        double[] values = [.. rng.Uniform(-12, 12, 2000), .. Probes(edges)];

        var counts = new long[edges.Length - 1];
        NumpyHistogram.CountByEdges(values, edges, counts);

        Assert.Equal(ByDefinition(values, edges), counts);
    }

    [Fact]
    public void UniformBinsCountLikeExplicitEdgesAtTheirLinspaceEdges()
    {
        // numpy's fast path with its corrections agrees with searching its own edges, here on
        // awkward steps (a third, a seventh) and values on and beside every edge.
        foreach (int bins in new[] { 3, 7, 10, 49 })
        {
            var edges = new double[bins + 1];
            NumpyHistogram.Linspace(-1.1, 2.3, edges);
            double[] values = [.. new LegacyRandomState((uint)bins).Uniform(-1.1, 2.3, 1000),
                .. Probes(edges).Where(v => v >= -1.1 && v <= 2.3)];

            var uniform = new long[bins];
            NumpyHistogram.CountUniform(values, -1.1, 2.3, edges, uniform);

            Assert.Equal(ByDefinition(values, edges), uniform);
        }
    }
}
