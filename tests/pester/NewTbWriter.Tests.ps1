#Requires -Modules Pester
# New-TbWriter: the directory and file it creates, what the file holds (parsed by hand and compared
# with what PyTorch writes), its buffering options and the writer object it returns.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $HostName = [System.Net.Dns]::GetHostName()
    $Utf8 = [System.Text.Encoding]::UTF8
}

AfterAll {
    # Writers a failed test left open.
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'New-TbWriter' {
    Context 'the writer and its file' {
        It 'creates the log directory with its parents and returns an open writer' {
            $dir = Join-Path $TestDrive 'create/a/b'
            $w = New-TbWriter -LogDir $dir
            try {
                Test-Path -LiteralPath $dir -PathType Container | Should -BeTrue
                $w | Should -BeOfType ([TbPowerShell.TbWriter])
                $w.LogDir | Should -BeExactly $dir
                [System.IO.Path]::GetDirectoryName($w.Path) | Should -BeExactly $dir
                Test-Path -LiteralPath $w.Path -PathType Leaf | Should -BeTrue
                $w.EventsWritten | Should -Be 0
                $w.Pending | Should -Be 0
                $w.GlobalStep | Should -Be 0
                $w.IsClosed | Should -BeFalse
                [TbPowerShell.TbWriter]::OpenWriters | Should -Contain $w
                (Get-Command New-TbWriter).OutputType.Type | Should -Contain $w.GetType()
            }
            finally { Close-TbWriter $w }
            $w.IsClosed | Should -BeTrue
        }

        It 'names the file events.out.tfevents.UNIXSECONDS.HOST.PID.COUNTER (10-digit seconds)' {
            $before = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
            $w = New-TbWriter -LogDir (Join-Path $TestDrive 'name')
            $after = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
            Close-TbWriter $w
            $name = [System.IO.Path]::GetFileName($w.Path)
            $pattern = '^events\.out\.tfevents\.(\d{10})\.' + [regex]::Escape($HostName) + '\.' + $PID + '\.(\d+)$'
            $name | Should -Match $pattern
            $seconds = [long]([regex]::Match($name, $pattern).Groups[1].Value)
            $seconds | Should -BeGreaterOrEqual $before
            $seconds | Should -BeLessOrEqual $after
        }

        It 'gives every writer its own file, even two in one directory within one second' {
            $dir = Join-Path $TestDrive 'two'
            $w1 = New-TbWriter -LogDir $dir
            $w2 = New-TbWriter -LogDir $dir
            $w1, $w2 | Close-TbWriter
            $w1.Path | Should -Not -Be $w2.Path
            (Get-EventFile $dir).Count | Should -Be 2
            $c1 = [long]($w1.Path -replace '^.*\.(\d+)$', '$1')
            $c2 = [long]($w2.Path -replace '^.*\.(\d+)$', '$1')
            $c2 | Should -BeGreaterThan $c1
        }

        It 'appends -FilenameSuffix to the file name, and readers still find the file' {
            $dir = Join-Path $TestDrive 'suffix'
            $w = New-TbWriter -LogDir $dir -FilenameSuffix '.trial-7'
            Add-TbScalar -Writer $w -Tag 'loss' -Value 1 -Step 1
            Close-TbWriter $w
            [System.IO.Path]::GetFileName($w.Path) | Should -Match ('^events\.out\.tfevents\.\d{10}\.' + [regex]::Escape($HostName) + '\.' + $PID + '\.\d+\.trial-7$')
            @(Get-TbEvent $dir).Count | Should -Be 1
        }

        It 'starts the file with Event{wall_time, file_version "brain.Event:2", source_metadata.writer}' {
            $before = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0
            $w = New-TbWriter -LogDir (Join-Path $TestDrive 'header')
            Close-TbWriter $w
            $records = @(Read-TfRecord $w.Path)
            $records.Count | Should -Be 1
            $records[0].LengthCrcOk | Should -BeTrue
            $records[0].DataCrcOk | Should -BeTrue
            $fields = @(ConvertFrom-ProtoField $records[0].Payload)
            $fields.Field | Should -Be @(1, 3, 10)
            $wallTime = Get-ProtoFieldValue $fields 1
            $wallTime | Should -BeGreaterOrEqual ($before - 1)
            $wallTime | Should -BeLessOrEqual ($before + 60)
            $Utf8.GetString((Get-ProtoFieldValue $fields 3)) | Should -BeExactly 'brain.Event:2'
            $source = @(ConvertFrom-ProtoField (Get-ProtoFieldValue $fields 10))
            $Utf8.GetString((Get-ProtoFieldValue $source 1)) | Should -BeExactly 'tbpowershell'
        }

        It 'writes a scalar record byte for byte as PyTorch add_scalar does' {
            # The fixture's third multi_session file holds loss=115 at step 15, wall time 1700001015.
            $fixture = Join-Path $FixtureRoot 'pytorch/multi_session/events.out.tfevents.1795723113.vm.21275.21'
            $expected = (Read-TfRecord $fixture)[3]
            $w = New-TbWriter -LogDir (Join-Path $TestDrive 'bytes')
            Add-TbScalar -Writer $w -Tag 'loss' -Value 115 -Step 15 -WallTime 1700001015
            Close-TbWriter $w
            $records = @(Read-TfRecord $w.Path)
            $records.Count | Should -Be 2
            $records[1].LengthCrcOk | Should -BeTrue
            $records[1].DataCrcOk | Should -BeTrue
            [BitConverter]::ToString($records[1].Payload) | Should -BeExactly ([BitConverter]::ToString($expected.Payload))
        }

        It 'writes every record with valid length and data CRCs' {
            $w = New-TbWriter -LogDir (Join-Path $TestDrive 'crc')
            foreach ($i in 0..19) { Add-TbScalar -Writer $w -Tag "t/$($i % 3)" -Value ($i / 7) -Step $i }
            Close-TbWriter $w
            $records = @(Read-TfRecord $w.Path)
            $records.Count | Should -Be 21
            $records.LengthCrcOk | Should -Not -Contain $false
            $records.DataCrcOk | Should -Not -Contain $false
            ($records | Measure-Object Size -Sum).Sum | Should -Be (Get-Item -LiteralPath $w.Path).Length
        }
    }

    Context 'where the log directory is' {
        It 'resolves a relative -LogDir against the current PowerShell location, not the process directory' {
            $here = Join-Path $TestDrive 'relative'
            New-Item -ItemType Directory -Path $here | Out-Null
            Push-Location -LiteralPath $here
            try {
                [Environment]::CurrentDirectory | Should -Not -Be $here
                $w = New-TbWriter -LogDir 'sub/run'
                Close-TbWriter $w
            }
            finally { Pop-Location }
            $w.LogDir | Should -BeExactly (Join-Path $here 'sub/run')
        }

        It 'defaults to runs/MonDD_HH-mm-ss_HOST+Comment under the current location, as PyTorch' {
            $here = Join-Path $TestDrive 'default'
            New-Item -ItemType Directory -Path $here | Out-Null
            Push-Location -LiteralPath $here
            try {
                $w = New-TbWriter -Comment '_lr0.1'
                Close-TbWriter $w
            }
            finally { Pop-Location }
            $w.LogDir | Should -Match ('^' + [regex]::Escape((Join-Path $here 'runs')) + '/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_' + [regex]::Escape($HostName) + '_lr0\.1$')
            Test-Path -LiteralPath $w.Path | Should -BeTrue
        }

        It 'takes log directories from the pipeline, by value and by property name' {
            $byValue = @((Join-Path $TestDrive 'pipe/a'), (Join-Path $TestDrive 'pipe/b') | New-TbWriter)
            $byName = @([pscustomobject]@{ LogDir = (Join-Path $TestDrive 'pipe/c') } | New-TbWriter)
            ($byValue + $byName) | Close-TbWriter
            $byValue.Count | Should -Be 2
            $byValue.LogDir | Should -Be @((Join-Path $TestDrive 'pipe/a'), (Join-Path $TestDrive 'pipe/b'))
            $byName.LogDir | Should -Be @((Join-Path $TestDrive 'pipe/c'))
        }
    }

    Context 'buffering' {
        It '-FlushInterval 0.2 makes values readable without closing the writer' {
            $dir = Join-Path $TestDrive 'flush'
            $w = New-TbWriter -LogDir $dir -FlushInterval 0.2
            try {
                $w.FlushInterval | Should -Be ([timespan]::FromSeconds(0.2))
                Add-TbScalar -Writer $w -Tag 'loss' -Value 0.5 -Step 1
                Wait-Until { @(Get-TbEvent $dir).Count -eq 1 } | Should -BeTrue
                $e = Get-TbEvent $dir
                $e.Tag | Should -BeExactly 'loss'
                $e.Value | Should -Be 0.5
                $w.IsClosed | Should -BeFalse
                $w.EventsWritten | Should -Be 1
                $w.Pending | Should -Be 0
            }
            finally { Close-TbWriter $w }
        }

        It '-FlushInterval takes seconds, a TimeSpan or hh:mm:ss' {
            $dir = Join-Path $TestDrive 'intervals'
            $a = New-TbWriter -LogDir $dir -FlushInterval 2.5
            $b = New-TbWriter -LogDir $dir -FlushInterval ([timespan]::FromMilliseconds(300))
            $c = New-TbWriter -LogDir $dir -FlushInterval '00:01:30'
            $d = New-TbWriter -LogDir $dir
            $a, $b, $c, $d | Close-TbWriter
            $a.FlushInterval | Should -Be ([timespan]::FromSeconds(2.5))
            $b.FlushInterval | Should -Be ([timespan]::FromMilliseconds(300))
            $c.FlushInterval | Should -Be ([timespan]::FromSeconds(90))
            $d.FlushInterval | Should -Be ([timespan]::FromSeconds(1))
            $d.MaxQueue | Should -Be 1000
        }

        It 'keeps values pending until the interval is up or the writer is closed' {
            $dir = Join-Path $TestDrive 'pending'
            $w = New-TbWriter -LogDir $dir -FlushInterval 3600
            try {
                1..3 | ForEach-Object { Add-TbScalar -Writer $w -Tag 'x' -Value $_ -Step $_ }
                $w.Pending | Should -Be 3
                $w.EventsWritten | Should -Be 0
                @(Get-TbEvent $dir).Count | Should -Be 0
            }
            finally { Close-TbWriter $w }
            $w.Pending | Should -Be 0
            $w.EventsWritten | Should -Be 3
            (Get-TbEvent $dir).Step | Should -Be @(1, 2, 3)
        }

        It '-MaxQueue writes as soon as that many values are pending' {
            $dir = Join-Path $TestDrive 'maxqueue'
            $w = New-TbWriter -LogDir $dir -FlushInterval 3600 -MaxQueue 5
            try {
                $w.MaxQueue | Should -Be 5
                1..4 | ForEach-Object { Add-TbScalar -Writer $w -Tag 'x' -Value $_ -Step $_ }
                $w.Pending | Should -Be 4
                Add-TbScalar -Writer $w -Tag 'x' -Value 5 -Step 5
                Wait-Until { $w.EventsWritten -eq 5 } | Should -BeTrue
                $w.Pending | Should -Be 0
                (Get-TbEvent $dir).Step | Should -Be @(1, 2, 3, 4, 5)
            }
            finally { Close-TbWriter $w }
        }
    }

    Context '-PurgeStep' {
        It 'writes file_version and SessionLog START at the purge step, as PyTorch purge_step does' {
            $dir = Join-Path $TestDrive 'purge'
            $w = New-TbWriter -LogDir $dir -PurgeStep 15
            Add-TbScalar -Writer $w -Tag 'loss' -Value 115 -Step 15 -WallTime 1700001015
            Close-TbWriter $w

            $records = @(Read-TfRecord $w.Path)
            $records.Count | Should -Be 4
            $records.DataCrcOk | Should -Not -Contain $false
            $records.LengthCrcOk | Should -Not -Contain $false

            $version = @(ConvertFrom-ProtoField $records[1].Payload)
            $version.Field | Should -Be @(1, 2, 3)
            Get-ProtoFieldValue $version 2 | Should -Be 15
            $Utf8.GetString((Get-ProtoFieldValue $version 3)) | Should -BeExactly 'brain.Event:2'

            $session = @(ConvertFrom-ProtoField $records[2].Payload)
            $session.Field | Should -Be @(1, 2, 7)
            Get-ProtoFieldValue $session 2 | Should -Be 15
            [BitConverter]::ToString((Get-ProtoFieldValue $session 7)) | Should -BeExactly '08-01'   # status: START

            # The same layout as the fixture PyTorch wrote with purge_step=15.
            $fixture = @(Read-TfRecord (Join-Path $FixtureRoot 'pytorch/multi_session/events.out.tfevents.1795723113.vm.21275.21'))
            (ConvertFrom-ProtoField $fixture[1].Payload).Field | Should -Be $version.Field
            (ConvertFrom-ProtoField $fixture[2].Payload).Field | Should -Be $session.Field
            [BitConverter]::ToString($records[3].Payload) | Should -BeExactly ([BitConverter]::ToString($fixture[3].Payload))
        }

        It 'adds only those two records: readers still see just the values' {
            $plain = New-TbWriter -LogDir (Join-Path $TestDrive 'purge-cmp/plain')
            $purged = New-TbWriter -LogDir (Join-Path $TestDrive 'purge-cmp/purged') -PurgeStep 0
            foreach ($w in $plain, $purged) { Add-TbScalar -Writer $w -Tag 'a' -Value 1 -Step 3 -WallTime 1700000000 }
            $plain, $purged | Close-TbWriter
            @(Read-TfRecord $purged.Path).Count | Should -Be (@(Read-TfRecord $plain.Path).Count + 2)
            (Get-Item -LiteralPath $purged.Path).Length | Should -BeGreaterThan (Get-Item -LiteralPath $plain.Path).Length
            $e = @(Get-TbEvent $purged.Path)
            $e.Count | Should -Be 1
            $e[0].Step | Should -Be 3
        }
    }

    Context 'the global step' {
        It 'uses -GlobalStep, $w.GlobalStep and $w.NextStep() when -Step is omitted' {
            $dir = Join-Path $TestDrive 'globalstep'
            $w = New-TbWriter -LogDir $dir -GlobalStep 7
            $w.GlobalStep | Should -Be 7
            Add-TbScalar -Writer $w -Tag 'a' -Value 1
            $w.NextStep() | Should -Be 8
            Add-TbScalar -Writer $w -Tag 'a' -Value 2
            $w.GlobalStep = 100
            Add-TbScalar -Writer $w -Tag 'a' -Value 3
            $w.NextStep(5) | Should -Be 105
            Add-TbScalar -Writer $w -Tag 'a' -Value 4
            Add-TbScalar -Writer $w -Tag 'a' -Value 5 -Step 3
            $w.GlobalStep | Should -Be 105
            Close-TbWriter $w
            (Get-TbEvent $dir).Step | Should -Be @(7, 8, 100, 105, 3)
        }
    }

    Context 'display' {
        It 'renders the default view with the log directory and the file name' {
            $dir = Join-Path $TestDrive 'view'
            $w = New-TbWriter -LogDir $dir -GlobalStep 42
            try {
                $text = $w | Out-String -Width 500
                $text | Should -Match 'LogDir'
                $text | Should -Match 'EventsWritten'
                $text | Should -Match ([regex]::Escape($dir))
                $text | Should -Match ([regex]::Escape([System.IO.Path]::GetFileName($w.Path)))
                $text | Should -Match '\b42\b'
            }
            finally { Close-TbWriter $w }
        }
    }
}
