using System.Management.Automation;
using TbPowerShell.Internal;
using TbPowerShell.Core.Reading;

namespace TbPowerShell;

/// <summary>
/// One time series of a run, as <c>Get-TbTag</c> emits it: its type, plugin, how many values it has, its first
/// and last steps and wall times, and for scalars the last, smallest and largest value.
/// </summary>
public sealed class TbTagSummary
{
    /// <summary>Creates a tag summary from what the core found.</summary>
    public TbTagSummary(string run, TagSummary tag, string path, TbEventType type)
    {
        ArgumentNullException.ThrowIfNull(tag);
        Run = run;
        Tag = tag.Tag;
        Type = type;
        Plugin = tag.Plugin;
        Count = tag.Count;
        FirstStep = tag.FirstStep;
        LastStep = tag.LastStep;
        FirstTimestamp = new TbTimestamp(tag.FirstWallTime);
        LastTimestamp = new TbTimestamp(tag.LastWallTime);
        LastValue = tag.LastValue;
        Min = tag.Min;
        Max = tag.Max;
        Sparkline = tag.Sparkline;
        Path = path;
    }

    /// <summary>The run, named as <c>Get-TbEvent</c> names it.</summary>
    public string Run { get; }

    /// <summary>The tag (pass it to <c>Get-TbEvent -Tag</c>).</summary>
    public string Tag { get; }

    /// <summary>The kind of its values (pass it to <c>Get-TbEvent -Type</c>).</summary>
    public TbEventType Type { get; }

    /// <summary>The TensorBoard plugin that shows it ("scalars", "images", "text", "hparams", ...).</summary>
    public string Plugin { get; }

    /// <summary>How many values (events) it has; an event holding several images counts once.</summary>
    public long Count { get; }

    /// <summary>Its lowest step.</summary>
    public long FirstStep { get; }

    /// <summary>Its highest step (not the step of the last value written: a value logged at step 0 at the end leaves it).</summary>
    public long LastStep { get; }

    /// <summary>When its first value was logged. PowerShell sees the exact <see cref="FirstTimestamp"/>; this .NET property (what
    /// <c>ConvertTo-Json</c> writes) is its ISO 8601 text.</summary>
    [PowerShellValue(nameof(FirstTimestamp))]
    public string FirstWallTime => FirstTimestamp.ToString();

    /// <summary>When its first value was logged. (PowerShell's <c>FirstWallTime</c>).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp FirstTimestamp { get; }

    /// <summary>When its last value (in file order) was logged. PowerShell sees the exact <see cref="LastTimestamp"/>; this .NET property (what
    /// <c>ConvertTo-Json</c> writes) is its ISO 8601 text.</summary>
    [PowerShellValue(nameof(LastTimestamp))]
    public string LastWallTime => LastTimestamp.ToString();

    /// <summary>When its last value (in file order) was logged. (PowerShell's <c>LastWallTime</c>).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp LastTimestamp { get; }

    /// <summary>For scalars, the last value; otherwise null.</summary>
    public double? LastValue { get; }

    /// <summary>For scalars, the smallest value (NaN ignored); otherwise null.</summary>
    public double? Min { get; }

    /// <summary>For scalars, the largest value (NaN ignored); otherwise null.</summary>
    public double? Max { get; }

    /// <summary>For scalars, the series drawn in up to 16 block characters (▁ to █, spikes kept); empty for other types.</summary>
    public string Sparkline { get; }

    /// <summary>The run's directory.</summary>
    [Hidden]
    public string Path { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} ({Type}, {Count})";
}

/// <summary>
/// One run, as <c>Get-TbRun</c> emits it: its directory, files, size, how many tags and values it holds, its
/// first and last steps and wall times, and how many damaged regions its files have.
/// </summary>
public sealed class TbRunSummary
{
    /// <summary>Creates a run summary from what the core found.</summary>
    public TbRunSummary(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Run = summary.Run.Name;
        Path = summary.Run.Directory;
        Files = summary.Run.Files.Count;
        Size = summary.Run.TotalBytes;
        Tags = summary.Tags.Count;
        Values = summary.Values;
        FirstStep = summary.FirstStep;
        LastStep = summary.LastStep;
        FirstTimestamp = summary.FirstWallTime is { } first ? new TbTimestamp(first) : null;
        LastTimestamp = summary.LastWallTime is { } last ? new TbTimestamp(last) : null;
        DamagedRegions = summary.DamagedRegions;
        TagNames = summary.Tags.Select(t => t.Tag).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The run, named as <c>Get-TbEvent</c> names it.</summary>
    public string Run { get; }

    /// <summary>The run's directory (full path).</summary>
    public string Path { get; }

    /// <summary>How many event files it has.</summary>
    public int Files { get; }

    /// <summary>The total size of its event files in bytes.</summary>
    public long Size { get; }

    /// <summary>How many time series (tag and type) it has.</summary>
    public int Tags { get; }

    /// <summary>How many values all its tags hold.</summary>
    public long Values { get; }

    /// <summary>The lowest step of its values; null when it has none.</summary>
    public long? FirstStep { get; }

    /// <summary>The highest step of its values; null when it has none.</summary>
    public long? LastStep { get; }

    /// <summary>When its first value was logged; null when it has none. PowerShell sees the exact <see cref="FirstTimestamp"/>; this .NET property (what
    /// <c>ConvertTo-Json</c> writes) is its ISO 8601 text.</summary>
    [PowerShellValue(nameof(FirstTimestamp))]
    public string? FirstWallTime => FirstTimestamp?.ToString();

    /// <summary>When its first value was logged; null when it has none. (PowerShell's <c>FirstWallTime</c>).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp? FirstTimestamp { get; }

    /// <summary>When its last value was logged; null when it has none. PowerShell sees the exact <see cref="LastTimestamp"/>; this .NET property (what
    /// <c>ConvertTo-Json</c> writes) is its ISO 8601 text.</summary>
    [PowerShellValue(nameof(LastTimestamp))]
    public string? LastWallTime => LastTimestamp?.ToString();

    /// <summary>When its last value was logged; null when it has none. (PowerShell's <c>LastWallTime</c>).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp? LastTimestamp { get; }

    /// <summary>Damaged regions found in its files (each also reported as an error).</summary>
    public int DamagedRegions { get; }

    /// <summary>Its distinct tag names, in ordinal order.</summary>
    [Hidden]
    public string[] TagNames { get; }

    /// <inheritdoc />
    public override string ToString() => Run;
}
