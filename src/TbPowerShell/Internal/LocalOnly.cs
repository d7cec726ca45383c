using System.Management.Automation;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Internal;

/// <summary>
/// Parameters that name local files only (files written for people to open, media files read as input): an object-store
/// location there is refused with <c>StoreNotSupported</c>, naming the parameter and what to do, instead of PowerShell's
/// "Cannot find drive 's3'".
/// </summary>
internal static class LocalOnly
{
    /// <summary>True when <paramref name="given"/> is an object-store location (s3://, az://).</summary>
    public static bool IsStore(string? given) => LogLocation.IsStore(given);

    /// <summary>The error record of a store location given to a local-only parameter.</summary>
    /// <param name="given">The location given.</param>
    /// <param name="parameter">The parameter's name, without '-'.</param>
    /// <param name="what">What the parameter names, e.g. "the folder the media files are saved to".</param>
    /// <param name="instead">What to do instead.</param>
    public static ErrorRecord Refused(string given, string parameter, string what, string instead) =>
        new(new NotSupportedException($"-{parameter} '{given}' is an object-store location, but {what} must be local: {instead}"),
            ErrorIds.StoreNotSupported, ErrorCategory.InvalidArgument, given);
}
