namespace TbPowerShell.Core.Model;

/// <summary>One scalar value read from an event file, whatever its encoding on disk.</summary>
/// <param name="Tag">The value's tag.</param>
/// <param name="Step">The event's step.</param>
/// <param name="WallTime">The event's wall time in seconds since the Unix epoch, exactly as stored.</param>
/// <param name="Value">The value (a float32 <c>simple_value</c> or a scalar tensor, widened to double).</param>
public readonly record struct ScalarRecord(string Tag, long Step, double WallTime, double Value);
