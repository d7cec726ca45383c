using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Following;

public class EventFollowerTests
{
    private static TbWriterOptions Fast => new() { FlushInterval = TimeSpan.FromMilliseconds(5), MaxQueue = 50 };

    /// <summary>Asserts every (run, tag) has the steps first..first+count-1 exactly once and each file's steps of a tag rise.</summary>
    private static void AssertExactlyOnceInOrder(List<FollowItem> scalars, IReadOnlyDictionary<(string Run, string Tag), (int First, int Count)> expected)
    {
        foreach (var group in scalars.GroupBy(s => (s.File, s.Scalar.Tag)))
        {
            var steps = group.Select(s => s.Scalar.Step).ToList();
            for (int i = 1; i < steps.Count; i++)
            {
                Assert.True(steps[i] > steps[i - 1], $"'{group.Key}': step {steps[i]} after {steps[i - 1]}");
            }
        }
        var byRunAndTag = scalars.GroupBy(s => (s.Run, s.Scalar.Tag)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.Keys.OrderBy(k => k.Run + "|" + k.Tag), byRunAndTag.Keys.OrderBy(k => k.Run + "|" + k.Tag));
        foreach (var ((run, tag), (first, count)) in expected)
        {
            var got = byRunAndTag[(run, tag)];
            Assert.Equal(count, got.Count);
            Assert.Equal(Enumerable.Range(first, count).Select(i => (long)i), got.Select(s => s.Scalar.Step).Order());
            Assert.All(got, s => Assert.Equal(s.Scalar.Step * 0.5, s.Scalar.Value));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadWhileWriteSeesEveryEventOnceInOrder(bool watcher)
    {
        using var temp = new TempDir();
        // Something exists before following starts: it is read in the catch-up.
        using (var early = new TbWriter(temp.Sub("a"), Fast))
        {
            for (int i = 0; i < 300; i++)
            {
                early.AddScalar("loss", i * 0.5, i);
            }
        }
        using var recorder = new FollowRecorder(temp.Path, watcher: watcher);

        const int perFile = 700;
        const int filesA = 5;
        const int countB = 2_500;
        var writerA = new Thread(() =>
        {
            long step = 300;
            for (int f = 0; f < filesA; f++)
            {
                // Close and reopen: a new file in a known run.
                using var w = new TbWriter(temp.Sub("a"), Fast);
                for (int i = 0; i < perFile; i++, step++)
                {
                    w.AddScalar("loss", step * 0.5, step);
                    w.AddScalar("acc", step * 0.5, step);
                    if (i % 100 == 0)
                    {
                        Thread.Sleep(2);
                    }
                }
            }
        });
        var writerB = new Thread(() =>
        {
            Thread.Sleep(150);
            // A new run folder (nested) appears while following.
            using var w = new TbWriter(temp.Sub("b", "nested"), Fast);
            for (int i = 0; i < countB; i++)
            {
                w.AddScalar("loss", i * 0.5, i);
                if (i % 100 == 0)
                {
                    Thread.Sleep(2);
                }
            }
        });
        writerA.Start();
        writerB.Start();
        Assert.True(writerA.Join(TimeSpan.FromSeconds(60)));
        Assert.True(writerB.Join(TimeSpan.FromSeconds(60)));

        int totalA = 300 + filesA * perFile;
        int expectedCount = totalA + (totalA - 300) + countB;
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) >= expectedCount, $"{expectedCount} scalars");
        // A few more polls: nothing may come twice.
        Thread.Sleep(300);
        recorder.Stop();

        var items = recorder.Items;
        Assert.Equal(1, items.Count(i => i.Kind == ReadItemKind.CaughtUp));
        Assert.DoesNotContain(items, i => i.Kind is ReadItemKind.Damaged or ReadItemKind.FileRestarted or ReadItemKind.Unreadable or ReadItemKind.NotEventFile);
        var scalars = recorder.Scalars;
        Assert.Equal(expectedCount, scalars.Count);
        // Steps 0..299 of "a" (one tag) are in the catch-up, before the caught-up item.
        int caughtUpAt = items.FindIndex(i => i.Kind == ReadItemKind.CaughtUp);
        Assert.True(caughtUpAt >= 300);
        Assert.Equal(filesA + 1, scalars.Where(s => s.Run == "a").Select(s => s.File).Distinct().Count());
        Assert.Equal(LogDirectory.FindRuns(temp.Path).Select(r => r.Name), new[] { "a", "b/nested" });
        AssertExactlyOnceInOrder(scalars, new Dictionary<(string, string), (int, int)>
        {
            [("a", "loss")] = (0, totalA),
            [("a", "acc")] = (300, filesA * perFile),
            [("b/nested", "loss")] = (0, countB),
        });
    }

    [Fact]
    public void HalfWrittenRecordIsReadOnceWhenComplete()
    {
        using var temp = new TempDir();
        string path = temp.Sub("events.out.tfevents.1700000000.test.1.00000");
        byte[] first = HandFramed.Scalar("x", 0, 1.5f);
        byte[] second = HandFramed.Scalar("x", 1, 2.5f);
        byte[] third = HandFramed.Scalar("x", 2, 3.5f);
        HandFramed.Append(path, HandFramed.FileVersion());
        HandFramed.Append(path, first);
        HandFramed.Append(path, second.AsSpan(0, 20)); // inside the payload

        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitCaughtUp();
        Assert.Single(recorder.Scalars);

        HandFramed.Append(path, second.AsSpan(20));
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 2, "the completed second record");

        HandFramed.Append(path, third.AsSpan(0, 5)); // inside the header
        Thread.Sleep(200);                         // several polls see the partial header
        Assert.Equal(2, recorder.Count(ReadItemKind.Scalar));
        HandFramed.Append(path, third.AsSpan(5));
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 3, "the completed third record");
        Thread.Sleep(200);
        recorder.Stop();

        var items = recorder.Items;
        Assert.Equal([1.5, 2.5, 3.5], recorder.Scalars.Select(s => s.Scalar.Value));
        Assert.Equal([0L, 1, 2], recorder.Scalars.Select(s => s.Scalar.Step));
        Assert.All(recorder.Scalars, s => Assert.Equal(".", s.Run));
        Assert.All(recorder.Scalars, s => Assert.Equal(path, s.File));
        Assert.DoesNotContain(items, i => i.Kind == ReadItemKind.Damaged);
    }

    [Fact]
    public void ShrunkFileIsReportedAndReadAgainFromTheStart()
    {
        using var temp = new TempDir();
        string path = temp.Sub("run", "events.out.tfevents.1700000000.test.1.00000");
        Directory.CreateDirectory(temp.Sub("run"));
        HandFramed.Append(path, HandFramed.FileVersion());
        for (int i = 0; i < 10; i++)
        {
            HandFramed.Append(path, HandFramed.Scalar("s", i, i));
        }
        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitCaughtUp();
        Assert.Equal(10, recorder.Count(ReadItemKind.Scalar));

        // Replaced by a shorter file (a restarted run rewriting the same name).
        string replacement = temp.Sub("replacement.bin");
        File.WriteAllBytes(replacement, [.. HandFramed.FileVersion(), .. HandFramed.Scalar("s", 100, 100), .. HandFramed.Scalar("s", 101, 101)]);
        File.Copy(replacement, path, overwrite: true);
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 12, "the two values of the replacement");

        // Truncated in place to its first record, then written again.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(HandFramed.FileVersion().Length);
        }
        recorder.WaitUntil(r => r.Count(ReadItemKind.FileRestarted) == 2, "the second restart");
        HandFramed.Append(path, HandFramed.Scalar("s", 200, 200));
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 13, "the value written after the truncation");
        recorder.Stop();

        var items = recorder.Items.Where(i => i.Kind != ReadItemKind.CaughtUp).ToList();
        Assert.Equal(
            [.. Enumerable.Repeat("Scalar", 10), "FileRestarted", "Scalar", "Scalar", "FileRestarted", "Scalar"],
            items.Select(i => i.Kind.ToString()));
        Assert.Equal([100.0, 101.0, 200.0], items.Skip(10).Where(i => i.Kind == ReadItemKind.Scalar).Select(i => i.Scalar.Value));
        var restart = items[10];
        Assert.Equal(path, restart.File);
        Assert.Equal("run", restart.Run);
        Assert.Contains("read again from the start", restart.Message);
    }

    [Fact]
    public void CancellationEndsTheEnumerationWhileWaitingAndWhileReading()
    {
        using var temp = new TempDir();
        // Waiting: a poll interval of a minute must not delay the end.
        var idle = new FollowRecorder(new[] { FollowTarget.Directory(temp.Path) },
            FollowRecorder.Options(poll: TimeSpan.FromMinutes(1)));
        idle.WaitCaughtUp();
        idle.Stop();
        idle.Dispose();

        // Reading: a large catch-up is cut short, and MoveNext returns false (no exception).
        using (var w = new TbWriter(temp.Path, new TbWriterOptions { MaxQueue = 100_000 }))
        {
            for (int i = 0; i < 200_000; i++)
            {
                w.AddScalar("s", i, i);
            }
        }
        using var stop = new CancellationTokenSource();
        var follower = new EventFollower(temp.Path, new EventFollowerOptions { PollInterval = TimeSpan.FromMinutes(1) }, stop.Token);
        int seen = 0;
        using (var e = follower.GetEnumerator())
        {
            while (e.MoveNext())
            {
                if (++seen == 1000)
                {
                    stop.Cancel();
                }
            }
            Assert.False(e.MoveNext());
        }
        Assert.Equal(1000, seen);
    }

    [Fact]
    public void DeletedFilesAndRunFoldersAreForgottenWithoutErrors()
    {
        using var temp = new TempDir();
        string keepFile, goneFile;
        using (var w = new TbWriter(temp.Sub("keep"), Fast))
        {
            keepFile = w.Path;
            w.AddScalar("s", 0, 0);
        }
        using (var w = new TbWriter(temp.Sub("keep"), Fast))
        {
            goneFile = w.Path;
            w.AddScalar("s", 1, 1);
        }
        using (var w = new TbWriter(temp.Sub("gone", "deep"), Fast))
        {
            w.AddScalar("s", 2, 2);
        }
        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitCaughtUp();
        Assert.Equal(3, recorder.Count(ReadItemKind.Scalar));

        // A run folder deleted while a writer still writes into it, and a file deleted.
        var live = new TbWriter(temp.Sub("gone", "deep"), Fast);
        live.AddScalar("s", 3, 3);
        live.Flush();
        Directory.Delete(temp.Sub("gone"), recursive: true);
        File.Delete(goneFile);
        Thread.Sleep(200);
        try
        {
            live.Close();
        }
        catch (TbWriterException)
        {
            // the writer reports its deleted file; the follower must not care
        }

        // Later data still comes, also from a run folder made again with the same name.
        using (var w = new TbWriter(temp.Sub("keep"), Fast))
        {
            w.AddScalar("s", 10, 10);
        }
        using (var w = new TbWriter(temp.Sub("gone", "deep"), Fast))
        {
            w.AddScalar("s", 20, 20);
        }
        recorder.WaitUntil(r => r.Scalars.Any(s => s.Scalar.Step == 10) && r.Scalars.Any(s => s.Scalar.Step == 20), "the values written after the deletions");
        recorder.Stop();

        var items = recorder.Items;
        Assert.DoesNotContain(items, i => i.Kind is ReadItemKind.Damaged or ReadItemKind.Unreadable or ReadItemKind.FileRestarted);
        var steps = recorder.Scalars.Select(s => s.Scalar.Step).ToList();
        Assert.Equal(steps.Distinct().Count(), steps.Count);
        Assert.Contains(keepFile, recorder.Scalars.Select(s => s.File));
        Assert.Equal("gone/deep", recorder.Scalars.Single(s => s.Scalar.Step == 20).Run);
    }

    [Fact]
    public void FiltersNamesAndSingleFiles()
    {
        using var temp = new TempDir();
        string fileB;
        using (var w = new TbWriter(temp.Sub("runs", "a")))
        {
            w.AddScalar("train/loss", 1, 0);
            w.AddScalar("eval/loss", 2, 0);
        }
        using (var w = new TbWriter(temp.Sub("runs", "b")))
        {
            fileB = w.Path;
            w.AddScalar("train/loss", 3, 0);
        }
        File.WriteAllText(temp.Sub("runs", "a", "events.out.tfevents.notes"), "this is not an event file at all");

        var options = FollowRecorder.Options();
        options.RunFilter = run => run != "runs/b";
        options.TagFilter = tag => tag.StartsWith("train/", StringComparison.Ordinal);
        // The directory named from its parent (as a wildcard path does), and a file named from the root;
        // the file's run is filtered out as a run, so nothing of it comes even though it was asked for.
        using var recorder = new FollowRecorder(
            new[] { FollowTarget.Directory(temp.Sub("runs"), namingRoot: temp.Path), FollowTarget.File(fileB, namingRoot: temp.Path) },
            options);
        recorder.WaitCaughtUp();
        string late = temp.Sub("late", "events.out.tfevents.1700000000.test.1.00000");
        using var lateRecorder = new FollowRecorder(new[] { FollowTarget.File(late) }, FollowRecorder.Options());
        lateRecorder.WaitCaughtUp();
        Directory.CreateDirectory(temp.Sub("late"));
        HandFramed.Append(late, [.. HandFramed.FileVersion(), .. HandFramed.Scalar("t", 7, 7)]);
        lateRecorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 1, "the value of a file made after following started");
        lateRecorder.Stop();
        recorder.Stop();

        var scalar = Assert.Single(recorder.Scalars);
        Assert.Equal(("runs/a", "train/loss", 1.0), (scalar.Run, scalar.Scalar.Tag, scalar.Scalar.Value));
        var notice = Assert.Single(recorder.Items, i => i.Kind == ReadItemKind.NotEventFile);
        Assert.Equal(temp.Sub("runs", "a", "events.out.tfevents.notes"), notice.File);
        var lateScalar = Assert.Single(lateRecorder.Scalars);
        Assert.Equal((".", 7L), (lateScalar.Run, lateScalar.Scalar.Step));
    }

    [Fact]
    public void ValuesOfOtherKindsAndDamageComeAsItems()
    {
        using var temp = new TempDir();
        string path;
        using (var w = new TbWriter(temp.Path))
        {
            path = w.Path;
            w.AddScalar("s", 1, 0);
            w.AddValue(Core.Summaries.SummaryValues.Text("note", "hello"), 0);
        }
        using var recorder = new FollowRecorder(new[] { FollowTarget.Directory(temp.Path) },
            new EventFollowerOptions { PollInterval = TimeSpan.FromMilliseconds(40), WakeOnChange = false, Kinds = EventKinds.Scalar | EventKinds.Text });
        recorder.WaitUntil(r => r.Items.Count(i => i.Kind is ReadItemKind.Scalar or ReadItemKind.Value) == 2, "a scalar and a text value");

        // A record whose payload CRC fails, then a good one.
        byte[] bad = HandFramed.Scalar("s", 1, 2);
        bad[^1] ^= 0xFF;
        HandFramed.Append(path, bad);
        HandFramed.Append(path, HandFramed.Scalar("s", 2, 3));
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == 2, "the value after the damaged record");
        recorder.Stop();

        var text = Assert.IsType<TextRecord>(Assert.Single(recorder.Items, i => i.Kind == ReadItemKind.Value).Value);
        Assert.Equal(["hello"], text.Strings);
        var damage = Assert.Single(recorder.Items, i => i.Kind == ReadItemKind.Damaged);
        Assert.Equal(EventReadErrorKind.DataCrc, damage.Error!.Kind);
        Assert.Equal(path, damage.File);
        Assert.Equal(3.0, recorder.Scalars[^1].Scalar.Value);
    }
}
