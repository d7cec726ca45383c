using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Internal;

/// <summary>
/// The writers New-TbWriter opened in each runspace, so that removing the module (or closing the
/// runspace) closes that session's writers and leaves writers of other runspaces alone.
/// Process exit closes every writer (the core does that).
/// </summary>
internal static class RunspaceWriters
{
    private static readonly ConditionalWeakTable<Runspace, List<TbWriter>> s_byRunspace = new();

    public static void Track(TbWriter writer)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null)
        {
            return;
        }
        bool added = false;
        var list = s_byRunspace.GetValue(runspace, rs =>
        {
            added = true;
            return new List<TbWriter>();
        });
        if (added)
        {
            runspace.StateChanged += OnStateChanged;
        }
        lock (list)
        {
            list.RemoveAll(w => w.IsClosed);
            list.Add(writer);
        }
    }

    /// <summary>Closes the writers opened in <paramref name="runspace"/>; returns the errors of those that could not write everything.</summary>
    public static IReadOnlyList<Exception> CloseAll(Runspace? runspace)
    {
        if (runspace is null || !s_byRunspace.TryGetValue(runspace, out var list))
        {
            return Array.Empty<Exception>();
        }
        TbWriter[] writers;
        lock (list)
        {
            writers = list.ToArray();
            list.Clear();
        }
        return WriterRegistry.CloseEach(writers);
    }

    private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace && e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)
        {
            CloseAll(runspace);
        }
    }
}
