#Requires -Modules Pester
# Set-TbStorage, Get-TbStorage, Remove-TbStorage, and what every cmdlet that takes a location does with an
# s3:// or az:// one it cannot use (no server needed here; Storage.Servers.Tests.ps1 runs against real servers).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null }
        catch { $_ }
    }
}

Describe 'Set-TbStorage, Get-TbStorage and Remove-TbStorage' {
    AfterEach {
        Get-TbStorage | Where-Object Prefix -like '*tbps-test*' | Remove-TbStorage
    }

    It 'registers S3 settings with the default path-style on an endpoint, and lists them without secrets' {
        Set-TbStorage s3://tbps-test-a -Endpoint http://127.0.0.1:9000 -Region eu-west-1 -ProfileName lab
        $s = Get-TbStorage s3://tbps-test-a/runs/exp1
        $s.Prefix | Should -Be 's3://tbps-test-a'
        $s.Scheme | Should -Be 's3'
        $s.Endpoint.AbsoluteUri | Should -Be 'http://127.0.0.1:9000/'
        $s.Region | Should -Be 'eu-west-1'
        $s.ProfileName | Should -Be 'lab'
        $s.ForcePathStyle | Should -BeNullOrEmpty
        $s.ReadBlockSize | Should -Be 4194304
        ($s | Format-Table | Out-String -Width 250) | Should -Match 'profile lab'
        ($s | Format-Table | Out-String -Width 250) | Should -Match 'path-style'
    }

    It 'keeps a SAS as a secret: only HasSasToken shows it, in no property and no format' {
        $sas = ConvertTo-SecureString 'sv=2024&sig=SECRETSIGNATURE' -AsPlainText -Force
        $s = Set-TbStorage az://acct/tbps-test-c -SasToken $sas -PassThru
        $s.HasSasToken | Should -BeTrue
        ($s | Format-List * | Out-String) | Should -Not -Match 'SECRETSIGNATURE'
        ($s | ConvertTo-Json) | Should -Not -Match 'SECRETSIGNATURE'
    }

    It 'matches the longest registered prefix' {
        Set-TbStorage s3://tbps-test-b -Region us-east-2
        Set-TbStorage s3://tbps-test-b/team -Region ap-south-1
        (Get-TbStorage s3://tbps-test-b/team/run).Region | Should -Be 'ap-south-1'
        (Get-TbStorage s3://tbps-test-b/other).Region | Should -Be 'us-east-2'
        (Get-TbStorage s3://tbps-test-zzz/x) | Should -BeNullOrEmpty
    }

    It 'takes settings from the pipeline by property name' {
        @([pscustomobject]@{ Prefix = 's3://tbps-test-d'; Region = 'eu-north-1'; Endpoint = 'http://127.0.0.1:1' }) | Set-TbStorage
        (Get-TbStorage s3://tbps-test-d).Region | Should -Be 'eu-north-1'
    }

    It 'removes settings, piped from Get-TbStorage, and names a prefix with none' {
        Set-TbStorage s3://tbps-test-e -Region eu-west-3
        (Get-TbStorage s3://tbps-test-e | Remove-TbStorage -PassThru).Region | Should -Be 'eu-west-3'
        Get-TbStorage s3://tbps-test-e | Should -BeNullOrEmpty
        Remove-TbStorage s3://tbps-test-e -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.RemoveTbStorageCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses Azure settings for an S3 prefix and the reverse' {
        Set-TbStorage s3://tbps-test-f -DefaultAzureCredential -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidStorageSettings,TbPowerShell.Commands.SetTbStorageCommand'
        $err[0].TargetObject | Should -Be 's3://tbps-test-f'
        Set-TbStorage az://acct/tbps-test-f -Region eu-west-1 -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Be 'InvalidStorageSettings,TbPowerShell.Commands.SetTbStorageCommand'
        Get-TbStorage | Where-Object Prefix -like '*tbps-test-f*' | Should -BeNullOrEmpty
    }
}

Describe 'Locations that are not valid object-store URIs' {
    It '<Command> names the bad location: <Location>' -ForEach @(
        @{ Command = 'Get-TbEvent'; Location = 's3://'; Class = 'GetTbEventCommand' }
        @{ Command = 'Get-TbEvent'; Location = 's3://Bad_Bucket/x'; Class = 'GetTbEventCommand' }
        @{ Command = 'Get-TbRun'; Location = 'az://account-only'; Class = 'GetTbRunCommand' }
        @{ Command = 'Get-TbTag'; Location = 's3://bucket/../x'; Class = 'GetTbTagCommand' }
        @{ Command = 'Test-TbEventFile'; Location = 's3://b'; Class = 'TestTbEventFileCommand' }
        @{ Command = 'Set-TbStorage'; Location = 'az://acct'; Class = 'SetTbStorageCommand' }
    ) {
        & $Command $Location -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be "InvalidStoreUri,TbPowerShell.Commands.$Class"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be $Location
    }

    It 'New-TbWriter stops with InvalidStoreUri' {
        $e = Get-TerminatingError { New-TbWriter -LogDir 's3://x/run' }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidStoreUri,TbPowerShell.Commands.NewTbWriterCommand'
        $e.TargetObject | Should -Be 's3://x/run'
    }

    It 'Add-TbScalar -LogDir stops with InvalidStoreUri and writes nothing' {
        $e = Get-TerminatingError { 1..3 | Add-TbScalar -LogDir 'az://acct/C/run' -Tag t }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidStoreUri,TbPowerShell.Commands.AddTbScalarCommand'
    }
}
