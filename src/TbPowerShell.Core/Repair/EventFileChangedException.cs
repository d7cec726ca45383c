namespace TbPowerShell.Core.Repair;

/// <summary>A source file changed while it was being repaired in place (a writer is still writing it); nothing was replaced.</summary>
public sealed class EventFileChangedException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public EventFileChangedException(string path)
        : base($"'{path}' changed while it was being repaired (is a writer still writing it?); it was left as it was.")
    {
        Path = path;
    }

    /// <summary>The event file that grew or changed between the check and the repair (full path).</summary>
    public string Path { get; }
}
