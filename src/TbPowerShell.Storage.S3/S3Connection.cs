using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.S3;

/// <summary>
/// How one S3 client reaches its store, resolved the way AWS SDK users expect from <see cref="StoreSettings"/> and the
/// environment: the endpoint (settings, else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>, else AWS), the
/// region (settings, else the SDK's chain, else us-east-1), path-style addressing (settings, else on exactly when an
/// endpoint is overridden) and the credentials (a named shared profile, else the SDK's default chain). Never holds a
/// secret in a form it prints.
/// </summary>
public sealed record S3Connection
{
    /// <summary>The environment variable naming an S3-only endpoint (the AWS SDKs' service-specific endpoint setting).</summary>
    public const string ServiceEndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>The environment variable naming an endpoint for every AWS service.</summary>
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>The environment variable that, set to true, makes the AWS SDKs ignore the endpoint variables.</summary>
    public const string IgnoreEndpointsVariable = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    /// <summary>The region when neither the settings nor the SDK's chain name one.</summary>
    public const string FallbackRegion = "us-east-1";

    /// <summary>
    /// Retries after the first attempt, in the SDK's standard mode: exponential backoff with full jitter from a 50 ms base
    /// (AWSSDK.Core 4.1: waits of up to 50, 100 and 200 ms; a reset pooled connection is also retried at once, apart from
    /// these). A refused or reset connection is reported in well under a second, so a writer learns at its next flush that
    /// the store is gone and keeps its bytes; the user's <c>AWS_MAX_ATTEMPTS</c> wins when set.
    /// </summary>
    public const int MaxErrorRetry = 3;

    /// <summary>How long to wait for a TCP connection before the attempt counts as failed (and is retried): a host that
    /// does not answer at all is reported after about 4 × 5 s.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take until the response starts, the upload of a whole rolled object (8 MiB:
    /// 2.2 Mbit/s) or a 4 MiB ranged read included; the SDK's own default for S3 is no limit.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The endpoint override in effect, or null for AWS itself.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Where <see cref="Endpoint"/> came from: "settings", an environment variable's name, or "AWS".</summary>
    public string EndpointSource { get; init; } = "AWS";

    /// <summary>Whether requests address the bucket in the path (<c>endpoint/bucket/key</c>) rather than the host name.</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>The region requests are signed for (and sent to, on AWS).</summary>
    public string Region { get; init; } = FallbackRegion;

    /// <summary>Attempts per request, the first included: <see cref="MaxErrorRetry"/> + 1, or <c>AWS_MAX_ATTEMPTS</c>.</summary>
    public int Attempts { get; init; } = MaxErrorRetry + 1;

    /// <summary>The shared-credentials profile used instead of the default chain, or null for the default chain.</summary>
    public string? Profile { get; init; }

    /// <summary>Where requests go, for messages: the endpoint, or the AWS region.</summary>
    public string Describe() => Endpoint is null ? $"AWS S3 ({Region})" : Endpoint.ToString().TrimEnd('/');

    /// <summary>
    /// Resolves <paramref name="settings"/> against the environment (<paramref name="environment"/>, default the process's;
    /// tests pass their own) and the SDK's region chain.
    /// </summary>
    public static S3Connection Resolve(StoreSettings settings, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        Uri? endpoint = settings.Endpoint;
        string source = endpoint is null ? "AWS" : "settings";
        bool ignoreVariables = string.Equals(environment(IgnoreEndpointsVariable), "true", StringComparison.OrdinalIgnoreCase);
        if (endpoint is null && !ignoreVariables)
        {
            foreach (string variable in new[] { ServiceEndpointVariable, GlobalEndpointVariable })
            {
                string? value = environment(variable);
                if (string.IsNullOrWhiteSpace(value))
                {
                    continue;
                }
                if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                {
                    throw new StoreException(StoreErrorKind.Failed, variable,
                        $"The environment variable {variable} is not an http(s) URL; set it to the S3 endpoint, for example http://127.0.0.1:9000.");
                }
                source = variable;
                break;
            }
        }
        return new S3Connection
        {
            Endpoint = endpoint,
            EndpointSource = source,
            // MinIO, s3rver and most private endpoints serve buckets by path only; AWS prefers virtual-host style.
            ForcePathStyle = settings.ForcePathStyle ?? endpoint is not null,
            Region = string.IsNullOrWhiteSpace(settings.Region) ? ChainRegion(environment, lookUpInstance: endpoint is null) : settings.Region.Trim(),
            Profile = string.IsNullOrWhiteSpace(settings.Profile) ? null : settings.Profile.Trim(),
            Attempts = int.TryParse(environment("AWS_MAX_ATTEMPTS"), out int attempts) && attempts >= 1 ? attempts : MaxErrorRetry + 1,
        };
    }

    private static string ChainRegion(Func<string, string?> environment, bool lookUpInstance)
    {
        // The SDK's chain reads AWS_REGION, the shared profile and (on EC2) the instance metadata. Off AWS there is no
        // instance to ask, and asking costs seconds of timeouts, so an endpoint override skips that step.
        foreach (string variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            string? value = environment(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint(lookUpInstance)?.SystemName ?? FallbackRegion;
        }
        catch (Exception e) when (e is InvalidOperationException or AmazonClientException or IOException)
        {
            return FallbackRegion;
        }
    }

    /// <summary>The SDK client configuration: endpoint, region, addressing, standard retries and timeouts.</summary>
    public AmazonS3Config ClientConfig()
    {
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            ConnectTimeout = ConnectTimeout,
            Timeout = RequestTimeout,
            ForcePathStyle = ForcePathStyle,
            MaxErrorRetry = Attempts - 1,
        };
        if (Endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }
        else
        {
            config.ServiceURL = Endpoint.ToString();
            config.AuthenticationRegion = Region;
        }
        return config;
    }

    /// <summary>
    /// The credentials of <see cref="Profile"/>, or null to let the client use the SDK's default chain (environment,
    /// <c>AWS_PROFILE</c> or the default shared profile, web identity, container and instance roles) at its first request.
    /// </summary>
    /// <exception cref="StoreException">The profile is not in the shared credentials or config file (<see cref="StoreErrorKind.AccessDenied"/>).</exception>
    public AWSCredentials? Credentials(string location)
    {
        if (Profile is null)
        {
            return null;
        }
        // The SDK reads AWS_SHARED_CREDENTIALS_FILE once per process; a session that points it elsewhere later (as a
        // PowerShell user may, between two commands) is looked up there first.
        string? file = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
        if (!string.IsNullOrWhiteSpace(file) && File.Exists(file) && new CredentialProfileStoreChain(file).TryGetAWSCredentials(Profile, out var fromFile))
        {
            return fromFile;
        }
        if (new CredentialProfileStoreChain().TryGetAWSCredentials(Profile, out var credentials))
        {
            return credentials;
        }
        throw new StoreException(StoreErrorKind.AccessDenied, location,
            $"No AWS profile named '{Profile}' in the shared credentials or config file (~/.aws/credentials, ~/.aws/config, or the files " +
            "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name). Add it (aws configure --profile " + Profile + "), or give another with Set-TbStorage -Profile.");
    }
}
