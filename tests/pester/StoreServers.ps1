# Object-store servers for the Pester suites: s3rver (S3) and Azurite (Azure Blob) from tests/servers (npm ci, which
# build.ps1 Test runs), each started on a free loopback port with a data folder of its own, and the module told
# how to reach it (Set-TbStorage and environment variables, as a user would).

$script:ServerBin = Join-Path $PSScriptRoot '../servers/node_modules/.bin'

# Azurite's well-known development account (public: it is in Microsoft's documentation).
$script:AzuriteAccount = 'devstoreaccount1'
$script:AzuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Wait-Port([int] $Port, [System.Diagnostics.Process] $Process, [int] $TimeoutSeconds = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process.HasExited) { throw "The server exited with code $($Process.ExitCode) before listening on $Port." }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect([System.Net.IPAddress]::Loopback, $Port); return } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    throw "No server listened on port $Port within $TimeoutSeconds s."
}

function New-AzureContainer([string] $Endpoint, [string] $Container) {
    # One Shared Key-signed REST call (the module itself never creates containers: a missing one is an error).
    $date = [DateTime]::UtcNow.ToString('R')
    $version = '2021-08-06'
    $path = ([uri]"$Endpoint/$Container").AbsolutePath
    $toSign = "PUT`n`n`n`n`n`n`n`n`n`n`n`nx-ms-date:$date`nx-ms-version:$version`n/$script:AzuriteAccount$path`nrestype:container"
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($script:AzuriteKey))
    $signature = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)))
    Invoke-WebRequest -Method Put -Uri "$Endpoint/$Container`?restype=container" -UseBasicParsing -Headers @{
        'x-ms-date' = $date; 'x-ms-version' = $version; Authorization = "SharedKey ${script:AzuriteAccount}:$signature"
    } | Out-Null
}

<#
.SYNOPSIS
Starts s3rver ('s3') or Azurite ('az') and points the module at it; returns the server: Kind, Port, Process, Data,
Root (the store URI of its bucket/container, for the tests' runs), Endpoint.
#>
function Start-StoreServer([ValidateSet('s3', 'az')] [string] $Kind, [string] $Container = 'tbps-e2e') {
    if (-not (Test-Path $script:ServerBin)) { throw "The storage servers are not installed: run 'npm ci' in tests/servers (build.ps1 Test does)." }
    $port = Get-FreeLoopbackPort
    $data = Join-Path ([IO.Path]::GetTempPath()) "tbps-$Kind-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $data | Out-Null
    $arguments = if ($Kind -eq 's3') {
        @('--address', '127.0.0.1', '--port', $port, '--directory', $data, '--silent', '--configure-bucket', $Container)
    }
    else {
        @('--blobHost', '127.0.0.1', '--blobPort', $port, '--location', $data, '--loose', '--skipApiVersionCheck', '--silent')
    }
    $exe = Join-Path $script:ServerBin ($Kind -eq 's3' ? 's3rver' : 'azurite-blob')
    $process = Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $data '.stdout') -RedirectStandardError (Join-Path $data '.stderr')
    Wait-Port $port $process
    if ($Kind -eq 's3') {
        $endpoint = "http://127.0.0.1:$port"
        $root = "s3://$Container"
        # The AWS SDK's default chain: credentials from the environment (s3rver's fixed pair).
        $env:AWS_ACCESS_KEY_ID = 'S3RVER'
        $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
        $env:AWS_REGION = 'us-east-1'
        Set-TbStorage $root -Endpoint $endpoint
    }
    else {
        $endpoint = "http://127.0.0.1:$port/$script:AzuriteAccount"
        New-AzureContainer $endpoint $Container
        $root = "az://$script:AzuriteAccount/$Container"
        $variable = "TBPS_AZURITE_$port"
        Set-Item "env:$variable" "DefaultEndpointsProtocol=http;AccountName=$script:AzuriteAccount;AccountKey=$script:AzuriteKey;BlobEndpoint=$endpoint;"
        Set-TbStorage $root -ConnectionStringVariable $variable
    }
    [pscustomobject]@{ Kind = $Kind; Port = $port; Process = $process; Data = $data; Root = $root; Endpoint = $endpoint; Container = $Container; Exe = $exe; Arguments = $arguments }
}

<# Stops the server gracefully (SIGTERM: it keeps what it stored), as a restart or a lost connection would look to a client. #>
function Suspend-StoreServer($Server) {
    & kill -TERM $Server.Process.Id
    if (-not $Server.Process.WaitForExit(20000)) { $Server.Process.Kill($true) }
}

<# Starts the same server again: same port, same data folder. #>
function Resume-StoreServer($Server) {
    $Server.Process = Start-Process -FilePath $Server.Exe -ArgumentList $Server.Arguments -PassThru -RedirectStandardOutput (Join-Path $Server.Data '.stdout2') -RedirectStandardError (Join-Path $Server.Data '.stderr2')
    Wait-Port $Server.Port $Server.Process
}

function Stop-StoreServer($Server) {
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) {
        # The npm shim starts node as a child: stop the whole tree.
        $Server.Process.Kill($true)
        $Server.Process.WaitForExit(10000) | Out-Null
    }
    Remove-TbStorage $Server.Root -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Server.Data -Recurse -Force -ErrorAction SilentlyContinue
}

<# A fresh folder URI (or local folder for 'file') for one test. #>
function New-StoreFolder($Server, [string] $LocalRoot) {
    $name = 't' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    if ($null -eq $Server) { return (Join-Path $LocalRoot $name) }
    "$($Server.Root)/$name"
}
