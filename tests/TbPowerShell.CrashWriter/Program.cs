using System.Globalization;
using TbPowerShell;

// Usage:
//   TbPowerShell.CrashWriter crash <logdir> <events-between-flushes>
//     Writes scalar "crash" = i at step i for ever (flush interval 2 ms, small queue), prints
//     "file <path>" once, then "flushed <n>" each time TbWriter.Flush() has returned with n events
//     written, until the process is killed.
//   TbPowerShell.CrashWriter many <logdir> <writers> <events>
//     Opens <writers> writers at once from parallel threads, writes <events> scalars to each under
//     its own tag, closes them, and prints "file <path> <tag> <events>" for each.
//   TbPowerShell.CrashWriter exit-failing <logdir> <events> file|folder
//     Writes scalar "exit" = i at step i for <events> values, flushes them, prints "file <path>",
//     then breaks the file: "file" deletes it (the run folder stays writable), "folder" puts a plain
//     file where the run folder was (nothing can be written there). Then it writes <events> more
//     values and returns without closing: the process's exit saves them to a recovery event file
//     and warns on standard error.
// Exit code 2 for bad arguments.
var inv = CultureInfo.InvariantCulture;
if (args.Length == 3 && args[0] == "crash" && int.TryParse(args[2], NumberStyles.Integer, inv, out int every) && every > 0)
{
    var writer = new TbWriter(args[1], new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(2), MaxQueue = 64 });
    Console.WriteLine("file " + writer.Path);
    for (long i = 0; ; i++)
    {
        writer.AddScalar("crash", i, i);
        if ((i + 1) % every == 0)
        {
            writer.Flush();
            Console.WriteLine(string.Create(inv, $"flushed {i + 1}"));
        }
    }
}
if (args.Length == 4 && args[0] == "many"
    && int.TryParse(args[2], NumberStyles.Integer, inv, out int writers) && writers > 0
    && int.TryParse(args[3], NumberStyles.Integer, inv, out int events) && events >= 0)
{
    var lines = new string[writers];
    using var opened = new Barrier(writers);
    var threads = Enumerable.Range(0, writers).Select(k => new Thread(() =>
    {
        string tag = string.Create(inv, $"p{Environment.ProcessId}w{k}");
        opened.SignalAndWait();
        using var w = new TbWriter(args[1], new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(5) });
        for (int i = 0; i < events; i++)
        {
            w.AddScalar(tag, k, i);
        }
        w.Close();
        lines[k] = string.Create(inv, $"file {w.Path} {tag} {events}");
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
    foreach (string line in lines)
    {
        Console.WriteLine(line);
    }
    return 0;
}
if (args.Length == 4 && args[0] == "exit-failing" && args[3] is "file" or "folder"
    && int.TryParse(args[2], NumberStyles.Integer, inv, out int count) && count > 0)
{
    // Never written in the background: the exit is the first write after the file broke.
    var writer = new TbWriter(args[1], new TbWriterOptions { FlushInterval = TimeSpan.FromDays(1), MaxQueue = int.MaxValue });
    for (int i = 0; i < count; i++)
    {
        writer.AddScalar("exit", i, i);
    }
    writer.Flush();
    Console.WriteLine("file " + writer.Path);
    if (args[3] == "file")
    {
        File.Delete(writer.Path);
    }
    else
    {
        Directory.Delete(writer.LogDir, recursive: true);
        File.WriteAllText(writer.LogDir, "not a folder");
    }
    for (int i = count; i < 2 * count; i++)
    {
        writer.AddScalar("exit", i, i);
    }
    return 0;
}
Console.Error.WriteLine("Usage: TbPowerShell.CrashWriter crash <logdir> <events-between-flushes> | many <logdir> <writers> <events> | exit-failing <logdir> <events> file|folder");
return 2;
