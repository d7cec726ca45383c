using System.Runtime.InteropServices;

namespace TbPowerShell.Board;

/// <summary>
/// Lowers the calling thread's scheduling priority, so a read-ahead yields the cores to the page's requests and to a
/// browser on the same machine. On Linux that is the thread's nice value (raising one's own niceness needs no
/// privilege); elsewhere <see cref="Thread.Priority"/>. Best effort: a refusal leaves the thread as it was.
/// </summary>
internal static class BackgroundThreadPriority
{
    /// <summary>The nice value of a read-ahead thread (0 is normal, 19 the lowest).</summary>
    private const int Niceness = 10;

    private const int PrioProcess = 0;

    public static void Lower()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // On Linux setpriority(PRIO_PROCESS, tid) applies to that one thread.
                _ = SetPriority(PrioProcess, GetTid(), Niceness);
            }
            else
            {
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException)
        {
            // No such call here: the read-ahead runs at normal priority.
        }
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
}
