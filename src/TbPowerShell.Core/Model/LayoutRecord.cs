namespace TbPowerShell.Core.Model;

/// <summary>A custom-scalars layout (<c>add_custom_scalars</c>): categories of charts, as TensorBoard's Custom Scalars dashboard draws them.</summary>
/// <param name="Tag">The tag it was stored under (<c>custom_scalars__config__</c>).</param>
/// <param name="Step">The training step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Categories">The categories, top to bottom.</param>
public sealed record LayoutRecord(string Tag, long Step, double WallTime, IReadOnlyList<LayoutCategory> Categories)
    : ValueRecord(Tag, Step, WallTime);

/// <summary>One category (a collapsible group) of a custom-scalars layout.</summary>
/// <param name="Title">The heading.</param>
/// <param name="Charts">The charts, in order.</param>
/// <param name="Closed">Whether the group starts collapsed.</param>
public sealed record LayoutCategory(string Title, IReadOnlyList<LayoutChart> Charts, bool Closed = false);

/// <summary>
/// One chart of a layout: a multiline chart of every tag matching <see cref="Tags"/> (regular expressions), or a
/// margin chart of value lines with lower and upper bounds (<see cref="Margins"/>, exact tags).
/// </summary>
/// <param name="Title">The chart's title.</param>
/// <param name="Kind"><see cref="LayoutChartKind.Multiline"/> or <see cref="LayoutChartKind.Margin"/>.</param>
/// <param name="Tags">For a multiline chart, the tag patterns; empty for a margin chart.</param>
/// <param name="Margins">For a margin chart, the series; empty for a multiline chart.</param>
public sealed record LayoutChart(string Title, LayoutChartKind Kind, IReadOnlyList<string> Tags, IReadOnlyList<MarginSeries> Margins);

/// <summary>One banded line of a margin chart: three exact scalar tags.</summary>
/// <param name="Value">The line.</param>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
public sealed record MarginSeries(string Value, string Lower, string Upper);

/// <summary>The kinds of chart a custom-scalars layout has.</summary>
public enum LayoutChartKind
{
    /// <summary>Several lines: every tag matching the chart's patterns.</summary>
    Multiline,

    /// <summary>Lines with a shaded band between a lower and an upper series.</summary>
    Margin,
}
