using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// What a wide table needs to know before its first row can leave: its columns (every tag with a value
/// kept, in ordinal order, as <see cref="ScalarPivot.Tags"/> gives them at the end of a read) and which runs
/// log their steps in order (never lower than a step before, in file order), so that a row is complete as
/// soon as a later step arrives. Found by a scan of the runs' scalars (<c>PivotLayoutScanner.Scan</c> in Reading),
/// in parallel, that keeps only a few tags and a flag per run.
/// </summary>
public sealed class PivotLayout
{
    private readonly HashSet<string> _runsOutOfOrder;

    /// <summary>A layout of <paramref name="columns"/> (in ordinal order) where the runs in <paramref name="runsOutOfOrder"/> have steps that go back.</summary>
    public PivotLayout(IEnumerable<string> columns, IEnumerable<string> runsOutOfOrder)
    {
        var sorted = (columns ?? throw new ArgumentNullException(nameof(columns))).Distinct(StringComparer.Ordinal).ToList();
        sorted.Sort(StringComparer.Ordinal);
        Columns = sorted;
        _runsOutOfOrder = new HashSet<string>(runsOutOfOrder ?? throw new ArgumentNullException(nameof(runsOutOfOrder)), StringComparer.Ordinal);
    }

    /// <summary>The columns of the table: the tags in ordinal order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>True when the steps of <paramref name="run"/> never go back in file order, so its rows can leave one by one.</summary>
    public bool IsInOrder(string run) => !_runsOutOfOrder.Contains(run);
}
