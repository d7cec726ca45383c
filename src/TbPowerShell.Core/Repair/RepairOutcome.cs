namespace TbPowerShell.Core.Repair;

/// <summary>What a repair did to one event file.</summary>
public enum RepairOutcome
{
    /// <summary>Damaged regions were removed: the destination holds the intact records only.</summary>
    Repaired,

    /// <summary>The file was healthy; its copy holds the same bytes.</summary>
    CopiedUnchanged,

    /// <summary>The file was healthy; nothing was written (in-place repair).</summary>
    AlreadyHealthy,
}
