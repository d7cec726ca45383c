using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A custom-scalars layout (<c>Add-TbCustomScalarLayout</c>, PyTorch's <c>add_custom_scalars</c>): the categories
/// of charts TensorBoard's Custom Scalars dashboard draws for the run.
/// </summary>
public sealed class TbLayoutEvent : TbEvent
{
    internal TbLayoutEvent(string run, string file, LayoutRecord r)
        : base(run, r, file)
    {
        Categories = r.Categories.Select(c => new TbLayoutCategory(c.Title, c.Closed,
            c.Charts.Select(ch => new TbLayoutChart(c.Title, ch.Title, ch.Kind.ToString(), ch.Tags.ToArray(),
                ch.Margins.Select(m => new TbMarginSeries(m.Value, m.Lower, m.Upper)).ToArray())).ToArray())).ToArray();
        Charts = Categories.SelectMany(c => c.Charts).ToArray();
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <summary>The tag layouts are stored under: <c>custom_scalars__config__</c>.</summary>
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>The categories, top to bottom.</summary>
    public TbLayoutCategory[] Categories { get; }

    /// <summary>Every chart of every category, in order, each naming its category: <c>$e.Charts | Format-Table</c>.</summary>
    public TbLayoutChart[] Charts { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The record this event was read as, with another tag, step and wall time.</summary>
    internal LayoutRecord ToRecord(string tag, long step, double wallTime) =>
        new(tag, step, wallTime, Categories.Select(c => new LayoutCategory(c.Title,
            c.Charts.Select(ch => new LayoutChart(ch.Title, Enum.Parse<LayoutChartKind>(ch.Kind), ch.Tags,
                ch.Margins.Select(m => new MarginSeries(m.Value, m.Lower, m.Upper)).ToArray())).ToArray(), c.Closed)).ToArray());

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Categories.Length} categories, {Charts.Length} charts";
}

/// <summary>One category (a collapsible group of charts) of a custom-scalars layout.</summary>
/// <param name="Title">The heading.</param>
/// <param name="Closed">Whether it starts collapsed.</param>
/// <param name="Charts">Its charts, in order.</param>
public sealed record TbLayoutCategory(string Title, bool Closed, TbLayoutChart[] Charts)
{
    /// <inheritdoc />
    public override string ToString() => $"{Title} ({Charts.Length} charts)";
}

/// <summary>One chart of a custom-scalars layout.</summary>
/// <param name="Category">The title of the category it is in.</param>
/// <param name="Title">The chart's title.</param>
/// <param name="Kind">"Multiline" (lines of every tag matching <paramref name="Tags"/>) or "Margin" (lines with bands, <paramref name="Margins"/>).</param>
/// <param name="Tags">A multiline chart's tag patterns (regular expressions).</param>
/// <param name="Margins">A margin chart's series.</param>
public sealed record TbLayoutChart(string Category, string Title, string Kind, string[] Tags, TbMarginSeries[] Margins)
{
    /// <inheritdoc />
    public override string ToString() => Kind == "Margin"
        ? $"{Title}: Margin {string.Join("; ", Margins.Select(m => m.ToString()))}"
        : $"{Title}: Multiline {string.Join(", ", Tags)}";
}

/// <summary>One series of a margin chart: the tags of the line and of its lower and upper bounds.</summary>
/// <param name="Value">The line's tag.</param>
/// <param name="Lower">The lower bound's tag.</param>
/// <param name="Upper">The upper bound's tag.</param>
public sealed record TbMarginSeries(string Value, string Lower, string Upper)
{
    /// <inheritdoc />
    public override string ToString() => $"{Value} [{Lower}, {Upper}]";
}
