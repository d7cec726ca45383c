using TbPowerShell.Tests.Shared;

namespace TbPowerShell.Core.Tests;

/// <summary>
/// A fact about symbolic links: skipped, with the reason, where this process cannot make one
/// (Windows without the privilege or developer mode).
/// </summary>
public sealed class LinkFactAttribute : FactAttribute
{
    private static readonly string? Unavailable = Probe();

    /// <summary>Skips the test when links cannot be made here.</summary>
    public LinkFactAttribute()
    {
        if (Unavailable is not null)
        {
            Skip = Unavailable;
        }
    }

    private static string? Probe()
    {
        using var dir = new TempDir();
        try
        {
            Directory.CreateSymbolicLink(dir.Sub("link"), dir.Path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return "symbolic links cannot be made here: " + e.Message;
        }
    }
}
