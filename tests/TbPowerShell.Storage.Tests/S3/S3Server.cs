using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.S3;

namespace TbPowerShell.Storage.Tests.S3;

/// <summary>
/// s3rver (tests/servers) on a loopback port with one bucket, and the AWS environment the tests run in: s3rver's
/// credentials (S3RVER/S3RVER) in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, so the provider's default credential chain
/// finds them the way it would on a CI machine, and a shared-credentials file of the tests' own with named profiles.
/// </summary>
public sealed class S3Server : IDisposable
{
    /// <summary>The bucket made at start.</summary>
    public const string Bucket = "tb-test";

    /// <summary>A profile of the tests' credentials file with s3rver's keys.</summary>
    public const string GoodProfile = "s3rver";

    /// <summary>A profile with an access key s3rver does not know.</summary>
    public const string StrangerProfile = "stranger";

    private static readonly object s_environmentGate = new();
    private static TempDir? s_awsFiles;

    private readonly StoreServer _server;

    public S3Server()
        : this(0)
    {
    }

    private S3Server(int port)
    {
        _server = StoreServer.Start("s3rver", $"--address 127.0.0.1 --port {{port}} --directory {{dir}} --silent --configure-bucket {Bucket}", port);
        Endpoint = new Uri($"http://127.0.0.1:{_server.Port}");
        Store = Open();
    }

    /// <summary>Starts a server of its own on <paramref name="port"/> (0: a free one).</summary>
    public static S3Server StartOn(int port) => new(port);

    /// <summary>The server's URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => _server.Port;

    /// <summary>A store of <see cref="Bucket"/>, credentials from the environment.</summary>
    public S3ObjectStore Store { get; }

    /// <summary>The bucket's root.</summary>
    public StoreUri Root => StoreUri.Parse($"s3://{Bucket}");

    /// <summary>A store of <paramref name="bucket"/> on this server with <paramref name="settings"/> (the endpoint added).</summary>
    public S3ObjectStore Open(string bucket = Bucket, StoreSettings? settings = null) =>
        (S3ObjectStore)new S3StoreProvider().Open(StoreUri.Parse($"s3://{bucket}"), (settings ?? StoreSettings.Default) with { Endpoint = Endpoint });

    /// <summary>Stops the server abruptly (a lost connection).</summary>
    public void Kill() => _server.Kill();

    public void Dispose()
    {
        Store.Dispose();
        _server.Dispose();
    }

    /// <summary>
    /// Sets the AWS environment of this test process when the assembly loads, before any test can make the SDK read (and
    /// cache) the shared-file locations; never unset, as S3 tests run in parallel.
    /// </summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void PrepareEnvironment()
    {
        lock (s_environmentGate)
        {
            if (s_awsFiles is not null)
            {
                return;
            }
            s_awsFiles = new TempDir();
            string credentials = Path.Combine(s_awsFiles.Path, "credentials");
            File.WriteAllText(credentials,
                $"[{GoodProfile}]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n" +
                $"[{StrangerProfile}]\naws_access_key_id = AKIANOTKNOWNBYS3RVER\naws_secret_access_key = wrong-secret\n");
            string config = Path.Combine(s_awsFiles.Path, "config");
            File.WriteAllText(config, "");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", credentials);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", config);
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
            // s3rver 3.7.1 encrypts its ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3) only has in
            // the legacy provider: without it every listing past one page fails with 500 InternalError. Inherited by the
            // servers this process starts; harmless to Azurite.
            string nodeOptions = Environment.GetEnvironmentVariable("NODE_OPTIONS") ?? "";
            if (!nodeOptions.Contains("--openssl-legacy-provider", StringComparison.Ordinal))
            {
                Environment.SetEnvironmentVariable("NODE_OPTIONS", (nodeOptions + " --openssl-legacy-provider").Trim());
            }
        }
    }
}

/// <summary>One s3rver shared by the S3 tests of the collection.</summary>
[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3Server>
{
    public const string Name = "s3rver";
}

/// <summary>S3 tests that change the process's environment: run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class S3EnvironmentCollection
{
    public const string Name = "s3 environment";
}
