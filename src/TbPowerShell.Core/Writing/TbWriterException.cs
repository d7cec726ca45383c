namespace TbPowerShell;

/// <summary>Writing events failed (disk full, directory deleted, ...). Unwritten events are kept and retried.</summary>
public sealed class TbWriterException : IOException
{
    /// <summary>A write failure whose message names the file and says what became of the events.</summary>
    public TbWriterException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>
    /// The recovery event file that holds the events a writer's last close could not write to its
    /// own file (the module's removal, the process's exit); null when there is none.
    /// </summary>
    public string? RecoveryPath { get; init; }
}

/// <summary>
/// A writer could not start: its log directory, or the event file in it, cannot be created. The message
/// and <see cref="Path"/> name the one that failed (a directory that exists is never blamed for its file).
/// </summary>
public sealed class TbWriterCreateException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, which is the <paramref name="what"/> ("log directory", "event file").</summary>
    public TbWriterCreateException(string what, string path, Exception inner)
        : base($"The {what} '{path}' cannot be created: {inner.Message}", inner)
    {
        Path = path;
    }

    /// <summary>The directory or file that could not be created (full path).</summary>
    public string Path { get; }
}

/// <summary>The writer was closed; nothing more can be added to it.</summary>
public sealed class TbWriterClosedException : InvalidOperationException
{
    /// <summary>Creates the exception for the writer of <paramref name="path"/>.</summary>
    public TbWriterClosedException(string path)
        : base($"The writer of '{path}' is closed; open a new one with New-TbWriter (or new TbWriter(...)).")
    {
        Path = path;
    }

    /// <summary>The closed writer's event file.</summary>
    public string Path { get; }
}
