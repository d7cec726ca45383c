#Requires -Modules Pester
# The same suite for a local folder, S3 (s3rver) and Azure Blob (Azurite), servers started here on loopback:
# write scalars, images and text and read them back equal; runs and tags; follow a run while it is written;
# a damaged object is reported and read around; a writer killed mid-run loses nothing flushed; a missing bucket or
# container and bad credentials give named errors; a server stopped mid-write gives StoreUnreachable, keeps what was
# not sent, and writes it once the server is back.

BeforeDiscovery {
    $Kinds = @('file', 's3', 'az')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'StoreServers.ps1')
    $ModuleFullPath = (Get-Module TbPowerShell).Path
    $Servers = @{ file = $null; s3 = (Start-StoreServer s3); az = (Start-StoreServer az) }
    $ScalarsFile = Join-Path $FixtureRoot 'pytorch/scalars/events.out.tfevents.1795723111.vm.21275.0'

    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null } catch { $_ }
    }

    function Write-Sample([string] $Run) {
        1..200 | ForEach-Object { [pscustomobject]@{ Tag = 'train/loss'; Step = $_; Value = 1.0 / $_ } } | Add-TbScalar -LogDir $Run
        Add-TbImage -LogDir $Run -Tag 'maps/conv1' -Step 3 -Data ([byte[]](0, 64, 128, 255, 10, 20)) -Shape 2, 3 -DataFormat HW
        Add-TbText -LogDir $Run -Tag 'notes' -Step 1 -Text '# Run notes', 'with *markdown*'
    }

    function ConvertTo-Comparable($Events) {
        $Events | ForEach-Object {
            $value = if ($_ -is [TbPowerShell.TbScalarEvent]) { $_.Value }
                elseif ($_ -is [TbPowerShell.TbImageEvent]) { "$($_.Width)x$($_.Height) " + [Convert]::ToBase64String($_.Bytes) }
                elseif ($_ -is [TbPowerShell.TbTextEvent]) { $_.Text -join '|' }
                else { throw "unexpected $($_.GetType().Name)" }
            "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.GetType().Name)|$value"
        }
    }

    # What the same sample gives on disk: what every store must give back.
    $Expected = Join-Path $TestDrive 'expected'
    Write-Sample (Join-Path $Expected 'run-a')
    $ExpectedEvents = @(ConvertTo-Comparable (Get-TbEvent $Expected -Type Scalar, Image, Text))
    $ExpectedEvents.Count | Should -Be 202
    @($ExpectedEvents | Where-Object { $_ -like '*|TbImageEvent|3x2 iVBOR*' }).Count | Should -Be 1   # a PNG, 3 wide, 2 high
    @($ExpectedEvents | Where-Object { $_ -like "*|TbTextEvent|# Run notes`nwith ``*markdown``*" }).Count | Should -Be 1
}

AfterAll {
    Stop-StoreServer $Servers.s3
    Stop-StoreServer $Servers.az
}

Describe 'Runs on <_>' -ForEach $Kinds {
    BeforeAll {
        $Kind = $_
        $Server = $Servers[$Kind]
        function New-Folder { New-StoreFolder $Server $TestDrive }
    }

    It 'writes scalars, images and text and reads them back equal to the same run on disk' {
        $root = New-Folder
        Write-Sample "$root/run-a"
        $events = @(Get-TbEvent $root -Type Scalar, Image, Text)
        ConvertTo-Comparable $events | Should -Be $ExpectedEvents
        if ($Kind -ne 'file') { $events[0].File | Should -BeLike "$root/run-a/events.out.tfevents.*" }
    }

    It 'lists runs and tags, reads one object given as a file, and exports a CSV' {
        $root = New-Folder
        Write-Sample "$root/run-a"
        Write-Sample "$root/group/run-b"
        (Get-TbRun $root).Run | Should -Be @('group/run-b', 'run-a')
        @(Get-TbTag $root -Run 'run-a').Tag | Should -Contain 'train/loss'
        $file = (Get-TbEvent $root -Run run-a -Tag train/loss | Select-Object -First 1).File
        @(Get-TbEvent $file -Tag train/loss).Count | Should -Be 200
        $csv = Join-Path $TestDrive "$Kind.csv"
        Get-TbEvent $root -Tag train/loss | Export-Csv $csv
        @(Import-Csv $csv).Count | Should -Be 400
        @(Test-TbEventFile $root).Count | Should -Be 6
        (Test-TbEventFile $root | Where-Object { -not $_.IsHealthy }) | Should -BeNullOrEmpty
    }

    It 'copies runs with Get-TbEvent | Add-TbEvent, from the store into the store' {
        $root = New-Folder
        Write-Sample "$root/src/a"
        Get-TbEvent "$root/src" -Type All | Add-TbEvent -LogDir "$root/copy"
        ConvertTo-Comparable (Get-TbEvent "$root/copy" -Type Scalar, Image, Text) | Should -Be (ConvertTo-Comparable (Get-TbEvent "$root/src" -Type Scalar, Image, Text))
        (Get-TbRun "$root/copy").Run | Should -Be 'a'
    }

    It 'writes through a writer object, in sub-runs too, and reads each flush' {
        $root = New-Folder
        $w = New-TbWriter -LogDir "$root/w"
        foreach ($s in 0..99) { Add-TbScalar -Writer $w -Tag x -Value $s -Step $s }
        $w.Flush()
        @(Get-TbEvent "$root/w" -Tag x).Count | Should -Be 100
        Add-TbScalars -Writer $w -Tag loss -Value @{ train = 1.0; test = 2.0 } -Step 0
        Close-TbWriter $w
        (Get-TbRun $root).Run | Should -Be @('w', 'w/loss_test', 'w/loss_train')
    }

    It 'follows a run while it is written: each value once, in order' {
        $root = New-Folder
        $w = New-TbWriter -LogDir "$root/live" -FlushInterval 0.05
        foreach ($s in 0..9) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        $w.Flush()
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleFullPath'; Get-TbEvent -Wait '$root' -Tag loss")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $null = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        try {
            Wait-Until { $output.Count -ge 10 } -TimeoutSeconds 30 | Should -BeTrue
            foreach ($s in 10..499) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s; if ($s % 97 -eq 0) { $w.Flush() } }
            Close-TbWriter $w
            Wait-Until { $output.Count -ge 500 } -TimeoutSeconds 30 | Should -BeTrue
            Start-Sleep -Milliseconds 2500   # another look at the store: nothing may come twice
            @($output.ReadAll().Step) | Should -Be (0..499)   # ReadAll: enumerating an open collection would wait for its end
        }
        finally {
            $ps.Stop()
            $ps.Dispose()
        }
    }

    It 'reports a damaged object and reads the values around the damage' {
        $root = New-Folder
        $bytes = [IO.File]::ReadAllBytes($ScalarsFile)
        $intact = @(Get-TbEvent $ScalarsFile)
        $records = @(Read-TfRecord $ScalarsFile -SkipCrc)
        $bytes[$records[40].Offset + 20] = $bytes[$records[40].Offset + 20] -bxor 0xFF   # inside record 40's payload
        $file = "$root/damaged/events.out.tfevents.1795723111.vm.21275.0"
        if ($Kind -eq 'file') { New-Item -ItemType Directory (Split-Path $file) | Out-Null; [IO.File]::WriteAllBytes($file, $bytes) }
        else { [TbPowerShell.Core.Storage.LogLocation]::WriteAllBytes($file, $bytes) }
        $e = @(Get-TbEvent $root -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'EventFileDamaged,TbPowerShell.Commands.GetTbEventCommand'
        $ev[0].TargetObject | Should -Be $file
        $e.Count | Should -Be ($intact.Count - 1)
        $e[-1].Step | Should -Be $intact[-1].Step
    }

    It 'sends what a writer still holds when its process exits without closing it' {
        $root = New-Folder
        $settings = if ($Server) { "Set-TbStorage '$($Server.Root)' $(if ($Kind -eq 's3') { "-Endpoint '$($Server.Endpoint)'" } else { "-ConnectionStringVariable 'TBPS_AZURITE_$($Server.Port)'" });" } else { '' }
        $script = "Import-Module '$ModuleFullPath'; $settings `$w = New-TbWriter -LogDir '$root/exit' -FlushInterval 3600; " +
            "foreach (`$s in 0..149) { Add-TbScalar -Writer `$w -Tag v -Value `$s -Step `$s }; exit 0"
        $run = Invoke-ChildPwsh $script
        $run.ExitCode | Should -Be 0
        @((Get-TbEvent "$root/exit" -Tag v).Step) | Should -Be (0..149)
    }

    It 'keeps every value a writer flushed before its process was killed' {
        $root = New-Folder
        $settings = if ($Server) { "Set-TbStorage '$($Server.Root)' $(if ($Kind -eq 's3') { "-Endpoint '$($Server.Endpoint)'" } else { "-ConnectionStringVariable 'TBPS_AZURITE_$($Server.Port)'" });" } else { '' }
        $script = "Import-Module '$ModuleFullPath'; $settings `$w = New-TbWriter -LogDir '$root/killed' -FlushInterval 3600; " +
            "foreach (`$s in 0..299) { Add-TbScalar -Writer `$w -Tag v -Value `$s -Step `$s }; `$w.Flush(); " +
            "foreach (`$s in 300..399) { Add-TbScalar -Writer `$w -Tag v -Value `$s -Step `$s }; [Environment]::FailFast('killed mid-run')"
        $run = Invoke-ChildPwsh $script
        $run.ExitCode | Should -Not -Be 0
        $steps = @((Get-TbEvent "$root/killed" -Tag v).Step)
        $steps.Count | Should -BeGreaterOrEqual 300
        $steps[0..299] | Should -Be (0..299)
    }
}

Describe 'The other cmdlets on <_>' -ForEach $Kinds {
    BeforeAll {
        $Kind = $_
        $Server = $Servers[$Kind]
        function New-Folder { New-StoreFolder $Server $TestDrive }
    }
    AfterEach { Stop-TbBoard -All }

    It 'Add-TbEmbedding writes points, labels and a config that Get-TbEmbedding reads back; a second call adds to the config' {
        $root = New-Folder
        $data = [double[,]]::new(4, 3)
        for ($i = 0; $i -lt 4; $i++) { for ($j = 0; $j -lt 3; $j++) { $data[$i, $j] = $i * 10 + $j } }
        Add-TbEmbedding -LogDir "$root/emb" -Data $data -Metadata 'a', 'b', 'c', 'd' -Tag first -Step 0
        Add-TbEmbedding -LogDir "$root/emb" -Data $data -Metadata 'w', 'x', 'y', 'z' -Tag second -Step 1
        $e = @(Get-TbEmbedding $root | Sort-Object Tag)
        $e.Tag | Should -Be @('first', 'second')
        $e[0].Count | Should -Be 4
        $e[0].Dimension | Should -Be 3
        $e[1].Metadata[3].Label | Should -Be 'z'
        $e[0].Points[3][2] | Should -Be 32
    }

    It 'Repair-TbEventFile copies the intact records of a damaged object, to a local folder and to the store' {
        $root = New-Folder
        $bytes = [IO.File]::ReadAllBytes($ScalarsFile)
        $records = @(Read-TfRecord $ScalarsFile -SkipCrc)
        $bytes[$records[10].Offset + 20] = $bytes[$records[10].Offset + 20] -bxor 0xFF
        $file = "$root/broken/events.out.tfevents.1795723111.vm.21275.0"
        if ($Kind -eq 'file') { New-Item -ItemType Directory (Split-Path $file) | Out-Null; [IO.File]::WriteAllBytes($file, $bytes) }
        else { [TbPowerShell.Core.Storage.LogLocation]::WriteAllBytes($file, $bytes) }
        $intact = @(Get-TbEvent $ScalarsFile).Count

        (Test-TbEventFile $file).IsHealthy | Should -BeFalse
        $local = Join-Path $TestDrive "repaired-$Kind"
        Repair-TbEventFile $file -Destination $local -WarningAction SilentlyContinue | Out-Null
        @(Get-TbEvent $local).Count | Should -Be ($intact - 1)
        Repair-TbEventFile $file -Destination "$root/fixed" -WarningAction SilentlyContinue | Out-Null
        @(Get-TbEvent "$root/fixed").Count | Should -Be ($intact - 1)
        @(Test-TbEventFile "$root/fixed" | Where-Object { -not $_.IsHealthy }).Count | Should -Be 0
    }

    It 'Show-TbBoard serves the runs of a store, and Export-TbReport reports on them' {
        $root = New-Folder
        Write-Sample "$root/a"
        Write-Sample "$root/b"
        $board = Show-TbBoard $root -NoBrowser
        $board.Runs | Should -Be 2
        $runs = Invoke-RestMethod -Uri "http://127.0.0.1:$($board.Port)/api/runs" -Headers @{ 'X-Tb-Token' = $board.Server.Token } -TimeoutSec 30
        $runs.name | Sort-Object | Should -Be @('a', 'b')
        $tags = Invoke-RestMethod -Uri "http://127.0.0.1:$($board.Port)/api/tags" -Headers @{ 'X-Tb-Token' = $board.Server.Token } -TimeoutSec 30
        $tags.name | Should -Contain 'train/loss'
        $report = Join-Path $TestDrive "report-$Kind.html"
        Export-TbReport -LogDir $root -Path $report
        $html = Get-Content $report -Raw
        $html | Should -Match 'train/loss'
        $html.Length | Should -BeGreaterThan 10000
    }

    It 'Get-TbEvent from a store pipes into Save-TbMedia with a local destination' {
        $root = New-Folder
        Write-Sample "$root/m"
        $out = Join-Path $TestDrive "media-$Kind"
        $saved = @(Get-TbEvent $root -Type Image | Save-TbMedia -Destination $out -PassThru)
        $saved.Count | Should -Be 1
        $saved[0].FullName | Should -BeLike "$out*.png"
    }
}

Describe 'Parameters that take only local paths refuse a store location' {
    It '<Command> -<Parameter> s3://...: StoreNotSupported' -ForEach @(
        @{ Command = 'Export-TbReport'; Parameter = 'Path'; Call = { Export-TbReport -LogDir $TestDrive -Path 's3://tbps-e2e/report.html' }; Class = 'ExportTbReportCommand' }
        @{ Command = 'Save-TbMedia'; Parameter = 'Destination'; Call = { @() | Save-TbMedia -Destination 's3://tbps-e2e/media' }; Class = 'SaveTbMediaCommand' }
        @{ Command = 'Add-TbImage'; Parameter = 'Path'; Call = { Add-TbImage -LogDir (Join-Path $TestDrive 'img') -Tag t -Path 's3://tbps-e2e/a.png' }; Class = 'AddTbImageCommand' }
    ) {
        $err = $null
        try { & $Call -ErrorVariable ev -ErrorAction SilentlyContinue; $err = $ev[0] } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be "StoreNotSupported,TbPowerShell.Commands.$Class"
    }
}

Describe 'Store errors are named (<_>)' -ForEach @('s3', 'az') {
    BeforeAll {
        $Kind = $_
        $Server = $Servers[$Kind]
    }

    It 'a missing bucket or container: StoreContainerNotFound for reading and for a new writer' {
        $missing = if ($Kind -eq 's3') { 's3://no-such-bucket-tbps/run' } else { "az://devstoreaccount1/no-such-container/run" }
        if ($Kind -eq 's3') { Set-TbStorage s3://no-such-bucket-tbps -Endpoint $Server.Endpoint }
        else { Set-TbStorage az://devstoreaccount1/no-such-container -ConnectionStringVariable "TBPS_AZURITE_$($Server.Port)" }
        try {
            Get-TbEvent $missing -ErrorVariable ev -ErrorAction SilentlyContinue | Out-Null
            $ev[0].FullyQualifiedErrorId | Should -Be 'StoreContainerNotFound,TbPowerShell.Commands.GetTbEventCommand'
            $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $ev[0].TargetObject | Should -Be $missing
            $e = Get-TerminatingError { New-TbWriter -LogDir $missing }
            $e.FullyQualifiedErrorId | Should -Be 'StoreContainerNotFound,TbPowerShell.Commands.NewTbWriterCommand'
            "$e" | Should -Match 'no-such'
        }
        finally { Remove-TbStorage ($missing -replace '/run$') }
    }

    It 'bad credentials: StoreAccessDenied, for reading and for a new writer' {
        $prefix = "$($Server.Root)/wrong-credentials"
        if ($Kind -eq 's3') {
            $credentials = Join-Path $TestDrive 'aws-credentials'
            Set-Content $credentials "[wrong]`naws_access_key_id = NOT-S3RVER-KEY`naws_secret_access_key = not-the-secret`n"
            $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
            Set-TbStorage $prefix -Endpoint $Server.Endpoint -ProfileName wrong
        }
        else {
            $env:TBPS_WRONG_KEY = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$([Convert]::ToBase64String([byte[]]::new(64)));BlobEndpoint=$($Server.Endpoint);"
            Set-TbStorage $prefix -ConnectionStringVariable TBPS_WRONG_KEY
        }
        try {
            Get-TbEvent $prefix -ErrorVariable ev -ErrorAction SilentlyContinue | Out-Null
            $ev[0].FullyQualifiedErrorId | Should -Be 'StoreAccessDenied,TbPowerShell.Commands.GetTbEventCommand'
            $ev[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e = Get-TerminatingError { New-TbWriter -LogDir "$prefix/run" }
            $e.FullyQualifiedErrorId | Should -Be 'StoreAccessDenied,TbPowerShell.Commands.NewTbWriterCommand'
            "$e" | Should -Not -Match 'not-the-secret'
        }
        finally { Remove-TbStorage $prefix; Remove-Item env:AWS_SHARED_CREDENTIALS_FILE, env:TBPS_WRONG_KEY -ErrorAction SilentlyContinue }
    }

    It 'a server stopped mid-write: StoreUnreachable at the next flush, nothing lost, all of it written once the server is back' {
        $own = Start-StoreServer $Kind -Container 'tbps-drop'
        try {
            $w = New-TbWriter -LogDir "$($own.Root)/dropped" -FlushInterval 3600
            foreach ($s in 0..99) { Add-TbScalar -Writer $w -Tag v -Value $s -Step $s }
            $w.Flush()
            # Stopped gracefully (as a restart would), so the server keeps what it stored.
            Suspend-StoreServer $own
            foreach ($s in 100..199) { Add-TbScalar -Writer $w -Tag v -Value $s -Step $s }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $flush = Get-TerminatingError { $w.Flush() }
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
            $flush | Should -Not -BeNullOrEmpty
            $flush.Exception.InnerException.GetType().Name | Should -Be 'TbWriterException'
            $flush.Exception.InnerException.InnerException.Kind | Should -Be 'Unreachable'
            # The same server again, on the same port and data folder.
            Resume-StoreServer $own
            Close-TbWriter $w
            @((Get-TbEvent "$($own.Root)/dropped" -Tag v).Step) | Should -Be (0..199)
        }
        finally { Stop-StoreServer $own }
    }
}
