using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.S3;

/// <summary>Turns what the AWS SDK throws (after its own retries) into a <see cref="StoreException"/> a script can tell apart.</summary>
internal static class S3Errors
{
    private const string CredentialHelp =
        "Give credentials the way the AWS tools take them: the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY " +
        "(and AWS_SESSION_TOKEN), a shared profile named by AWS_PROFILE or Set-TbStorage -Profile, or an instance or container role.";

    private static readonly HashSet<string> s_denied = new(StringComparer.Ordinal)
    {
        "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
        "AllAccessDisabled", "AccountProblem", "AuthorizationHeaderMalformed", "InvalidSecurity",
    };

    /// <summary>
    /// The store's error for <paramref name="error"/>, which happened at <paramref name="location"/> of a store reached
    /// through <paramref name="connection"/> while doing <paramref name="action"/> ("reading", "writing"...).
    /// </summary>
    public static StoreException Map(Exception error, StoreUri location, S3Connection connection, string action)
    {
        if (error is StoreException known)
        {
            return known;
        }
        string where = connection.Describe();
        string at = location.ToString();
        if (error is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
        {
            string code = service.ErrorCode;
            if (code == "NoSuchBucket")
            {
                return ContainerMissing(location, connection, error);
            }
            if (code == "NoSuchKey")
            {
                return new StoreException(StoreErrorKind.NotFound, at, $"'{at}' does not exist (at {where}).", error);
            }
            if (s_denied.Contains(code))
            {
                return Denied(at, where, action, code, error);
            }
        }
        if (error is AmazonServiceException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } status)
        {
            return Denied(at, where, action, status.ErrorCode ?? status.StatusCode.ToString(), error);
        }
        if (IsMissingCredentials(error))
        {
            return new StoreException(StoreErrorKind.AccessDenied, at,
                $"No AWS credentials found for '{at}' (at {where}). " + CredentialHelp, error);
        }
        if (FindConnectionFailure(error) is { } reason)
        {
            return new StoreException(StoreErrorKind.Unreachable, at,
                $"Could not reach {where} ({reason}) while {action} '{at}', after {connection.Attempts} attempts with backoff. " +
                $"Check that the endpoint is up and reachable (endpoint from {connection.EndpointSource}).", error);
        }
        string detail = error is AmazonServiceException s
            ? $"{(int)s.StatusCode} {s.ErrorCode}: {s.Message}"
            : error.Message;
        return new StoreException(StoreErrorKind.Failed, at, $"S3 failed while {action} '{at}' at {where}: {detail}", error);
    }

    /// <summary>The error for a bucket that is not there.</summary>
    public static StoreException ContainerMissing(StoreUri location, S3Connection connection, Exception? inner = null) =>
        new(StoreErrorKind.ContainerNotFound, location.ToString(),
            $"Bucket '{location.Container}' does not exist at {connection.Describe()}. Create it, or check the bucket name, the region and the endpoint (from {connection.EndpointSource}).",
            inner);

    private static StoreException Denied(string at, string where, string action, string code, Exception error) =>
        new(StoreErrorKind.AccessDenied, at, $"{where} refused the credentials while {action} '{at}' ({code}). " + CredentialHelp, error);

    private static bool IsMissingCredentials(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is ProfileNotFoundException)
            {
                return true;
            }
            if (e is AmazonClientException
                && (e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Credentials must be set", StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A short reason when the failure was the network (refused, reset, timed out), else null.</summary>
    private static string? FindConnectionFailure(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset",
                        SocketError.TimedOut => "connection timed out",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                        _ => socket.SocketErrorCode.ToString(),
                    };
                case TimeoutException:
                case TaskCanceledException:
                    return "timed out";
            }
        }
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or WebException)
            {
                return e.Message;
            }
        }
        return null;
    }
}
