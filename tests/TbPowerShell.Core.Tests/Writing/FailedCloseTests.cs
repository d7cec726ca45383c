using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// A close that cannot write everything (full disk, deleted file or folder) keeps the writer open
/// with its events, so a later close or flush writes them, in order, after those written before.
/// </summary>
public class FailedCloseTests
{
    private static readonly TimeSpan Never = TimeSpan.FromDays(1);

    /// <summary>A writer on a stream that fails on demand, with <paramref name="written"/> values flushed and <paramref name="pending"/> more waiting.</summary>
    private static (TbWriter Writer, Func<FailingStream> Stream) FailingWriter(string dir, int written, int pending)
    {
        FailingStream? stream = null;
        var writer = new TbWriter(dir, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 }, p => stream = new FailingStream(p));
        for (int i = 0; i < written; i++)
        {
            writer.AddScalar("v", i, i);
        }
        writer.Flush();
        stream!.Failing = true;
        for (int i = written; i < written + pending; i++)
        {
            writer.AddScalar("v", i, i);
        }
        return (writer, () => stream!);
    }

    /// <summary>Asserts the file reads back whole (no damage, no torn tail) with exactly the values <paramref name="from"/>..<paramref name="to"/>, in order.</summary>
    internal static void AssertReadsBackWhole(string path, int from, int to)
    {
        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        Assert.Equal(EventReadResult.EndOfData, outcome.End);
        Assert.Equal(EventFileWriter.FileVersion, outcome.FileVersion);
        Assert.Equal(Enumerable.Range(from, to - from + 1).Select(i => (double)i), outcome.Scalars.Select(s => s.Value));
        Assert.Equal(Enumerable.Range(from, to - from + 1).Select(i => (long)i), outcome.Scalars.Select(s => s.Step));
    }

    [Fact]
    public void AFailedCloseKeepsTheWriterOpenAndTheNextCloseWritesThePendingEventsAfterTheOthers()
    {
        using var temp = new TempDir();
        var (writer, stream) = FailingWriter(temp.Path, written: 5, pending: 5);

        var e = Assert.Throws<TbWriterException>(() => writer.Close());

        Assert.Contains("No space left on device", e.Message);
        Assert.Contains("5 events could not be written", e.Message);
        Assert.Contains("stays open", e.Message);
        Assert.Contains("retries", e.Message);
        Assert.False(writer.IsClosed);
        Assert.Equal(5, writer.Pending);
        Assert.Equal(5, writer.EventsWritten);
        Assert.Contains(writer, TbWriter.OpenWriters);
        AssertReadsBackWhole(writer.Path, 0, 4); // the failed batch was cut back

        stream().Failing = false;
        writer.Close();

        Assert.True(writer.IsClosed);
        Assert.Equal(0, writer.Pending);
        Assert.Equal(10, writer.EventsWritten);
        Assert.DoesNotContain(writer, TbWriter.OpenWriters);
        AssertReadsBackWhole(writer.Path, 0, 9);
        writer.Close(); // closed now: a further close does nothing
        Assert.Throws<TbWriterClosedException>(() => writer.AddScalar("v", 10, 10));
    }

    [Fact]
    public void AFailedCloseThenAFlushWritesTheEventsAndTheCloseThatFollowsSucceeds()
    {
        using var temp = new TempDir();
        var (writer, stream) = FailingWriter(temp.Path, written: 5, pending: 5);
        Assert.Throws<TbWriterException>(() => writer.Close());

        stream().Failing = false;
        writer.Flush();
        Assert.Equal(0, writer.Pending);
        AssertReadsBackWhole(writer.Path, 0, 9);
        writer.Close();

        Assert.True(writer.IsClosed);
        AssertReadsBackWhole(writer.Path, 0, 9);
    }

    [Fact]
    public void ACloseThatFailsTwiceKeepsEverythingForTheThirdWhichSucceeds()
    {
        using var temp = new TempDir();
        var (writer, stream) = FailingWriter(temp.Path, written: 5, pending: 5);
        Assert.Throws<TbWriterException>(() => writer.Close());
        int failuresAfterFirst = stream().Failures;
        var second = Assert.Throws<TbWriterException>(() => writer.Close());

        Assert.True(stream().Failures > failuresAfterFirst, "the second close did not try to write again");
        Assert.Contains("5 events could not be written", second.Message);
        Assert.False(writer.IsClosed);
        Assert.Equal(5, writer.Pending);

        stream().Failing = false;
        writer.Close();
        Assert.True(writer.IsClosed);
        AssertReadsBackWhole(writer.Path, 0, 9);
    }

    [Fact]
    public void ValuesAddedAfterAFailedCloseAreAcceptedAndFollowTheKeptOnes()
    {
        using var temp = new TempDir();
        var (writer, stream) = FailingWriter(temp.Path, written: 5, pending: 5);
        Assert.Throws<TbWriterException>(() => writer.Close());

        // The writer is open: new values are accepted while the disk still fails, and kept too.
        for (int i = 10; i < 15; i++)
        {
            writer.AddScalar("v", i, i);
        }
        Assert.Equal(10, writer.Pending);
        var again = Assert.Throws<TbWriterException>(() => writer.Close());
        Assert.Contains("10 events could not be written", again.Message);

        stream().Failing = false;
        writer.Close();
        AssertReadsBackWhole(writer.Path, 0, 14);
    }

    [Fact]
    public void TheBackgroundOfAWriterReopenedByAFailedCloseWritesItsEventsOnceTheDiskRecovers()
    {
        using var temp = new TempDir();
        FailingStream? stream = null;
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) }, p => stream = new FailingStream(p));
        writer.AddScalar("v", 0, 0);
        writer.Flush();
        stream!.Failing = true;
        writer.AddScalar("v", 1, 1);
        Assert.Throws<TbWriterException>(() => writer.Close());

        stream.Failing = false;
        Assert.True(Poll.Until(() => writer.Pending == 0), "the background never wrote the kept events");
        writer.Close();
        AssertReadsBackWhole(writer.Path, 0, 1);
    }

    [Fact]
    public void DisposeOfAWriterWhoseCloseFailsThrowsAndLeavesItOpenWithItsEvents()
    {
        using var temp = new TempDir();
        var (writer, stream) = FailingWriter(temp.Path, written: 5, pending: 5);

        var e = Assert.Throws<TbWriterException>(() =>
        {
            using (writer)
            {
                writer.AddScalar("v", 10, 10);
            }
        });

        Assert.Contains("6 events could not be written", e.Message);
        Assert.False(writer.IsClosed);
        Assert.Equal(6, writer.Pending);
        stream().Failing = false;
        writer.Dispose();
        Assert.True(writer.IsClosed);
        AssertReadsBackWhole(writer.Path, 0, 10);
    }

    [Fact]
    public void ADeletedRunFolderFailsTheCloseAndTheRetryWritesTheKeptEventsToANewFile()
    {
        using var temp = new TempDir();
        string dir = temp.Sub("run");
        var writer = new TbWriter(dir, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 });
        for (int i = 0; i < 5; i++)
        {
            writer.AddScalar("v", i, i);
        }
        writer.Flush();
        string first = writer.Path;
        Directory.Delete(dir, recursive: true);
        for (int i = 5; i < 10; i++)
        {
            writer.AddScalar("v", i, i);
        }

        var e = Assert.Throws<TbWriterException>(() => writer.Close());
        Assert.Contains("was deleted", e.Message);
        Assert.Contains("5 events could not be written", e.Message);
        Assert.False(writer.IsClosed);
        Assert.Equal(5, writer.Pending);

        writer.Close();
        Assert.True(writer.IsClosed);
        Assert.NotEqual(first, writer.Path);
        Assert.Equal(dir, Path.GetDirectoryName(writer.Path));
        AssertReadsBackWhole(writer.Path, 5, 9); // the first five went with the folder the user deleted
    }

    [Fact]
    public void ARunFolderThatCannotBeRecreatedFailsEveryCloseUntilItCanThenTheCloseWritesTheKeptEvents()
    {
        using var temp = new TempDir();
        string dir = temp.Sub("run");
        var writer = new TbWriter(dir, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 });
        writer.AddScalar("v", 0, 0);
        writer.Flush();
        Directory.Delete(dir, recursive: true);
        File.WriteAllText(dir, "a file where the run folder was");
        for (int i = 1; i <= 5; i++)
        {
            writer.AddScalar("v", i, i);
        }

        Assert.Throws<TbWriterException>(() => writer.Close()); // the file is gone
        var second = Assert.Throws<TbWriterException>(() => writer.Close()); // its folder cannot be made
        Assert.Contains("5 events could not be written", second.Message);
        Assert.False(writer.IsClosed);

        File.Delete(dir);
        writer.Close();
        Assert.True(writer.IsClosed);
        AssertReadsBackWhole(writer.Path, 1, 5);
    }

    [Fact]
    public void ASubRunWhoseCloseFailsKeepsItsParentOpenAndTheParentsNextCloseRetriesIt()
    {
        using var temp = new TempDir();
        var streams = new List<FailingStream>();
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 }, p =>
        {
            var s = new FailingStream(p);
            lock (streams)
            {
                streams.Add(s);
            }
            return s;
        });
        writer.AddScalars("loss", [new("train", 1.0)], 1);
        writer.AddScalar("v", 0, 0);
        var sub = writer.SubWriter("loss_train");
        sub.Flush();
        streams.Single(s => s != streams[0]).Failing = true;
        writer.AddScalars("loss", [new("train", 2.0)], 2);

        var e = Assert.Throws<TbWriterException>(() => writer.Close());
        Assert.Contains($"failed at its sub-run '{sub.LogDir}': No space left on device 1 events of the sub-run could not be written.", e.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(e.Message, "stays open"));
        Assert.False(writer.IsClosed);
        Assert.False(sub.IsClosed);
        Assert.Equal(1, sub.Pending);

        streams.ForEach(s => s.Failing = false);
        writer.Close();
        Assert.True(writer.IsClosed && sub.IsClosed);
        AssertReadsBackWhole(writer.Path, 0, 0);
        Assert.Equal([1.0, 2.0], Read.File(sub.Path).Scalars.Select(s => s.Value));
    }

    [Fact]
    public void SubRunValuesAddedAfterTheParentsCloseFailedAreAcceptedToo()
    {
        using var temp = new TempDir();
        var streams = new List<FailingStream>();
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 }, p =>
        {
            var s = new FailingStream(p);
            lock (streams)
            {
                streams.Add(s);
            }
            return s;
        });
        writer.AddScalars("loss", [new("train", 1.0)], 1);
        writer.AddScalar("v", 0, 0);
        var firstSub = writer.SubWriter("loss_train");
        streams[0].Failing = true; // the parent's own file only: the sub-run closes fine
        Assert.Throws<TbWriterException>(() => writer.Close());
        Assert.True(firstSub.IsClosed);
        Assert.False(writer.IsClosed);

        writer.AddScalars("loss", [new("train", 2.0)], 2);
        var secondSub = writer.SubWriter("loss_train");
        Assert.NotSame(firstSub, secondSub);
        streams[0].Failing = false;
        writer.Close();

        Assert.True(secondSub.IsClosed);
        AssertReadsBackWhole(writer.Path, 0, 0);
        Assert.Equal([1.0, 2.0], Read.Run(Path.Combine(temp.Path, "loss_train")).Select(s => s.Value));
    }

    [Fact]
    public void RecoveryWritesWhatAStillFailingWriterKeptToARecoveryFileInTheRunFolderThatReadsAsPartOfTheRun()
    {
        using var temp = new TempDir();
        var (writer, _) = FailingWriter(temp.Path, written: 5, pending: 5);
        Assert.Throws<TbWriterException>(() => writer.Close()); // the user heard; the writer is still open

        var error = Assert.IsType<TbWriterException>(Assert.Single(WriterRegistry.CloseEach([writer])));

        Assert.NotNull(error.RecoveryPath);
        Assert.Equal(writer.Path + EventFileWriter.RecoverySuffix, error.RecoveryPath);
        Assert.Contains(error.RecoveryPath, error.Message);
        Assert.Contains("in the run folder", error.Message);
        Assert.Contains("5 unwritten events", error.Message);
        Assert.True(writer.IsClosed);
        Assert.Equal(0, writer.Pending);
        Assert.DoesNotContain(writer, TbWriter.OpenWriters);
        Assert.True(EventFileName.IsEventFileName(Path.GetFileName(error.RecoveryPath)));
        AssertReadsBackWhole(writer.Path, 0, 4);
        AssertReadsBackWhole(error.RecoveryPath, 5, 9);
        // The run, as TensorBoard and Get-TbEvent read it: both files, every value once, in order.
        var run = Read.Run(temp.Path);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), run.Select(s => s.Value));
    }

    [Fact]
    public void RecoveryOfAWriterThatNeverHeardOfTheFailureWorksTheSame()
    {
        using var temp = new TempDir();
        var (writer, _) = FailingWriter(temp.Path, written: 0, pending: 3);

        var error = Assert.IsType<TbWriterException>(Assert.Single(WriterRegistry.CloseEach([writer])));

        Assert.Equal(writer.Path + EventFileWriter.RecoverySuffix, error.RecoveryPath);
        AssertReadsBackWhole(error.RecoveryPath!, 0, 2);
        Assert.True(writer.IsClosed);
    }

    [Fact]
    public void RecoveryGoesToTheTempFolderWhenTheRunFolderCannotBeWritten()
    {
        using var temp = new TempDir();
        string dir = temp.Sub("unwritable-run");
        var writer = new TbWriter(dir, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 });
        for (int i = 0; i < 5; i++)
        {
            writer.AddScalar("v", i, i);
        }
        writer.Flush();
        Directory.Delete(dir, recursive: true);
        File.WriteAllText(dir, "a file where the run folder was");
        for (int i = 5; i < 10; i++)
        {
            writer.AddScalar("v", i, i);
        }
        string recoveryFolder = EventFileWriter.RecoveryTempFolder(dir);
        try
        {
            var error = Assert.IsType<TbWriterException>(Assert.Single(WriterRegistry.CloseEach([writer])));

            Assert.NotNull(error.RecoveryPath);
            Assert.Equal(recoveryFolder, Path.GetDirectoryName(error.RecoveryPath));
            Assert.StartsWith(Path.GetTempPath(), error.RecoveryPath, StringComparison.Ordinal);
            Assert.Equal(Path.GetFileName(writer.Path) + EventFileWriter.RecoverySuffix, Path.GetFileName(error.RecoveryPath));
            Assert.Contains(error.RecoveryPath, error.Message);
            Assert.Contains("temp folder", error.Message);
            Assert.Contains(dir, error.Message);
            Assert.True(writer.IsClosed);
            AssertReadsBackWhole(error.RecoveryPath, 5, 9);
            // The folder reads as a run of its own, named after the original.
            Assert.StartsWith("unwritable-run-", Path.GetFileName(recoveryFolder), StringComparison.Ordinal);
            Assert.Equal(Enumerable.Range(5, 5).Select(i => (double)i), Read.Run(recoveryFolder).Select(s => s.Value));
        }
        finally
        {
            if (Directory.Exists(recoveryFolder))
            {
                Directory.Delete(recoveryFolder, recursive: true);
            }
        }
    }

    [Fact]
    public void ASecondRecoveryOfTheSameFileNameTakesTheNextName()
    {
        using var temp = new TempDir();
        var (writer, _) = FailingWriter(temp.Path, written: 1, pending: 2);
        string taken = writer.Path + EventFileWriter.RecoverySuffix;
        File.WriteAllText(taken, "someone else's");

        var error = Assert.IsType<TbWriterException>(Assert.Single(WriterRegistry.CloseEach([writer])));

        Assert.Equal(taken + "2", error.RecoveryPath);
        Assert.Equal("someone else's", File.ReadAllText(taken));
        AssertReadsBackWhole(error.RecoveryPath!, 1, 2);
    }

    [Fact]
    public void RecoveryOfAParentSavesItsFailingSubRunsEventsInTheSubRunFolder()
    {
        using var temp = new TempDir();
        var streams = new List<FailingStream>();
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = Never, MaxQueue = 1_000_000 }, p =>
        {
            var s = new FailingStream(p);
            lock (streams)
            {
                streams.Add(s);
            }
            return s;
        });
        writer.AddScalar("v", 0, 0);
        var sub = writer.SubWriter("sub");
        writer.Flush();
        streams.ForEach(s => s.Failing = true);
        sub.AddScalar("v", 1, 1);
        writer.AddScalar("v", 2, 2);

        var errors = WriterRegistry.CloseEach([writer]);

        Assert.Equal(2, errors.Count);
        var paths = errors.Cast<TbWriterException>().Select(e => e.RecoveryPath).ToList();
        Assert.Contains(sub.Path + EventFileWriter.RecoverySuffix, paths);
        Assert.Contains(writer.Path + EventFileWriter.RecoverySuffix, paths);
        AssertReadsBackWhole(sub.Path + EventFileWriter.RecoverySuffix, 1, 1);
        AssertReadsBackWhole(writer.Path + EventFileWriter.RecoverySuffix, 2, 2);
        AssertReadsBackWhole(writer.Path, 0, 0);
        Assert.True(writer.IsClosed && sub.IsClosed);
        Assert.DoesNotContain(sub, TbWriter.OpenWriters);
    }
}
