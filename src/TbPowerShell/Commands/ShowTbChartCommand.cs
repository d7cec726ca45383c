using System.Management.Automation;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Draws scalar series as a line chart in the console (braille or ASCII), for sessions without a browser.</para>
/// </summary>
/// <remarks>
/// The chart is written as strings, one per line, so it can be redirected to a file or piped to
/// Out-String; the drawing itself is <see cref="BrailleChart"/> in the core.
/// </remarks>
[Cmdlet(VerbsCommon.Show, "TbChart", DefaultParameterSetName = PathSet)]
[OutputType(typeof(string))]
public sealed class ShowTbChartCommand : TbLogPathCommandBase
{
    private const int DefaultWidth = 80;
    private const int DefaultHeight = 20;

    private readonly List<EventRun> _runs = new();
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <summary>Smooths each series with TensorBoard's debiased exponential moving average of this weight, as Get-TbEvent -Smoothing does.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double Smoothing { get; set; }

    /// <summary>Characters per line, y labels included (default: the console window's width, or 80).</summary>
    [Parameter]
    [ValidateRange(ChartOptions.MinWidth, 10_000)]
    public int Width { get; set; }

    /// <summary>Lines of the chart, x axis included, legend not (default: what fits the console window, or 20).</summary>
    [Parameter]
    [ValidateRange(ChartOptions.MinHeight, 10_000)]
    public int Height { get; set; }

    /// <summary>Draws with ASCII characters only (a marker per series, | - + for the axes).</summary>
    [Parameter]
    public SwitchParameter Ascii { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Tag is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Show-TbChart needs -Tag: the scalar tags to draw (wildcards allowed; Get-TbTag lists them)."),
                ErrorIds.TagRequired, ErrorCategory.InvalidArgument, null));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (path, namingRoot) in ResolveInputsWithNamingRoots())
        {
            foreach (var run in RunsOf(path, namingRoot))
            {
                // Each file is read once per call, for the first path that reached it.
                var files = run.Files.Where(_files.Add).ToList();
                if (files.Count > 0)
                {
                    _runs.Add(files.Count == run.Files.Count ? run : run with { Files = files, TotalBytes = files.Sum(LogPaths.SafeLength) });
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_runs.Count == 0)
        {
            return;
        }
        var series = ReadSeries();
        if (series is null)
        {
            return;   // Ctrl+C
        }
        foreach (string pattern in Tag!)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            if (!series.Keys.Any(k => wildcard.IsMatch(k.Tag)))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No scalar series has a tag matching '{pattern}' in the runs read."),
                    ErrorIds.TagNotFound, ErrorCategory.ObjectNotFound, pattern));
            }
        }
        if (series.Count == 0)
        {
            return;
        }

        bool smooth = MyInvocation.BoundParameters.ContainsKey(nameof(Smoothing));
        var lines = series
            .OrderBy(s => s.Key.Run, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Tag, StringComparer.Ordinal)
            .Select(s => new ChartSeries($"{s.Key.Run}/{s.Key.Tag}", s.Value.Steps,
                smooth ? TensorBoardSmoothing.Smooth(s.Value.Values.ToArray(), Smoothing) : s.Value.Values))
            .ToList();
        var (windowWidth, windowHeight) = WindowSize();
        var options = new ChartOptions
        {
            Width = Width > 0 ? Width : windowWidth > 0 ? windowWidth : DefaultWidth,
            // The legend and the next prompt stay on the screen with the chart.
            Height = Height > 0 ? Height : windowHeight > 0 ? Math.Max(ChartOptions.MinHeight, windowHeight - lines.Count - 2) : DefaultHeight,
            Ascii = Ascii,
            Colour = UsesColour(),
        };
        IReadOnlyList<string> text;
        try
        {
            text = BrailleChart.Draw(lines, options);
        }
        catch (ArgumentOutOfRangeException e)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(e.Message, e), ErrorIds.ChartTooSmall,
                ErrorCategory.InvalidArgument, options.Width));
            return;
        }
        foreach (string line in text)
        {
            WriteObject(line);
        }
    }

    /// <summary>Every scalar series the filters let through, in file order; null when Ctrl+C stopped the read.</summary>
    private Dictionary<(string Run, string Tag), (List<double> Steps, List<double> Values)>? ReadSeries()
    {
        var series = new Dictionary<(string Run, string Tag), (List<double> Steps, List<double> Values)>();
        var reader = new RunReader(_runs, new RunReadOptions { TagFilter = TagFilter, Kinds = EventKinds.Scalar });
        try
        {
            foreach (var item in _runs.Count == 1 ? reader.ReadSequentially(Stopped) : reader.Read(Stopped))
            {
                if (item.Kind == ReadItemKind.Scalar)
                {
                    var key = (item.Run.Name, item.Scalar.Tag);
                    if (!series.TryGetValue(key, out var points))
                    {
                        points = (new List<double>(), new List<double>());
                        series[key] = points;
                    }
                    points.Steps.Add(item.Scalar.Step);
                    points.Values.Add(item.Scalar.Value);
                }
                else
                {
                    FileConditions.Report(this, item.Kind, item.File, item.Offset, item.Error, item.Exception);
                }
            }
        }
        catch (OperationCanceledException) when (Stopped.IsCancellationRequested)
        {
            return null;
        }
        return series;
    }

    /// <summary>The console window's size, or zeros when the host has none (redirected, a remote or a custom host).</summary>
    private (int Width, int Height) WindowSize()
    {
        try
        {
            var size = Host.UI.RawUI.WindowSize;
            return (size.Width, size.Height);
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or InvalidOperationException or IOException or System.Management.Automation.Host.HostException)
        {
            return (0, 0);
        }
    }

    /// <summary>ANSI colours when the host understands them and $PSStyle.OutputRendering is not PlainText.</summary>
    private bool UsesColour()
    {
        bool vt;
        try
        {
            vt = Host.UI.SupportsVirtualTerminal;
        }
        catch (NotImplementedException)
        {
            vt = false;
        }
        if (!vt)
        {
            return false;
        }
        // $PSStyle exists from PowerShell 7.2; the module is built against an older API, so it is read by name.
        object? style = SessionState.PSVariable.GetValue("PSStyle");
        string? rendering = style is null ? null : PSObject.AsPSObject(style).Properties["OutputRendering"]?.Value?.ToString();
        return !string.Equals(rendering, "PlainText", StringComparison.OrdinalIgnoreCase);
    }
}
