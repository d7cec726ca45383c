using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Internal;

/// <summary>
/// The writers New-TbWriter opened in each runspace, so that removing the module (or closing the
/// runspace) closes that session's writers and leaves writers of other runspaces alone. What such a
/// last close cannot write goes to a recovery event file, and a warning naming it goes to the host
/// that opened the writer. Process exit closes every writer (the core does that).
/// </summary>
internal static class RunspaceWriters
{
    private sealed class Tracked
    {
        public readonly List<TbWriter> Writers = new();
        public PSHost? Host;
    }

    private static readonly ConditionalWeakTable<Runspace, Tracked> s_byRunspace = new();

    /// <summary>Remembers <paramref name="writer"/> as opened in the current runspace, by a cmdlet of <paramref name="host"/>.</summary>
    public static void Track(TbWriter writer, PSHost? host)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null)
        {
            return;
        }
        bool added = false;
        var tracked = s_byRunspace.GetValue(runspace, rs =>
        {
            added = true;
            return new Tracked();
        });
        if (added)
        {
            runspace.StateChanged += OnStateChanged;
        }
        lock (tracked)
        {
            tracked.Writers.RemoveAll(w => w.IsClosed);
            tracked.Writers.Add(writer);
            tracked.Host = host ?? tracked.Host;
        }
    }

    /// <summary>
    /// Closes the writers opened in <paramref name="runspace"/> for good (recovery files for what cannot
    /// be written) and warns, through the host that opened them, of each that failed.
    /// </summary>
    /// <returns>The errors of those that could not write everything.</returns>
    public static IReadOnlyList<Exception> CloseAll(Runspace? runspace)
    {
        if (runspace is null || !s_byRunspace.TryGetValue(runspace, out var tracked))
        {
            return Array.Empty<Exception>();
        }
        TbWriter[] writers;
        PSHost? host;
        lock (tracked)
        {
            writers = tracked.Writers.ToArray();
            tracked.Writers.Clear();
            host = tracked.Host;
        }
        var errors = WriterRegistry.CloseEach(writers);
        foreach (var error in errors)
        {
            Warn(host, error.Message);
        }
        return errors;
    }

    /// <summary>A warning outside any pipeline: through the host's UI, else to standard error.</summary>
    internal static void Warn(PSHost? host, string message)
    {
        try
        {
            if (host?.UI is { } ui)
            {
                ui.WriteWarningLine(message);
                return;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the host is gone (the runspace is closing): standard error below
        }
        try
        {
            Console.Error.WriteLine("WARNING: " + message);
        }
        catch (IOException)
        {
            // nowhere left to warn; the recovery file is there all the same
        }
    }

    private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace && e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)
        {
            CloseAll(runspace);
        }
    }
}
