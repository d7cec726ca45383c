using System.Text;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Summaries;

/// <summary>Custom-scalars layouts (TensorBoard's "Custom Scalars" dashboard).</summary>
public static class CustomScalarLayouts
{
    /// <summary>The category that grouped series (<c>Add-TbScalars -SingleRun</c>) are drawn in.</summary>
    public const string GroupedCategory = "Grouped scalars";

    /// <summary>One multiline chart per main tag, plotting every <c>&lt;mainTag&gt;/&lt;series&gt;</c> tag.</summary>
    public static Layout ForGroupedScalars(IEnumerable<string> mainTags)
    {
        var category = new Category { Title = GroupedCategory };
        foreach (string mainTag in mainTags)
        {
            var content = new MultilineChartContent();
            content.Tag.Add(EscapeRegex(mainTag) + "/[^/]*$");
            category.Chart.Add(new Chart { Title = mainTag, Multiline = content });
        }
        return new Layout { Category = { category } };
    }

    /// <summary>Escapes a tag for the Python regular expressions TensorBoard matches chart tags with.</summary>
    public static string EscapeRegex(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (char ch in text)
        {
            if (ch < 128 && !char.IsLetterOrDigit(ch) && ch != '_' && ch != '/' && ch != '-')
            {
                sb.Append('\\');
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The layout proto of <paramref name="categories"/>, as <c>add_custom_scalars</c> builds it: a multiline chart
    /// carries its tag patterns, a margin chart its series; titles as given; version 0.
    /// </summary>
    /// <exception cref="ArgumentException">A margin chart has no series, or a series lacks one of its three tags.</exception>
    public static Layout ToProto(IEnumerable<LayoutCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var layout = new Layout();
        foreach (var c in categories)
        {
            var category = new Category { Title = c.Title ?? string.Empty, Closed = c.Closed };
            foreach (var ch in c.Charts)
            {
                var chart = new Chart { Title = ch.Title ?? string.Empty };
                if (ch.Kind == LayoutChartKind.Margin)
                {
                    if (ch.Margins.Count == 0)
                    {
                        throw new ArgumentException($"The margin chart '{ch.Title}' has no series.", nameof(categories));
                    }
                    var margin = new MarginChartContent();
                    foreach (var m in ch.Margins)
                    {
                        if (string.IsNullOrEmpty(m.Value) || string.IsNullOrEmpty(m.Lower) || string.IsNullOrEmpty(m.Upper))
                        {
                            throw new ArgumentException($"A series of the margin chart '{ch.Title}' needs three tags: value, lower and upper.", nameof(categories));
                        }
                        margin.Series.Add(new MarginChartContent.Types.Series { Value = m.Value, Lower = m.Lower, Upper = m.Upper });
                    }
                    chart.Margin = margin;
                }
                else
                {
                    var multiline = new MultilineChartContent();
                    multiline.Tag.Add(ch.Tags);
                    chart.Multiline = multiline;
                }
                category.Chart.Add(chart);
            }
            layout.Category.Add(category);
        }
        return layout;
    }

    /// <summary>The categories of a layout proto (the inverse of <see cref="ToProto"/>).</summary>
    public static IReadOnlyList<LayoutCategory> Categories(Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Category.Select(c => new LayoutCategory(c.Title,
            c.Chart.Select(ch => ch.ContentCase == Chart.ContentOneofCase.Margin
                ? new LayoutChart(ch.Title, LayoutChartKind.Margin, Array.Empty<string>(),
                    ch.Margin.Series.Select(m => new MarginSeries(m.Value, m.Lower, m.Upper)).ToArray())
                : new LayoutChart(ch.Title, LayoutChartKind.Multiline, ch.Multiline?.Tag.ToArray() ?? Array.Empty<string>(),
                    Array.Empty<MarginSeries>())).ToArray(),
            c.Closed)).ToArray();
    }
}
