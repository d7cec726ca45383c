using Amazon.S3;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.S3;

/// <summary>
/// The <c>s3://</c> provider: opens an <see cref="S3ObjectStore"/> for a bucket of AWS S3 or any S3-compatible server
/// (MinIO, Ceph, s3rver), with the client settings <see cref="S3Connection.Resolve"/> derives. The module finds this
/// type in its own load context (storage/s3/), so the SDK it brings never meets another AWSSDK.Core of the session.
/// </summary>
public sealed class S3StoreProvider : IObjectStoreProvider
{
    /// <inheritdoc/>
    public string Scheme => StoreUri.S3;

    /// <inheritdoc/>
    /// <exception cref="StoreException">A named profile is missing, or an endpoint variable is not a URL.</exception>
    public IObjectStore Open(StoreUri location, StoreSettings settings)
    {
        if (location.Scheme != StoreUri.S3)
        {
            throw new ArgumentException($"'{location}' is not an s3:// location.", nameof(location));
        }
        var connection = S3Connection.Resolve(settings);
        var credentials = connection.Credentials(location.ToString());
        var config = connection.ClientConfig();
        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        return new S3ObjectStore(client, location.Container, connection);
    }
}
