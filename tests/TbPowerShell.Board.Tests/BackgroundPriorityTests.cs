namespace TbPowerShell.Board.Tests;

public sealed class BackgroundPriorityTests
{
    [Fact]
    public void AReadAheadThreadRunsAtALowerPriorityThanTheRest()
    {
        if (!OperatingSystem.IsLinux()) return;
        int before = 0, after = 0;
        var thread = new Thread(() =>
        {
            before = Nice();
            BackgroundThreadPriority.Lower();
            after = Nice();
        });
        thread.Start();
        thread.Join();
        Assert.Equal(0, before);
        Assert.Equal(10, after);
        // The thread alone: the process's other threads keep their priority.
        Assert.Equal(0, Nice());
    }

    /// <summary>The calling thread's nice value (field 19 of /proc/thread-self/stat, after the command name).</summary>
    private static int Nice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
