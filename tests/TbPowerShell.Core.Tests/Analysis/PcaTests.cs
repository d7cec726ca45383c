using TbPowerShell.Core.Analysis;

namespace TbPowerShell.Core.Tests.Analysis;

public sealed class PcaTests
{
    [Fact]
    public void PointsBuiltFromKnownAxesProjectOntoThoseAxesWithTheirVariances()
    {
        // Points = mean + a * u + b * v with u, v orthonormal in 3-D and known spreads: PCA must find u then v.
        double[] u = { 2 / 3.0, 2 / 3.0, 1 / 3.0 };
        double[] v = { -2 / 3.0, 1 / 3.0, 2 / 3.0 };
        double[] mean = { 5, -1, 2 };
        double[] a = { -3, -1, 1, 3, -3, -1, 1, 3 };
        double[] b = { -1, -1, -1, -1, 1, 1, 1, 1 };
        var points = a.Select((ai, i) => mean.Select((m, d) => m + (ai * u[d]) + (b[i] * v[d])).ToArray()).ToList();
        var pca = Pca.Project(points, 2);
        Assert.Equal(a.Sum(x => x * x) / 7, pca.Variances[0], 10);
        Assert.Equal(b.Sum(x => x * x) / 7, pca.Variances[1], 10);
        Assert.Equal(pca.Variances.Sum(), pca.TotalVariance, 10);
        for (int d = 0; d < 3; d++)
        {
            Assert.Equal(u[d], pca.Components[0][d], 10);
            // v's largest entry is negative: the sign is flipped so the largest entry is positive.
            Assert.Equal(-v[d], pca.Components[1][d], 10);
        }
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], pca.Coordinates[i][0], 10);
            Assert.Equal(-b[i], pca.Coordinates[i][1], 10);
        }
    }

    [Fact]
    public void AKnownCovarianceGivesItsEigenvalues()
    {
        // Covariance [[2, 1], [1, 2]] has eigenvalues 3 and 1 on (1, 1) and (1, -1): four points that make exactly that covariance.
        double s = 1.5;
        var points = new List<double[]>
        {
            new[] { s, s }, new[] { -s, -s }, new[] { Math.Sqrt(0.75), -Math.Sqrt(0.75) }, new[] { -Math.Sqrt(0.75), Math.Sqrt(0.75) },
        };
        var pca = Pca.Project(points, 5);
        Assert.Equal(2, pca.Components.Length);
        Assert.Equal(3.0, pca.Variances[0], 10);
        Assert.Equal(1.0, pca.Variances[1], 10);
        Assert.Equal(Math.Sqrt(0.5), pca.Components[0][0], 10);
        Assert.Equal(Math.Sqrt(0.5), pca.Components[0][1], 10);
    }

    [Fact]
    public void RowsWithNaNTakeNoPartAndProjectToNaN()
    {
        var points = new List<double[]> { new double[] { 0, 0 }, new double[] { 2, 0 }, new[] { double.NaN, 1 } };
        var pca = Pca.Project(points, 2);
        Assert.Equal(2.0, pca.Variances[0], 10);
        Assert.Equal(new[] { -1.0, 1.0 }, new[] { pca.Coordinates[0][0], pca.Coordinates[1][0] });
        Assert.True(double.IsNaN(pca.Coordinates[2][0]));
    }

    [Fact]
    public void OneDimensionGivesOneComponentAndNoPointsGiveNone()
    {
        var one = Pca.Project(new List<double[]> { new double[] { 1 }, new double[] { 3 } }, 2);
        Assert.Single(one.Components);
        Assert.Equal(new[] { -1.0, 1.0 }, one.Coordinates.Select(c => c[0]));
        var none = Pca.Project(new List<double[]>(), 2);
        Assert.Empty(none.Coordinates);
        Assert.Empty(none.Components);
    }
}
