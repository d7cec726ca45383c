namespace TbPowerShell.Core.Tests.Writing;

[CollectionDefinition(nameof(ProcessWideWriters), DisableParallelization = true)]
public class ProcessWideWriters
{
}

/// <summary>CloseAll closes every writer of the process, so these run alone.</summary>
[Collection(nameof(ProcessWideWriters))]
public class CloseAllTests
{
    [Fact]
    public void CloseAllClosesEveryWriterAndReportsFailuresWithoutThrowing()
    {
        using var temp = new TempDir();
        var a = new TbWriter(temp.Sub("a"), new TbWriterOptions { FlushInterval = TimeSpan.FromDays(1) });
        var b = new TbWriter(temp.Sub("b"), new TbWriterOptions { FlushInterval = TimeSpan.FromDays(1) });
        FailingStream? stream = null;
        var bad = new TbWriter(temp.Sub("bad"), new TbWriterOptions { FlushInterval = TimeSpan.FromDays(1) }, p => stream = new FailingStream(p));
        a.AddScalar("a", 1, 1);
        b.AddScalar("b", 2, 2);
        bad.AddScalar("bad", 3, 3);
        stream!.Failing = true;
        Assert.Contains(a, TbWriter.OpenWriters);
        Assert.Contains(bad, TbWriter.OpenWriters);

        var errors = TbWriter.CloseAll();

        var error = Assert.IsType<TbWriterException>(Assert.Single(errors));
        Assert.Contains(bad.Path, error.Message);
        Assert.Empty(TbWriter.OpenWriters);
        Assert.True(a.IsClosed && b.IsClosed && bad.IsClosed);
        Assert.Equal(1.0, Assert.Single(Read.File(a.Path).Scalars).Value);
        Assert.Equal(2.0, Assert.Single(Read.File(b.Path).Scalars).Value);
        // What the failing writer could not write went to a recovery file beside its own, named in the error.
        Assert.Equal(bad.Path + ".recovered", error.RecoveryPath);
        Assert.Contains(bad.Path + ".recovered", error.Message);
        Assert.Equal(3.0, Assert.Single(Read.File(bad.Path + ".recovered").Scalars).Value);
        Assert.Equal(0, bad.Pending);
        Assert.Empty(TbWriter.CloseAll());
    }
}
