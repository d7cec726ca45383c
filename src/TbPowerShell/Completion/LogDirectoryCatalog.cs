using System.Collections.Concurrent;
using System.Collections;
using System.Management.Automation.Language;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Completion;

/// <summary>
/// What the completers know about the runs and tags below the paths of a command line: found with a quick,
/// time-limited scan that decodes nothing but tags (large payloads are passed over), cached by root and by the
/// length and write time of every event file, so a second Tab costs a directory listing.
/// </summary>
internal static class LogDirectoryCatalog
{
    /// <summary>How long one completion may spend reading event files.</summary>
    internal static TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<string, (string Key, IReadOnlyDictionary<string, string> Tags)> TagCache = new(StringComparer.Ordinal);

    /// <summary>The runs below the paths bound on the command line (or the current location), named as the cmdlets name them.</summary>
    public static List<EventRun> FindRuns(IDictionary fakeBoundParameters)
    {
        var runs = new List<EventRun>();
        foreach (var (path, namingRoot) in ResolvePaths(fakeBoundParameters))
        {
            try
            {
                if (LogLocation.IsStore(path))
                {
                    // A store: one listing of the folder, or the run of an event file given.
                    if (EventFileName.IsEventFileName(LogLocation.FileName(path)))
                    {
                        string dir = LogLocation.Parent(path)!;
                        runs.Add(new EventRun(LogDirectory.RelativeName(dir, dir), dir, new[] { path }));
                    }
                    else
                    {
                        runs.AddRange(LogDirectory.FindRuns(path));
                    }
                }
                else if (Directory.Exists(path))
                {
                    foreach (var run in LogDirectory.FindRuns(path))
                    {
                        runs.Add(namingRoot == path ? run : run with { Name = LogDirectory.RelativeName(namingRoot, run.Directory) });
                    }
                }
                else if (File.Exists(path) && EventFileName.IsEventFileName(Path.GetFileName(path)))
                {
                    string dir = Path.GetDirectoryName(path)!;
                    runs.Add(new EventRun(LogDirectory.RelativeName(namingRoot, dir), dir, new[] { path }));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // nothing to offer from there
            }
        }
        return runs;
    }

    /// <summary>The tags of <paramref name="runs"/> with the type of their values, as far as the time budget allows.</summary>
    public static SortedDictionary<string, string> FindTags(IEnumerable<EventRun> runs)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        CollectTags(runs, found);
        return new SortedDictionary<string, string>(found, StringComparer.Ordinal);
    }

    private static void CollectTags(IEnumerable<EventRun> runs, Dictionary<string, string> tags)
    {
        var deadline = DateTime.UtcNow + Budget;
        foreach (var run in runs)
        {
            string key = CacheKey(run);
            if (!TagCache.TryGetValue(run.Directory, out var cached) || cached.Key != key)
            {
                var found = ScanTags(run, deadline, out bool complete);
                cached = (key, found);
                if (complete)
                {
                    TagCache[run.Directory] = cached;
                }
            }
            foreach (var (tag, types) in cached.Tags)
            {
                foreach (string type in TypesOf(types))
                {
                    AddType(tags, tag, type);
                }
            }
            if (DateTime.UtcNow >= deadline)
            {
                break;
            }
        }
    }

    // A store's run: its files and the bytes the listing gave (no request per object); a local one: each file's length and time.
    private static string CacheKey(EventRun run) =>
        run.Files.Any(LogLocation.IsStore) ? string.Join("|", run.Files) + ":" + run.TotalBytes :
        string.Join("|", run.Files.Select(f =>
        {
            var info = new FileInfo(f);
            return info.Exists ? $"{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : f;
        }));

    private static Dictionary<string, string> ScanTags(EventRun run, DateTime deadline, out bool complete)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var state = new RunTagState();
        complete = false;
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            return tags;
        }
        using var budget = new CancellationTokenSource(remaining);
        try
        {
            foreach (string file in run.Files)
            {
                if (!EventFileReader.LooksLikeEventFile(file))
                {
                    continue;
                }
                using var reader = new EventFileReader(file, null, state, 0, EventKinds.Scalar, budget.Token) { CountedKinds = EventKinds.All };
                for (var result = reader.Next(); result is not (EventReadResult.EndOfData or EventReadResult.Truncated); result = reader.Next())
                {
                    if (result == EventReadResult.Scalar)
                    {
                        AddType(tags, reader.Current.Tag, nameof(TbEventType.Scalar));
                    }
                    else if (result == EventReadResult.Counted)
                    {
                        AddType(tags, reader.CurrentHeader.Tag, TypeName(reader.CurrentHeader.Kind));
                    }
                }
            }
            complete = true;
        }
        catch (OperationCanceledException)
        {
            // out of time: offer what was found
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an unreadable file: offer what was found
        }
        return tags;
    }

    /// <summary>Notes that <paramref name="tag"/> has values of <paramref name="type"/>: a tag with several types lists them all ("Scalar, Image").</summary>
    private static void AddType(Dictionary<string, string> tags, string tag, string type)
    {
        if (!tags.TryGetValue(tag, out string? known))
        {
            tags[tag] = type;
        }
        else if (!TypesOf(known).Contains(type))
        {
            tags[tag] = known + ", " + type;
        }
    }

    /// <summary>The type names of a tag as <see cref="FindTags"/> gives them.</summary>
    public static string[] TypesOf(string types) => types.Split(", ");

    private static string TypeName(EventKinds kind) => kind switch
    {
        EventKinds.Image => nameof(TbEventType.Image),
        EventKinds.Audio => nameof(TbEventType.Audio),
        EventKinds.Text => nameof(TbEventType.Text),
        EventKinds.Histogram => nameof(TbEventType.Histogram),
        EventKinds.Mesh => nameof(TbEventType.Mesh),
        EventKinds.Scalar => nameof(TbEventType.Scalar),
        EventKinds.Hyperparameters => nameof(TbEventType.Hyperparameter),
        EventKinds.Graph => nameof(TbEventType.Graph),
        EventKinds.PrCurve => nameof(TbEventType.PrCurve),
        EventKinds.Layout => nameof(TbEventType.Layout),
        _ => nameof(TbEventType.Tensor),
    };

    /// <summary>
    /// The provider paths of -Path (wildcards) or -LiteralPath as typed so far, resolved against the session's current
    /// file-system location (not the process's), each with the directory its runs are named from.
    /// </summary>
    private static List<(string Path, string NamingRoot)> ResolvePaths(IDictionary fakeBoundParameters)
    {
        var result = new List<(string, string)>();
        bool literal = fakeBoundParameters.Contains("LiteralPath") || fakeBoundParameters.Contains("PSPath") || fakeBoundParameters.Contains("LP");
        var values = literal
            ? Strings(fakeBoundParameters["LiteralPath"] ?? fakeBoundParameters["PSPath"] ?? fakeBoundParameters["LP"])
            : Strings(fakeBoundParameters["Path"] ?? fakeBoundParameters["LogDir"]);
        if (values.Count == 0 && Unwrap(fakeBoundParameters["Writer"]) is TbWriter writer)
        {
            // The writing cmdlets: the tags already in the writer's log directory.
            values.Add(writer.LogDir);
            literal = true;
        }
        if (values.Count == 0)
        {
            values.Add(".");
            literal = true;
        }
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
        var location = ps.Invoke().FirstOrDefault()?.BaseObject as PathInfo;
        if (location is null)
        {
            return result;
        }
        string current = location.ProviderPath;
        foreach (string value in values)
        {
            if (LogLocation.IsStore(value))
            {
                // Resolve-Path knows no s3: or az: drive: a valid store location is taken as it is, its runs named from it.
                if (StoreUri.TryParse(value, out var uri, out _))
                {
                    result.Add((uri.ToString(), uri.ToString()));
                }
                continue;
            }
            ps.Commands.Clear();
            ps.Streams.ClearStreams();
            ps.AddCommand("Microsoft.PowerShell.Management\\Resolve-Path")
              .AddParameter(literal ? "LiteralPath" : "Path", value)
              .AddParameter("ErrorAction", ActionPreference.Ignore);
            string? namingRoot = !literal && WildcardPattern.ContainsWildcardCharacters(value) ? LiteralPrefix(value, current) : null;
            foreach (var resolved in ps.Invoke())
            {
                if (resolved?.BaseObject is PathInfo info && info.Provider.Name == "FileSystem")
                {
                    string path = info.ProviderPath;
                    result.Add((path, namingRoot ?? (Directory.Exists(path) ? path : current)));
                }
            }
        }
        return result;
    }

    private static string LiteralPrefix(string pattern, string current)
    {
        var segments = pattern.Replace('\\', '/').Split('/');
        int first = Array.FindIndex(segments, WildcardPattern.ContainsWildcardCharacters);
        string prefix = string.Join("/", segments.Take(first));
        if (prefix.Length == 0)
        {
            return pattern.StartsWith('/') ? "/" : current;
        }
        return Path.GetFullPath(prefix, current);
    }

    private static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    /// <summary>The strings of a bound parameter value as typed on the command line (a string, an array, a PSObject).</summary>
    internal static List<string> Strings(object? value) => value switch
    {
        null => new List<string>(),
        string s => new List<string> { s },
        IEnumerable e => e.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).OfType<string>().ToList(),
        PSObject p when p.BaseObject is string s => new List<string> { s },
        _ => new List<string>(),
    };

    /// <summary>The completions for <paramref name="names"/> matching what was typed: wildcard-escaped, quoted when needed.</summary>
    public static IEnumerable<CompletionResult> Complete(string wordToComplete, IEnumerable<(string Name, string ToolTip)> names)
    {
        string typed = wordToComplete ?? string.Empty;
        if (typed.Length > 0 && (typed[0] == '\'' || typed[0] == '"'))
        {
            typed = typed[1..].TrimEnd(typed[0]);
        }
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        foreach (var (name, toolTip) in names)
        {
            if (!pattern.IsMatch(name) && !name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            string text = WildcardPattern.Escape(name);
            if (NeedsQuotes(text))
            {
                text = "'" + CodeGeneration.EscapeSingleQuotedStringContent(text) + "'";
            }
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, toolTip);
        }
    }

    private static bool NeedsQuotes(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || c is '\'' or '"' or '`' or '$' or '(' or ')' or '{' or '}' or ';' or ',' or '&' or '|' or '@' or '#' or '<' or '>' or '[' or ']')
            {
                return true;
            }
        }
        return text[0] is '-';
    }
}
