using System.Management.Automation;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Internal;

/// <summary>Object-store failures as PowerShell errors: one stable id and category per <see cref="StoreErrorKind"/>.</summary>
internal static class StoreErrors
{
    /// <summary>The store failure inside <paramref name="e"/> (itself, or an inner exception), or null.</summary>
    public static StoreException? Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is StoreException store)
            {
                return store;
            }
        }
        return null;
    }

    /// <summary>The error id of a store failure.</summary>
    public static string IdOf(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound => ErrorIds.StoreObjectNotFound,
        StoreErrorKind.ContainerNotFound => ErrorIds.StoreContainerNotFound,
        StoreErrorKind.AccessDenied => ErrorIds.StoreAccessDenied,
        StoreErrorKind.Unreachable => ErrorIds.StoreUnreachable,
        StoreErrorKind.Conflict => ErrorIds.StoreConflict,
        StoreErrorKind.ProviderMissing => ErrorIds.StoreProviderMissing,
        _ => ErrorIds.StoreFailed,
    };

    /// <summary>The category of a store failure.</summary>
    public static ErrorCategory CategoryOf(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound or StoreErrorKind.ContainerNotFound => ErrorCategory.ObjectNotFound,
        StoreErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
        StoreErrorKind.Unreachable => ErrorCategory.ConnectionError,
        StoreErrorKind.Conflict => ErrorCategory.ResourceBusy,
        StoreErrorKind.ProviderMissing => ErrorCategory.NotInstalled,
        _ => ErrorCategory.ReadError,
    };

    /// <summary>The error record of a store failure, <paramref name="target"/> the location the user gave.</summary>
    public static ErrorRecord Record(StoreException e, object? target) =>
        new(e, IdOf(e.Kind), CategoryOf(e.Kind), target ?? e.Location);

    /// <summary>The error record of a location that is not a valid store URI.</summary>
    public static ErrorRecord InvalidUri(string given, string reason) =>
        new(new ArgumentException(reason), ErrorIds.InvalidStoreUri, ErrorCategory.InvalidArgument, given);

    /// <summary>
    /// The error record of a writer or reader failure: named after the store's failure when one is inside
    /// (<c>StoreUnreachable</c>, <c>StoreAccessDenied</c>, ...), else <paramref name="id"/> and <paramref name="category"/>.
    /// The message stays the writer's (what failed, and that the records are kept).
    /// </summary>
    public static ErrorRecord OrDefault(Exception e, string id, ErrorCategory category, object? target) =>
        Find(e) is { } store ? new ErrorRecord(e, IdOf(store.Kind), CategoryOf(store.Kind), target) : new ErrorRecord(e, id, category, target);
}
