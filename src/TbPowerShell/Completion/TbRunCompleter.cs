using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace TbPowerShell.Completion;

/// <summary>Completes -Run with the names of the runs below the command's -Path or -LiteralPath (default: the current location).</summary>
public sealed class TbRunCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                         CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var runs = LogDirectoryCatalog.FindRuns(fakeBoundParameters)
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, $"{g.Key} ({g.Sum(r => r.Files.Count)} event file(s) in {g.First().Directory})"));
        return LogDirectoryCatalog.Complete(wordToComplete, runs).ToList();
    }
}
