#Requires -Modules Pester
# Add-TbEvent: every object Get-TbEvent emits is written back so that Get-TbEvent reads the same
# objects (every property, hidden ones included, bytes and double bits), for every fixture run and
# for runs our own cmdlets wrote; the rewritten files are sound event files that still meet what
# TensorBoard's loader read from the fixtures; filtering, renaming, downsampling, merging and CSV
# pipelines give exactly the expected sets; bad input is reported with stable error ids.

BeforeDiscovery {
    $fixtureRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../fixtures/pytorch'))
    # Every directory of the fixtures that holds event files (a run).
    $FixtureRuns = @(Get-ChildItem -LiteralPath $fixtureRoot -Recurse -File |
            Where-Object Name -Like '*tfevents*' |
            ForEach-Object { $_.DirectoryName } | Sort-Object -Unique |
            ForEach-Object { @{ Name = [System.IO.Path]::GetRelativePath($fixtureRoot, $_).Replace('\', '/'); Dir = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbEventCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "addevent$script:dirCounter"
    }

    function Get-ValueDifference($Expected, $Actual, [string] $Where, [string[]] $Skip = @()) {
        # What differs between two values: doubles by bits, arrays element by element, objects
        # property by property (hidden ones included, through reflection).
        if ($null -eq $Expected -or $null -eq $Actual) {
            if (-not ($null -eq $Expected -and $null -eq $Actual)) { "${Where}: '$Expected' vs '$Actual'" }
            return
        }
        if ($Expected.GetType() -ne $Actual.GetType()) {
            "${Where}: a $($Expected.GetType().Name) vs a $($Actual.GetType().Name)"
            return
        }
        if ($Expected -is [double]) {
            if ((Get-DoubleBits $Expected) -ne (Get-DoubleBits $Actual)) { "${Where}: $($Expected.ToString('R')) vs $($Actual.ToString('R'))" }
            return
        }
        if ($Expected -is [TbPowerShell.TbTimestamp]) {
            if ((Get-DoubleBits $Expected.UnixSeconds) -ne (Get-DoubleBits $Actual.UnixSeconds)) {
                "${Where}: $($Expected.UnixSeconds.ToString('R')) vs $($Actual.UnixSeconds.ToString('R'))"
            }
            return
        }
        if ($Expected -is [byte[]]) {
            if (-not [System.Linq.Enumerable]::SequenceEqual($Expected, $Actual)) { "${Where}: bytes differ" }
            return
        }
        if ($Expected -is [string] -or $Expected.GetType().IsPrimitive -or $Expected -is [timespan] -or $Expected -is [enum]) {
            if (-not $Expected.Equals($Actual)) { "${Where}: '$Expected' vs '$Actual'" }
            return
        }
        if ($Expected -is [array]) {
            if ($Expected.Rank -gt 1) {
                # A mesh's B × N × 3 arrays: same dimensions, then element by element.
                if ("$(0..($Expected.Rank - 1) | ForEach-Object { $Expected.GetLength($_) })" -ne "$(0..($Actual.Rank - 1) | ForEach-Object { $Actual.GetLength($_) })") {
                    "${Where}: dimensions differ"; return
                }
                $Expected = @($Expected | ForEach-Object { $_ }); $Actual = @($Actual | ForEach-Object { $_ })
            }
            if ($Expected.Length -ne $Actual.Length) { "${Where}: length $($Expected.Length) vs $($Actual.Length)"; return }
            for ($i = 0; $i -lt $Expected.Length; $i++) {
                Get-ValueDifference $Expected[$i] $Actual[$i] "$Where[$i]"
            }
            return
        }
        if ($Expected -is [System.Collections.IDictionary]) {
            # A mesh's Config: the same keys with the same values.
            if ("$(@($Expected.Keys) | Sort-Object)" -ne "$(@($Actual.Keys) | Sort-Object)") { "${Where}: keys differ"; return }
            foreach ($key in $Expected.Keys) { Get-ValueDifference $Expected[$key] $Actual[$key] "$Where[$key]" }
            return
        }
        foreach ($p in $Expected.GetType().GetProperties()) {
            if ($p.GetIndexParameters().Count -gt 0 -or $p.Name -in $Skip) { continue }
            Get-ValueDifference $p.GetValue($Expected) $p.GetValue($Actual) "$Where.$($p.Name)"
        }
    }

    function Get-EventDifference([object[]] $Expected, [object[]] $Actual, [string[]] $Skip = @('File')) {
        # Every difference between two lists of event objects, in order.
        if ($Expected.Count -ne $Actual.Count) { return "count: $($Expected.Count) vs $($Actual.Count)" }
        for ($i = 0; $i -lt $Expected.Count; $i++) {
            Get-ValueDifference $Expected[$i] $Actual[$i] "[$i] $($Expected[$i])" -Skip $Skip
        }
    }

    function Copy-Run([string] $Source, [string] $Destination) {
        # The issue's pipeline, unfiltered; returns the objects read from both sides.
        $before = @(Get-TbEvent -Type All -LiteralPath $Source)
        $before | Add-TbEvent -LogDir $Destination
        [pscustomobject]@{ Before = $before; After = @(Get-TbEvent -Type All -LiteralPath $Destination) }
    }

    function Get-FirstEventFields([string] $File) {
        # The fields of a file's first record: its Event message parsed by hand.
        $first = @(Read-TfRecord $File)[0]
        ConvertFrom-ProtoField $first.Payload
    }

    $script:Base = 1700000000.0
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbEvent round trips' {
    BeforeAll {
        # The whole fixture log directory, copied once for the tests that look at all of it.
        $Whole = @{ Dir = New-TestDir }
        $Whole.Copy = Copy-Run $PyTorchFixtures $Whole.Dir
    }

    It 'rewrites the fixture run <Name> so that Get-TbEvent -Type All reads identical objects' -ForEach $FixtureRuns {
        $dest = New-TestDir
        $r = Copy-Run $Dir $dest
        Get-EventDifference $r.Before $r.After | Should -BeNullOrEmpty
        foreach ($file in Get-ChildItem -LiteralPath $dest -Recurse -File) {
            $file.Name | Should -BeLike 'events.out.tfevents.*'
        }
    }

    It 'copies the whole fixture log directory with its runs, every kind identical (Run included)' {
        $dest = $Whole.Dir
        $r = $Whole.Copy
        $r.Before.Count | Should -BeGreaterThan 250
        $kinds = @($r.Before | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique)
        $kinds | Should -Be @('TbAudioEvent', 'TbGraphEvent', 'TbHistogramEvent', 'TbHyperparameterEvent', 'TbImageEvent', 'TbLayoutEvent', 'TbMeshEvent', 'TbPrCurveEvent', 'TbScalarEvent', 'TbTextEvent')
        Get-EventDifference $r.Before $r.After | Should -BeNullOrEmpty
        @($r.After.Run | Sort-Object -Unique) | Should -Be @($r.Before.Run | Sort-Object -Unique)
        # One new event file per run.
        foreach ($run in $r.After.Run | Sort-Object -Unique) {
            @(Get-EventFile (Join-Path $dest $run)).Count | Should -Be 1 -Because $run
        }
    }

    It 'writes sound event files: healthy, first record file_version brain.Event:2' {
        $dest = $Whole.Dir
        $files = @(Get-ChildItem -LiteralPath $dest -Recurse -File)
        $files.Count | Should -BeGreaterThan 10
        foreach ($report in Test-TbEventFile -LiteralPath $files.FullName) {
            $report.IsHealthy | Should -BeTrue -Because $report.Path
            $report.IntactRecords | Should -BeGreaterThan 1
        }
        foreach ($file in $files) {
            $records = @(Read-TfRecord $file.FullName)
            $records | ForEach-Object { $_.LengthCrcOk -and $_.DataCrcOk } | Should -Not -Contain $false
            $fields = Get-FirstEventFields $file.FullName
            [System.Text.Encoding]::UTF8.GetString((Get-ProtoFieldValue $fields 3)) | Should -BeExactly 'brain.Event:2'
        }
    }

    It 'meets what TensorBoard''s loader read from the fixtures (pytorch.raw.jsonl), after the rewrite' {
        $after = $Whole.Copy.After

        $expectedScalars = @(Read-ExpectedScalar)
        $scalars = @($after | Where-Object { $_ -is [TbPowerShell.TbScalarEvent] })
        $scalars.Count | Should -Be $expectedScalars.Count
        for ($i = 0; $i -lt $scalars.Count; $i++) {
            $e = $expectedScalars[$i]
            $a = $scalars[$i]
            "$($a.Run) $($a.Tag) $($a.Step)" | Should -BeExactly "$($e.Run) $($e.Tag) $($e.Step)"
            Get-DoubleBits $a.WallTime.UnixSeconds | Should -Be (Get-DoubleBits $e.WallTime)
            # The reference parses "NaN" as .NET's NaN, whose sign bit differs: any NaN is that NaN.
            if ([double]::IsNaN($e.Value)) { [double]::IsNaN($a.Value) | Should -BeTrue }
            else { Get-DoubleBits $a.Value | Should -Be (Get-DoubleBits $e.Value) }
        }

        $media = @(Read-ExpectedMedia)
        foreach ($e in $media | Where-Object Kind -In 'image', 'audio') {
            $match = @($after | Where-Object { $_.Run -eq $e.Run -and $_.Tag -eq $e.Tag -and $_.Step -eq $e.Step })
            $match.Count | Should -Be 1 -Because "$($e.Run) $($e.Tag) $($e.Step)"
            Get-Sha256Hex $match[0].Bytes | Should -BeExactly $e.Sha256
            if ($e.Kind -eq 'image') {
                "$($match[0].Width)x$($match[0].Height)x$($match[0].Channels)" | Should -BeExactly "$($e.Width)x$($e.Height)x$($e.Channels)"
            }
            else {
                "$($match[0].SampleRate) $($match[0].Channels) $($match[0].Frames)" | Should -BeExactly "$($e.SampleRate) $($e.Channels) $($e.Frames)"
            }
        }
        foreach ($e in $media | Where-Object Kind -EQ 'text') {
            $match = @($after | Where-Object { $_.Run -eq $e.Run -and $_.Tag -eq $e.Tag -and $_.Step -eq $e.Step })
            $match.Count | Should -Be 1
            $match[0] | Should -BeOfType ([TbPowerShell.TbTextEvent])
            $match[0].Text | Should -BeExactly $e.Text
        }
        foreach ($e in $media | Where-Object Kind -EQ 'histogram') {
            $match = @($after | Where-Object { $_.Run -eq $e.Run -and $_.Tag -eq $e.Tag -and $_.Step -eq $e.Step })
            $match.Count | Should -Be 1
            foreach ($name in 'Count', 'Min', 'Max', 'Sum', 'SumSquares') {
                if ([double]::IsNaN($e.$name)) { [double]::IsNaN($match[0].$name) | Should -BeTrue }
                else { Get-DoubleBits $match[0].$name | Should -Be (Get-DoubleBits $e.$name) -Because "$($e.Tag) $name" }
            }
        }
    }

    It 'gives the histogram buckets TensorBoard''s migration gave the fixtures (pytorch.migrated.jsonl), after the rewrite' {
        $after = $Whole.Copy.After
        $lines = @([System.IO.File]::ReadLines((Join-Path $FixtureRoot 'pytorch.migrated.jsonl')) |
                Where-Object { $_ -match '"kind":"histogram_tensor"' } | ConvertFrom-Json)
        $lines.Count | Should -Be 9
        foreach ($e in $lines) {
            $match = @($after | Where-Object { $_.Run -eq $e.run -and $_.Tag -eq $e.tag -and $_.Step -eq $e.step })
            $match.Count | Should -Be 1 -Because "$($e.run) $($e.tag) $($e.step)"
            $match[0] | Should -BeOfType ([TbPowerShell.TbHistogramEvent])
            $buckets = $match[0].Buckets
            $buckets.Count | Should -Be $e.value.shape[0]
            # TensorBoard's migration stores float32: compare our doubles narrowed the same way.
            $actual = foreach ($b in $buckets) { ConvertTo-Float32Bits $b.Left; ConvertTo-Float32Bits $b.Right; ConvertTo-Float32Bits $b.Count }
            $expected = foreach ($v in $e.value.values) { Get-DoubleBits ([double]$v) }
            $actual | Should -Be $expected -Because "$($e.tag) $($e.step)"
        }
    }

    It 'round trips what our own cmdlets write: images, audio, text, histograms, a custom-scalars layout' {
        $src = New-TestDir
        $w = New-TbWriter $src
        $t = [TbPowerShell.TbTimestamp]::new($Base + 0.123456789)
        $gray = [byte[]]::new(6 * 4)
        for ($i = 0; $i -lt $gray.Length; $i++) { $gray[$i] = [byte]($i * 10) }
        Add-TbImage -Writer $w -Tag img/gray -Data $gray -Shape 4, 6 -DataFormat HW -Step 1 -WallTime $t
        Add-TbImage -Writer $w -Tag img/batch -Data ([float[]](1..(2 * 3 * 4 * 4) | ForEach-Object { ($_ % 7) / 7 })) -Shape 2, 3, 4, 4 -DataFormat NCHW -Step 2 -WallTime $t
        Add-TbAudio -Writer $w -Tag snd -Data ([float[]](0..99 | ForEach-Object { [math]::Sin($_ / 5) })) -SampleRate 22050 -Step 3 -WallTime $t
        Add-TbText -Writer $w -Tag note -Text 'first **note**' -Step 0 -WallTime $t
        Add-TbText -Writer $w -Tag note -Text 'second', 'line' -Step 1 -WallTime $t
        Add-TbHistogram -Writer $w -Tag w -Data (1..50 | ForEach-Object { $_ / 7 }) -Step 4 -WallTime $t
        Add-TbHistogram -Writer $w -Tag raw -Min 3 -Max 250 -Num 10 -Sum 700 -SumSquares 98000 -BucketLimit 10, 50, 100, 250 -BucketCount 2, 4, 3, 1 -Step 5 -WallTime $t
        Add-TbScalars -Writer $w -Tag metrics -Value @{ a = 0.5; b = -0.25 } -SingleRun -Step 6 -WallTime $t
        Add-TbScalar -Writer $w -Tag x -Value -0.0 -Step 7 -WallTime $t
        Close-TbWriter $w

        $dest = New-TestDir
        $r = Copy-Run $src $dest
        @($r.Before | Where-Object { $_ -is [TbPowerShell.TbLayoutEvent] }).Count | Should -Be 1
        @($r.Before | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique).Count | Should -Be 6
        Get-EventDifference $r.Before $r.After | Should -BeNullOrEmpty
    }

    It 'keeps a double scalar that is no float32 exactly (a double tensor), and NaN, -0 and infinities' {
        $src = New-TestDir
        $w = [TbPowerShell.TbWriter]::new($src)
        foreach ($v in 0.1, [math]::PI, 1e300) {
            $w.AddValue([TbPowerShell.Core.Summaries.RecordEncoder]::Scalar('d', $v), 1, [TbPowerShell.TbTimestamp]::new($Base + 0.1))
        }
        $w.Close()
        Add-TbScalar -LogDir $src -Tag f -Value 'NaN' -Step 1 -WallTime ($Base + 1)
        Add-TbScalar -LogDir $src -Tag f -Value '-0' -Step 2 -WallTime ($Base + 2)
        Add-TbScalar -LogDir $src -Tag f -Value '-Infinity' -Step 3 -WallTime ($Base + 3)
        $dest = New-TestDir
        $r = Copy-Run $src $dest
        @($r.After | Where-Object Tag -EQ d | ForEach-Object Value) | Should -Be @(0.1, [math]::PI, 1e300)
        Get-EventDifference $r.Before $r.After | Should -BeNullOrEmpty
    }

    It 'emits with -PassThru exactly what Get-TbEvent then reads (Run and File included)' {
        $dest = New-TestDir
        $written = @(Get-TbEvent -Type All $PyTorchFixtures | Add-TbEvent -LogDir $dest -PassThru)
        $read = @(Get-TbEvent -Type All $dest)
        $written.Count | Should -Be $read.Count
        Get-EventDifference $written $read -Skip @() | Should -BeNullOrEmpty
    }

    It 'is silent without -PassThru' {
        $out = @(Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'text') | Add-TbEvent -LogDir (New-TestDir))
        $out.Count | Should -Be 0
    }

    It 'writes everything to one open writer with -Writer, ignoring Run' {
        $dest = New-TestDir
        $w = New-TbWriter $dest
        Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'scalars_multi') | Add-TbEvent -Writer $w
        Close-TbWriter $w
        @(Get-ChildItem -LiteralPath $dest -Recurse -File).Count | Should -Be 1
        $before = @(Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'scalars_multi'))
        @($before.Run | Sort-Object -Unique).Count | Should -BeGreaterThan 1
        $after = @(Get-TbEvent -Type All $dest)
        Get-EventDifference $before $after -Skip 'File', 'Run' | Should -BeNullOrEmpty
        $after.Run | Sort-Object -Unique | Should -Be '.'
    }

    It 'takes an array by -InputObject, element by element' {
        $dest = New-TestDir
        $before = @(Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'image'))
        Add-TbEvent -InputObject $before -LogDir $dest
        Get-EventDifference $before @(Get-TbEvent -Type All $dest) | Should -BeNullOrEmpty
    }
}

Describe 'Add-TbEvent pipelines' {
    BeforeAll {
        # A run with debug tags, images, text and 30 steps of scalars.
        $Source = New-TestDir
        $w = New-TbWriter $Source
        foreach ($step in 0..29) {
            $t = $Base + $step + 0.5
            Add-TbScalar -Writer $w -Tag train/loss -Value (1 / ($step + 1)) -Step $step -WallTime $t
            Add-TbScalar -Writer $w -Tag debug/grad -Value ($step * 3) -Step $step -WallTime $t
            if ($step % 10 -eq 0) {
                Add-TbText -Writer $w -Tag debug/note -Text "step $step" -Step $step -WallTime $t
                Add-TbImage -Writer $w -Tag samples -Data ([byte[]](0..15 | ForEach-Object { ($_ * 16 + $step) % 256 })) -Shape 4, 4 -DataFormat HW -Step $step -WallTime $t
                Add-TbText -Writer $w -Tag notes -Text "note $step" -Step $step -WallTime $t
            }
        }
        Close-TbWriter $w
        $All = @(Get-TbEvent -Type All $Source)
    }

    It 'filters tags: the issue''s pipeline reads back identical apart from what was filtered' {
        $dest = New-TestDir
        Get-TbEvent -Type All $Source | Where-Object Tag -NotLike 'debug/*' | Add-TbEvent -LogDir $dest
        $expected = @($All | Where-Object Tag -NotLike 'debug/*')
        $expected.Count | Should -Be (30 + 3 + 3)
        Get-EventDifference $expected @(Get-TbEvent -Type All $dest) | Should -BeNullOrEmpty
    }

    It 'drops images' {
        $dest = New-TestDir
        Get-TbEvent -Type All $Source | Where-Object { $_ -isnot [TbPowerShell.TbImageEvent] } | Add-TbEvent -LogDir $dest
        $after = @(Get-TbEvent -Type All $dest)
        @($after | Where-Object { $_ -is [TbPowerShell.TbImageEvent] }).Count | Should -Be 0
        Get-EventDifference @($All | Where-Object { $_ -isnot [TbPowerShell.TbImageEvent] }) $after | Should -BeNullOrEmpty
    }

    It 'renames tags with a script block, and the renamed text keeps its plugin' {
        $dest = New-TestDir
        Get-TbEvent -Type All $Source | Add-TbEvent -LogDir $dest -Tag { $_.Tag -replace '^debug/', 'old/' }
        $after = @(Get-TbEvent -Type All $dest)
        @($after.Tag | Sort-Object -Unique) | Should -Be @('notes/text_summary', 'old/grad', 'old/note/text_summary', 'samples', 'train/loss')
        @($after | Where-Object Tag -EQ 'old/note/text_summary' | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique) | Should -Be 'TbTextEvent'
        Get-EventDifference $All $after -Skip 'File', 'Tag' | Should -BeNullOrEmpty
    }

    It 'downsamples: every 10th step' {
        $dest = New-TestDir
        Get-TbEvent -Type All $Source | Where-Object { $_.Step % 10 -eq 0 } | Add-TbEvent -LogDir $dest
        $after = @(Get-TbEvent -Type All $dest)
        @($after.Step | Sort-Object -Unique) | Should -Be @(0, 10, 20)
        Get-EventDifference @($All | Where-Object { $_.Step % 10 -eq 0 }) $after | Should -BeNullOrEmpty
    }

    It 'puts the plugin metadata on the first written value of a tag when the source''s first was filtered out' {
        $dest = New-TestDir
        Get-TbEvent -Type All $Source | Where-Object Step -GT 0 | Add-TbEvent -LogDir $dest
        $after = @(Get-TbEvent -Type All $dest)
        $notes = @($after | Where-Object Tag -EQ 'notes/text_summary')
        $notes.Count | Should -Be 2
        $notes | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.TbTextEvent]) }
        $notes.Text | Should -Be @('note 10', 'note 20')
    }

    It 'merges two runs into one with -Run' {
        $logs = New-TestDir
        Add-TbScalar -LogDir $logs -Run a -Tag loss -Value 1 -Step 1 -WallTime ($Base + 1)
        Add-TbText -LogDir $logs -Run a -Tag note -Text 'from a' -Step 1 -WallTime ($Base + 1)
        Add-TbScalar -LogDir $logs -Run b -Tag loss -Value 2 -Step 2 -WallTime ($Base + 2)
        Add-TbText -LogDir $logs -Run b -Tag note -Text 'from b' -Step 2 -WallTime ($Base + 2)
        $dest = New-TestDir
        Get-TbEvent -Type All $logs | Add-TbEvent -LogDir $dest -Run merged
        @(Get-ChildItem -LiteralPath $dest -Directory).Name | Should -Be 'merged'
        $after = @(Get-TbEvent -Type All $dest)
        $after.Run | Sort-Object -Unique | Should -Be 'merged'
        ($after | ForEach-Object { "$($_.Tag)@$($_.Step)" }) -join ' ' | Should -BeExactly 'loss@1 note/text_summary@1 loss@2 note/text_summary@2'
        @($after | Where-Object { $_ -is [TbPowerShell.TbTextEvent] }).Text | Should -Be @('from a', 'from b')
        Get-EventDifference @(Get-TbEvent -Type All $logs) $after -Skip 'File', 'Run' | Should -BeNullOrEmpty
    }

    It 'copies a log directory with its runs (Run "." is the root)' {
        $logs = New-TestDir
        Add-TbScalar -LogDir $logs -Tag root -Value 1 -Step 1 -WallTime ($Base + 1)
        Add-TbScalar -LogDir $logs -Run 'lr=0.1/eval' -Tag loss -Value 2 -Step 2 -WallTime ($Base + 2)
        $dest = New-TestDir
        Get-TbEvent $logs | Add-TbEvent -LogDir $dest
        @(Get-EventFile $dest).Count | Should -Be 1
        @(Get-EventFile (Join-Path $dest 'lr=0.1/eval')).Count | Should -Be 1
        Get-EventDifference @(Get-TbEvent $logs) @(Get-TbEvent $dest) | Should -BeNullOrEmpty
    }

    It 'writes CSV rows (Import-Csv) as scalars, exactly for values Get-TbEvent exported' {
        $csv = Join-Path (New-TestDir) 'runs.csv'
        $null = New-Item -ItemType Directory -Path (Split-Path $csv)
        $before = @(Get-TbEvent $Source)
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::InvariantCulture
            $before | Export-Csv -LiteralPath $csv
            $dest = New-TestDir
            Import-Csv -LiteralPath $csv | Add-TbEvent -LogDir $dest
        }
        finally { [cultureinfo]::CurrentCulture = $culture }
        Get-EventDifference $before @(Get-TbEvent $dest) | Should -BeNullOrEmpty
    }

    It 'takes plain objects with Tag and Value (Step and WallTime optional)' {
        $dest = New-TestDir
        @(
            [pscustomobject]@{ Tag = 'p'; Value = '0.5'; Step = 3; WallTime = $Base + 3 }
            [pscustomobject]@{ Tag = 'p'; Value = 2 }
        ) | Add-TbEvent -LogDir $dest
        $after = @(Get-TbEvent $dest)
        $after.Count | Should -Be 2
        $after[0].Value | Should -Be 0.5
        $after[0].Step | Should -Be 3
        Get-DoubleBits $after[0].WallTime.UnixSeconds | Should -Be (Get-DoubleBits ($Base + 3))
        $after[1].Step | Should -Be 0
        ([datetimeoffset]::UtcNow - $after[1].WallTime.DateTimeOffset).TotalMinutes | Should -BeLessThan 5
    }
}

Describe 'Add-TbEvent errors' {
    It 'reports an object it cannot write as UnsupportedInput (InvalidType, the object as target) and goes on' {
        $dest = New-TestDir
        $good = @(Get-TbEvent (Join-Path $PyTorchFixtures 'scalars'))[0..1]
        $odd = [pscustomobject]@{ Name = 'no tag or value' }
        $out = @($good[0], 'text', 42, $odd, $null, $good[1] | Add-TbEvent -LogDir $dest -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 4
        $errs | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeExactly "UnsupportedInput,$AddId"
            $_.CategoryInfo.Category | Should -Be 'InvalidType'
        }
        $errs[0].TargetObject | Should -BeExactly 'text'
        $errs[1].TargetObject | Should -Be 42
        $errs[2].TargetObject.Name | Should -BeExactly 'no tag or value'
        Get-EventDifference $good @(Get-TbEvent $dest) -Skip 'File', 'Run' | Should -BeNullOrEmpty
    }

    It 'reports a row value that is not a number as InvalidValue' {
        $dest = New-TestDir
        [pscustomobject]@{ Tag = 'a'; Value = 'abc'; Step = 1 } | Add-TbEvent -LogDir $dest -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -BeExactly 'abc'
    }

    It 'reports an empty tag as EmptyTag, a run outside the log directory as InvalidRun, a bad wall time as InvalidWallTime' {
        $dest = New-TestDir
        $e = @(Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'text'))[0]
        $e | Add-TbEvent -LogDir $dest -Tag '' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $e | Add-TbEvent -LogDir $dest -Run '../out' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidRun,$AddId"
        $errs[0].TargetObject | Should -BeExactly '../out'
        $e | Add-TbEvent -LogDir $dest -WallTime 0 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidWallTime,$AddId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path -LiteralPath (Join-Path (Split-Path $dest) 'out') | Should -BeFalse
    }

    It 'fails the call on a closed writer (WriterClosed), keeping what was written before' {
        $dest = New-TestDir
        $w = New-TbWriter $dest
        $events = @(Get-TbEvent -Type All (Join-Path $PyTorchFixtures 'text'))
        $events[0] | Add-TbEvent -Writer $w
        Close-TbWriter $w
        $err = Get-TerminatingError { $events[1] | Add-TbEvent -Writer $w }
        $err.FullyQualifiedErrorId | Should -BeExactly "WriterClosed,$AddId"
        Get-EventDifference @($events[0]) @(Get-TbEvent -Type All $dest) -Skip 'File', 'Run' | Should -BeNullOrEmpty
    }

    It 'writes the values before a bad input even when the pipeline stops on it' {
        $dest = New-TestDir
        $events = @(Get-TbEvent (Join-Path $PyTorchFixtures 'scalars'))[0..2]
        $err = Get-TerminatingError { $events[0], $events[1], 'bad', $events[2] | Add-TbEvent -LogDir $dest -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeExactly "UnsupportedInput,$AddId"
        Get-EventDifference $events[0..1] @(Get-TbEvent $dest) -Skip 'File', 'Run' | Should -BeNullOrEmpty
    }

    It 'takes the object by value (position 0) and reads Tag, Step, WallTime and Run from it: the parameters take the command line only (or a script block), none of them mandatory' {
        $parameters = (Get-Command Add-TbEvent).Parameters
        $byValue = $parameters['InputObject'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $byValue | ForEach-Object { $_.ValueFromPipeline | Should -BeTrue; $_.Position | Should -Be 0; $_.Mandatory | Should -BeTrue }
        foreach ($name in 'Tag', 'Step', 'WallTime', 'Run') {
            $attributes = @($parameters[$name].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            $attributes.Count | Should -BeGreaterThan 0 -Because $name
            $attributes | ForEach-Object { $_.ValueFromPipelineByPropertyName | Should -BeFalse; $_.Mandatory | Should -BeFalse }
            $parameters[$name].ParameterType | Should -Be ([object]) -Because "-$name takes a value or a script block"
        }
    }

    It 'lists Add-TbEvent among the exported cmdlets, with every output type' {
        (Get-Module TbPowerShell).ExportedCmdlets.Keys | Should -Contain 'Add-TbEvent'
        $types = (Get-Command Add-TbEvent).OutputType.Type.Name
        foreach ($t in 'TbScalarEvent', 'TbImageEvent', 'TbAudioEvent', 'TbTextEvent', 'TbHistogramEvent', 'TbTensorEvent', 'TbPrCurveEvent', 'TbLayoutEvent') {
            $types | Should -Contain $t
        }
    }
}
