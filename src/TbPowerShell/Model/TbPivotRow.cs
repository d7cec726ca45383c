using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// One row of the wide table <c>Get-TbEvent -Pivot</c> emits: a run at a step. Its columns are
/// note properties added to each row in a fixed order (Run, Step, WallTime, then one per tag in
/// ordinal order, each followed by "&lt;tag&gt; (smoothed)" when smoothing), so <c>Export-Csv</c>
/// writes the same header for every row. The typed members below are hidden from CSV and views.
/// </summary>
public sealed class TbPivotRow
{
    /// <summary>Creates a row.</summary>
    public TbPivotRow(string run, long step, TbTimestamp wallTime, IReadOnlyDictionary<string, double?> cells)
    {
        Run = run;
        Step = step;
        Timestamp = wallTime;
        Cells = cells;
    }

    /// <summary>The run the row's values come from (the Run column).</summary>
    [Hidden]
    public string Run { get; }

    /// <summary>The step the row's values were logged at (the Step column).</summary>
    [Hidden]
    public long Step { get; }

    /// <summary>
    /// The latest wall time among the row's values, as ISO 8601 text: what <c>ConvertTo-Json</c> (which reads .NET properties)
    /// writes. PowerShell sees the WallTime column, the exact <see cref="Timestamp"/>.
    /// </summary>
    [Hidden]
    public string WallTime => Timestamp.ToString();

    /// <summary>The latest wall time among the row's values (the WallTime column).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public TbTimestamp Timestamp { get; }

    /// <summary>The cells by column name (null where a tag has no value at this step).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, double?> Cells { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Run} @{Step}");
}
