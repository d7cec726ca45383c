using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace TbPowerShell.Completion;

/// <summary>
/// Completes -Tag with the tags of the runs below the command's -Path or -LiteralPath (default: the current
/// location), limited to the runs matching -Run when it is given. The scan is quick and time-limited and decodes no
/// payloads; its results are cached until an event file changes.
/// </summary>
public sealed class TbTagCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                         CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var runs = LogDirectoryCatalog.FindRuns(fakeBoundParameters);
        if (fakeBoundParameters["Run"] is { } runFilter)
        {
            var patterns = (runFilter is string single ? new[] { single } : ((IEnumerable)runFilter).Cast<object>().Select(o => o.ToString() ?? string.Empty))
                .Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
            runs = runs.Where(r => patterns.Any(p => p.IsMatch(r.Name))).ToList();
        }
        var tags = LogDirectoryCatalog.FindTags(runs).Select(t => (t.Key, $"{t.Key} ({t.Value})"));
        return LogDirectoryCatalog.Complete(wordToComplete, tags).ToList();
    }
}
