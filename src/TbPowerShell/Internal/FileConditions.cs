using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Internal;

/// <summary>
/// How every reading cmdlet tells the user what it found wrong with a file, in one place: damage is a
/// non-terminating error (<see cref="ErrorIds.EventFileDamaged"/>, InvalidData; one value skipped in an intact
/// record <see cref="ErrorIds.EventValueTooLarge"/>, LimitsExceeded, or <see cref="ErrorIds.EventValueMalformed"/>, InvalidData), a file that cannot be
/// read an error (<see cref="ErrorIds.EventFileUnreadable"/>, ReadError), a file that is not an event
/// file or was restarted a warning, and a file ending inside a record (a writer may still be writing)
/// a verbose line. The file is each error's target.
/// </summary>
internal static class FileConditions
{
    /// <summary>
    /// Reports <paramref name="kind"/> for <paramref name="file"/>; false (nothing written) for kinds that are
    /// not a file's condition (values, ends of files, summaries).
    /// </summary>
    /// <param name="cmdlet">The cmdlet reporting (errors, warnings and verbose lines go to its streams).</param>
    /// <param name="kind">What was found.</param>
    /// <param name="file">The file (or, for an unreadable directory, the directory).</param>
    /// <param name="offset">For a truncated file, where its last whole record ends.</param>
    /// <param name="damage">For damage, what and where.</param>
    /// <param name="failure">For an unreadable file, the I/O or access error.</param>
    /// <param name="notice">The reader's own sentence for this item, used instead of the default wording.</param>
    public static bool Report(Cmdlet cmdlet, ReadItemKind kind, string file, long offset = 0, EventReadError? damage = null,
                              Exception? failure = null, string? notice = null)
    {
        switch (kind)
        {
            case ReadItemKind.Damaged:
                string message = notice ?? damage?.Message ?? $"'{file}' is damaged.";
                var (id, category) = damage?.Kind switch
                {
                    EventReadErrorKind.ValueTooLarge => (ErrorIds.EventValueTooLarge, ErrorCategory.LimitsExceeded),
                    EventReadErrorKind.MalformedValue => (ErrorIds.EventValueMalformed, ErrorCategory.InvalidData),
                    _ => (ErrorIds.EventFileDamaged, ErrorCategory.InvalidData),
                };
                cmdlet.WriteError(new ErrorRecord(new InvalidDataException(message), id, category, file) { ErrorDetails = new ErrorDetails(message) });
                return true;
            case ReadItemKind.Unreadable:
                cmdlet.WriteError(new ErrorRecord(failure ?? new IOException(notice), ErrorIds.EventFileUnreadable,
                    ErrorCategory.ReadError, file));
                return true;
            case ReadItemKind.NotEventFile:
                cmdlet.WriteWarning(notice ?? $"'{file}' is not an event file (no record in it verifies); skipped.");
                return true;
            case ReadItemKind.FileRestarted:
                cmdlet.WriteWarning(notice ?? $"'{file}' became shorter than what was read: it is read again from the start.");
                return true;
            case ReadItemKind.Truncated:
                cmdlet.WriteVerbose($"'{file}' ends inside a record at byte {offset} (a writer may still be writing it); read up to there.");
                return true;
            default:
                return false;
        }
    }
}
