#Requires -Modules Pester
# The module in a session that already holds other versions of the SDK cores (as the Az and AWS.Tools modules load
# them): Import-Module loads no SDK, and on the first s3:// or az:// location each provider loads its own versions in a
# load context of its own, beside the session's, so every cmdlet works on both stores. (tests/tools/ConflictingSdks.csproj
# brings the other versions; build.ps1 Test restores it.)

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'StoreServers.ps1')
    $ModuleFullPath = (Get-Module TbPowerShell).Path
    $packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $OldAzureCore = Join-Path $packages 'azure.core/1.44.1/lib/net6.0/Azure.Core.dll'
    $OldAwsCore = Join-Path $packages 'awssdk.core/3.7.402/lib/net8.0/AWSSDK.Core.dll'
    $S3 = Start-StoreServer s3 -Container 'tbps-conflict'
    $Az = Start-StoreServer az -Container 'tbps-conflict'

    # A line per loaded SDK core: name, version, load context.
    $ListCores = "[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Azure.Core', 'AWSSDK.Core', 'AWSSDK.S3', 'Azure.Storage.Blobs' } | " +
        "ForEach-Object { 'CORE ' + `$_.GetName().Name + ' ' + `$_.GetName().Version + ' ' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }"
}

AfterAll {
    Stop-StoreServer $S3
    Stop-StoreServer $Az
}

Describe 'Other versions of AWSSDK.Core and Azure.Core loaded before the module' {
    It 'the other versions are there to load' {
        $OldAzureCore | Should -Exist
        $OldAwsCore | Should -Exist
    }

    It 'Import-Module loads no SDK' {
        $run = Invoke-ChildPwsh "Import-Module '$ModuleFullPath'; Get-TbStorage | Out-Null; $ListCores; 'DONE'"
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Contain 'DONE'
        $run.Output | Where-Object { $_ -like 'CORE *' } | Should -BeNullOrEmpty
    }

    It 'every cmdlet works on S3 and Azure, each provider with its own SDK beside the session''s' {
        $script = @"
`$ErrorActionPreference = 'Stop'
[Reflection.Assembly]::LoadFrom('$OldAzureCore') | Out-Null
[Reflection.Assembly]::LoadFrom('$OldAwsCore') | Out-Null
Import-Module '$ModuleFullPath'
Set-TbStorage '$($S3.Root)' -Endpoint '$($S3.Endpoint)'
Set-TbStorage '$($Az.Root)' -ConnectionStringVariable 'TBPS_AZURITE_$($Az.Port)'
foreach (`$root in '$($S3.Root)/c', '$($Az.Root)/c') {
    1..50 | ForEach-Object { [pscustomobject]@{ Tag = 'loss'; Step = `$_; Value = 1.0 / `$_ } } | Add-TbScalar -LogDir "`$root/a"
    `$w = New-TbWriter -LogDir "`$root/b"
    Add-TbText -Writer `$w -Tag note -Text 'hello' -Step 1
    Add-TbHistogram -Writer `$w -Tag h -Value (1..100) -Step 1
    Close-TbWriter `$w
    'COUNT ' + @(Get-TbEvent `$root -Tag loss).Count
    'RUNS ' + ((Get-TbRun `$root).Run -join ',')
    'TAGS ' + (((Get-TbTag `$root).Tag | Sort-Object -Unique) -join ',')
    'HEALTHY ' + @(Test-TbEventFile `$root | Where-Object IsHealthy).Count
    'TYPES ' + (((Get-TbEvent `$root -Type All) | ForEach-Object { `$_.GetType().Name } | Sort-Object -Unique) -join ',')
}
$ListCores
"@
        $run = Invoke-ChildPwsh $script -TimeoutSeconds 180
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        @($run.Output | Where-Object { $_ -like 'COUNT *' }) | Should -Be @('COUNT 50', 'COUNT 50')
        @($run.Output | Where-Object { $_ -like 'RUNS *' }) | Should -Be @('RUNS a,b', 'RUNS a,b')
        @($run.Output | Where-Object { $_ -like 'TAGS *' }) | Should -Be @('TAGS h,loss,note/text_summary', 'TAGS h,loss,note/text_summary')
        @($run.Output | Where-Object { $_ -like 'HEALTHY *' }) | Should -Be @('HEALTHY 2', 'HEALTHY 2')
        @($run.Output | Where-Object { $_ -like 'TYPES *' }) | Should -Be @('TYPES TbHistogramEvent,TbScalarEvent,TbTextEvent', 'TYPES TbHistogramEvent,TbScalarEvent,TbTextEvent')

        $cores = @($run.Output | Where-Object { $_ -like 'CORE *' })
        # The session's own versions stay where they were loaded, unchanged...
        $cores | Should -Contain 'CORE Azure.Core 1.44.1.0 Default'
        $cores | Should -Contain 'CORE AWSSDK.Core 3.3.0.0 Default'
        # ...and each provider has its own, in its own context.
        @($cores | Where-Object { $_ -like 'CORE AWSSDK.Core 4.* TbPowerShell.Storage.s3' }).Count | Should -Be 1
        @($cores | Where-Object { $_ -like 'CORE Azure.Core 1.* TbPowerShell.Storage.az' }).Count | Should -Be 1
        @($cores | Where-Object { $_ -like 'CORE Azure.Core 1.44.1.0 TbPowerShell.Storage.az' }).Count | Should -Be 0
    }
}
