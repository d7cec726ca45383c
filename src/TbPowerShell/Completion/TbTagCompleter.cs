using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace TbPowerShell.Completion;

/// <summary>
/// Completes -Tag with the tags of the runs below the command's -Path or -LiteralPath (default: the current
/// location), or, for the writing cmdlets, of their -LogDir or -Writer's log directory. It honours the other
/// parameters typed: -Run (runs matching it; for a writing cmdlet, that run of the log directory) and -Type (tags
/// with values of those types; a writing cmdlet offers the tags of the type it writes). The scan is quick and
/// time-limited and decodes no payloads; its results are cached until an event file changes.
/// </summary>
public sealed class TbTagCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                         CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        bool writing = WrittenType(commandName, out string? writtenType);
        var runs = LogDirectoryCatalog.FindRuns(fakeBoundParameters);
        var runValues = Values(fakeBoundParameters["Run"]);
        if (runValues.Count > 0)
        {
            runs = writing
                ? runs.Where(r => runValues.Any(v => SameRun(r.Name, v))).ToList()
                : runs.Where(r => runValues.Any(v => new WildcardPattern(v, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant).IsMatch(r.Name))).ToList();
        }
        var types = writing
            ? (writtenType is null ? new List<string>() : new List<string> { writtenType })
            : Values(fakeBoundParameters["Type"]);
        bool allTypes = types.Count == 0 || types.Any(t => t.Equals(nameof(TbEventType.All), StringComparison.OrdinalIgnoreCase));
        var tags = LogDirectoryCatalog.FindTags(runs)
            .Where(t => allTypes || LogDirectoryCatalog.TypesOf(t.Value).Any(type => types.Contains(type, StringComparer.OrdinalIgnoreCase)))
            .Select(t => (t.Key, $"{t.Key} ({t.Value})"));
        return LogDirectoryCatalog.Complete(wordToComplete, tags).ToList();
    }

    /// <summary>True for a writing cmdlet (Add-Tb*), with the type of the values it writes (null for several).</summary>
    private static bool WrittenType(string commandName, out string? type)
    {
        string name = commandName ?? string.Empty;
        int slash = name.LastIndexOf('\\');
        name = slash >= 0 ? name[(slash + 1)..] : name;
        type = name.ToUpperInvariant() switch
        {
            "ADD-TBSCALAR" => nameof(TbEventType.Scalar),
            "ADD-TBIMAGE" => nameof(TbEventType.Image),
            "ADD-TBAUDIO" => nameof(TbEventType.Audio),
            "ADD-TBTEXT" => nameof(TbEventType.Text),
            "ADD-TBHISTOGRAM" or "ADD-TBMODELHISTOGRAM" => nameof(TbEventType.Histogram),
            "ADD-TBPRCURVE" => nameof(TbEventType.PrCurve),
            _ => null,
        };
        return name.StartsWith("Add-", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A writing cmdlet's -Run names a sub-directory of its log directory, taken literally.</summary>
    private static bool SameRun(string runName, string given)
    {
        string wanted = given.Replace('\\', '/').Trim('/');
        return string.Equals(runName, wanted.Length == 0 ? "." : wanted, StringComparison.Ordinal);
    }

    private static List<string> Values(object? value) => value switch
    {
        null => new List<string>(),
        PSObject p => Values(p.BaseObject),
        string s => new List<string> { s },
        IEnumerable e => e.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).Where(o => o is not null).Select(o => o!.ToString()!).ToList(),
        _ => new List<string> { value.ToString() ?? string.Empty },
    };
}
