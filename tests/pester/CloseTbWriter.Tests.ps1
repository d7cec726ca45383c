#Requires -Modules Pester
# Close-TbWriter: writes what is pending, closes, takes writers from the pipeline, is idempotent.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Close-TbWriter' {
    It 'writes every pending value, then closes the file' {
        $dir = Join-Path $TestDrive 'pending'
        $w = New-TbWriter -LogDir $dir -FlushInterval 3600
        1..10 | ForEach-Object { Add-TbScalar -Writer $w -Tag 'loss' -Value $_ -Step $_ }
        $w.Pending | Should -Be 10
        Close-TbWriter $w
        $w.IsClosed | Should -BeTrue
        $w.Pending | Should -Be 0
        $w.EventsWritten | Should -Be 10
        $records = @(Read-TfRecord $w.Path)
        $records.Count | Should -Be 11
        $records.DataCrcOk | Should -Not -Contain $false
        ($records | Measure-Object Size -Sum).Sum | Should -Be (Get-Item -LiteralPath $w.Path).Length
        (Get-TbEvent $dir).Step | Should -Be (1..10)
    }

    It 'closes every writer it is given through the pipeline' {
        $writers = @('a', 'b', 'c' | ForEach-Object { New-TbWriter -LogDir (Join-Path $TestDrive "pipe/$_") })
        foreach ($w in $writers) { Add-TbScalar -Writer $w -Tag 't' -Value 1 -Step 1 }
        $writers | Close-TbWriter
        $writers.IsClosed | Should -Be @($true, $true, $true)
        foreach ($w in $writers) {
            [TbPowerShell.TbWriter]::OpenWriters | Should -Not -Contain $w
            @(Get-TbEvent $w.Path).Count | Should -Be 1
        }
    }

    It 'takes an array of writers by position' {
        $a = New-TbWriter -LogDir (Join-Path $TestDrive 'pos/a')
        $b = New-TbWriter -LogDir (Join-Path $TestDrive 'pos/b')
        Close-TbWriter $a, $b
        $a.IsClosed | Should -BeTrue
        $b.IsClosed | Should -BeTrue
    }

    It 'is silent without -PassThru and emits the same writers with it' {
        $a = New-TbWriter -LogDir (Join-Path $TestDrive 'passthru/a')
        $b = New-TbWriter -LogDir (Join-Path $TestDrive 'passthru/b')
        Close-TbWriter $a | Should -BeNullOrEmpty
        $out = @($a, $b | Close-TbWriter -PassThru)
        $out.Count | Should -Be 2
        [object]::ReferenceEquals($out[0], $a) | Should -BeTrue
        [object]::ReferenceEquals($out[1], $b) | Should -BeTrue
        (Get-Command Close-TbWriter).OutputType.Type | Should -Contain $out[0].GetType()
    }

    It 'closing a writer twice is harmless' {
        $w = New-TbWriter -LogDir (Join-Path $TestDrive 'twice')
        Add-TbScalar -Writer $w -Tag 't' -Value 1 -Step 1
        Close-TbWriter $w
        $length = (Get-Item -LiteralPath $w.Path).Length
        Close-TbWriter $w -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        $w.Dispose()
        (Get-Item -LiteralPath $w.Path).Length | Should -Be $length
        @(Get-TbEvent $w.Path).Count | Should -Be 1
    }

    It 'keeps a writer whose close fails open with its values, and a later Close-TbWriter writes them' {
        # The run folder is deleted and a file put in its place: every write fails until it is removed.
        # (Deletion fails an open file for root and non-root alike; chmod would not.)
        $dir = Join-Path $TestDrive 'close-fails'
        $w = New-TbWriter -LogDir $dir -FlushInterval 3600
        1..5 | ForEach-Object { Add-TbScalar -Writer $w -Tag 'loss' -Value $_ -Step $_ }
        $w.Flush()
        Remove-Item -LiteralPath $dir -Recurse -Force
        Set-Content -LiteralPath $dir -Value 'not a folder'
        6..10 | ForEach-Object { Add-TbScalar -Writer $w -Tag 'loss' -Value $_ -Step $_ }

        Close-TbWriter $w -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'CloseFailed,TbPowerShell.Commands.CloseTbWriterCommand'
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        [object]::ReferenceEquals($ev[0].TargetObject, $w) | Should -BeTrue
        $ev[0].Exception.Message | Should -Match '5 events could not be written'
        $ev[0].Exception.Message | Should -Match 'stays open'
        $ev[0].Exception.Message | Should -Match 'Close-TbWriter'
        $w.IsClosed | Should -BeFalse
        $w.Pending | Should -Be 5
        [TbPowerShell.TbWriter]::OpenWriters | Should -Contain $w

        # Still open: a value added now is accepted and kept too; the failure persists.
        Add-TbScalar -Writer $w -Tag 'loss' -Value 11 -Step 11 -ErrorVariable addErrors
        $addErrors | Should -BeNullOrEmpty
        Close-TbWriter $w -ErrorVariable ev2 -ErrorAction SilentlyContinue
        $ev2.Count | Should -Be 1
        $ev2[0].Exception.Message | Should -Match '6 events could not be written'
        $w.Pending | Should -Be 6

        Remove-Item -LiteralPath $dir -Force
        Close-TbWriter $w -ErrorVariable ev3
        $ev3 | Should -BeNullOrEmpty
        $w.IsClosed | Should -BeTrue
        $w.Pending | Should -Be 0
        (Get-TbEvent $dir).Step | Should -Be (6..11)
        (Get-TbEvent $dir).Value | Should -Be (6..11)
    }

    It 'rejects a null writer' {
        { Close-TbWriter -Writer $null } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.CloseTbWriterCommand'
    }
}
