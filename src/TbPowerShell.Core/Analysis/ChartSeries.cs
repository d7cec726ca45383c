namespace TbPowerShell.Core.Analysis;

/// <summary>One line of a chart: its name in the legend and its points (x is usually the step).</summary>
/// <param name="Name">The legend's name for it, e.g. <c>run/tag</c>.</param>
/// <param name="X">The x of each point.</param>
/// <param name="Y">The y of each point; non-finite values are left out of the line.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>How a chart is drawn: its size in characters, its characters and its colours.</summary>
public sealed record ChartOptions
{
    /// <summary>The smallest width: labels, axis and a plot of a few columns.</summary>
    public const int MinWidth = 16;

    /// <summary>The smallest height: two plot rows, the x axis and its labels.</summary>
    public const int MinHeight = 4;

    /// <summary>Characters per line, y labels and axis included (default 80).</summary>
    public int Width { get; init; } = 80;

    /// <summary>Lines of the chart, x axis and its labels included, the legend not (default 20).</summary>
    public int Height { get; init; } = 20;

    /// <summary>ASCII only: markers for the lines and <c>|</c>, <c>-</c>, <c>+</c> for the axes.</summary>
    public bool Ascii { get; init; }

    /// <summary>Colours each line with ANSI (VT) escape sequences; without them several lines get distinct markers.</summary>
    public bool Colour { get; init; }
}
