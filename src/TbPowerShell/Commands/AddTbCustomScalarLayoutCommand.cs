using System.Collections;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Sets a run's custom-scalars layout (categories of multiline and margin charts), as PyTorch's add_custom_scalars does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbCustomScalarLayout", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbLayoutEvent))]
public sealed class AddTbCustomScalarLayoutCommand : TbWriterCommandBase
{
    private readonly List<(string Category, LayoutChart Chart)> _charts = new();
    private readonly Dictionary<string, TbWriter> _writers = new(StringComparer.Ordinal);
    private readonly List<string> _runs = new();
    private bool _failed;

    /// <summary>Not used: a layout is always stored under <c>custom_scalars__config__</c>.</summary>
    [Parameter(DontShow = true)]
    public new string Tag { get; set; } = SummaryValues.CustomScalarsLayoutTag;

    /// <summary>
    /// PyTorch's layout: <c>@{ category = @{ chart = @('Multiline', @(tag patterns)) or @('Margin', @(value, lower, upper)) } }</c>.
    /// Use <c>[ordered]</c> dictionaries to keep the order; a plain hashtable's keys are taken in sorted order.
    /// </summary>
    [Parameter(Position = 0)]
    public IDictionary? Layout { get; set; }

    /// <summary>One chart per input: the category it goes in. Charts piped in are gathered into one layout, in order.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Category { get; set; }

    /// <summary>The chart's title.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Chart")]
    [AllowEmptyString]
    [AllowNull]
    public string? Title { get; set; }

    /// <summary>A multiline chart: the regular expressions of the tags it draws.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Multiline { get; set; }

    /// <summary>A margin chart: value, lower and upper tags (several series: three tags each).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Margin { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Layout is not null)
        {
            try
            {
                foreach (var (category, chart) in FromDictionary(Layout))
                {
                    _charts.Add((category, chart));
                }
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidLayout, ErrorCategory.InvalidArgument, Layout));
            }
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string run = Run ?? string.Empty;
        if (!_runs.Contains(run))
        {
            _runs.Add(run);
        }
        if (Layout is not null)
        {
            if (Category is not null || Title is not null || Multiline is not null || Margin is not null)
            {
                _failed = true;
                WriteError(new ErrorRecord(new ArgumentException("Give either -Layout (PyTorch's dictionary) or charts (-Category, -Title, -Multiline or -Margin), not both."),
                    ErrorIds.InvalidLayout, ErrorCategory.InvalidArgument, Layout));
            }
            return;
        }
        if (Category is null || Title is null)
        {
            _failed = true;
            WriteError(new ErrorRecord(new ArgumentException("Give -Layout (PyTorch's dictionary), or a chart: -Category, -Title and -Multiline or -Margin."),
                ErrorIds.InvalidLayout, ErrorCategory.InvalidArgument, Title ?? Category));
            return;
        }
        if ((Multiline is null) == (Margin is null))
        {
            _failed = true;
            WriteError(new ErrorRecord(new ArgumentException($"The chart '{Title}' needs either -Multiline (tag patterns) or -Margin (value, lower and upper tags)."),
                ErrorIds.InvalidLayout, ErrorCategory.InvalidArgument, Title));
            return;
        }
        try
        {
            _charts.Add((Category, Margin is not null ? MarginChart(Title, Margin) : new LayoutChart(Title, LayoutChartKind.Multiline, Multiline!, Array.Empty<MarginSeries>())));
        }
        catch (ArgumentException e)
        {
            _failed = true;
            WriteError(new ErrorRecord(e, ErrorIds.InvalidLayout, ErrorCategory.InvalidArgument, Margin));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // All or nothing: a bad chart keeps the layout unwritten (a layout replaces the run's last one).
        if (!_failed && _charts.Count > 0)
        {
            var categories = _charts.GroupBy(c => c.Category, StringComparer.Ordinal)
                .Select(g => new LayoutCategory(g.Key, g.Select(c => c.Chart).ToArray())).ToArray();
            foreach (string run in _runs.Count > 0 ? _runs : new List<string> { string.Empty })
            {
                WriteLayout(categories, run);
            }
        }
        base.EndProcessing();
    }

    private void WriteLayout(LayoutCategory[] categories, string run)
    {
        var writer = CurrentWriter(run);
        if (writer is null)
        {
            return;
        }
        long step = Step ?? 0;
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddCustomScalarLayout(categories, step, wallTime), categories, wallTime) && PassThru)
        {
            WriteObject(new TbLayoutEvent(EffectiveRun, writer.Path, new LayoutRecord(SummaryValues.CustomScalarsLayoutTag, step, wallTime.UnixSeconds, categories)));
        }
    }

    private static LayoutChart MarginChart(string title, IReadOnlyList<string> tags)
    {
        if (tags.Count == 0 || tags.Count % 3 != 0)
        {
            throw new ArgumentException($"The margin chart '{title}' has {tags.Count} tags; give three per series: value, lower and upper.");
        }
        var series = new MarginSeries[tags.Count / 3];
        for (int i = 0; i < series.Length; i++)
        {
            series[i] = new MarginSeries(tags[3 * i], tags[3 * i + 1], tags[3 * i + 2]);
        }
        return new LayoutChart(title, LayoutChartKind.Margin, Array.Empty<string>(), series);
    }

    /// <summary>PyTorch's dictionary form, read as add_custom_scalars reads it (any kind but 'Margin' is a multiline chart there; here it must be 'Multiline').</summary>
    private static IEnumerable<(string, LayoutChart)> FromDictionary(IDictionary layout)
    {
        var result = new List<(string, LayoutChart)>();
        if (layout.Count == 0)
        {
            throw new ArgumentException("The layout has no categories.");
        }
        foreach (DictionaryEntry category in Entries(layout))
        {
            string categoryName = Text(category.Key);
            if (ValueParsing.Unwrap(category.Value) is not IDictionary charts || charts.Count == 0)
            {
                throw new ArgumentException($"The category '{categoryName}' is not a dictionary of charts (title = @('Multiline', tags) or @('Margin', @(value, lower, upper))).");
            }
            foreach (DictionaryEntry chart in Entries(charts))
            {
                string title = Text(chart.Key);
                var parts = Items(chart.Value);
                if (parts.Count != 2)
                {
                    throw new ArgumentException($"The chart '{categoryName}/{title}' is not a pair of a kind ('Multiline' or 'Margin') and its tags.");
                }
                string kind = Text(parts[0]);
                var tags = Items(parts[1]).Select(Text).ToArray();
                if (string.Equals(kind, "Margin", StringComparison.OrdinalIgnoreCase))
                {
                    result.Add((categoryName, MarginChart(title, tags)));
                }
                else if (string.Equals(kind, "Multiline", StringComparison.OrdinalIgnoreCase))
                {
                    result.Add((categoryName, new LayoutChart(title, LayoutChartKind.Multiline, tags, Array.Empty<MarginSeries>())));
                }
                else
                {
                    throw new ArgumentException($"The chart '{categoryName}/{title}' is of kind '{kind}'; the kinds are 'Multiline' and 'Margin'.");
                }
            }
        }
        return result;
    }

    /// <summary>The entries of a dictionary: in order for ordered ones, sorted by key for a plain hashtable (whose order is arbitrary).</summary>
    private static IEnumerable<DictionaryEntry> Entries(IDictionary dictionary)
    {
        var entries = dictionary.Cast<DictionaryEntry>();
        return dictionary is Hashtable ? entries.OrderBy(e => Text(e.Key), StringComparer.Ordinal) : entries;
    }

    private static List<object?> Items(object? value) => ValueParsing.Unwrap(value) switch
    {
        string s => new List<object?> { s },
        IEnumerable e => e.Cast<object?>().ToList(),
        null => new List<object?>(),
        var other => new List<object?> { other },
    };

    private static string Text(object? value) => ValueParsing.Unwrap(value)?.ToString() ?? string.Empty;
}
