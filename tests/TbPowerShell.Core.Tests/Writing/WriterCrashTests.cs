using System.Diagnostics;
using System.Globalization;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Repair;
using Xunit.Abstractions;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// A writer process killed with SIGKILL at random moments: everything it flushed reads back, the
/// file stays readable (at worst a truncated tail), and a new writer on the directory works.
/// </summary>
public class WriterCrashTests(ITestOutputHelper log)
{
    private sealed class ChildOutput
    {
        public long Flushed;
        public string? File;
    }

    private static (ChildOutput Output, Thread Reader) Watch(Process child)
    {
        var output = new ChildOutput();
        var reader = new Thread(() =>
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                if (line.StartsWith("file ", StringComparison.Ordinal))
                {
                    Volatile.Write(ref output.File, line.Substring(5));
                }
                else if (line.StartsWith("flushed ", StringComparison.Ordinal))
                {
                    Interlocked.Exchange(ref output.Flushed, long.Parse(line.AsSpan(8), CultureInfo.InvariantCulture));
                }
            }
        }) { IsBackground = true };
        reader.Start();
        return (output, reader);
    }

    [Fact]
    public void KilledWriterLosesNothingFlushedAndLeavesAReadableFile()
    {
        var random = new Random(20261126);
        using var temp = new TempDir();
        const int kills = 30;
        int killedMidWrite = 0;
        int truncatedTails = 0;
        long maxFlushed = 0;
        for (int k = 0; k < kills; k++)
        {
            string dir = temp.Sub(string.Create(CultureInfo.InvariantCulture, $"kill{k:D2}"));
            int every = random.Next(1, 300);
            // One kill in five comes at any moment after the start (maybe before the file exists);
            // the others once the writer has flushed at least once, a random while later.
            bool anyMoment = k % 5 == 0;
            int delay = random.Next(0, anyMoment ? 400 : 150);
            using var child = CrashWriter.Start("crash", dir, every.ToString(CultureInfo.InvariantCulture));
            var (output, reader) = Watch(child);
            if (!anyMoment)
            {
                bool started = Poll.Until(() => Interlocked.Read(ref output.Flushed) > 0 || child.HasExited, TimeSpan.FromSeconds(60));
                if (!started || child.HasExited)
                {
                    // Only now: reading stderr blocks until the child ends.
                    child.Kill();
                    Assert.Fail($"kill {k}: the child did not flush: {child.StandardError.ReadToEnd()}");
                }
            }
            Thread.Sleep(delay);
            child.Kill(); // SIGKILL on Unix: no finalizer, no exit handler, no flush
            Assert.True(child.WaitForExit(30_000));
            Assert.True(reader.Join(TimeSpan.FromSeconds(30)));
            Assert.NotEqual(0, child.ExitCode);
            long flushed = output.Flushed;
            maxFlushed = Math.Max(maxFlushed, flushed);

            var files = Directory.Exists(dir) ? Directory.GetFiles(dir) : Array.Empty<string>();
            if (!anyMoment)
            {
                killedMidWrite++;
                Assert.Equal(output.File, Assert.Single(files));
            }
            foreach (string file in files)
            {
                var outcome = Read.File(file);
                Assert.Empty(outcome.Errors);
                var steps = outcome.Scalars.Select(s => s.Step).ToList();
                // Every flushed event is there; whatever the background wrote after is there in order too.
                Assert.True(steps.Count >= flushed, $"kill {k}: {flushed} events were flushed but only {steps.Count} read back");
                Assert.Equal(Enumerable.Range(0, steps.Count).Select(i => (long)i), steps);
                Assert.All(outcome.Scalars, s => Assert.Equal(s.Step, s.Value));

                var health = EventFileHealth.Check(file);
                if (!health.IsHealthy)
                {
                    var tail = Assert.Single(health.Regions);
                    Assert.Equal(DamageKind.TruncatedTail, tail.Kind);
                    Assert.Equal(health.Length, tail.Offset + tail.Length);
                    Assert.Equal(EventReadResult.Truncated, outcome.End);
                    truncatedTails++;
                }
                else
                {
                    Assert.Equal(EventReadResult.EndOfData, outcome.End);
                }
                // The follower reads the same file the same way (its catch-up).
                using var recorder = new FollowRecorder(dir);
                recorder.WaitCaughtUp();
                recorder.Stop();
                Assert.Equal(steps, recorder.Scalars.Where(s => s.File == file).Select(s => s.Scalar.Step));
                Assert.DoesNotContain(recorder.Items, i => i.Kind == ReadItemKind.Damaged);
            }

            // A new writer on the same directory works beside the crashed file.
            string fresh;
            using (var writer = new TbWriter(dir))
            {
                fresh = writer.Path;
                writer.AddScalar("after", 1, 0);
                writer.AddScalar("after", 2, 1);
            }
            Assert.DoesNotContain(fresh, files);
            Assert.Equal([1.0, 2.0], Read.File(fresh).Scalars.Select(s => s.Value));
            foreach (string file in files)
            {
                Assert.Empty(Read.File(file).Errors);
            }
        }
        Assert.Equal(kills - kills / 5, killedMidWrite);
        // Not asserted: whether any kill landed inside a write (a truncated tail) is up to chance.
        log.WriteLine($"{kills} kills, {killedMidWrite} after the first flush (up to {maxFlushed} events flushed), {truncatedTails} truncated tails");
    }
}
