#Requires -Modules Pester
# Get-TbEvent: reads what TensorBoard reads from PyTorch's files (pytorch.raw.jsonl is TensorBoard's
# own reading of the fixtures), names runs, filters, binds paths and items, streams, and reports
# damaged, truncated and foreign files the way the design says.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $Pytorch = Join-Path $FixtureRoot 'pytorch'
    $Damaged = Join-Path $FixtureRoot 'damaged'
    $ScalarsFile = Join-Path $Pytorch 'scalars/events.out.tfevents.1795723111.vm.21275.0'
    $Expected = @(Read-ExpectedScalar)

    function Select-Matching([object[]] $Items, [string] $Property, [string[]] $Patterns) {
        # The items whose property matches one of the wildcards (-like: case-insensitive, as the cmdlet).
        foreach ($item in $Items) {
            foreach ($pattern in $Patterns) {
                if ($item.$Property -like $pattern) { $item; break }
            }
        }
    }

    function Get-Signature([object[]] $Items, [switch] $NoRun) {
        # One comparable line per value: run, tag, step, wall-time bits, value bits (any NaN is 'NaN').
        foreach ($item in $Items) {
            $wall = if ($item.WallTime -is [double]) { $item.WallTime } else { $item.WallTime.UnixSeconds }
            $value = if ([double]::IsNaN($item.Value)) { 'NaN' } else { [BitConverter]::DoubleToInt64Bits($item.Value) }
            $run = if ($NoRun) { '' } else { $item.Run }
            '{0}|{1}|{2}|{3}|{4}' -f $run, $item.Tag, $item.Step, [BitConverter]::DoubleToInt64Bits($wall), $value
        }
    }
}

Describe 'Get-TbEvent on the PyTorch reference files' {
    BeforeAll {
        $all = @(Get-TbEvent $Pytorch)
    }

    It 'reads exactly the scalars TensorBoard''s loader reads, with the same runs, tags, steps, wall times and values, in the same order' {
        $Expected.Count | Should -Be 256
        $all.Count | Should -Be $Expected.Count
        @(Get-Signature $all) | Should -Be @(Get-Signature $Expected)
    }

    It 'emits TbScalarEvent objects naming the file each value came from' {
        @($all | ForEach-Object { $_.GetType() } | Sort-Object -Unique FullName) | Should -Be @([TbPowerShell.TbScalarEvent])
        (Get-Command Get-TbEvent).OutputType.Type | Should -Contain ([TbPowerShell.TbScalarEvent])
        @($all.File) | Should -BeExactly @($Expected | ForEach-Object { Join-Path $Pytorch "$($_.Run)/$($_.File)" })
    }

    It 'keeps NaN, infinities, -0.0 and float32 extremes exactly' {
        $special = @($all | Where-Object { $_.Run -eq 'scalars' -and $_.Tag -eq 'special/values' })
        $special.Count | Should -Be 10
        [double]::IsNaN($special[0].Value) | Should -BeTrue
        [double]::IsPositiveInfinity($special[1].Value) | Should -BeTrue
        [double]::IsNegativeInfinity($special[2].Value) | Should -BeTrue
        Get-DoubleBits $special[3].Value | Should -Be ([long]::MinValue)
        Get-DoubleBits $special[4].Value | Should -Be 0
        $special[5].Value | Should -Be ([double][float]::MaxValue)
        $special[6].Value | Should -Be ([double][float]::Epsilon)
    }

    It 'reads new-style scalar tensors as the same objects (float64 kept as float64)' {
        $f32 = $all | Where-Object Tag -EQ 'new_style/f32'
        $f64 = $all | Where-Object Tag -EQ 'new_style/f64'
        $f32.Value | Should -Be 0.25
        $f64.Value | Should -Be 0.1
        $f64.Step | Should -Be 2
    }

    It 'keeps steps from -2^31 to 2^63-1' {
        $steps = @($all | Where-Object { $_.Tag -like 'steps/*' } | ForEach-Object Step)
        $steps | Should -Contain ([long]::MaxValue)
        $steps | Should -Contain ([long]-2147483648)
        $steps | Should -Contain 9007199254740993
    }

    It 'names a directory it is given "."' {
        $e = @(Get-TbEvent (Join-Path $Pytorch 'scalars'))
        $e.Count | Should -Be 130
        $e.Run | Sort-Object -Unique | Should -Be '.'
        @(Get-Signature $e -NoRun) | Should -Be @(Get-Signature ($Expected | Where-Object Run -EQ 'scalars') -NoRun)
    }

    It 'reads the current location when no path is given' {
        Push-Location -LiteralPath (Join-Path $Pytorch 'scalars_multi')
        try { $e = @(Get-TbEvent) }
        finally { Pop-Location }
        $e.Count | Should -Be 32
        @($e.Run | Sort-Object -Unique) | Should -Be @('group_inner_a', 'group_inner_b', 'multi_cos', 'multi_lin', 'multi_sin')
    }

    It 'takes paths from the pipeline by value, and wildcards in -Path' {
        @((Join-Path $Pytorch 'scalars') | Get-TbEvent).Count | Should -Be 130
        @(Get-TbEvent (Join-Path $Pytorch 'scalars_m*')).Count | Should -Be 32
        @(Get-TbEvent (Join-Path $Pytorch 'hparams/trial?')).Count | Should -Be 4
    }

    It 'names the run of a file given directly by its folder relative to the current location' {
        Push-Location -LiteralPath $Pytorch
        try { $e = @(Get-TbEvent 'scalars/events.out.tfevents.1795723111.vm.21275.0') }
        finally { Pop-Location }
        $e.Count | Should -Be 130
        $e.Run | Sort-Object -Unique | Should -Be 'scalars'

        Push-Location -LiteralPath (Join-Path $Pytorch 'scalars')
        try { $e = @(Get-TbEvent './events.out.tfevents.1795723111.vm.21275.0') }
        finally { Pop-Location }
        $e.Run | Sort-Object -Unique | Should -Be '.'
    }

    It 'the default view groups values by run' {
        $text = Get-TbEvent (Join-Path $Pytorch 'scalars_multi') | Out-String -Width 200
        foreach ($run in 'group_inner_a', 'multi_cos', 'multi_lin', 'multi_sin') {
            $text | Should -Match "Run: $run"
        }
        $text | Should -Match 'Tag\s+Step\s+WallTime\s+Value'
    }
}

Describe 'Get-TbEvent -Tag and -Run' {
    It '-Tag <Tag> keeps the tags matching the wildcards (case-insensitive)' -ForEach @(
        @{ Tag = @('steps/*') }
        @{ Tag = @('LOSS') }
        @{ Tag = @('steps/neg*', 'special/*') }
        @{ Tag = @('*/*a*') }
        @{ Tag = @('no-such-tag*') }   # a literal name that matches nothing is the error TagNotFound (NewUser.Reading.Tests.ps1)
    ) {
        $e = @(Get-TbEvent $Pytorch -Tag $Tag)
        $want = @(Select-Matching $Expected 'Tag' $Tag)
        @(Get-Signature $e) | Should -Be @(Get-Signature $want)
    }

    It '-Run <Run> keeps the runs matching the wildcards (case-insensitive)' -ForEach @(
        @{ Run = @('scalars_multi/*') }
        @{ Run = @('hparams*') }
        @{ Run = @('SCALARS') }
        @{ Run = @('multi_session', 'custom_*') }
        @{ Run = @('nothing*') }   # a literal name that matches nothing is the error RunNotFound (NewUser.Reading.Tests.ps1)
    ) {
        $e = @(Get-TbEvent $Pytorch -Run $Run)
        $want = @(Select-Matching $Expected 'Run' $Run)
        $want.Count | Should -Be $e.Count
        @(Get-Signature $e) | Should -Be @(Get-Signature $want)
    }

    It 'combines -Run and -Tag' {
        $e = @(Get-TbEvent $Pytorch -Run 'multi_session*' -Tag 'loss')
        $e.Count | Should -Be 50
        $e = @(Get-TbEvent $Pytorch -Run 'scalars' -Tag 'loss', 'types/*')
        $e.Count | Should -Be 103
    }
}

Describe 'Get-TbEvent paths and items' {
    BeforeAll {
        $root = Join-Path $TestDrive 'items'
        @(
            [pscustomobject]@{ Run = 'a'; Tag = 't'; Value = 1; Step = 1 }
            [pscustomobject]@{ Run = 'a'; Tag = 't'; Value = 2; Step = 2 }
            [pscustomobject]@{ Run = 'b/c'; Tag = 't'; Value = 3; Step = 3 }
            [pscustomobject]@{ Run = 'b/c'; Tag = 't'; Value = 4; Step = 4 }
            [pscustomobject]@{ Run = 'b/c'; Tag = 't'; Value = 5; Step = 5 }
            [pscustomobject]@{ Run = 'run[1]'; Tag = 't'; Value = 6; Step = 6 }
            [pscustomobject]@{ Run = '.'; Tag = 't'; Value = 7; Step = 7 }
        ) | Add-TbScalar -LogDir $root
        $allRuns = @('.=7', 'a=1', 'a=2', 'b/c=3', 'b/c=4', 'b/c=5', 'run[1]=6')
        function Get-RunStep([object[]] $Events) { @($Events | ForEach-Object { "$($_.Run)=$($_.Step)" } | Sort-Object) }
    }

    It '-LiteralPath reads a folder with brackets in its name' {
        $e = @(Get-TbEvent -LiteralPath (Join-Path $root 'run[1]'))
        $e.Count | Should -Be 1
        $e[0].Step | Should -Be 6
        $e[0].Run | Should -BeExactly '.'
    }

    It '-Path takes brackets as wildcards; escaped they match literally' {
        $e = @(Get-TbEvent -Path (Join-Path $root 'run`[1`]'))
        $e.Count | Should -Be 1
        $e[0].Step | Should -Be 6
    }

    It 'Get-ChildItem -Recurse | Get-TbEvent reads each file once, runs named from the current location' {
        Push-Location -LiteralPath $root
        try { $e = @(Get-ChildItem -Recurse | Get-TbEvent) }
        finally { Pop-Location }
        $e.Count | Should -Be 7
        Get-RunStep $e | Should -Be $allRuns
    }

    It 'Get-ChildItem -Recurse -File | Get-TbEvent gives the same runs' {
        Push-Location -LiteralPath $root
        try { $e = @(Get-ChildItem -Recurse -File | Get-TbEvent) }
        finally { Pop-Location }
        Get-RunStep $e | Should -Be $allRuns
    }

    It 'items listed from a parent location are named from that location' {
        Push-Location -LiteralPath $TestDrive
        try { $e = @(Get-ChildItem 'items' -Recurse | Get-TbEvent) }
        finally { Pop-Location }
        Get-RunStep $e | Should -Be @($allRuns | ForEach-Object { if ($_ -like '.=*') { $_ -replace '^\.', 'items' } else { "items/$_" } } | Sort-Object)
    }

    It 'binds the PSPath of a single folder item (Get-Item | Get-TbEvent)' {
        Push-Location -LiteralPath $root
        try { $e = @(Get-Item -LiteralPath 'run[1]' | Get-TbEvent) }
        finally { Pop-Location }
        Get-RunStep $e | Should -Be @('run[1]=6')
    }

    It 'binds LiteralPath by property name from any object' {
        $e = @([pscustomobject]@{ LiteralPath = (Join-Path $root 'b') } | Get-TbEvent)
        $e.Count | Should -Be 3
    }
}

Describe 'Get-TbEvent streaming' {
    BeforeAll {
        # 300,000 scalars: 1,000 written by the core writer, their records repeated 300 times.
        $seed = Join-Path $TestDrive 'seed'
        $w = [TbPowerShell.TbWriter]::new($seed)
        for ($i = 0; $i -lt 1000; $i++) { $w.AddScalar('t', $i, $i, $null) }
        $w.Close()
        $bytes = [System.IO.File]::ReadAllBytes($w.Path)
        $headerSize = 16 + [int][BitConverter]::ToUInt64($bytes, 0)
        $big = Join-Path $TestDrive 'big'
        New-Item -ItemType Directory -Path $big | Out-Null
        $stream = [System.IO.File]::Create((Join-Path $big 'events.out.tfevents.1700000000.test.1.0'))
        try {
            $stream.Write($bytes, 0, $bytes.Length)
            for ($copy = 1; $copy -lt 300; $copy++) { $stream.Write($bytes, $headerSize, $bytes.Length - $headerSize) }
        }
        finally { $stream.Dispose() }
        $null = Get-TbEvent $seed | Select-Object -First 1   # warm up
    }

    It 'Select-Object -First 1 stops the read early (first value well before the whole file)' {
        $full = Measure-Command { $script:allEvents = Get-TbEvent $big }
        $first = Measure-Command { $script:firstEvent = Get-TbEvent $big | Select-Object -First 1 }
        Write-Host ("    300,000 values: full read {0:N2} s, first value {1:N3} s" -f $full.TotalSeconds, $first.TotalSeconds)
        $script:allEvents.Count | Should -Be 300000
        $script:allEvents[-1].Step | Should -Be 999
        $script:allEvents = $null
        $script:firstEvent.Step | Should -Be 0
        ($first.TotalSeconds / $full.TotalSeconds) | Should -BeLessThan 0.5
    }
}

Describe 'Get-TbEvent on files that are not whole event files' {
    It 'warns about a *tfevents* file that is not an event file, skips it, and does nothing else' {
        $dir = Join-Path $TestDrive 'garbage'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $file = Join-Path $dir 'events.out.tfevents.notes'
        Set-Content -LiteralPath $file -Value 'These are my notes about the run, not an event file.'
        $e = @(Get-TbEvent $dir -ErrorVariable ev -WarningVariable wv -WarningAction SilentlyContinue)
        $e.Count | Should -Be 0
        $ev.Count | Should -Be 0
        $wv.Count | Should -Be 1
        "$($wv[0])" | Should -Match ([regex]::Escape($file))
        "$($wv[0])" | Should -Match 'not an event file'
    }

    It 'still reads the event files next to a foreign file' {
        $dir = Join-Path $TestDrive 'garbage-mixed'
        Add-TbScalar -LogDir $dir -Tag 't' -Value 1 -Step 1
        Set-Content -LiteralPath (Join-Path $dir 'events.out.tfevents.0-notes') -Value 'Not an event file at all, only text.'
        $e = @(Get-TbEvent $dir -ErrorVariable ev -WarningVariable wv -WarningAction SilentlyContinue)
        $e.Count | Should -Be 1
        $ev.Count | Should -Be 0
        $wv.Count | Should -Be 1
    }

    It 'reads nothing from an empty event file, without error or warning' {
        $e = @(Get-TbEvent (Join-Path $Damaged 'empty') -ErrorVariable ev -WarningVariable wv)
        $e.Count | Should -Be 0
        $ev.Count | Should -Be 0
        $wv.Count | Should -Be 0
    }

    Context 'a record whose data fails its CRC (crc_middle)' {
        BeforeAll {
            $dir = Join-Path $Damaged 'crc_middle'
            $file = Join-Path $dir 'events.out.tfevents.1795723111.vm.21275.0'
            $damageOffset = (Read-TfRecord $ScalarsFile -SkipCrc)[65].Offset
            $intact = @(Get-TbEvent (Join-Path $Pytorch 'scalars'))
            $mixed = @(Get-TbEvent $dir -ErrorAction Continue 2>&1)
            $errors = @($mixed | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $values = @($mixed | Where-Object { $_ -is [TbPowerShell.TbScalarEvent] })
        }

        It 'writes one EventFileDamaged error (InvalidData, the file as target) naming the file and the byte offset' {
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly 'EventFileDamaged,TbPowerShell.Commands.GetTbEventCommand'
            $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
            $errors[0].TargetObject | Should -BeExactly $file
            "$errors" | Should -Match ([regex]::Escape($file))
            "$errors" | Should -Match "byte $damageOffset\b"
            "$errors" | Should -Match 'data failed its CRC'
        }

        It 'still emits every intact record, after the damage too: all 130 scalars but the damaged one' {
            $values.Count | Should -Be 129
            $expected = @($intact[0..63] + $intact[65..129])
            @(Get-Signature $values) | Should -Be @(Get-Signature $expected)
        }

        It 'reports the damage in reading order, between the values' {
            [array]::IndexOf($mixed, $errors[0]) | Should -Be 64
        }
    }

    Context 'a record whose length fails its CRC (length_crc_middle)' {
        BeforeAll {
            $dir = Join-Path $Damaged 'length_crc_middle'
            $file = Join-Path $dir 'events.out.tfevents.1795723111.vm.21275.0'
            $damageOffset = (Read-TfRecord $ScalarsFile -SkipCrc)[65].Offset
            $intact = @(Get-TbEvent (Join-Path $Pytorch 'scalars'))
            $values = @(Get-TbEvent $dir -ErrorVariable ev -ErrorAction SilentlyContinue)
        }

        It 'writes an EventFileDamaged error naming the file and the byte offset' {
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -BeExactly 'EventFileDamaged,TbPowerShell.Commands.GetTbEventCommand'
            $ev[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
            $ev[0].TargetObject | Should -BeExactly $file
            "$($ev[0])" | Should -Match "byte $damageOffset\b"
            "$($ev[0])" | Should -Match 'length failed its CRC'
        }

        It 'emits the values before the damage unchanged' {
            @(Get-Signature $values[0..63]) | Should -Be @(Get-Signature $intact[0..63])
        }

        It 'resynchronises on the next intact record (the reader''s documented choice; TensorBoard stops here)' {
            @(Get-Signature $values) | Should -Be @(Get-Signature ($intact[0..63] + $intact[65..129]))
        }
    }

    Context 'a file cut inside its last record (<Case>)' -ForEach @(
        @{ Case = 'truncated_header' }
        @{ Case = 'truncated_payload' }
        @{ Case = 'truncated_data_crc' }
    ) {
        BeforeAll {
            $dir = Join-Path $Damaged $Case
            $file = Join-Path $dir 'events.out.tfevents.1795723111.vm.21275.0'
            $lastOffset = (Read-TfRecord $ScalarsFile -SkipCrc)[130].Offset
            $intact = @(Get-TbEvent (Join-Path $Pytorch 'scalars'))
            $mixed = @(Get-TbEvent $dir -Verbose -ErrorVariable ev -WarningVariable wv 4>&1)
            $values = @($mixed | Where-Object { $_ -is [TbPowerShell.TbScalarEvent] })
            $verbose = @($mixed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        }

        It 'is not an error: no error, no warning' {
            $ev.Count | Should -Be 0
            $wv.Count | Should -Be 0
        }

        It 'emits every scalar but the last' {
            $values.Count | Should -Be 129
            @(Get-Signature $values) | Should -Be @(Get-Signature $intact[0..128])
        }

        It 'says in a verbose message where the file ends inside a record' {
            $verbose.Count | Should -Be 1
            $verbose[0].Message | Should -Match ([regex]::Escape($file))
            $verbose[0].Message | Should -Match "byte $lastOffset\b"
        }
    }
}
