using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Reading;

public class LogDirectoryTests
{
    private static void Touch(string path, int bytes = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }

    [Fact]
    public void FindsNestedRunsWithSlashNamesAndTheRoot()
    {
        using var temp = new TempDir();
        Touch(temp.Sub("events.out.tfevents.1700000000.h.1.0"), 10);
        Touch(temp.Sub("notes.txt"), 1000);
        Touch(temp.Sub("a", "events.out.tfevents.1700000000.h.1.1"), 5);
        Touch(temp.Sub("a", "b", "c", "events.out.tfevents.1700000000.h.1.2"));
        Touch(temp.Sub("B", "events.out.tfevents.1700000000.h.1.3"));
        Touch(temp.Sub("x", "metadata.tsv"));            // no event file: not a run
        Touch(temp.Sub("x", "y", "old.tfevents.bak"), 3); // any name containing "tfevents" counts
        Directory.CreateDirectory(temp.Sub("empty"));

        var runs = LogDirectory.FindRuns(temp.Path);
        // Ordinal order: "." < "B" < "a" < "a/b/c" < "x/y".
        Assert.Equal([".", "B", "a", "a/b/c", "x/y"], runs.Select(r => r.Name));
        var root = runs[0];
        Assert.Equal(Path.GetFullPath(temp.Path), root.Directory);
        Assert.Equal([temp.Sub("events.out.tfevents.1700000000.h.1.0")], root.Files);
        Assert.Equal(10, root.TotalBytes);
        Assert.Equal(temp.Sub("a", "b", "c"), runs[3].Directory);
        Assert.Equal(3, runs[4].TotalBytes);
        Assert.All(runs, r => Assert.All(r.Files, f => Assert.True(Path.IsPathFullyQualified(f))));
    }

    [Fact]
    public void FilesAreSortedOrdinally()
    {
        using var temp = new TempDir();
        string[] names =
        [
            "events.out.tfevents.1700000001.h.1.0",
            "events.out.tfevents.1700000000.h.1.2",
            "events.out.tfevents.1700000000.h.1.10",
            "events.out.tfevents.1700000000.h.1.1",
            "events.out.tfevents.1700000000.H.1.1",
            "events.out.tfevents.1700000000.h.1.1.suffix",
        ];
        foreach (var n in names)
        {
            Touch(temp.Sub("run", n));
        }
        var run = Assert.Single(LogDirectory.FindRuns(temp.Path));
        Assert.Equal("run", run.Name);
        var expected = names.OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, run.Files.Select(Path.GetFileName));
        Assert.Equal("events.out.tfevents.1700000000.H.1.1", expected[0]);
        // "10" before "2", like TensorBoard's lexicographic order.
        Assert.True(expected.IndexOf("events.out.tfevents.1700000000.h.1.10") < expected.IndexOf("events.out.tfevents.1700000000.h.1.2"));
    }

    [Fact]
    public void RootWithoutEventFilesHasNoRootRun()
    {
        using var temp = new TempDir();
        Touch(temp.Sub("readme.md"));
        Touch(temp.Sub("only", "events.out.tfevents.1"));
        var run = Assert.Single(LogDirectory.FindRuns(temp.Path));
        Assert.Equal("only", run.Name);
        Assert.Empty(LogDirectory.FindRuns(temp.Sub("only", "..", "nothing-here-" + Guid.NewGuid())));
    }

    [Fact]
    public void RelativeRootAndTrailingSeparatorGiveTheSameRuns()
    {
        using var temp = new TempDir();
        Touch(temp.Sub("r1", "events.out.tfevents.1"));
        Touch(temp.Sub("r1", "r2", "events.out.tfevents.2"));
        var absolute = LogDirectory.FindRuns(temp.Path);
        var trailing = LogDirectory.FindRuns(temp.Path + Path.DirectorySeparatorChar);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, temp.Path);
        var fromRelative = LogDirectory.FindRuns(relative);
        Assert.Equal(["r1", "r1/r2"], absolute.Select(r => r.Name));
        Assert.Equal(absolute.Select(r => (r.Name, r.Directory)), trailing.Select(r => (r.Name, r.Directory)));
        Assert.Equal(absolute.Select(r => (r.Name, r.Directory)), fromRelative.Select(r => (r.Name, r.Directory)));
    }

    [Fact]
    public void DirectoryLinksAreNotFollowed()
    {
        using var temp = new TempDir();
        Touch(temp.Sub("real", "events.out.tfevents.1"));
        Directory.CreateSymbolicLink(temp.Sub("link"), temp.Sub("real"));
        Directory.CreateSymbolicLink(temp.Sub("real", "loop"), temp.Path); // a cycle must not hang
        var run = Assert.Single(LogDirectory.FindRuns(temp.Path));
        Assert.Equal("real", run.Name);
    }

    [Fact]
    public void FixtureTreeHasTheExpectedRuns()
    {
        var runs = LogDirectory.FindRuns(Fixtures.Path("pytorch"));
        Assert.Contains(runs, r => r.Name == "scalars_multi/multi_sin");
        Assert.Contains(runs, r => r.Name == "hparams/trial0");
        Assert.DoesNotContain(runs, r => r.Name.StartsWith("embedding/", StringComparison.Ordinal)); // projector files only
        var multi = Assert.Single(runs, r => r.Name == "multi_session");
        Assert.Equal(3, multi.Files.Count);
        Assert.Equal(multi.Files.Order(StringComparer.Ordinal), multi.Files);

        var damaged = LogDirectory.FindRuns(Fixtures.Path("damaged"));
        Assert.Equal(["crc_middle", "empty", "length_crc_middle", "truncated_data_crc", "truncated_header", "truncated_payload"], damaged.Select(r => r.Name));
    }

    [Theory]
    [InlineData("events.out.tfevents.1", true)]
    [InlineData("x.tfevents", true)]
    [InlineData("events.out.TFEVENTS.1", false)]
    [InlineData("events.out", false)]
    public void EventFileNamesContainTfevents(string name, bool expected)
    {
        Assert.Equal(expected, EventFileName.IsEventFileName(name));
    }

    [Fact]
    public void RelativeNameUsesSlashesAndDotForTheRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "root");
        Assert.Equal(".", LogDirectory.RelativeName(root, root));
        Assert.Equal("a/b", LogDirectory.RelativeName(root, Path.Combine(root, "a", "b")));
    }
}
