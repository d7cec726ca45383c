namespace TbPowerShell;

/// <summary>
/// The error ids of TbPowerShell. Each becomes the first part of an error's
/// <c>FullyQualifiedErrorId</c> (<c>&lt;id&gt;,&lt;full cmdlet class name&gt;</c>); scripts rely on them, so they never change.
/// </summary>
public static class ErrorIds
{
    /// <summary>A tag was empty.</summary>
    public const string EmptyTag = "EmptyTag";

    /// <summary>A value was not a number.</summary>
    public const string InvalidValue = "InvalidValue";

    /// <summary>A wall time was not finite or not after 1970.</summary>
    public const string InvalidWallTime = "InvalidWallTime";

    /// <summary>A run name was absolute or left the log directory.</summary>
    public const string InvalidRun = "InvalidRun";

    /// <summary>The writer given was closed already.</summary>
    public const string WriterClosed = "WriterClosed";

    /// <summary>Writing failed (disk full, directory deleted, ...); unwritten events are kept and retried.</summary>
    public const string WriteFailed = "WriteFailed";

    /// <summary>Closing a writer failed: some events could not be written.</summary>
    public const string CloseFailed = "CloseFailed";

    /// <summary>The log directory could not be created or opened.</summary>
    public const string LogDirCreateFailed = "LogDirCreateFailed";

    /// <summary>A writer option was out of range.</summary>
    public const string InvalidWriterOption = "InvalidWriterOption";

    /// <summary>A path did not exist.</summary>
    public const string PathNotFound = "PathNotFound";

    /// <summary>A path was not a file-system path.</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";

    /// <summary>An event file was damaged; the message gives the offset and what was skipped.</summary>
    public const string EventFileDamaged = "EventFileDamaged";

    /// <summary>An event file or directory could not be read.</summary>
    public const string EventFileUnreadable = "EventFileUnreadable";
}
