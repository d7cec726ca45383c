using TbPowerShell.Core.Repair;

// A result that Test-TbEventFile and Repair-TbEventFile emit: its full type name is part of what users
// see (format views, OUTPUTS in the help, scripts testing the type), so it keeps the namespace it was
// published under, though it lives with the rest of health and repair.
namespace TbPowerShell.Core.IO;

/// <summary>The result of repairing one event file.</summary>
/// <param name="Source">The damaged file, as given (for an in-place repair, possibly a symbolic link).</param>
/// <param name="Destination">The repaired file: a copy elsewhere, or the source itself when repaired in place (the file a
/// symbolic link points to, when <paramref name="Source"/> is one).</param>
/// <param name="BackupPath">The untouched original kept by an in-place repair; null for a copy or when nothing was replaced.</param>
/// <param name="RecordsKept">Intact records written to the destination.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="Regions">The damaged regions removed, in file order (empty for a healthy file).</param>
public sealed record EventFileRepairResult(string Source, string Destination, string? BackupPath, long RecordsKept,
                                           RepairOutcome Outcome, IReadOnlyList<DamagedRegion> Regions)
{
    /// <summary>True when the source file itself was replaced by its repaired version.</summary>
    public bool InPlace => Outcome == RepairOutcome.Repaired && BackupPath is not null;

    /// <summary>How many damaged regions were removed.</summary>
    public int RegionsRemoved => Regions.Count;

    /// <summary>How many bytes the removed regions held.</summary>
    public long BytesRemoved => Regions.Sum(r => r.Length);

    /// <summary>True when the source ended inside a record: a writer may still have been writing it.</summary>
    public bool EndedTruncated => Regions.Count > 0 && Regions[^1].Kind == DamageKind.TruncatedTail;
}
