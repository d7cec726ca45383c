namespace TbPowerShell.Tests.Shared;

/// <summary>A fresh directory under the system temp folder for one test, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    /// <summary>Creates <c>tbps-tests-&lt;guid&gt;</c> in the temp folder.</summary>
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tbps-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path below the directory (not created).</summary>
    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes the directory and everything in it; a file still held open leaves it to the OS temp cleaner.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // a writer thread may still hold a file; the OS temp cleaner gets it later
        }
    }
}
