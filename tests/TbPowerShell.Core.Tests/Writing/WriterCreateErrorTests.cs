namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// A writer that cannot start says what could not be created: the event file when its directory
/// exists (not "the directory cannot be created", which sends the user to the wrong place), the
/// directory when that is what failed.
/// </summary>
public class WriterCreateErrorTests
{
    [Fact]
    public void AFileThatCannotBeCreatedInAnExistingDirectoryIsNamedAsTheEventFile()
    {
        using var temp = new TempDir();
        string? attempted = null;
        var error = Assert.Throws<TbWriterCreateException>(() => new TbWriter(temp.Path, null, p =>
        {
            attempted = p;
            throw new UnauthorizedAccessException($"Access to the path '{p}' is denied.");
        }));

        Assert.NotNull(attempted);
        Assert.Equal(temp.Path, Path.GetDirectoryName(attempted));
        Assert.Contains(".tfevents.", Path.GetFileName(attempted));
        Assert.Equal(attempted, error.Path);
        Assert.StartsWith($"The event file '{attempted}' cannot be created: Access to the path", error.Message);
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void ADirectoryThatCannotBeCreatedIsNamedAsTheLogDirectory()
    {
        using var temp = new TempDir();
        string inTheWay = temp.Sub("file.txt");
        File.WriteAllText(inTheWay, "not a directory");
        string dir = Path.Combine(inTheWay, "run");

        var error = Assert.Throws<TbWriterCreateException>(() => new TbWriter(dir));

        Assert.Equal(dir, error.Path);
        Assert.StartsWith($"The log directory '{dir}' cannot be created: ", error.Message);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void ANameTakenByAnotherWriterIsSkippedNotReportedAsACreateFailure()
    {
        using var temp = new TempDir();
        int calls = 0;
        using var writer = new TbWriter(temp.Path, null, p =>
        {
            if (++calls == 1)
            {
                File.WriteAllText(p, "another process took this name");
                throw new IOException($"The file '{p}' already exists.");
            }
            return new FileStream(p, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        });
        Assert.Equal(2, calls);
        Assert.True(File.Exists(writer.Path));
    }
}
