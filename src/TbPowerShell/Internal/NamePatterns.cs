using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>How -Tag and -Run match names in every cmdlet: wildcard patterns, letter case ignored.</summary>
internal static class NamePatterns
{
    /// <summary>A test that is true for a name matching any of <paramref name="patterns"/>; safe to call from several threads.</summary>
    public static Func<string, bool> Matcher(string[] patterns)
    {
        var compiled = patterns.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
        // WildcardPattern compiles itself on first use: one caller at a time.
        return name =>
        {
            lock (compiled)
            {
                return compiled.Any(p => p.IsMatch(name));
            }
        };
    }
}
