using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>What one time series (a tag and one kind of value) of a run holds, found without decoding its non-scalar values.</summary>
public sealed class TagSummary
{
    private ConstantSeries _scalarValues;
    private bool _hasScalars;
    private readonly SparklineReservoir? _sparkline;

    internal TagSummary(string tag, EventKinds kind, string plugin)
    {
        _sparkline = kind == EventKinds.Scalar ? new SparklineReservoir() : null;
        Tag = tag;
        Kind = kind;
        Plugin = plugin;
    }

    /// <summary>The series name.</summary>
    public string Tag { get; }

    /// <summary>The kind of its values (one flag).</summary>
    public EventKinds Kind { get; }

    /// <summary>The plugin of the tag's first metadata, or the one its old encoding stands for ("scalars", "images", ...).</summary>
    public string Plugin { get; internal set; }

    /// <summary>How many values (events) it has; an event holding several images counts once.</summary>
    public long Count { get; private set; }

    /// <summary>The lowest step of its values (not the step of the first value read: steps need not grow in file order).</summary>
    public long FirstStep { get; private set; }

    /// <summary>The highest step of its values (not the step of the last value read: a run restarted at step 0 keeps its highest).</summary>
    public long LastStep { get; private set; }

    /// <summary>The wall time (Unix seconds) of the first value read.</summary>
    public double FirstWallTime { get; private set; }

    /// <summary>The wall time (Unix seconds) of the last value read.</summary>
    public double LastWallTime { get; private set; }

    /// <summary>For scalars, the last value read; otherwise null.</summary>
    public double? LastValue { get; private set; }

    /// <summary>For scalars, the smallest value (NaN ignored); otherwise null.</summary>
    public double? Min { get; private set; }

    /// <summary>For scalars, the largest value (NaN ignored); otherwise null.</summary>
    public double? Max { get; private set; }

    /// <summary>
    /// For scalars, true when every value equals the first, compared as TensorBoard's dashboard compares
    /// them (<c>==</c>: a NaN equals nothing, so it makes a series non-constant); the dashboard draws such a
    /// series unsmoothed. False for other kinds.
    /// </summary>
    public bool IsConstant => _hasScalars && _scalarValues.IsConstant;

    /// <summary>
    /// For scalars, the series as a sparkline (<see cref="Analysis.Sparkline"/>: up to 16 block characters, spikes
    /// kept); empty for other kinds. Kept in a fixed-size reservoir during the scan, so it costs no second pass.
    /// </summary>
    public string Sparkline => _sparkline?.ToString() ?? "";

    internal void Add(long step, double wallTime)
    {
        if (Count++ == 0)
        {
            FirstStep = step;
            LastStep = step;
            FirstWallTime = wallTime;
        }
        else if (step < FirstStep)
        {
            FirstStep = step;
        }
        else if (step > LastStep)
        {
            LastStep = step;
        }
        LastWallTime = wallTime;
    }

    internal void AddScalar(long step, double wallTime, double value)
    {
        _scalarValues.Add(value);
        _hasScalars = true;
        _sparkline?.Add(value);
        Add(step, wallTime);
        LastValue = value;
        if (!double.IsNaN(value))
        {
            Min = Min is { } min && min <= value ? min : value;
            Max = Max is { } max && max >= value ? max : value;
        }
    }
}

/// <summary>What a run holds: its files, tags and values, from one scan that decodes scalars only.</summary>
public sealed class RunSummary
{
    internal RunSummary(EventRun run, IReadOnlyList<TagSummary> tags, int damagedRegions, int unreadableFiles)
    {
        Run = run;
        Tags = tags;
        DamagedRegions = damagedRegions;
        UnreadableFiles = unreadableFiles;
        foreach (var tag in tags)
        {
            Values += tag.Count;
        }
    }

    /// <summary>The run as scanned (its name, directory and files).</summary>
    public EventRun Run { get; }

    /// <summary>Its time series, ordered by tag (ordinal), then kind.</summary>
    public IReadOnlyList<TagSummary> Tags { get; }

    /// <summary>How many values all its tags hold.</summary>
    public long Values { get; }

    /// <summary>The lowest step of its values, or null when it has none.</summary>
    public long? FirstStep { get; internal set; }

    /// <summary>The highest step of its values, or null when it has none.</summary>
    public long? LastStep { get; internal set; }

    /// <summary>The wall time of the first value read, or null.</summary>
    public double? FirstWallTime { get; internal set; }

    /// <summary>The wall time of the last value read, or null.</summary>
    public double? LastWallTime { get; internal set; }

    /// <summary>Damaged regions skipped in its files.</summary>
    public int DamagedRegions { get; }

    /// <summary>Files that could not be read, or were not event files.</summary>
    public int UnreadableFiles { get; }
}
