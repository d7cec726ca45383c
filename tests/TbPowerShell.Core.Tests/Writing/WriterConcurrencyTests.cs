using System.Collections.Concurrent;
using System.Globalization;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>Many writers on one log directory, from threads and from processes, at the same moment.</summary>
public class WriterConcurrencyTests
{
    private static void AssertOwnEvents(string path, string tag, double value, int count)
    {
        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(count, outcome.Scalars.Count);
        Assert.All(outcome.Scalars, s => Assert.Equal((tag, value), (s.Tag, s.Value)));
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), outcome.Scalars.Select(s => s.Step));
    }

    /// <summary>Opens writers from <paramref name="threads"/> threads released at once; returns path -> (tag, value).</summary>
    private static Dictionary<string, (string Tag, double Value)> WriteFromThreads(string dir, int threads, int events)
    {
        var made = new ConcurrentDictionary<string, (string, double)>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(id => new Thread(() =>
        {
            start.SignalAndWait();
            using var w = new TbWriter(dir, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(5) });
            string tag = "thread" + id.ToString(CultureInfo.InvariantCulture);
            Assert.True(made.TryAdd(w.Path, (tag, id)), $"two writers got '{w.Path}'");
            for (int i = 0; i < events; i++)
            {
                w.AddScalar(tag, id, i);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        return new Dictionary<string, (string, double)>(made);
    }

    [Fact]
    public void ThirtyTwoWritersOpenedAtOnceEachGetTheirOwnFile()
    {
        using var temp = new TempDir();
        var made = WriteFromThreads(temp.Path, 32, 200);
        Assert.Equal(32, made.Count);
        Assert.Equal(made.Keys.Order(), Directory.GetFiles(temp.Path).Order());
        foreach (var (path, (tag, value)) in made)
        {
            AssertOwnEvents(path, tag, value, 200);
        }
    }

    [Fact]
    public void WritersOfSeveralProcessesAndThreadsAtOnceNeverCollide()
    {
        using var temp = new TempDir();
        const int processes = 4;
        const int writersEach = 6;
        const int events = 300;
        var children = Enumerable.Range(0, processes)
            .Select(_ => CrashWriter.Start("many", temp.Path, writersEach.ToString(CultureInfo.InvariantCulture), events.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        var fromThreads = WriteFromThreads(temp.Path, 16, events);
        var fromProcesses = new Dictionary<string, string>();
        for (int i = 0; i < processes; i++)
        {
            // A few short lines: the pipe never fills, so reading after the writing is safe.
            string output = children[i].StandardOutput.ReadToEnd();
            Assert.True(children[i].WaitForExit(120_000));
            Assert.True(children[i].ExitCode == 0, children[i].StandardError.ReadToEnd());
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                Assert.Equal("file", parts[0]);
                Assert.Equal(events.ToString(CultureInfo.InvariantCulture), parts[3]);
                fromProcesses.Add(parts[1], parts[2]); // throws on a name given twice
            }
            children[i].Dispose();
        }

        Assert.Equal(processes * writersEach, fromProcesses.Count);
        Assert.Empty(fromProcesses.Keys.Intersect(fromThreads.Keys));
        Assert.Equal(fromProcesses.Keys.Concat(fromThreads.Keys).Order(), Directory.GetFiles(temp.Path).Order());
        foreach (var (path, tag) in fromProcesses)
        {
            // "p<pid>w<k>" carries k as the value.
            double k = double.Parse(tag.AsSpan(tag.IndexOf('w') + 1), CultureInfo.InvariantCulture);
            AssertOwnEvents(path, tag, k, events);
        }
        foreach (var (path, (tag, value)) in fromThreads)
        {
            AssertOwnEvents(path, tag, value, events);
        }
        Assert.Equal(processes * writersEach + 16, Assert.Single(LogDirectory.FindRuns(temp.Path)).Files.Count);
    }

    [Fact]
    public void ANameTakenByAnotherProcessIsSkipped()
    {
        using var temp = new TempDir();
        string? squatted = null;
        // The first name the writer picks is created by "someone else" just before it opens it.
        Stream OpenWithSquatter(string path)
        {
            if (squatted is null)
            {
                squatted = path;
                File.WriteAllText(path, "another process's file");
            }
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
            });
        }
        string mine;
        using (var writer = new TbWriter(temp.Path, null, OpenWithSquatter))
        {
            mine = writer.Path;
            writer.AddScalar("mine", 1, 0);
        }
        Assert.NotNull(squatted);
        Assert.NotEqual(squatted, mine);
        Assert.Equal("another process's file", File.ReadAllText(squatted!));
        AssertOwnEvents(mine, "mine", 1, 1);
    }
}
