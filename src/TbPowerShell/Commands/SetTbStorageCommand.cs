using System.Management.Automation;
using System.Net;
using System.Security;
using TbPowerShell.Core.Storage;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Sets how the module reaches an S3 or Azure Blob location: endpoint, addressing, region, and which credentials to use.</para>
/// <para type="description">Without Set-TbStorage, s3:// locations use the AWS SDK's defaults (credentials from the
/// environment, the shared profile or the instance role; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL) and az:// locations
/// a connection string from AZURE_STORAGE_CONNECTION_STRING, else DefaultAzureCredential. Secrets are never
/// parameters in plain text: a SAS is a SecureString, and keys stay in the environment or the SDK's files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "TbStorage", DefaultParameterSetName = S3Set, SupportsShouldProcess = true)]
[OutputType(typeof(TbStorage))]
public sealed class SetTbStorageCommand : PSCmdlet
{
    private const string S3Set = "S3";
    private const string AzureSet = "Azure";

    /// <summary>The locations the settings apply to: a bucket (<c>s3://bucket</c>), a container (<c>az://account/container</c>) or a folder in one.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Prefix { get; set; } = "";

    /// <summary>The endpoint to use instead of the public cloud's (MinIO, a private endpoint, Azurite's <c>http://127.0.0.1:10000/devstoreaccount1</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Uri? Endpoint { get; set; }

    /// <summary>S3: path-style addressing (<c>endpoint/bucket/key</c>). Default: on when -Endpoint is given, as MinIO and its kin need.</summary>
    [Parameter(ParameterSetName = S3Set, ValueFromPipelineByPropertyName = true)]
    public SwitchParameter ForcePathStyle { get; set; }

    /// <summary>S3: the region. Default: the SDK's region chain (AWS_REGION, the profile), else us-east-1.</summary>
    [Parameter(ParameterSetName = S3Set, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    /// <summary>S3: a named profile of the shared credentials file (~/.aws/credentials) instead of the default chain.</summary>
    [Parameter(ParameterSetName = S3Set, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>Azure: the environment variable that holds the connection string (default AZURE_STORAGE_CONNECTION_STRING).</summary>
    [Parameter(ParameterSetName = AzureSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionStringVariable { get; set; }

    /// <summary>Azure: a shared access signature (the query string of a SAS URL), as a secure string.</summary>
    [Parameter(ParameterSetName = AzureSet)]
    public SecureString? SasToken { get; set; }

    /// <summary>Azure: authenticate with DefaultAzureCredential (environment, managed identity, Azure CLI login...).</summary>
    [Parameter(ParameterSetName = AzureSet, ValueFromPipelineByPropertyName = true)]
    public SwitchParameter DefaultAzureCredential { get; set; }

    /// <summary>Bytes per ranged read (default 4 MiB).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(4096, 256 * 1024 * 1024)]
    public int ReadBlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Ranged reads in flight per object being read (default 4).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 64)]
    public int ReadsInFlight { get; set; } = 4;

    /// <summary>Emit the settings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!StoreUri.TryParse(Prefix, out var prefix, out string? reason))
        {
            WriteError(StoreErrors.InvalidUri(Prefix, reason));
            return;
        }
        bool azureOptions = ParameterSetName == AzureSet;
        bool s3Options = MyInvocation.BoundParameters.ContainsKey(nameof(ForcePathStyle)) || Region is not null || ProfileName is not null;
        if ((prefix.Scheme == StoreUri.S3 && azureOptions) || (prefix.Scheme == StoreUri.Azure && s3Options))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"'{prefix}' is {(prefix.Scheme == StoreUri.S3 ? "an S3" : "an Azure")} location: " +
                    $"{(azureOptions ? "-ConnectionStringVariable, -SasToken and -DefaultAzureCredential are for az:// locations" : "-ForcePathStyle, -Region and -ProfileName are for s3:// locations")}."),
                ErrorIds.InvalidStorageSettings, ErrorCategory.InvalidArgument, Prefix));
            return;
        }
        var settings = new StoreSettings
        {
            Endpoint = Endpoint,
            ForcePathStyle = MyInvocation.BoundParameters.ContainsKey(nameof(ForcePathStyle)) ? ForcePathStyle.IsPresent : null,
            Region = Region,
            Profile = ProfileName,
            ConnectionStringVariable = ConnectionStringVariable,
            SasToken = SasToken is null ? null : new NetworkCredential(string.Empty, SasToken).Password,
            UseDefaultCredential = DefaultAzureCredential,
            ReadBlockBytes = ReadBlockSize,
            ReadsInFlight = ReadsInFlight,
        };
        if (!ShouldProcess(prefix.ToString(), "Set storage settings"))
        {
            return;
        }
        ObjectStores.Configure(prefix, settings);
        if (PassThru)
        {
            WriteObject(new TbStorage(prefix.ToString(), settings));
        }
    }
}
