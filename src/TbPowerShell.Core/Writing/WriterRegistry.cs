namespace TbPowerShell.Core.Writing;

/// <summary>
/// The writers of this process that are still open, so that none is left unflushed: the module's
/// unload closes them all, and so does the process's exit (hooked once, on the first writer), which
/// writes a warning to standard error for each writer whose events went to a recovery file.
/// A writer whose close failed stays open, and so stays here.
/// </summary>
internal static class WriterRegistry
{
    private static readonly object s_gate = new();
    private static readonly HashSet<TbWriter> s_open = new();
    private static bool s_exitHooked;

    /// <summary>A snapshot of the open writers.</summary>
    public static TbWriter[] Open
    {
        get
        {
            lock (s_gate)
            {
                return s_open.ToArray();
            }
        }
    }

    /// <summary>Records an opened writer (and hooks the process's exit on the first one).</summary>
    public static void Add(TbWriter writer)
    {
        lock (s_gate)
        {
            s_open.Add(writer);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => WarnAtExit(CloseAll());
            }
        }
    }

    /// <summary>Forgets a closed writer.</summary>
    public static void Remove(TbWriter writer)
    {
        lock (s_gate)
        {
            s_open.Remove(writer);
        }
    }

    /// <summary>Closes every open writer; never throws.</summary>
    /// <returns>The errors of writers that could not write everything.</returns>
    public static IReadOnlyList<Exception> CloseAll() => CloseEach(Open);

    /// <summary>
    /// Closes each of <paramref name="writers"/> for good, going on past failures; what a writer cannot
    /// write goes to a recovery event file (<see cref="TbWriter.CloseOrRecover"/>). Never throws.
    /// </summary>
    /// <returns>The errors of writers that could not write everything; their messages say where the events went.</returns>
    public static IReadOnlyList<Exception> CloseEach(IEnumerable<TbWriter> writers)
    {
        var errors = new List<Exception>();
        foreach (var writer in writers)
        {
            try
            {
                writer.CloseOrRecover(errors);
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        return errors;
    }

    // At exit there is no pipeline and no host left to warn through: standard error is the one place.
    private static void WarnAtExit(IReadOnlyList<Exception> errors)
    {
        foreach (var error in errors)
        {
            try
            {
                Console.Error.WriteLine("WARNING: " + error.Message);
            }
            catch (IOException)
            {
                // standard error is closed; the recovery file is there all the same
            }
        }
    }
}
