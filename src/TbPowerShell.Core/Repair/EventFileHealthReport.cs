using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Repair;

// A result that Test-TbEventFile and Repair-TbEventFile emit: its full type name is part of what users
// see (format views, OUTPUTS in the help, scripts testing the type), so it keeps the namespace it was
// published under, though it lives with the rest of health and repair.
namespace TbPowerShell.Core.IO;

/// <summary>What a health check found in one event file.</summary>
/// <param name="Path">The event file checked (full path).</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="IntactRecords">Records whose CRCs verify and whose payload is an <c>Event</c>.</param>
/// <param name="Regions">Every damaged region, in file order.</param>
public sealed record EventFileHealthReport(string Path, long Length, long IntactRecords, IReadOnlyList<DamagedRegion> Regions)
{
    /// <summary>True when nothing is damaged (a file still being written may end in a truncated tail).</summary>
    public bool IsHealthy => Regions.Count == 0;

    /// <summary>Bytes in damaged regions.</summary>
    public long DamagedBytes => Regions.Sum(r => r.Length);
}
