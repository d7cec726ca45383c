namespace TbPowerShell.Core.Writing;

/// <summary>What became of the records a writer's last close could not write.</summary>
/// <param name="Events">The records that were pending.</param>
/// <param name="Path">The recovery event file that holds them; null when none could be written (they are lost).</param>
/// <param name="Failures">The folders tried in vain, each with its error: <c>'folder': message</c>.</param>
internal readonly record struct RecoveryOutcome(int Events, string? Path, IReadOnlyList<string> Failures);
