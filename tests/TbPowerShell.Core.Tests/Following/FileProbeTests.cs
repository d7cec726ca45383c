using TbPowerShell.Core.Following;

namespace TbPowerShell.Core.Tests.Following;

public class FileProbeTests
{
    [Fact]
    public void ALookGivesTheLengthAndTimeAndOnLinuxWhichFileThePathNames()
    {
        using var temp = new TempDir();
        string path = temp.Sub("events.out.tfevents.probe");
        File.WriteAllBytes(path, new byte[100]);
        var first = FileProbe.Look(path);
        Assert.Equal(100, first.Length);
        Assert.Equal(OperatingSystem.IsLinux(), first.Identity.IsKnown);

        // Appending keeps the file: same identity, new length and time.
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var pinned = FileProbe.Look(path);
        HandFramed.Append(path, new byte[10]);
        var appended = FileProbe.Look(path);
        Assert.Equal(110, appended.Length);
        Assert.NotEqual(pinned.LastWrite, appended.LastWrite);
        Assert.Equal(first.Identity, appended.Identity);
        Assert.False(appended.Identity.DiffersFrom(first.Identity));

        // Another file renamed over it, with the same length and time: only the identity differs.
        string other = temp.Sub("staging.tmp");
        File.WriteAllBytes(other, new byte[110]);
        File.SetLastWriteTimeUtc(other, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var before = FileProbe.Look(path);
        File.Move(other, path, overwrite: true);
        var after = FileProbe.Look(path);
        Assert.Equal((before.Length, before.LastWrite), (after.Length, after.LastWrite));
        Assert.Equal(OperatingSystem.IsLinux(), after.Identity.DiffersFrom(before.Identity));
    }

    [Fact]
    public void AMissingFileOrADirectoryIsNotFoundAsFileInfoHasIt()
    {
        using var temp = new TempDir();
        Assert.Throws<FileNotFoundException>(() => FileProbe.Look(temp.Sub("missing")));
        Assert.Throws<FileNotFoundException>(() => FileProbe.Look(temp.Sub("no-such-dir", "missing")));
        Directory.CreateDirectory(temp.Sub("dir"));
        Assert.Throws<FileNotFoundException>(() => FileProbe.Look(temp.Sub("dir")));
    }

    [Fact]
    public void AnUnknownIdentityDiffersFromNothing()
    {
        var known = new FileIdentity(1, 2, 3);
        Assert.False(FileIdentity.Unknown.DiffersFrom(known));
        Assert.False(known.DiffersFrom(FileIdentity.Unknown));
        Assert.True(known.DiffersFrom(new FileIdentity(1, 2, 4)));
        Assert.False(known.DiffersFrom(new FileIdentity(1, 2, 3)));
    }
}
