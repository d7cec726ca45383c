#Requires -Modules Pester
# Every error a script can meet: exact FullyQualifiedErrorId "<Id>,TbPowerShell.Commands.<Class>",
# category and target object; non-terminating for a bad item (the rest is still written),
# terminating for a bad call.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbScalarCommand'
    $NewId = 'TbPowerShell.Commands.NewTbWriterCommand'
    $GetId = 'TbPowerShell.Commands.GetTbEventCommand'

    # A path that cannot become a directory: it lies under an existing file.
    $FileInTheWay = Join-Path $TestDrive 'file.txt'
    Set-Content -LiteralPath $FileInTheWay -Value 'not a directory'
    $Impossible = Join-Path $FileInTheWay 'sub'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "err$script:dirCounter"
    }

    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null }
        catch { $_ }
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbScalar errors for a bad value (non-terminating)' {
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
    }
    AfterEach {
        Close-TbWriter $w
    }

    It 'EmptyTag: InvalidArgument, the empty tag as target' {
        Add-TbScalar -Writer $w -Tag '' -Value 1 -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly ''
        $w.IsClosed | Should -BeFalse
    }

    It 'InvalidValue: InvalidArgument, the value as target' -ForEach @(
        @{ Value = 'abc' }
        @{ Value = '' }
        @{ Value = '1.5.2' }
    ) {
        Add-TbScalar -Writer $w -Tag 't' -Value $Value -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $Value
        "$($ev[0])" | Should -Match ([regex]::Escape("'$Value'"))
    }

    It 'InvalidValue for a null value' {
        Add-TbScalar -Writer $w -Tag 't' -Value $null -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].TargetObject | Should -BeNullOrEmpty
    }

    It 'InvalidWallTime for <Name>: InvalidArgument, the wall time as target' -ForEach @(
        @{ Name = '0'; WallTime = 0; Seconds = 0.0 }
        @{ Name = 'negative seconds'; WallTime = -1.5; Seconds = -1.5 }
        @{ Name = 'NaN'; WallTime = [double]::NaN; Seconds = [double]::NaN }
        @{ Name = 'the string NaN'; WallTime = 'NaN'; Seconds = [double]::NaN }
        @{ Name = 'infinity'; WallTime = [double]::PositiveInfinity; Seconds = [double]::PositiveInfinity }
        @{ Name = 'a date before 1970'; WallTime = [DateTimeOffset]::new(1960, 1, 1, 0, 0, 0, [timespan]::Zero); Seconds = -315619200.0 }
    ) {
        Add-TbScalar -Writer $w -Tag 't' -Value 1 -Step 1 -WallTime $WallTime -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidWallTime,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeOfType ([TbPowerShell.TbTimestamp])
        Get-DoubleBits $ev[0].TargetObject.UnixSeconds | Should -Be (Get-DoubleBits $Seconds)
        Close-TbWriter $w
        @(Get-TbEvent $dir).Count | Should -Be 0
    }

    It 'a wall time that is no time at all fails parameter binding' {
        $err = Get-TerminatingError { Add-TbScalar -Writer $w -Tag 't' -Value 1 -WallTime 'yesterday' }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$AddId"
        "$err" | Should -Match 'yesterday'
    }
}

Describe 'Add-TbScalar errors for a bad run (-LogDir, non-terminating)' {
    It 'InvalidRun for <Run>: InvalidArgument, the run as target, nothing created outside the log directory' -ForEach @(
        @{ Run = '../escape' }
        @{ Run = '..' }
        @{ Run = 'a/../../escape' }
        @{ Run = '..\escape' }
        @{ Run = '/tmp/tbpowershell-absolute-run' }
    ) {
        $parent = New-TestDir
        $dir = Join-Path $parent 'logs'
        Add-TbScalar -LogDir $dir -Run $Run -Tag 't' -Value 1 -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidRun,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $Run
        Test-Path -LiteralPath (Join-Path $parent 'escape') | Should -BeFalse
        Test-Path -LiteralPath '/tmp/tbpowershell-absolute-run' | Should -BeFalse
        @(Get-ChildItem -LiteralPath $parent -Recurse -File).Count | Should -Be 0
    }

    It 'InvalidRun for a run through a link inside the log directory that leads out (<Cmd>), nothing written outside; a link that stays inside is fine' -ForEach @(
        @{ Cmd = 'Add-TbScalar' }
        @{ Cmd = 'Add-TbEvent' }
    ) {
        $parent = New-TestDir
        $dir = Join-Path $parent 'logs'
        $outside = Join-Path $parent 'outside'
        New-Item -ItemType Directory -Path $dir, $outside, (Join-Path $dir 'real') | Out-Null
        try {
            New-Item -ItemType SymbolicLink -Path (Join-Path $dir 'link') -Target $outside -ErrorAction Stop | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $dir 'alias') -Target (Join-Path $dir 'real') -ErrorAction Stop | Out-Null
        }
        catch { Set-ItResult -Skipped -Because "symbolic links cannot be made here: $_"; return }
        $rows = @(
            [pscustomobject]@{ Run = 'link/r7'; Tag = 't'; Step = 1; Value = 1.0 }
            [pscustomobject]@{ Run = 'alias/r8'; Tag = 't'; Step = 2; Value = 2.0 }
        )
        if ($Cmd -eq 'Add-TbScalar') { $rows | Add-TbScalar -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue }
        else { $rows | Add-TbEvent -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue }
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRun,*'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'link/r7'
        "$($ev[0])" | Should -BeLike "*$outside*"
        @(Get-ChildItem -LiteralPath $outside -Recurse -Force).Count | Should -Be 0
        (Get-TbEvent -LiteralPath (Join-Path $dir 'real/r8')).Value | Should -Be 2.0
    }

    It 'LogDirCreateFailed for a run that cannot be created: WriteError, the run as target; other runs are written' {
        $dir = New-TestDir
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'taken') -Value 'a file where the run folder would go'
        [pscustomobject]@{ Run = 'taken'; Tag = 't'; Value = 1; Step = 1 },
        [pscustomobject]@{ Run = 'fine'; Tag = 't'; Value = 2; Step = 2 } |
            Add-TbScalar -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        $ev[0].TargetObject | Should -BeExactly 'taken'
        ((Get-TbEvent $dir) | ForEach-Object { "$($_.Run)=$($_.Step)" }) | Should -Be @('fine=2')
    }
}

Describe 'Add-TbScalar errors in the middle of a pipeline' {
    BeforeAll {
        $rows = @(
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 1; Step = 1 }
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 'abc'; Step = 2 }
            [pscustomobject]@{ Run = 'r'; Tag = ''; Value = 3; Step = 3 }
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 4; Step = 4 }
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 5; Step = 5; WallTime = 0 }
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 6; Step = 6; WallTime = 'yesterday' }
            [pscustomobject]@{ Run = '../x'; Tag = 'ok'; Value = 7; Step = 7 }
            [pscustomobject]@{ Run = 'r'; Tag = 'ok'; Value = 8; Step = 8 }
        )
    }

    It 'with -LogDir: writes an error per bad row and every good row before and after it' {
        $dir = New-TestDir
        $rows | Add-TbScalar -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        @($ev.FullyQualifiedErrorId) | Should -Be @(
            "InvalidValue,$AddId", "EmptyTag,$AddId", "InvalidWallTime,$AddId",
            "InvalidWallTime,$AddId", "InvalidRun,$AddId")
        (Get-TbEvent $dir).Step | Should -Be @(1, 4, 8)
        (Get-TbEvent $dir).Run | Sort-Object -Unique | Should -Be 'r'
    }

    It 'with -Writer: the same, and the writer stays open' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            $rows | Add-TbScalar -Writer $w -ErrorVariable ev -ErrorAction SilentlyContinue
            $w.IsClosed | Should -BeFalse
            Add-TbScalar -Writer $w -Tag 'ok' -Value 9 -Step 9
        }
        finally { Close-TbWriter $w }
        @($ev.FullyQualifiedErrorId) | Should -Be @(
            "InvalidValue,$AddId", "EmptyTag,$AddId", "InvalidWallTime,$AddId", "InvalidWallTime,$AddId")
        (Get-TbEvent $dir).Step | Should -Be @(1, 4, 7, 8, 9)
    }
}

Describe 'Terminating errors' {
    It 'WriterClosed from Add-TbScalar: InvalidOperation, the writer as target' {
        $w = New-TbWriter -LogDir (New-TestDir)
        Close-TbWriter $w
        $err = Get-TerminatingError { Add-TbScalar -Writer $w -Tag 't' -Value 1 }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "WriterClosed,$AddId"
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        [object]::ReferenceEquals($err.TargetObject, $w) | Should -BeTrue
        "$err" | Should -Match ([regex]::Escape($w.Path))
    }

    It 'WriterClosed stops the pipeline when the writer is closed part way; what was added before is in the file' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir -FlushInterval 3600
        $err = Get-TerminatingError {
            1..5 | ForEach-Object {
                if ($_ -eq 3) { $w.Close() }
                [pscustomobject]@{ Tag = 't'; Value = $_; Step = $_ }
            } | Add-TbScalar -Writer $w
        }
        $err.FullyQualifiedErrorId | Should -BeExactly "WriterClosed,$AddId"
        (Get-TbEvent $dir).Step | Should -Be @(1, 2)
    }

    It 'LogDirCreateFailed from New-TbWriter: WriteError, the path as target' {
        $err = Get-TerminatingError { New-TbWriter -LogDir $Impossible }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$NewId"
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.TargetObject | Should -BeExactly $Impossible
        "$err" | Should -Match ([regex]::Escape($Impossible))
    }

    It 'LogDirCreateFailed from Add-TbScalar -LogDir: WriteError, the path as target, before any input is read' {
        $script:inputsRead = 0
        $err = Get-TerminatingError {
            1..3 | ForEach-Object { $script:inputsRead++; [pscustomobject]@{ Tag = 't'; Value = $_ } } | Add-TbScalar -LogDir $Impossible
        }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$AddId"
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.TargetObject | Should -BeExactly $Impossible
        $script:inputsRead | Should -Be 0
    }

    It 'InvalidWriterOption for -FilenameSuffix with a path separator: InvalidArgument, the suffix as target, nothing created' {
        $dir = New-TestDir
        $err = Get-TerminatingError { New-TbWriter -LogDir $dir -FilenameSuffix 'a/b' }
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidWriterOption,$NewId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -BeExactly 'a/b'
        Test-Path -LiteralPath $dir | Should -BeFalse
    }

    It 'InvalidWriterOption for -FlushInterval <Interval>: InvalidArgument, the interval as target' -ForEach @(
        @{ Interval = 0; Expected = [timespan]::Zero }
        @{ Interval = -1; Expected = [timespan]::FromSeconds(-1) }
        @{ Interval = '2.00:00:00'; Expected = [timespan]::FromDays(2) }
    ) {
        $err = Get-TerminatingError { New-TbWriter -LogDir (New-TestDir) -FlushInterval $Interval }
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidWriterOption,$NewId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $Expected
    }

    It '-MaxQueue below 1 fails parameter validation' {
        $err = Get-TerminatingError { New-TbWriter -LogDir (New-TestDir) -MaxQueue 0 }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentValidationError,$NewId"
    }
}

Describe 'Get-TbEvent errors' {
    It 'PathNotFound for -<Parameter>: ObjectNotFound, the path as target; other paths are still read' -ForEach @(
        @{ Parameter = 'Path' }
        @{ Parameter = 'LiteralPath' }
    ) {
        $good = New-TestDir
        Add-TbScalar -LogDir $good -Tag 't' -Value 1 -Step 1
        $missing = Join-Path $TestDrive 'no-such-dir'
        $params = @{ $Parameter = @($missing, $good) }
        $e = @(Get-TbEvent @params -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$GetId"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $missing
        $e.Count | Should -Be 1
    }

    It 'PathNotFound for a wildcard that matches nothing' {
        $pattern = Join-Path $TestDrive 'nothing-like-this-*'
        Get-TbEvent $pattern -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$GetId"
        $ev[0].TargetObject | Should -BeExactly $pattern
    }

    It 'NotFileSystemPath for a path of another provider: InvalidArgument, the path as target' {
        Get-TbEvent 'Env:PATH' -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NotFileSystemPath,$GetId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'Env:PATH'
    }
}

Describe 'Background write failures' {
    It 'WriteFailed when the run directory is deleted under an open writer; later values go to a new file' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir -FlushInterval 0.1
        try {
            Add-TbScalar -Writer $w -Tag 't' -Value 0 -Step 0
            Wait-Until { $w.EventsWritten -eq 1 } | Should -BeTrue
            Remove-Item -LiteralPath $dir -Recurse -Force
            # The failure happens in the background; it surfaces at the next call.
            $accepted = [System.Collections.Generic.List[long]]::new()
            $failed = $null
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            for ($step = 1; $clock.Elapsed.TotalSeconds -lt 5 -and -not $failed; $step++) {
                Add-TbScalar -Writer $w -Tag 't' -Value $step -Step $step -ErrorVariable ev -ErrorAction SilentlyContinue
                # The call that hears of the failure still queues its own value (the error says so).
                if ($ev.Count -gt 0) { $failed = $ev[0] }
                $accepted.Add($step)
                Start-Sleep -Milliseconds 100
            }
            $failed | Should -Not -BeNullOrEmpty
            $failed.FullyQualifiedErrorId | Should -BeExactly "WriteFailed,$AddId"
            $failed.CategoryInfo.Category | Should -Be 'WriteError'
            [object]::ReferenceEquals($failed.TargetObject, $w) | Should -BeTrue
            "$failed" | Should -Match 'deleted'
            $w.IsClosed | Should -BeFalse
            foreach ($step in 100, 101) {
                Add-TbScalar -Writer $w -Tag 't' -Value $step -Step $step -ErrorAction Stop
                $accepted.Add($step)
            }
        }
        finally { Close-TbWriter $w -ErrorAction SilentlyContinue }
        # Value 0 went down with the deleted file; everything accepted since (the failing call's
        # value included) is in the new file.
        (Get-TbEvent $dir).Step | Should -Be @($accepted)
    }
}
