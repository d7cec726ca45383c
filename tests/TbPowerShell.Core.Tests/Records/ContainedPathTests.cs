using TbPowerShell.Core.Records;
using TbPowerShell.Tests.Shared;

namespace TbPowerShell.Core.Tests.Records;

public class ContainedPathTests
{
    [Fact]
    public void APlainRelativePathResolvesInsideTheRoot()
    {
        using var dir = new TempDir();
        Assert.Equal(dir.Sub("a", "b"), ContainedPath.Resolve(dir.Path, "a/b", out var reason));
        Assert.Null(reason);
        Assert.Equal(dir.Sub("a", "b"), ContainedPath.Resolve(dir.Path, "a/./c/../b/", out _));
        Assert.Equal(dir.Path, ContainedPath.Resolve(dir.Path, ".", out _));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc")]
    public void ASpellingThatLeavesTheRootIsRefused(string relative)
    {
        using var dir = new TempDir();
        Assert.Null(ContainedPath.Resolve(dir.Path, relative, out var reason));
        Assert.NotNull(reason);
    }

    [LinkFact]
    public void ALinkInsideTheRootThatPointsOutsideIsRefusedAtEveryDepth()
    {
        using var outside = new TempDir();
        using var dir = new TempDir();
        Directory.CreateSymbolicLink(dir.Sub("link"), outside.Path);
        Assert.Null(ContainedPath.Resolve(dir.Path, "link", out var reason));
        Assert.Contains(outside.Path, reason);
        Assert.Null(ContainedPath.Resolve(dir.Path, "link/r7", out _));
        Assert.Null(ContainedPath.Resolve(dir.Path, "link/deeper/r7", out _));
        Assert.False(Directory.Exists(Path.Combine(outside.Path, "r7")));
    }

    [LinkFact]
    public void ARelativeLinkThatClimbsOutIsRefused()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("root", "a"));
        Directory.CreateDirectory(dir.Sub("elsewhere"));
        Directory.CreateSymbolicLink(dir.Sub("root", "a", "up"), "../../elsewhere");
        Assert.Null(ContainedPath.Resolve(dir.Sub("root"), "a/up/r", out _));
    }

    [LinkFact]
    public void ADanglingLinkToAPathOutsideIsRefused()
    {
        using var dir = new TempDir();
        string target = Path.Combine(Path.GetTempPath(), "tbps-missing-" + Guid.NewGuid().ToString("N"));
        File.CreateSymbolicLink(dir.Sub("dangling"), target);
        Assert.Null(ContainedPath.Resolve(dir.Path, "dangling", out _));
        Assert.True(ContainedPath.IsLink(dir.Sub("dangling")));
        Assert.False(ContainedPath.IsLink(dir.Path));
    }

    [LinkFact]
    public void ALinkThatStaysInsideTheRootIsAllowed()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("real"));
        Directory.CreateSymbolicLink(dir.Sub("alias"), dir.Sub("real"));
        Assert.Equal(dir.Sub("alias", "r"), ContainedPath.Resolve(dir.Path, "alias/r", out _));
    }

    [LinkFact]
    public void TheRootMayItselfBeReachedThroughALink()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("real", "runs"));
        Directory.CreateSymbolicLink(dir.Sub("runs"), dir.Sub("real", "runs"));
        Assert.Equal(dir.Sub("runs", "a"), ContainedPath.Resolve(dir.Sub("runs"), "a", out _));
        Assert.Equal(dir.Sub("real", "runs", "a"), ContainedPath.RealPath(dir.Sub("runs", "a")));
    }

    [LinkFact]
    public void ALinkLoopIsRefusedWithAReasonInsteadOfHanging()
    {
        using var dir = new TempDir();
        Directory.CreateSymbolicLink(dir.Sub("x"), dir.Sub("y"));
        Directory.CreateSymbolicLink(dir.Sub("y"), dir.Sub("x"));
        Assert.Throws<IOException>(() => ContainedPath.RealPath(dir.Sub("x", "r")));
        Assert.Null(ContainedPath.Resolve(dir.Path, "x/r", out var reason));
        Assert.Contains("links", reason);
    }

    [LinkFact]
    public void RealPathAgreesWithTheFileSystemForExistingPaths()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Sub("a", "b"));
        Directory.CreateSymbolicLink(dir.Sub("l1"), "a");
        Directory.CreateSymbolicLink(dir.Sub("a", "l2"), dir.Sub("a", "b"));
        File.WriteAllText(dir.Sub("a", "b", "f"), "x");
        string viaLinks = dir.Sub("l1", "l2", "f");
        var target = new FileInfo(dir.Sub("a", "b", "f"));
        Assert.Equal(target.FullName, ContainedPath.RealPath(viaLinks));
        Assert.Equal(dir.Sub("a", "b", "missing", "deeper"), ContainedPath.RealPath(dir.Sub("l1", "l2", "missing", "deeper")));
    }

    [LinkFact]
    public void ASubRunThroughALinkThatLeavesTheRunIsRefusedByTheWriter()
    {
        using var outside = new TempDir();
        using var dir = new TempDir();
        Directory.CreateSymbolicLink(dir.Sub("loss_train"), outside.Path);
        using var writer = new TbWriter(dir.Path);
        var e = Assert.Throws<ArgumentException>(() => writer.SubWriter("loss_train/x"));
        Assert.Contains(outside.Path, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(outside.Path));
    }
}
