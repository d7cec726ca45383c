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

    It 'rejects a null writer' {
        { Close-TbWriter -Writer $null } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.CloseTbWriterCommand'
    }
}
