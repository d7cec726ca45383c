using TbPowerShell.Core.Model;

namespace TbPowerShell.Board;

/// <summary>Values given up front (from the pipeline): a board over them shows exactly these, with no live reading.</summary>
public sealed class BoardData
{
    private readonly object _gate = new();
    private readonly List<(string Run, ScalarRecord Scalar)> _scalars = [];
    private readonly List<(string Run, ValueRecord Value)> _values = [];

    /// <summary>Adds a scalar of <paramref name="run"/>.</summary>
    public void Add(string run, ScalarRecord scalar)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate) _scalars.Add((run, scalar));
    }

    /// <summary>Adds an image, audio clip, text, histogram or tensor of <paramref name="run"/>.</summary>
    public void Add(string run, ValueRecord value)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate) _values.Add((run, value));
    }

    internal (List<(string Run, ScalarRecord Scalar)> Scalars, List<(string Run, ValueRecord Value)> Values) Snapshot()
    {
        lock (_gate) return ([.. _scalars], [.. _values]);
    }
}
