using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Tests.Following;

/// <summary>
/// A file that changes under the follower other than by appending: replaced by a rename, deleted and made
/// again, rewritten in place, cut and restored. Each is either read on exactly once (the same bytes) or
/// announced by a <see cref="ReadItemKind.FileRestarted"/> before any value comes again, after which every
/// value of the new content comes exactly once.
/// </summary>
public class ChangedFileFollowTests
{
    private const string Name = "events.out.tfevents.1700000000.test.1.00000";

    /// <summary>A file version record, then scalars "s" at steps first.. with value step + <paramref name="shift"/> (or <paramref name="value"/>(step)).</summary>
    private static byte[] Content(int count, float shift, int first = 0, Func<int, float>? value = null)
    {
        var bytes = new List<byte>(HandFramed.FileVersion());
        for (int step = first; step < first + count; step++)
        {
            bytes.AddRange(HandFramed.Scalar("s", step, value?.Invoke(step) ?? step + shift));
        }
        return bytes.ToArray();
    }

    private static double[] Values(int count, float shift, int first = 0) =>
        Enumerable.Range(first, count).Select(step => (double)(step + shift)).ToArray();

    /// <summary>Writes <paramref name="bytes"/> to a new file beside <paramref name="path"/> (not named as an event file) and renames it over it.</summary>
    private static void RenameOver(string path, byte[] bytes, DateTime? lastWrite = null)
    {
        string fresh = Path.Combine(Path.GetDirectoryName(path)!, "staging.tmp");
        File.WriteAllBytes(fresh, bytes);
        if (lastWrite is DateTime time)
        {
            File.SetLastWriteTimeUtc(fresh, time);
        }
        File.Move(fresh, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="bytes"/> over the start of the same file (same inode), then cuts it to their length.</summary>
    private static void RewriteInPlace(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
        stream.SetLength(bytes.Length);
    }

    private static void SetLength(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(length);
    }

    /// <summary>
    /// No value comes twice without a <see cref="ReadItemKind.FileRestarted"/> of its file between the two; no
    /// damage is reported.
    /// </summary>
    private static void AssertNoRepeatUnannounced(IReadOnlyList<FollowItem> items)
    {
        var lastEmitted = new Dictionary<(string, string, long), int>();
        var lastRestart = new Dictionary<string, int>();
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            Assert.False(item.Kind == ReadItemKind.Damaged, $"damage reported: {item}");
            if (item.Kind == ReadItemKind.FileRestarted)
            {
                lastRestart[item.File] = i;
                continue;
            }
            if (item.Kind != ReadItemKind.Scalar)
            {
                continue;
            }
            var key = (item.File, item.Scalar.Tag, item.Scalar.Step);
            if (lastEmitted.TryGetValue(key, out int before))
            {
                Assert.True(lastRestart.TryGetValue(item.File, out int restart) && restart > before,
                    $"step {item.Scalar.Step} of '{item.File}' came again (items {before} and {i}) with no restart announced between");
            }
            lastEmitted[key] = i;
        }
    }

    /// <summary>The values of <paramref name="path"/> after its last restart (all of them when none), in order.</summary>
    private static double[] ValuesAfterLastRestart(IReadOnlyList<FollowItem> items, string path)
    {
        int last = -1;
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].Kind == ReadItemKind.FileRestarted && items[i].File == path)
            {
                last = i;
            }
        }
        return items.Skip(last + 1).Where(i => i.Kind == ReadItemKind.Scalar && i.File == path).Select(i => i.Scalar.Value).ToArray();
    }

    private static double[] ScalarValues(IEnumerable<FollowItem> items) =>
        items.Where(i => i.Kind == ReadItemKind.Scalar).Select(i => i.Scalar.Value).ToArray();

    [Fact]
    public void FileRenamedOverBySameLengthFileIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        byte[] replacement = Content(100, 1000);
        Assert.Equal(new FileInfo(path).Length, replacement.Length);
        RenameOver(path, replacement);
        follow.Drain(scalars: 200);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        var restart = Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal(path, restart.File);
        Assert.Contains("read again from the start", restart.Message);
        Assert.Equal([.. Values(100, 0), .. Values(100, 1000)], ScalarValues(items));
        Assert.Equal(Values(100, 1000), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void FileRenamedOverBySameLengthFileWithTheSameModificationTimeIsAnnouncedWhereTheSystemTellsFilesApart()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere only a change of length or time makes the follower look at the bytes
        }
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        // A whole second, so that no digit below the 100 ns of a DateTime tells the two files apart.
        var written = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        RenameOver(path, Content(100, 1000), lastWrite: written);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        follow.Drain(scalars: 200);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal(Values(100, 1000), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void FileDeletedAndMadeAgainLongerBetweenTwoLooksIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        File.Delete(path);
        File.WriteAllBytes(path, Content(150, 1000));
        follow.Drain(scalars: 250);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Equal(path, Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted).File);
        Assert.Equal([.. Values(100, 0), .. Values(150, 1000)], ScalarValues(items));
    }

    [Fact]
    public void FileSeenDeletedThenMadeAgainIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        File.Delete(path);
        follow.Idle(); // several looks find it gone
        File.WriteAllBytes(path, Content(150, 1000));
        follow.Drain(scalars: 250);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        var restart = Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Contains(Name, restart.Message);
        Assert.Equal([.. Values(100, 0), .. Values(150, 1000)], ScalarValues(items));
    }

    [Fact]
    public void FileDeletedAndPutBackWithTheSameBytesGoesOnWhereItWas()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        byte[] bytes = Content(100, 0);
        File.WriteAllBytes(path, bytes);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        File.Delete(path);
        follow.Idle();
        // Put back (from a backup, say) and written on.
        RenameOver(path, [.. bytes, .. Content(20, 0, first: 100).AsSpan(HandFramed.FileVersion().Length)]);
        follow.Drain(scalars: 120);

        var items = follow.Items;
        Assert.DoesNotContain(items, i => i.Kind is ReadItemKind.FileRestarted or ReadItemKind.Damaged);
        Assert.Equal(Values(120, 0), ScalarValues(items));
    }

    [Fact]
    public void FileRewrittenInPlaceLongerBetweenTwoLooksIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        RewriteInPlace(path, Content(300, 1000));
        follow.Drain(scalars: 400);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        var restart = Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Contains("no longer holds the bytes already read", restart.Message);
        Assert.Equal([.. Values(100, 0), .. Values(300, 1000)], ScalarValues(items));
    }

    [Fact]
    public void FileRewrittenInPlaceWithTheSameLengthIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        byte[] same = Content(100, 0);
        // Only the values of two records differ (a float each): neither length nor framing changes.
        byte[] changed = Content(100, 0, value: step => step is 1 or 99 ? -step : step);
        Assert.Equal(same.Length, changed.Length);
        Assert.False(same.AsSpan().SequenceEqual(changed));
        RewriteInPlace(path, changed);
        follow.Drain(scalars: 200);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        double[] expected = Values(100, 0);
        expected[1] = -1;
        expected[99] = -99;
        Assert.Equal(expected, ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void LastRecordCutAndRestoredNeverGivesAValueTwiceUnannounced()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        byte[] bytes = Content(100, 0);
        int last = HandFramed.Scalar("s", 99, 99).Length;
        File.WriteAllBytes(path, bytes);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        // The cut is seen: the file is read again from its start, announced.
        SetLength(path, bytes.Length - last);
        follow.Until(items => ScalarValues(items).Length == 199, "the 99 values left after the cut");
        HandFramed.Append(path, bytes.AsSpan(bytes.Length - last));
        follow.Drain(scalars: 200);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal(Values(100, 0), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void LastRecordCutPartlyAndRestoredNeverGivesAValueTwiceUnannounced()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        byte[] bytes = Content(100, 0);
        File.WriteAllBytes(path, bytes);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        SetLength(path, bytes.Length - 5); // inside the last record's footer
        follow.Until(items => ScalarValues(items).Length == 199, "the 99 values before the cut record");
        HandFramed.Append(path, bytes.AsSpan(bytes.Length - 5));
        follow.Drain(scalars: 200);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal(Values(100, 0), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void LastRecordCutAndRestoredBetweenTwoLooksComesExactlyOnce()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        byte[] bytes = Content(100, 0);
        int last = HandFramed.Scalar("s", 99, 99).Length;
        File.WriteAllBytes(path, bytes);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        SetLength(path, bytes.Length - last);
        HandFramed.Append(path, bytes.AsSpan(bytes.Length - last));
        HandFramed.Append(path, Content(1, 0, first: 100).AsSpan(HandFramed.FileVersion().Length));
        follow.Drain(scalars: 101);

        var items = follow.Items;
        Assert.DoesNotContain(items, i => i.Kind is ReadItemKind.FileRestarted or ReadItemKind.Damaged);
        Assert.Equal(Values(101, 0), ScalarValues(items));
    }

    [Fact]
    public void FileReplacedInTheMiddleOfTheCatchUpIsReadToItsEndThenAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(20_000, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.Until(items => items.Count == 1000, "the first thousand values");
        Assert.DoesNotContain(follow.Items, i => i.Kind == ReadItemKind.CaughtUp);

        // The reader holds the old file open: it reads it to the end it saw, then the next look finds another file.
        RenameOver(path, Content(50, 100_000));
        follow.CaughtUp();
        follow.Drain(scalars: 20_050);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        var restart = Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        int restartAt = items.IndexOf(restart);
        Assert.Equal(Values(20_000, 0), ScalarValues(items.Take(restartAt)));
        Assert.Equal(Values(50, 100_000), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void FileDeletedAndMadeAgainInTheMiddleOfTheCatchUpIsReadToItsEndThenAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(20_000, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.Until(items => items.Count == 1000, "the first thousand values");

        File.Delete(path);
        File.WriteAllBytes(path, Content(30_000, 100_000));
        follow.Drain(scalars: 50_000);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        var restart = Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal(Values(20_000, 0), ScalarValues(items.Take(items.IndexOf(restart))));
        Assert.Equal(Values(30_000, 100_000), ValuesAfterLastRestart(items, path));
    }

    [Fact]
    public void FileReplacedByAShorterOneIsAnnouncedAndReadAgain()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        File.WriteAllBytes(path, Content(100, 0));
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        RenameOver(path, Content(20, 1000));
        follow.Drain(scalars: 120);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted);
        Assert.Equal([.. Values(100, 0), .. Values(20, 1000)], ScalarValues(items));
    }

    [Fact]
    public void OnlyTheReplacedFileOfARunIsReadAgain()
    {
        using var temp = new TempDir();
        string[] paths = new[] { "a", "b", "c" }.Select(n => temp.Sub("run", $"events.out.tfevents.1700000000.test.1.{n}")).ToArray();
        Directory.CreateDirectory(temp.Sub("run"));
        for (int f = 0; f < 3; f++)
        {
            File.WriteAllBytes(paths[f], Content(50, f * 1000));
        }
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        RenameOver(paths[1], Content(50, 5000));
        HandFramed.Append(paths[0], Content(10, 0, first: 50).AsSpan(HandFramed.FileVersion().Length));
        HandFramed.Append(paths[2], Content(10, 2000, first: 50).AsSpan(HandFramed.FileVersion().Length));
        follow.Drain(scalars: 220);

        var items = follow.Items;
        AssertNoRepeatUnannounced(items);
        Assert.Equal(paths[1], Assert.Single(items, i => i.Kind == ReadItemKind.FileRestarted).File);
        Assert.Equal(Values(60, 0), ScalarValues(items.Where(i => i.File == paths[0])));
        Assert.Equal(Values(60, 2000), ScalarValues(items.Where(i => i.File == paths[2])));
        Assert.Equal([.. Values(50, 1000), .. Values(50, 5000)], ScalarValues(items.Where(i => i.File == paths[1])));
        Assert.All(items.Where(i => i.Kind == ReadItemKind.Scalar), i => Assert.Equal("run", i.Run));
    }

    [Fact]
    public void FileTouchedOrCopiedOverWithTheSameBytesGoesOnWhereItWas()
    {
        using var temp = new TempDir();
        string path = temp.Sub(Name);
        byte[] bytes = Content(100, 0);
        File.WriteAllBytes(path, bytes);
        using var follow = new FollowDriver(temp.Path);
        follow.CaughtUp();

        // A new modification time alone, then a copy holding the same bytes and more renamed over it (as a
        // sync tool that copies a growing file does): nothing is read twice and nothing is announced.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        follow.Idle();
        RenameOver(path, [.. bytes, .. Content(30, 0, first: 100).AsSpan(HandFramed.FileVersion().Length)]);
        follow.Drain(scalars: 130);

        var items = follow.Items;
        Assert.DoesNotContain(items, i => i.Kind is ReadItemKind.FileRestarted or ReadItemKind.Damaged);
        Assert.Equal(Values(130, 0), ScalarValues(items));
    }
}

/// <summary>
/// Enumerates an <see cref="EventFollower"/> for a test that decides when it looks: the follower looks at the
/// files only while <see cref="IEnumerator{T}.MoveNext"/> runs, so a change made while no call runs is a change
/// made between two looks, whatever the machine's speed. <see cref="Idle"/> leaves a call running (the follower
/// goes on looking) until the next take.
/// </summary>
internal sealed class FollowDriver : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly CancellationTokenSource _stop = new();
    private readonly IEnumerator<FollowItem> _items;
    private Task<bool>? _pending;

    public FollowDriver(string root)
    {
        _stop.CancelAfter(Limit);
        var options = new EventFollowerOptions { PollInterval = TimeSpan.FromMilliseconds(30), WakeOnChange = false };
        _items = new EventFollower(new[] { FollowTarget.Directory(root) }, options, _stop.Token).GetEnumerator();
    }

    public List<FollowItem> Items { get; } = new();

    /// <summary>Takes items until <paramref name="condition"/> holds.</summary>
    public void Until(Func<List<FollowItem>, bool> condition, string what)
    {
        while (!condition(Items))
        {
            Assert.True(Take(Limit) == true, $"the follower ended before {what}; it produced {Items.Count} items: " + string.Join(", ", Items.TakeLast(5)));
        }
    }

    public void CaughtUp() => Until(items => items.Any(i => i.Kind == ReadItemKind.CaughtUp), "the caught-up item");

    /// <summary>Lets the follower look for <paramref name="milliseconds"/> (several polls), taking what it finds; it goes on looking after.</summary>
    public void Idle(int milliseconds = 300)
    {
        var until = DateTime.UtcNow.AddMilliseconds(milliseconds);
        TimeSpan left;
        while ((left = until - DateTime.UtcNow) > TimeSpan.Zero && Take(left) == true)
        {
        }
    }

    /// <summary>
    /// Takes items until <paramref name="scalars"/> values came, then every item until the follower has looked for
    /// <paramref name="milliseconds"/> more (so a value that came twice would show), then ends it.
    /// </summary>
    public void Drain(int scalars, int milliseconds = 500)
    {
        Until(items => items.Count(i => i.Kind == ReadItemKind.Scalar) >= scalars, $"{scalars} values");
        _stop.CancelAfter(milliseconds);
        while (Take(Limit) == true)
        {
        }
    }

    /// <summary>Takes the next item: true when one came, false when the follower ended, null when none came in <paramref name="wait"/>.</summary>
    private bool? Take(TimeSpan wait)
    {
        _pending ??= Task.Run(_items.MoveNext);
        if (!_pending.Wait(wait))
        {
            return null;
        }
        bool more = _pending.Result;
        _pending = null;
        if (more)
        {
            Items.Add(_items.Current);
        }
        return more;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _pending?.Wait(Limit);
        }
        catch (AggregateException)
        {
            // the test has failed already, or is failing on this
        }
        _items.Dispose();
        _stop.Dispose();
    }
}
