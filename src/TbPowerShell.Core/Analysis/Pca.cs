namespace TbPowerShell.Core.Analysis;

/// <summary>A projection of points onto their principal components.</summary>
/// <param name="Coordinates">A row per point: its coordinate on each component (points with a non-finite number get NaN).</param>
/// <param name="Variances">The variance along each component, largest first.</param>
/// <param name="Components">The components: unit vectors of the input's dimension.</param>
/// <param name="TotalVariance">The variance of all dimensions together (the sum of the covariance's diagonal).</param>
public sealed record PcaResult(double[][] Coordinates, double[] Variances, double[][] Components, double TotalVariance);

/// <summary>
/// Principal component analysis, as TensorBoard's projector shows a first view: centre the points, take the
/// covariance's leading eigenvectors, project. Pure and deterministic: eigenvectors from the symmetric Jacobi
/// method, each component's sign fixed so that its largest entry is positive.
/// </summary>
public static class Pca
{
    /// <summary>Projects <paramref name="points"/> (rows of equal length) onto their first <paramref name="components"/> principal components.</summary>
    /// <remarks>Rows with a NaN or infinite number take no part in the mean or covariance and project to NaN.</remarks>
    public static PcaResult Project(IReadOnlyList<double[]> points, int components)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (components < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, "At least one component.");
        }
        int dim = points.Count == 0 ? 0 : points[0].Length;
        foreach (var row in points)
        {
            if (row.Length != dim)
            {
                throw new ArgumentException($"Every point must have {dim} numbers; one has {row.Length}.", nameof(points));
            }
        }
        int k = Math.Min(components, dim);
        var finite = points.Select(r => r.All(double.IsFinite)).ToArray();
        int used = finite.Count(f => f);
        var mean = new double[dim];
        for (int i = 0; i < points.Count; i++)
        {
            if (finite[i])
            {
                for (int d = 0; d < dim; d++)
                {
                    mean[d] += points[i][d];
                }
            }
        }
        for (int d = 0; d < dim; d++)
        {
            mean[d] = used == 0 ? 0 : mean[d] / used;
        }
        var cov = new double[dim, dim];
        var centred = new double[dim];
        for (int i = 0; i < points.Count; i++)
        {
            if (!finite[i])
            {
                continue;
            }
            // Centred once per row, then the upper triangle of the outer product.
            var row = points[i];
            for (int d = 0; d < dim; d++)
            {
                centred[d] = row[d] - mean[d];
            }
            for (int a = 0; a < dim; a++)
            {
                double da = centred[a];
                for (int b = a; b < dim; b++)
                {
                    cov[a, b] += da * centred[b];
                }
            }
        }
        double divisor = Math.Max(used - 1, 1);
        double total = 0;
        for (int a = 0; a < dim; a++)
        {
            for (int b = a; b < dim; b++)
            {
                cov[a, b] /= divisor;
                cov[b, a] = cov[a, b];
            }
            total += cov[a, a];
        }
        var (values, vectors) = SymmetricEigen(cov, dim);
        var order = Enumerable.Range(0, dim).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).ToArray();
        var axes = new double[k][];
        for (int c = 0; c < k; c++)
        {
            var v = new double[dim];
            for (int d = 0; d < dim; d++)
            {
                v[d] = vectors[d, order[c]];
            }
            int largest = 0;
            for (int d = 1; d < dim; d++)
            {
                if (Math.Abs(v[d]) > Math.Abs(v[largest]) + 1e-12)
                {
                    largest = d;
                }
            }
            if (dim > 0 && v[largest] < 0)
            {
                for (int d = 0; d < dim; d++)
                {
                    v[d] = -v[d];
                }
            }
            axes[c] = v;
        }
        var coordinates = new double[points.Count][];
        for (int i = 0; i < points.Count; i++)
        {
            var p = new double[k];
            for (int c = 0; c < k; c++)
            {
                if (!finite[i])
                {
                    p[c] = double.NaN;
                    continue;
                }
                double sum = 0;
                for (int d = 0; d < dim; d++)
                {
                    sum += (points[i][d] - mean[d]) * axes[c][d];
                }
                p[c] = sum;
            }
            coordinates[i] = p;
        }
        return new PcaResult(coordinates, order.Select(i => Math.Max(values[i], 0)).ToArray(), axes, total);
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.</summary>
    private static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix, int n)
    {
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            double scale = 0;
            for (int p = 0; p < n; p++)
            {
                scale += a[p, p] * a[p, p];
                for (int q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }
            if (off <= 1e-30 * Math.Max(scale, 1e-300))
            {
                break;
            }
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0)
                    {
                        continue;
                    }
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p];
                        double akq = a[k, q];
                        a[k, p] = (c * akp) - (s * akq);
                        a[k, q] = (s * akp) + (c * akq);
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k];
                        double aqk = a[q, k];
                        a[p, k] = (c * apk) - (s * aqk);
                        a[q, k] = (s * apk) + (c * aqk);
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p];
                        double vkq = v[k, q];
                        v[k, p] = (c * vkp) - (s * vkq);
                        v[k, q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }
        return (values, v);
    }
}
