namespace TbPowerShell.Core.Tests.Projector;

/// <summary>make_fixtures.py's kind_embedding inputs, drawn again from numpy's RandomState(1234).</summary>
internal static class EmbeddingFixtureInputs
{
    public const int Points = 25;
    public const int Dimension = 8;

    /// <summary>normal(size=(25, 8)).astype(float32), row after row, as doubles of the float32 values.</summary>
    public static double[] Matrix { get; }

    /// <summary>uniform(0, 1, size=(25, 3, 8, 8)).astype(float32), as doubles of the float32 values.</summary>
    public static double[] Images { get; }

    /// <summary>"item_0" .. "item_24", one column.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Labels { get; } =
        Enumerable.Range(0, Points).Select(i => (IReadOnlyList<string>)new[] { "item_" + i }).ToList();

    /// <summary>[["a%d" % i, "b%d" % (i % 3)]].</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TwoColumns { get; } =
        Enumerable.Range(0, Points).Select(i => (IReadOnlyList<string>)new[] { "a" + i, "b" + (i % 3) }).ToList();

    static EmbeddingFixtureInputs()
    {
        var rng = new LegacyRandomState(1234);
        Matrix = rng.Normal(0, 1, Points * Dimension).Select(v => (double)(float)v).ToArray();
        Images = rng.Uniform(0, 1, Points * 3 * 8 * 8).Select(v => (double)(float)v).ToArray();
    }
}
