#Requires -Modules Pester
# Nothing logged is lost when a writer is not closed by hand: on Remove-Module, on process exit,
# when a -LogDir pipeline fails or is stopped (Select-Object -First, Ctrl+C). Process-level cases
# run in a child pwsh; the parent reads what the child left on disk.

BeforeDiscovery {
    # Root ignores a folder's write permission, so a read-only run folder cannot be made for root.
    $IsRoot = $IsLinux -or $IsMacOS ? ((id -u) -eq '0') : $false
    $NoChmod = $IsWindows
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $ModuleFile = [System.IO.Path]::GetFullPath($modulePath)

    function Assert-CompleteEventFile([string] $Path) {
        # Every record intact, and nothing after the last one (no half-written record).
        $records = @(Read-TfRecord $Path -SkipCrc)
        ($records | Measure-Object Size -Sum).Sum | Should -Be (Get-Item -LiteralPath $Path).Length
    }
}

Describe 'A child pwsh that removes the module with a writer open' {
    It 'Remove-Module TbPowerShell closes them: the values are in the file before the process ends' {
        $dir = Join-Path $TestDrive 'remove-module'
        $snapshotDir = Join-Path $TestDrive 'remove-module-snapshot'
        New-Item -ItemType Directory -Path $snapshotDir | Out-Null
        $snapshot = Join-Path $snapshotDir 'events.out.tfevents.snapshot'
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-SingleQuoted $ModuleFile)
`$w = New-TbWriter -LogDir $(ConvertTo-SingleQuoted $dir) -FlushInterval 3600 -MaxQueue 100000
1..50 | ForEach-Object { Add-TbScalar -Writer `$w -Tag 'loss' -Value (`$_ / 10) -Step `$_ }
"pending=`$(`$w.Pending)"
Remove-Module TbPowerShell
"closed=`$(`$w.IsClosed)"
# A copy taken now shows what was on disk before the process-exit flush could run.
Copy-Item -LiteralPath `$w.Path -Destination $(ConvertTo-SingleQuoted $snapshot)
exit 0
"@
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $child.Output | Should -Contain 'pending=50'
        $child.Output | Should -Contain 'closed=True'
        (Get-TbEvent $snapshotDir).Step | Should -Be (1..50)
        (Get-TbEvent $dir).Step | Should -Be (1..50)
        Assert-CompleteEventFile (Get-EventFile $dir)[0].FullName
    }
}

Describe 'Writers whose last close cannot write everything' {
    It 'Remove-Module saves what a still-failing writer kept to a recovery file in the run folder, and warns naming it' {
        # The event file is deleted under the writer: its close fails, the run folder can still be written.
        # (Removing the module is the writer's first close here: a retry would write to a new file.)
        $dir = Join-Path $TestDrive 'remove-failing'
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-SingleQuoted $ModuleFile)
`$w = New-TbWriter -LogDir $(ConvertTo-SingleQuoted $dir) -FlushInterval 3600
1..5 | ForEach-Object { Add-TbScalar -Writer `$w -Tag 'loss' -Value `$_ -Step `$_ }
`$w.Flush()
Remove-Item -LiteralPath `$w.Path
6..10 | ForEach-Object { Add-TbScalar -Writer `$w -Tag 'loss' -Value `$_ -Step `$_ }
"pending=`$(`$w.Pending)"
Remove-Module TbPowerShell
"closed=`$(`$w.IsClosed),`$(`$w.Pending)"
"file=`$(`$w.Path)"
exit 0
"@
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $child.Output | Should -Contain 'pending=5'
        $child.Output | Should -Contain 'closed=True,0'
        $file = ($child.Output | Where-Object { $_ -like 'file=*' }) -replace '^file=', ''
        $recovery = "$file.recovered"
        $warning = @($child.Output | Where-Object { $_ -like 'WARNING:*' })
        $warning.Count | Should -Be 1 -Because ($child.Output -join "`n")
        $warning[0] | Should -BeLike "*recovery event file '$recovery' in the run folder*"
        Test-Path -LiteralPath $recovery | Should -BeTrue
        # The recovery file is an event file of the run: Get-TbEvent reads the values in it, whole.
        (Get-TbEvent $dir).Step | Should -Be (6..10)
        (Get-TbEvent $dir).Value | Should -Be (6..10)
        Assert-CompleteEventFile $recovery
    }

    It 'process exit saves what a writer kept after a failed close to the temp folder when the run folder cannot be written, and warns naming the file' {
        $dir = Join-Path $TestDrive 'exit-failing'
        $childTemp = Join-Path $TestDrive 'exit-failing-temp'
        New-Item -ItemType Directory -Path $childTemp | Out-Null
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
`$env:TMPDIR = $(ConvertTo-SingleQuoted $childTemp)
`$env:TMP = `$env:TEMP = `$env:TMPDIR
Import-Module $(ConvertTo-SingleQuoted $ModuleFile)
`$w = New-TbWriter -LogDir $(ConvertTo-SingleQuoted $dir) -FlushInterval 3600
1..5 | ForEach-Object { Add-TbScalar -Writer `$w -Tag 'loss' -Value `$_ -Step `$_ }
`$w.Flush()
Remove-Item -LiteralPath `$w.LogDir -Recurse -Force
Set-Content -LiteralPath `$w.LogDir -Value 'not a folder'
6..10 | ForEach-Object { Add-TbScalar -Writer `$w -Tag 'loss' -Value `$_ -Step `$_ }
Close-TbWriter `$w -ErrorAction SilentlyContinue -ErrorVariable ev
"failed-close=`$(`$ev[0].FullyQualifiedErrorId),open=`$(-not `$w.IsClosed),pending=`$(`$w.Pending)"
exit 0
"@
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $child.Output | Should -Contain 'failed-close=CloseFailed,TbPowerShell.Commands.CloseTbWriterCommand,open=True,pending=5'
        $warning = @($child.Output | Where-Object { $_ -like 'WARNING:*' })
        $warning.Count | Should -Be 1 -Because ($child.Output -join "`n")
        $warning[0] | Should -Match 'temp folder'
        $found = [regex]::Match($warning[0], "recovery event file '([^']+)'")
        $found.Success | Should -BeTrue
        $recovery = $found.Groups[1].Value
        $recovery | Should -BeLike "$childTemp*tbpowershell-recovered-$([Environment]::UserName)/exit-failing-*events.out.tfevents.*.recovered"
        (Get-TbEvent -LiteralPath $recovery).Step | Should -Be (6..10)
        (Get-TbEvent -LiteralPath $recovery).Value | Should -Be (6..10)
        Assert-CompleteEventFile $recovery
    }

    It 'Add-TbScalar -LogDir reports CloseFailed naming the recovery file when its writer cannot write at the end' {
        $dir = Join-Path $TestDrive 'logdir-failing'
        $recoveryFolder = $null
        try {
            & {
                [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 }
                Remove-Item -LiteralPath $dir -Recurse -Force
                Set-Content -LiteralPath $dir -Value 'not a folder'
                [pscustomobject]@{ Tag = 't'; Value = 2; Step = 2 }
            } | Add-TbScalar -LogDir $dir -ErrorAction SilentlyContinue -ErrorVariable ev
            $closeFailed = @($ev | Where-Object FullyQualifiedErrorId -EQ 'CloseFailed,TbPowerShell.Commands.AddTbScalarCommand')
            $closeFailed.Count | Should -Be 1 -Because ($ev -join "`n")
            $recovery = $closeFailed[0].Exception.RecoveryPath
            $recovery | Should -Not -BeNullOrEmpty
            $recoveryFolder = [System.IO.Path]::GetDirectoryName($recovery)
            $closeFailed[0].Exception.Message | Should -BeLike "*'$recovery'*temp folder*"
            $recoveryFolder | Should -BeLike (Join-Path ([System.IO.Path]::GetTempPath()) "tbpowershell-recovered-$([Environment]::UserName)/logdir-failing-*")
            (Get-TbEvent -LiteralPath $recovery).Step | Should -Be (1, 2)
        }
        finally {
            if ($recoveryFolder -and (Test-Path -LiteralPath $recoveryFolder)) { Remove-Item -LiteralPath $recoveryFolder -Recurse -Force }
        }
    }
}

Describe 'A last close whose run folder is read-only' {
    It 'saves the values to the temp folder (chmod 555 on the run folder)' -Skip:($IsRoot -or $NoChmod) {
        # Skipped for root (which writes into read-only folders anyway) and on Windows (no chmod);
        # the file-in-place-of-the-folder tests above cover the fallback there.
        $dir = Join-Path $TestDrive 'readonly-run'
        $recoveryFolder = $null
        try {
            & {
                [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 }
                Remove-Item -LiteralPath (Get-EventFile $dir)[0].FullName
                chmod 555 $dir
                [pscustomobject]@{ Tag = 't'; Value = 2; Step = 2 }
            } | Add-TbScalar -LogDir $dir -ErrorAction SilentlyContinue -ErrorVariable ev
            $closeFailed = @($ev | Where-Object FullyQualifiedErrorId -EQ 'CloseFailed,TbPowerShell.Commands.AddTbScalarCommand')
            $closeFailed.Count | Should -Be 1 -Because ($ev -join "`n")
            $recovery = $closeFailed[0].Exception.RecoveryPath
            $recoveryFolder = [System.IO.Path]::GetDirectoryName($recovery)
            $closeFailed[0].Exception.Message | Should -BeLike "*run folder could not be written*'$recovery'*temp folder*"
            (Get-TbEvent -LiteralPath $recovery).Step | Should -Be (1, 2)
        }
        finally {
            chmod 755 $dir
            if ($recoveryFolder -and (Test-Path -LiteralPath $recoveryFolder)) { Remove-Item -LiteralPath $recoveryFolder -Recurse -Force }
        }
    }
}

Describe 'A child pwsh that imports the module, logs and exits without closing its writers' {
    BeforeAll {
        $dir = Join-Path $TestDrive 'exit'
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
`$t = Measure-Command { Import-Module $(ConvertTo-SingleQuoted $ModuleFile) }
"import-ms=`$([int]`$t.TotalMilliseconds)"
"commands=`$((Get-Command -Module TbPowerShell).Count)"
`$a = New-TbWriter -LogDir $(ConvertTo-SingleQuoted (Join-Path $dir 'a')) -FlushInterval 3600 -MaxQueue 100000
`$b = New-TbWriter -LogDir $(ConvertTo-SingleQuoted (Join-Path $dir 'b')) -FlushInterval 3600 -MaxQueue 100000
1..50 | ForEach-Object { Add-TbScalar -Writer `$a -Tag 'loss' -Value `$_ -Step `$_; Add-TbScalar -Writer `$b -Tag 'acc' -Value `$_ -Step `$_ }
"pending=`$(`$a.Pending),`$(`$b.Pending)"
exit 0
"@
        $clock.Stop()
    }

    It 'imports the module (time reported, not asserted)' {
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $importMs = ($child.Output | Where-Object { $_ -like 'import-ms=*' }) -replace '^import-ms=', ''
        Write-Host "    Import-Module TbPowerShell in a fresh pwsh: $importMs ms (the whole child pwsh: $([int]$clock.Elapsed.TotalMilliseconds) ms)"
        $importMs | Should -Match '^\d+$'
        $child.Output | Should -Contain "commands=$((Get-Command -Module TbPowerShell).Count)"
    }

    It 'still writes the values on process exit (they were all pending at exit)' {
        $child.Output | Should -Contain 'pending=50,50'
        (Get-TbEvent (Join-Path $dir 'a')).Step | Should -Be (1..50)
        (Get-TbEvent (Join-Path $dir 'b')).Step | Should -Be (1..50)
        Assert-CompleteEventFile (Get-EventFile (Join-Path $dir 'a'))[0].FullName
        Assert-CompleteEventFile (Get-EventFile (Join-Path $dir 'b'))[0].FullName
    }
}

Describe 'Writers of Add-TbScalar -LogDir when the pipeline does not end normally' {
    It 'are closed when an upstream command throws, with the values received so far' {
        $dir = Join-Path $TestDrive 'throw'
        $before = [TbPowerShell.TbWriter]::OpenWriters.Count
        $caught = $null
        try {
            & {
                [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 }
                [pscustomobject]@{ Run = 'other'; Tag = 't'; Value = 2; Step = 2 }
                throw 'upstream failure'
            } | Add-TbScalar -LogDir $dir
        }
        catch { $caught = $_ }
        "$caught" | Should -BeExactly 'upstream failure'
        [TbPowerShell.TbWriter]::OpenWriters.Count | Should -Be $before
        ((Get-TbEvent $dir) | ForEach-Object { "$($_.Run)=$($_.Step)" }) | Should -Be @('.=1', 'other=2')
        Assert-CompleteEventFile (Get-EventFile $dir)[0].FullName
    }

    It 'are closed when Select-Object -First stops the pipeline' {
        $dir = Join-Path $TestDrive 'first'
        $before = [TbPowerShell.TbWriter]::OpenWriters.Count
        $out = @(1..5 | ForEach-Object { [pscustomobject]@{ Tag = 't'; Value = $_; Step = $_ } } |
                Add-TbScalar -LogDir $dir -PassThru | Select-Object -First 2)
        $out.Step | Should -Be @(1, 2)
        [TbPowerShell.TbWriter]::OpenWriters.Count | Should -Be $before
        (Get-TbEvent $dir).Step | Should -Be @(1, 2)
        Assert-CompleteEventFile (Get-EventFile $dir)[0].FullName
    }

    It 'are closed when the pipeline is stopped (Ctrl+C), leaving a complete file' {
        $dir = Join-Path $TestDrive 'stop'
        $before = [TbPowerShell.TbWriter]::OpenWriters.Count
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript(@"
Import-Module $(ConvertTo-SingleQuoted $ModuleFile)
1..100000000 | ForEach-Object { [pscustomobject]@{ Tag = 't'; Value = `$_; Step = `$_ } } | Add-TbScalar -LogDir $(ConvertTo-SingleQuoted $dir)
"@)
            $async = $ps.BeginInvoke()
            # Wait until values reach the disk (the writer writes every 1000 values).
            Wait-Until { @(Get-EventFile $dir | Where-Object Length -GT 20000).Count -eq 1 } -TimeoutSeconds 30 | Should -BeTrue
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
        [TbPowerShell.TbWriter]::OpenWriters.Count | Should -Be $before
        $file = (Get-EventFile $dir)[0].FullName
        Assert-CompleteEventFile $file
        $steps = @((Get-TbEvent $dir -ErrorVariable ev).Step)
        $ev.Count | Should -Be 0
        $steps.Count | Should -BeGreaterThan 500
        $steps | Should -Be (1..$steps.Count)
    }
}
