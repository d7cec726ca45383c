using System.Management.Automation;

namespace TbPowerShell.Internal;

/// <summary>How -Tag and -Run match names in every cmdlet: wildcard patterns, letter case ignored.</summary>
internal static class NamePatterns
{
    /// <summary>A test that is true for a name matching any of <paramref name="patterns"/>; safe to call from several threads.</summary>
    public static Func<string, bool> Matcher(string[] patterns)
    {
        var compiled = patterns.Select(Compile).ToArray();
        // WildcardPattern compiles itself on first use: one caller at a time.
        return name =>
        {
            lock (compiled)
            {
                return compiled.Any(p => p.IsMatch(name));
            }
        };
    }

    internal static WildcardPattern Compile(string pattern) =>
        new(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
}

/// <summary>
/// The literal names (no wildcard) among -Tag or -Run values that no name read has matched yet, so a cmdlet can
/// report each one that matched nothing, as <c>Get-Process -Name nope</c> does; patterns with wildcards may match
/// nothing silently. Used on the pipeline thread only; a name instance already seen costs one lookup.
/// </summary>
internal sealed class UnmatchedNames
{
    private readonly List<(string Given, WildcardPattern Pattern)> _pending;
    private readonly HashSet<string> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Tracks the literal names among <paramref name="patterns"/> (none when null).</summary>
    public UnmatchedNames(string[]? patterns)
    {
        _pending = (patterns ?? Array.Empty<string>())
            .Where(p => !WildcardPattern.ContainsWildcardCharacters(p))
            .Distinct(StringComparer.Ordinal)
            .Select(p => (p, NamePatterns.Compile(p)))
            .ToList();
    }

    /// <summary>True while some literal name has matched nothing.</summary>
    public bool AnyPending => _pending.Count > 0;

    /// <summary>The literal names, as given, that matched nothing so far.</summary>
    public IEnumerable<string> Pending => _pending.Select(p => p.Given);

    /// <summary>Notes a name that was read: the literal names it matches are found.</summary>
    public void Saw(string name)
    {
        if (_pending.Count == 0 || _seen.Contains(name))
        {
            return;
        }
        if (_seen.Count >= 4096)
        {
            _seen.Clear();   // names that are new strings every time: keep the set small
        }
        _seen.Add(name);
        _pending.RemoveAll(p => p.Pattern.IsMatch(name));
    }
}
