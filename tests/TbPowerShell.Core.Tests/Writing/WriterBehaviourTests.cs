using System.Collections.Concurrent;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Tests.Writing;

public class WriterBehaviourTests
{
    private static readonly TimeSpan Never = TimeSpan.FromDays(1);

    private static int ScalarsInFile(string path)
    {
        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        return outcome.Scalars.Count;
    }

    [Fact]
    public void TwoWritersInTheSameSecondGetDistinctFiles()
    {
        using var temp = new TempDir();
        TbWriter a, b;
        int attempts = 0;
        while (true)
        {
            // Retry in the rare case the second ticked over between the two constructors.
            a = new TbWriter(temp.Path);
            b = new TbWriter(temp.Path);
            if (Path.GetFileName(a.Path).Split('.')[3] == Path.GetFileName(b.Path).Split('.')[3] || ++attempts == 5)
            {
                break;
            }
            a.Close();
            b.Close();
        }
        Assert.Equal(Path.GetFileName(a.Path).Split('.')[3], Path.GetFileName(b.Path).Split('.')[3]);
        Assert.NotEqual(a.Path, b.Path);
        a.AddScalar("who", 1, 1);
        b.AddScalar("who", 2, 1);
        a.Close();
        b.Close();
        Assert.Equal(1.0, Assert.Single(Read.File(a.Path).Scalars).Value);
        Assert.Equal(2.0, Assert.Single(Read.File(b.Path).Scalars).Value);
    }

    [Fact]
    public void ManyWritersInParallelNeverCollide()
    {
        using var temp = new TempDir();
        const int writers = 20;
        const int perWriter = 50;
        var paths = new ConcurrentDictionary<int, string>();
        using var start = new Barrier(writers);
        var threads = Enumerable.Range(0, writers).Select(id => new Thread(() =>
        {
            start.SignalAndWait();
            using var w = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(50) });
            paths[id] = w.Path;
            for (int i = 0; i < perWriter; i++)
            {
                w.AddScalar("writer", id, i);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(20))));

        Assert.Equal(writers, paths.Count);
        Assert.Equal(writers, paths.Values.Distinct().Count());
        Assert.Equal(writers, Directory.GetFiles(temp.Path).Length);
        foreach (var (id, path) in paths)
        {
            var scalars = Read.File(path).Scalars;
            Assert.Equal(perWriter, scalars.Count);
            Assert.All(scalars, s => Assert.Equal(id, s.Value));
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => (long)i), scalars.Select(s => s.Step));
        }
        var runs = LogDirectory.FindRuns(temp.Path);
        Assert.Equal(writers, Assert.Single(runs).Files.Count);
    }

    [Fact]
    public void BackgroundWritesWithinTheFlushInterval()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(200), MaxQueue = 1_000_000 });
        Assert.Equal(TimeSpan.FromMilliseconds(200), writer.FlushInterval);
        writer.AddScalar("live", 3.5, 7);
        // Another reader sees it without Flush or Close.
        Assert.True(Poll.Until(() => Read.File(writer.Path).Scalars.Any(s => s.Tag == "live" && s.Value == 3.5 && s.Step == 7)),
            "the value never reached the file");
        Assert.True(Poll.Until(() => writer.Pending == 0 && writer.EventsWritten == 1));
    }

    [Fact]
    public void MaxQueueTriggersAWriteBeforeTheInterval()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 5 });
        Assert.Equal(5, writer.MaxQueue);
        for (int i = 0; i < 4; i++)
        {
            writer.AddScalar("q", i, i);
        }
        Thread.Sleep(300);
        // Below the queue length and a day before the interval: nothing is written yet.
        Assert.Equal(0, ScalarsInFile(writer.Path));
        Assert.Equal(4, writer.Pending);
        Assert.Equal(0, writer.EventsWritten);

        writer.AddScalar("q", 4, 4);
        Assert.True(Poll.Until(() => ScalarsInFile(writer.Path) == 5), "five queued events were not written");
        Assert.True(Poll.Until(() => writer.Pending == 0));
        Assert.Equal(5, writer.EventsWritten);
    }

    [Fact]
    public void FlushIsABarrier()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 });
        Assert.Equal(0, writer.EventsWritten);
        for (int i = 0; i < 1000; i++)
        {
            writer.AddScalar("b", i, i);
        }
        Assert.Equal(1000, writer.Pending);
        writer.Flush();
        Assert.Equal(0, writer.Pending);
        Assert.Equal(1000, writer.EventsWritten);
        var scalars = Read.File(writer.Path).Scalars;
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (double)i), scalars.Select(s => s.Value));

        writer.AddScalar("b", 1000, 1000);
        writer.Flush();
        writer.Flush(); // nothing pending: still fine
        Assert.Equal(1001, writer.EventsWritten);
        Assert.Equal(1001, ScalarsInFile(writer.Path));
    }

    [Fact]
    public void ConcurrentAddersLoseNothing()
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20), MaxQueue = 7 });
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 500; i++)
            {
                writer.AddScalar("t" + t, i, i);
                if (i % 100 == 0)
                {
                    writer.Flush();
                }
            }
        });
        writer.Flush();
        var scalars = Read.File(writer.Path).Scalars;
        Assert.Equal(4000, scalars.Count);
        Assert.Equal(4000, writer.EventsWritten);
        for (int t = 0; t < 8; t++)
        {
            // Each thread's values arrive in its own order.
            Assert.Equal(Enumerable.Range(0, 500).Select(i => (double)i), scalars.Where(s => s.Tag == "t" + t).Select(s => s.Value));
        }
    }

    [Fact]
    public void DisposeClosesAndWritesEverything()
    {
        using var temp = new TempDir();
        TbWriter kept;
        using (var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 }))
        {
            kept = writer;
            Assert.Contains(writer, TbWriter.OpenWriters);
            Assert.False(writer.IsClosed);
            for (int i = 0; i < 100; i++)
            {
                writer.AddScalar("d", i, i);
            }
        }
        Assert.True(kept.IsClosed);
        Assert.Equal(100, ScalarsInFile(kept.Path));
        Assert.Equal(100, kept.EventsWritten);
        Assert.DoesNotContain(kept, TbWriter.OpenWriters);

        kept.Close();
        kept.Dispose();
        var e = Assert.Throws<TbWriterClosedException>(() => kept.AddScalar("d", 1));
        Assert.Equal(kept.Path, e.Path);
        Assert.Throws<TbWriterClosedException>(() => kept.AddEvent(new Event { Step = 1, FileVersion = "x" }));
        Assert.Throws<TbWriterClosedException>(() => kept.Flush());
        Assert.Equal(100, ScalarsInFile(kept.Path));
    }

    [Fact]
    public void PurgeStepWritesFileVersionAndSessionStartLikePyTorch()
    {
        // The model: PyTorch's third multi_session file, opened with purge_step=15.
        var fixture = LogDirectory.FindRuns(Fixtures.Path("pytorch", "multi_session")).Single().Files[2];
        var theirs = WriterRoundTripTests.ReadEvents(fixture);
        Assert.Equal("brain.Event:2", theirs[1].FileVersion);
        Assert.Equal(15, theirs[1].Step);
        Assert.Equal(SessionLog.Types.SessionStatus.Start, theirs[2].SessionLog.Status);
        Assert.Equal(15, theirs[2].Step);

        using var temp = new TempDir();
        string path;
        using (var writer = new TbWriter(temp.Path, new TbWriterOptions { PurgeStep = 15 }))
        {
            path = writer.Path;
            writer.AddScalar("loss", 0.5, 15);
        }
        var ours = WriterRoundTripTests.ReadEvents(path);
        Assert.Equal(4, ours.Count);
        Assert.Equal(Event.WhatOneofCase.FileVersion, ours[0].WhatCase);
        Assert.Equal(Event.WhatOneofCase.FileVersion, ours[1].WhatCase);
        Assert.Equal("brain.Event:2", ours[1].FileVersion);
        Assert.Equal(15, ours[1].Step);
        Assert.Equal(Event.WhatOneofCase.SessionLog, ours[2].WhatCase);
        Assert.Equal(SessionLog.Types.SessionStatus.Start, ours[2].SessionLog.Status);
        Assert.Equal(15, ours[2].Step);
        Assert.True(ours[1].WallTime > 0 && ours[2].WallTime > 0);

        // Our reader reads such a file without complaint (a second file_version event is normal).
        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        Assert.Equal(0.5, Assert.Single(outcome.Scalars).Value);
    }

    [Fact]
    public void BackgroundFailureIsReportedAtTheNextAddAndNothingIsLost()
    {
        using var temp = new TempDir();
        FailingStream? stream = null;
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(50) },
            p => stream = new FailingStream(p));
        try
        {
            writer.AddScalar("ok", 0, 0);
            writer.Flush();
            stream!.Failing = true;
            for (int i = 1; i <= 10; i++)
            {
                writer.AddScalar("ok", i, i);
            }
            Assert.True(Poll.Until(() => stream.Failures > 0), "the background never tried to write");
            // Let the background store its failure.
            Assert.True(Poll.Until(() =>
            {
                try
                {
                    writer.AddScalar("probe", 0, 0);
                    return false;
                }
                catch (TbWriterException e)
                {
                    Assert.Contains("No space left on device", e.Message);
                    Assert.IsType<IOException>(e.InnerException);
                    return true;
                }
            }), "the background failure was never reported");
            // The failure is reported once; the events are kept.
            Assert.True(writer.Pending >= 10);

            stream.Failing = false;
            writer.Flush();
            Assert.Equal(0, writer.Pending);
            var outcome = Read.File(writer.Path);
            Assert.Empty(outcome.Errors); // the half-written batch was cut back
            Assert.Equal(EventReadResult.EndOfData, outcome.End);
            Assert.Equal(Enumerable.Range(0, 11).Select(i => (double)i), outcome.Scalars.Where(s => s.Tag == "ok").Select(s => s.Value));
        }
        finally
        {
            if (stream is not null)
            {
                stream.Failing = false;
            }
            writer.Close();
        }
    }

    [Fact]
    public void BackgroundFailureIsReportedAtTheNextFlush()
    {
        using var temp = new TempDir();
        FailingStream? stream = null;
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(50) },
            p => stream = new FailingStream(p));
        try
        {
            stream!.Failing = true;
            for (int i = 0; i < 10; i++)
            {
                writer.AddScalar("f", i, i);
            }
            Assert.True(Poll.Until(() => stream.Failures > 0), "the background never tried to write");
            stream.Failing = false;
            // The background recorded the failure; the next call reports it even though the disk recovered.
            Assert.True(Poll.Until(() =>
            {
                try
                {
                    writer.Flush();
                    return false;
                }
                catch (TbWriterException)
                {
                    return true;
                }
            }), "Flush never reported the background failure");
            writer.Flush();
            Assert.Equal(0, writer.Pending);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), Read.File(writer.Path).Scalars.Select(s => s.Value));
        }
        finally
        {
            stream!.Failing = false;
            writer.Close();
        }
    }

    [Fact]
    public void FlushThatFailsItselfThrowsTbWriterExceptionAndKeepsTheEvents()
    {
        using var temp = new TempDir();
        FailingStream? stream = null;
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 },
            p => stream = new FailingStream(p));
        try
        {
            for (int i = 0; i < 10; i++)
            {
                writer.AddScalar("s", i, i);
            }
            stream!.Failing = true;
            var e = Assert.Throws<TbWriterException>(() => writer.Flush());
            Assert.Contains("No space left on device", e.Message);
            Assert.Equal(10, writer.Pending);
            stream.Failing = false;
            writer.Flush();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), Read.File(writer.Path).Scalars.Select(s => s.Value));
        }
        finally
        {
            stream!.Failing = false;
            writer.Close();
        }
    }

    [Fact]
    public void CloseThrowsAndKeepsTheWriterOpenWhileTheStreamKeepsFailing()
    {
        using var temp = new TempDir();
        FailingStream? stream = null;
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 },
            p => stream = new FailingStream(p));
        for (int i = 0; i < 3; i++)
        {
            writer.AddScalar("c", i, i);
        }
        stream!.Failing = true;
        var e = Assert.Throws<TbWriterException>(() => writer.Close());
        Assert.Contains("No space left on device", e.Message);
        Assert.Contains("3 events could not be written", e.Message);
        Assert.False(writer.IsClosed);
        Assert.Equal(3, writer.Pending);
        Assert.Contains(writer, TbWriter.OpenWriters);
        stream.Failing = false;
        writer.Close();
        Assert.Equal([0.0, 1.0, 2.0], Read.File(writer.Path).Scalars.Select(s => s.Value));
        writer.Close(); // a second close does not throw again
        Assert.Throws<TbWriterClosedException>(() => writer.AddScalar("c", 9));
    }

    [Fact]
    public void DeletedDirectoryIsReportedAndLaterEventsGoToANewFile()
    {
        using var temp = new TempDir();
        string logDir = temp.Sub("run");
        using var writer = new TbWriter(logDir, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 });
        string first = writer.Path;
        writer.AddScalar("x", 0, 0);
        writer.Flush();

        Directory.Delete(logDir, recursive: true);
        writer.AddScalar("x", 1, 1);
        var e = Assert.Throws<TbWriterException>(() => writer.Flush());
        Assert.Contains("deleted", e.Message);
        Assert.Contains(first, e.Message);

        writer.AddScalar("x", 2, 2);
        writer.Flush();
        Assert.NotEqual(first, writer.Path);
        Assert.Equal(Path.GetFullPath(logDir), Path.GetDirectoryName(writer.Path));
        Assert.True(File.Exists(writer.Path));
        Assert.False(File.Exists(first));
        var outcome = Read.File(writer.Path);
        Assert.Empty(outcome.Errors);
        Assert.Equal("brain.Event:2", outcome.FileVersion);
        // The event added after the deletion was kept and retried, then the later one.
        Assert.Equal([1.0, 2.0], outcome.Scalars.Select(s => s.Value));
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public void DeletedDirectoryIsReportedFromTheBackground()
    {
        using var temp = new TempDir();
        string logDir = temp.Sub("run");
        using var writer = new TbWriter(logDir, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(50) });
        writer.AddScalar("x", 0, 0);
        writer.Flush();
        Directory.Delete(logDir, recursive: true);
        writer.AddScalar("x", 1, 1);
        TbWriterException? reported = null;
        Assert.True(Poll.Until(() =>
        {
            try
            {
                writer.AddScalar("x", 2, 2);
                return false;
            }
            catch (TbWriterException e)
            {
                reported = e;
                return true;
            }
        }));
        Assert.Contains("deleted", reported!.Message);
        writer.Flush();
        Assert.True(Directory.Exists(logDir));
        var values = Read.File(writer.Path).Scalars.Select(s => s.Value).ToList();
        Assert.Equal(1.0, values[0]);
        Assert.All(values.Skip(1), v => Assert.Equal(2.0, v));
    }
}
