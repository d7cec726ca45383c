namespace TbPowerShell.Core.Model;

/// <summary>What is known of a value without decoding its payload.</summary>
/// <param name="Tag">The series name the value was logged under.</param>
/// <param name="Step">The event's step.</param>
/// <param name="WallTime">The event's wall time in seconds since the Unix epoch.</param>
/// <param name="Kind">The kind of value (one flag).</param>
/// <param name="Plugin">The plugin of the tag's first metadata, or the plugin its old encoding stands for ("images", ...).</param>
public readonly record struct ValueHeader(string Tag, long Step, double WallTime, EventKinds Kind, string Plugin);
