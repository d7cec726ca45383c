using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Builds what a <see cref="ReadShaper{T}"/> hands on, in the caller's own types (PowerShell objects for
/// <c>Get-TbEvent</c>): the shaper decides what goes out and when, the caller only what it looks like.
/// </summary>
/// <typeparam name="T">The items handed on.</typeparam>
public interface IShapedOutput<out T>
{
    /// <summary>A scalar of run <paramref name="run"/> read from <paramref name="file"/>, with its smoothed figure when smoothing is on.</summary>
    T Scalar(string run, string file, in ScalarRecord scalar, double? smoothed);

    /// <summary>A non-scalar value of run <paramref name="run"/> read from <paramref name="file"/>.</summary>
    T Value(string run, string file, ValueRecord value);

    /// <summary>
    /// A row of the wide table: a cell per tag of <paramref name="tags"/>, in that order, plus the smoothed cells
    /// when <paramref name="row"/> has them (named with <see cref="ScalarPivot.SmoothedColumn"/>).
    /// </summary>
    T PivotRow(PivotRow row, IReadOnlyList<string> tags);
}
