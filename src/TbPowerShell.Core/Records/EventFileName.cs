using System.Globalization;

namespace TbPowerShell.Core.Records;

/// <summary>Event file names: as PyTorch and TensorFlow make them, and as TensorBoard recognises them.</summary>
public static class EventFileName
{
    /// <summary>The marker that makes a file an event file.</summary>
    public const string Marker = "tfevents";

    private static int s_counter = -1;

    /// <summary>
    /// <c>events.out.tfevents.&lt;10-digit seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c>;
    /// the counter is process-wide, so two writers of one process never share a name even within one second,
    /// and zero-padded, so that readers, which sort names, read a process's files in the order they were made.
    /// </summary>
    public static string Next(DateTimeOffset now, string? suffix = null)
    {
        int counter = Interlocked.Increment(ref s_counter);
        return string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{now.ToUnixTimeSeconds():D10}.{HostName}.{Environment.ProcessId}.{counter:D5}{suffix}");
    }

    /// <summary>True when <paramref name="fileName"/> names an event file (TensorBoard's rule: it contains <see cref="Marker"/>).</summary>
    public static bool IsEventFileName(string fileName) =>
        fileName.Contains(Marker, StringComparison.Ordinal);

    /// <summary>The host name used in file names (as Python's <c>socket.gethostname()</c>).</summary>
    public static string HostName { get; } = GetHostName();

    private static string GetHostName()
    {
        try
        {
            string name = System.Net.Dns.GetHostName();
            return string.IsNullOrEmpty(name) ? Environment.MachineName : name;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Environment.MachineName;
        }
    }
}
