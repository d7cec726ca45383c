using Azure;
using Azure.Identity;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Azure;

/// <summary>Turns what the Azure SDK throws into <see cref="StoreException"/>s that name the location, the endpoint and what to do.</summary>
internal static class AzureErrors
{
    /// <summary>The service's error code of <paramref name="e"/> (x-ms-error-code), or "" when it has none.</summary>
    public static string Code(RequestFailedException e) => e.ErrorCode ?? "";

    /// <summary>
    /// Runs <paramref name="action"/> and maps its failures; a cancellation the caller asked for stays an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static T Run<T>(AzureObjectStore store, StoreUri location, string doing, Func<T> action, CancellationToken cancellation)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw Translate(e, store, location, doing, cancellation);
        }
    }

    /// <summary>The async form of <see cref="Run{T}"/>.</summary>
    public static async Task<T> RunAsync<T>(AzureObjectStore store, StoreUri location, string doing, Func<Task<T>> action, CancellationToken cancellation)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw Translate(e, store, location, doing, cancellation);
        }
    }

    // A cancellation the caller asked for is one, however the SDK wraps it (its retry policy gives an AggregateException of
    // the attempts when cancelled between them); anything else is the store's failure.
    private static Exception Translate(Exception e, AzureObjectStore store, StoreUri location, string doing, CancellationToken cancellation) =>
        cancellation.IsCancellationRequested
            ? e as OperationCanceledException ?? new OperationCanceledException($"Cancelled while {doing} '{location}'.", e, cancellation)
            : Map(e, store, location, doing);

    /// <summary>The <see cref="StoreException"/> for <paramref name="error"/>, met while <paramref name="doing"/> (e.g. "listing") at <paramref name="location"/>.</summary>
    public static StoreException Map(Exception error, AzureObjectStore store, StoreUri location, string doing)
    {
        string at = $"'{location}' at {store.Endpoint}";
        var e = Unwrap(error);
        switch (e)
        {
            case AuthenticationFailedException:
                // CredentialUnavailableException derives from it: no credential found, or one that could not get a token.
                return new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                    $"Could not sign in to Azure Storage for {doing} {at} with {store.CredentialName}. {AzureConnection.CredentialHelp}", error);
            case RequestFailedException { Status: 0 } or System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException or IOException:
                return new StoreException(StoreErrorKind.Unreachable, location.ToString(),
                    $"Azure Storage at {store.Endpoint} could not be reached while {doing} '{location}' (after {AzureObjectStore.RetryDescription}). " +
                    "Check the endpoint and the network; nothing of the failed call was lost: it can be retried.", error);
            case RequestFailedException r:
                return FromStatus(r, store, location, doing, at, error);
            default:
                return new StoreException(StoreErrorKind.Failed, location.ToString(), $"Azure Storage failed while {doing} {at}: {e.GetType().Name}.", error);
        }
    }

    private static StoreException FromStatus(RequestFailedException r, AzureObjectStore store, StoreUri location, string doing, string at, Exception error)
    {
        string code = Code(r);
        if (code == "ContainerNotFound")
        {
            return new StoreException(StoreErrorKind.ContainerNotFound, location.ToString(),
                $"Container '{location.Container}' does not exist in account '{location.Account}' at {store.Endpoint} (while {doing} '{location}'). Create it first (az storage container create).", error);
        }
        if (code is "BlobNotFound" or "ResourceNotFound" || r.Status == 404)
        {
            return new StoreException(StoreErrorKind.NotFound, location.ToString(), $"{at} does not exist (while {doing}).", error);
        }
        if (code is "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch"
            or "AuthorizationServiceMismatch" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" || r.Status is 401 or 403)
        {
            return new StoreException(StoreErrorKind.AccessDenied, location.ToString(),
                $"Azure Storage refused {store.CredentialName} for {doing} {at} ({r.Status} {code}). {AzureConnection.CredentialHelp}", error);
        }
        if (code is "AppendPositionConditionNotMet" or "ConditionNotMet" || r.Status == 412)
        {
            return new StoreException(StoreErrorKind.Conflict, location.ToString(),
                $"{at} changed while {doing}: another writer appended to it ({r.Status} {code}). Write each event file from one writer.", error);
        }
        return new StoreException(StoreErrorKind.Failed, location.ToString(), $"Azure Storage answered {r.Status} {code} while {doing} {at}.", error);
    }

    // The retry policy throws an AggregateException of every attempt's failure once it gives up; the last one says most.
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: > 0 } a:
                    e = a.InnerExceptions[^1];
                    continue;
                case RequestFailedException { Status: 0, InnerException: not null } r:
                    return r; // a transport failure: Status 0 tells enough
                default:
                    return e;
            }
        }
    }
}
