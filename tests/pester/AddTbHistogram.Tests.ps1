#Requires -Modules Pester
# Add-TbHistogram: the buckets PyTorch's add_histogram / add_histogram_raw wrote for the fixture's
# deterministic inputs, numbers piped in making one histogram, -Bins (rule, count, edges),
# non-finite values, the raw form, and every error with its id, category and target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbHistogramCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "histo$script:dirCounter"
    }

    function Add-AndRead {
        # Adds through a fresh writer and returns the histogram events read back.
        param([hashtable] $Parameters)
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try { Add-TbHistogram -Writer $w @Parameters -ErrorAction Stop }
        finally { Close-TbWriter $w }
        Get-TbEvent -Type Histogram $dir
    }

    function ConvertFrom-PackedDouble([object[]] $Fields, [int] $Number) {
        # A repeated double field, packed (one byte[]) or not (one double per occurrence).
        foreach ($f in $Fields | Where-Object Field -EQ $Number) {
            if ($f.Wire -eq 2) {
                for ($p = 0; $p -lt $f.Value.Length; $p += 8) { [BitConverter]::ToDouble($f.Value, $p) }
            }
            else { $f.Value }
        }
    }

    function Read-HistogramProto([string] $Directory, [string[]] $Tag) {
        # The HistogramProto of each histogram value (of the tags given, or all) in the run's event
        # file, parsed by hand: Event.summary (5) -> Summary.value (1) -> Value.histo (5).
        $file = @(Get-EventFile $Directory)[0]
        foreach ($record in Read-TfRecord $file.FullName -SkipCrc) {
            $summary = Get-ProtoFieldValue @(ConvertFrom-ProtoField $record.Payload) 5
            if ($null -eq $summary) { continue }
            foreach ($value in @(ConvertFrom-ProtoField $summary) | Where-Object Field -EQ 1) {
                $fields = @(ConvertFrom-ProtoField $value.Value)
                $histo = Get-ProtoFieldValue $fields 5
                if ($null -eq $histo) { continue }
                $name = [System.Text.Encoding]::UTF8.GetString((Get-ProtoFieldValue $fields 1))
                if ($Tag -and $name -notin $Tag) { continue }
                $h = @(ConvertFrom-ProtoField $histo)
                [pscustomobject]@{
                    Tag         = $name
                    Min         = Get-ProtoFieldValue $h 1
                    Max         = Get-ProtoFieldValue $h 2
                    Num         = Get-ProtoFieldValue $h 3
                    Sum         = Get-ProtoFieldValue $h 4
                    SumSquares  = Get-ProtoFieldValue $h 5
                    BucketLimit = @(ConvertFrom-PackedDouble $h 6)
                    Bucket      = @(ConvertFrom-PackedDouble $h 7)
                }
            }
        }
    }

    function Get-BucketText([object] $Histogram) {
        # Each bucket as "left right count" with round-trip doubles, for exact comparisons.
        $r = [System.Globalization.CultureInfo]::InvariantCulture
        @(foreach ($b in $Histogram.Buckets) { $b.Left.ToString('R', $r) + ' ' + $b.Right.ToString('R', $r) + ' ' + $b.Count.ToString('R', $r) })
    }

    function Get-BitsText([double[]] $Values) {
        # The bits of each double, one line each: compares hundreds of values in one assertion.
        (@(foreach ($v in $Values) { [BitConverter]::DoubleToInt64Bits($v) }) -join "`n")
    }

    function Assert-SameHistogram([object] $Actual, [object] $Expected) {
        foreach ($name in 'Min', 'Max', 'Count', 'Sum', 'SumSquares') {
            Get-DoubleBits $Actual.$name | Should -Be (Get-DoubleBits $Expected.$name) -Because "$name of $($Expected.Tag)"
        }
        $Actual.Buckets.Count | Should -Be $Expected.Buckets.Count
        (Get-BucketText $Actual) -join "`n" | Should -BeExactly ((Get-BucketText $Expected) -join "`n")
    }

    $FixtureHistograms = @(Get-TbEvent -Type Histogram -LiteralPath (Join-Path $PyTorchFixtures 'histogram'))
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbHistogram gives PyTorch''s buckets (tests/fixtures/pytorch/histogram)' {
    BeforeAll {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            # kind_histogram's deterministic inputs.
            Add-TbHistogram -Writer $w -Tag 'ints' -Data (0..99 | ForEach-Object { $_ % 7 }) -Step 0 -WallTime $BaseWall -ErrorAction Stop
            Add-TbHistogram -Writer $w -Tag 'constant' -Data (@(3.0) * 50) -Step 0 -WallTime $BaseWall -ErrorAction Stop
            Add-TbHistogram -Writer $w -Tag 'raw' -Min -1 -Max 3 -Num 10 -Sum 7 -SumSquares 19 -BucketLimit -0.5, 0.5, 1.5, 3 -BucketCount 1, 4, 3, 2 -Step 0 -WallTime $BaseWall -ErrorAction Stop
        }
        finally { Close-TbWriter $w }
        $Ours = @(Get-TbEvent -Type Histogram $dir)
        $OursProto = @(Read-HistogramProto $dir)
        $TheirsProto = @(Read-HistogramProto (Join-Path $PyTorchFixtures 'histogram') -Tag 'ints', 'constant', 'raw')
    }

    It '<Tag>: the same Min, Max, Count, Sum, SumSquares and buckets (Left, Right, Count)' -ForEach @(
        @{ Tag = 'ints' }
        @{ Tag = 'constant' }
        @{ Tag = 'raw' }
    ) {
        $mine = @($Ours | Where-Object Tag -EQ $Tag)
        $theirs = @($FixtureHistograms | Where-Object Tag -EQ $Tag)
        $mine.Count | Should -Be 1
        $theirs.Count | Should -Be 1
        $mine[0].Step | Should -Be $theirs[0].Step
        $mine[0].WallTime.UnixSeconds | Should -Be $theirs[0].WallTime.UnixSeconds
        Assert-SameHistogram $mine[0] $theirs[0]
    }

    It '<Tag>: the same bucket limits and counts on disk' -ForEach @(
        @{ Tag = 'ints' }
        @{ Tag = 'constant' }
        @{ Tag = 'raw' }
    ) {
        $mine = @($OursProto | Where-Object Tag -EQ $Tag)[0]
        $theirs = @($TheirsProto | Where-Object Tag -EQ $Tag)[0]
        $mine.BucketLimit.Count | Should -Be $theirs.BucketLimit.Count
        Get-BitsText $mine.BucketLimit | Should -BeExactly (Get-BitsText $theirs.BucketLimit)
        Get-BitsText $mine.Bucket | Should -BeExactly (Get-BitsText $theirs.Bucket)
    }

    It 'the fixture values are what make_fixtures.py says (a check of the reading)' {
        $ints = @($FixtureHistograms | Where-Object Tag -EQ 'ints')[0]
        $ints.Count | Should -Be 100
        $ints.Min | Should -Be 0
        $ints.Max | Should -Be 6
        $ints.Sum | Should -Be ((0..99 | ForEach-Object { $_ % 7 } | Measure-Object -Sum).Sum)
        $raw = @($FixtureHistograms | Where-Object Tag -EQ 'raw')[0]
        Get-BucketText $raw | Should -Be @('-1 -0.5 1', '-0.5 0.5 4', '0.5 1.5 3', '1.5 3 2')
    }
}

Describe 'Add-TbHistogram values' {
    It 'makes one histogram of a -Data array' {
        $e = @(Add-AndRead @{ Tag = 'arr'; Data = 1..10; Step = 2 })
        $e.Count | Should -Be 1
        $e[0] | Should -BeOfType ([TbPowerShell.TbHistogramEvent])
        $e[0].Tag | Should -BeExactly 'arr'
        $e[0].Step | Should -Be 2
        $e[0].Count | Should -Be 10
        $e[0].Min | Should -Be 1
        $e[0].Max | Should -Be 10
        $e[0].Sum | Should -Be 55
        $e[0].SumSquares | Should -Be 385
        $e[0].Mean | Should -Be 5.5
        ($e[0].Buckets | Measure-Object Count -Sum).Sum | Should -Be 10
    }

    It 'makes one histogram of numbers piped in, equal to the -Data one' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        1..10 | Add-TbHistogram -Writer $w -Tag 'pipe' -Step 2
        Close-TbWriter $w
        $piped = @(Get-TbEvent -Type Histogram $dir)
        $piped.Count | Should -Be 1
        $direct = @(Add-AndRead @{ Tag = 'pipe'; Data = 1..10; Step = 2 })
        Assert-SameHistogram $piped[0] $direct[0]
    }

    It 'keeps inputs with other tags, steps, wall times or runs apart, each written with its own (consecutive ones with the same keys are joined)' {
        $dir = New-TestDir
        # Numbers bind to -Data by value, and their note properties to -Tag, -Step, -WallTime and -Run by name.
        $inputs = foreach ($row in @(
                @{ Data = 1; Tag = 'a'; Step = 1; WallTime = 1700000001 }
                @{ Data = 2; Tag = 'a'; Step = 1; WallTime = 1700000001 }
                @{ Data = 3; Tag = 'b'; Step = 1; WallTime = 1700000001 }
                @{ Data = 4; Tag = 'b'; Step = 2; WallTime = 1700000002 }
                @{ Data = 5; Tag = 'b'; Step = 2; WallTime = 1700000003 }
                @{ Data = 6; Tag = 'b'; Step = 2; WallTime = 1700000003; Run = 'other' }
            )) {
            $number = [psobject]::new([double]$row.Data)
            foreach ($name in @($row.Keys | Where-Object { $_ -ne 'Data' })) { $number | Add-Member -NotePropertyName $name -NotePropertyValue $row[$name] }
            $number
        }
        $out = @($inputs | Add-TbHistogram -LogDir $dir -PassThru -ErrorAction Stop)
        $expected = @(
            '.|a|1|1700000001|3'
            '.|b|1|1700000001|3'
            '.|b|2|1700000002|4'
            '.|b|2|1700000003|5'
            'other|b|2|1700000003|6'
        )
        ($out | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.WallTime.UnixSeconds)|$($_.Sum)" }) | Should -Be $expected
        $e = @(Get-TbEvent -Type Histogram $dir)
        ($e | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.WallTime.UnixSeconds)|$($_.Sum)" }) | Should -Be $expected
    }

    It 'flattens nested arrays and typed arrays' {
        $e = @(Add-AndRead @{ Tag = 'nested'; Data = @(@(1, 2), [double[]](3, 4), [float[]](5), [int[]](6, 7)) })
        $e[0].Count | Should -Be 7
        $e[0].Sum | Should -Be 28
    }

    It 'skips a piped item that is not a number with InvalidValue and histograms the rest' {
        $dir = New-TestDir
        1, 'x', 3 | Add-TbHistogram -LogDir $dir -Tag 'mixed' -ErrorVariable ev -ErrorAction SilentlyContinue
        @($ev.FullyQualifiedErrorId) | Should -Be @("InvalidValue,$AddId")
        $ev[0].TargetObject | Should -BeExactly 'x'
        $e = @(Get-TbEvent -Type Histogram $dir)
        $e.Count | Should -Be 1
        $e[0].Count | Should -Be 2
        $e[0].Sum | Should -Be 4
    }

    It 'InvalidValue for a -Data array with a non-number: none of its values is logged' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'mixed' -Data @(1, 'x', 3) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        # The bad item is rejected whole: a histogram of the values before the bad one would be a wrong one.
        @(Get-TbEvent -Type Histogram $dir).Count | Should -Be 0 -Because 'the array is rejected as a whole'
    }

    It '-PassThru emits the TbHistogramEvent read back' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = Add-TbHistogram -Writer $w -Tag 'pass' -Data @(0.5, 1.5, 2.5) -Step 9 -WallTime 1700000009.5 -PassThru
        Close-TbWriter $w
        $out | Should -BeOfType ([TbPowerShell.TbHistogramEvent])
        (Get-Command Add-TbHistogram).OutputType.Type | Should -Contain ([TbPowerShell.TbHistogramEvent])
        $out.Run | Should -BeExactly '.'
        $out.File | Should -BeExactly $w.Path
        $out.WallTime.UnixSeconds | Should -Be 1700000009.5
        $read = @(Get-TbEvent -Type Histogram $dir)
        $read.Count | Should -Be 1
        Assert-SameHistogram $out $read[0]
        $out.Step | Should -Be $read[0].Step
    }
}

Describe 'Add-TbHistogram -Bins' {
    It '-Bins 10 gives numpy''s 10 equal-width bins (PyTorch''s empty bucket on the left is in the file, not in what TensorBoard shows)' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'ten' -Data (0..10) -Bins 10
        $e = @(Get-TbEvent -Type Histogram $dir)
        # Bucket i is [i, i+1); the last also holds 10. Read back as TensorBoard migrates it: empty end buckets dropped.
        Get-BucketText $e[0] | Should -Be (@(0..8 | ForEach-Object { "$_ $($_ + 1) 1" }) + @('9 10 2'))
        $proto = @(Read-HistogramProto $dir)[0]
        $proto.BucketLimit | Should -Be (0..10)
        $proto.Bucket | Should -Be (@(0) + @(1) * 9 + @(2))
    }

    It '-Bins ''10'' (a string) is the same as -Bins 10' {
        $e = @(Add-AndRead @{ Tag = 'ten'; Data = 0..10; Bins = '10' })
        $e[0].Buckets.Count | Should -Be 10
    }

    It '-Bins auto follows numpy''s rule: 1..16 gives 5 bins of width 3' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'auto' -Data (1..16) -Bins 'auto'
        Get-BucketText (Get-TbEvent -Type Histogram $dir) | Should -Be @('1 4 3', '4 7 3', '7 10 3', '10 13 3', '13 16 4')
        (Read-HistogramProto $dir).BucketLimit | Should -Be @(1, 4, 7, 10, 13, 16)
    }

    It '-Bins @(0, 1, 2) uses those edges; values outside are counted in Count but in no bucket' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'edges' -Data @(0, 0.5, 1, 1.5, 2, 3) -Bins @(0, 1, 2)
        $e = @(Get-TbEvent -Type Histogram $dir)
        $e[0].Count | Should -Be 6
        $e[0].Min | Should -Be 0
        $e[0].Max | Should -Be 3
        $e[0].Sum | Should -Be 8
        $e[0].SumSquares | Should -Be 16.5
        $proto = @(Read-HistogramProto $dir)[0]
        $proto.BucketLimit | Should -Be @(0, 1, 2)
        $proto.Bucket | Should -Be @(0, 2, 3)
    }

    It 'InvalidBins for -Bins <Name>: terminating, InvalidArgument, the bins as target, no input read' -ForEach @(
        @{ Name = "'nope'"; Bins = 'nope' }
        @{ Name = '0'; Bins = 0 }
        @{ Name = '-3'; Bins = -3 }
        @{ Name = '2.5'; Bins = 2.5 }
        @{ Name = '@(2, 1) (not increasing)'; Bins = @(2, 1) }
        @{ Name = '@(1) (one edge)'; Bins = @(1) }
        @{ Name = "''"; Bins = '' }
    ) {
        $dir = New-TestDir
        $script:inputsRead = 0
        $err = Get-TerminatingError {
            1..3 | ForEach-Object { $script:inputsRead++; $_ } | Add-TbHistogram -LogDir $dir -Tag 'b' -Bins $Bins
        }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidBins,$AddId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $Bins
        $script:inputsRead | Should -Be 0
        @(Get-TbEvent -Type Histogram $dir -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}

Describe 'Add-TbHistogram non-finite values' {
    It 'NonFiniteValue for NaN: InvalidData, the value as target, nothing written' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'nan' -Data @(1, [double]::NaN, 3) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NonFiniteValue,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        [double]::IsNaN($ev[0].TargetObject) | Should -BeTrue
        "$($ev[0])" | Should -Match 'SkipNonFinite'
        @(Get-TbEvent -Type Histogram $dir).Count | Should -Be 0
    }

    It 'NonFiniteValue for -Infinity piped in' {
        $dir = New-TestDir
        1, [double]::NegativeInfinity | Add-TbHistogram -LogDir $dir -Tag 'inf' -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NonFiniteValue,$AddId"
        $ev[0].TargetObject | Should -Be ([double]::NegativeInfinity)
    }

    It '-SkipNonFinite drops NaN and infinities with a warning that counts them' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'sk' -Data @(1, [double]::NaN, 3, [double]::PositiveInfinity) -SkipNonFinite -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeExactly "Histogram 'sk': dropped 2 NaN or infinite value(s) of 4."
        $e = @(Get-TbEvent -Type Histogram $dir)
        $e[0].Count | Should -Be 2
        $e[0].Sum | Should -Be 4
        $e[0].Min | Should -Be 1
        $e[0].Max | Should -Be 3
    }

    It '-SkipNonFinite with only NaN: the warning, then EmptyData' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag 'allnan' -Data @([double]::NaN) -SkipNonFinite -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable ev -ErrorAction SilentlyContinue
        $warnings.Count | Should -Be 1
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyData,$AddId"
    }
}

Describe 'Add-TbHistogram errors (non-terminating)' {
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbHistogram -Writer $w -Tag 'before' -Data 1, 2 -Step 1
    }
    AfterEach {
        $w.IsClosed | Should -BeFalse
        Close-TbWriter $w
        $kept = @(Get-TbEvent -Type Histogram $dir)
        $kept.Count | Should -Be 1
        $kept[0].Tag | Should -BeExactly 'before'
    }

    It 'EmptyData for -Data @(): InvalidArgument, the tag as target' {
        Add-TbHistogram -Writer $w -Tag 'empty' -Data @() -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyData,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'empty'
    }

    It 'InvalidHistogram for raw bucket limits and counts of different lengths: the limits as target' {
        Add-TbHistogram -Writer $w -Tag 'raw' -Min 0 -Max 2 -Num 3 -Sum 3 -SumSquares 5 -BucketLimit 1, 2 -BucketCount 3 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidHistogram,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -Be @(1, 2)
    }

    It 'InvalidHistogram for a raw form without -Min: the tag as target' {
        Add-TbHistogram -Writer $w -Tag 'raw' -Max 2 -Num 3 -Sum 3 -SumSquares 5 -BucketLimit 1, 2 -BucketCount 1, 2 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidHistogram,$AddId"
        $ev[0].TargetObject | Should -BeExactly 'raw'
    }

    It 'SourceRequired for <Name>: InvalidArgument, the tag as target' -ForEach @(
        @{ Name = '-Data and the raw form'; Params = @{ Data = @(1, 2); Min = 0; Max = 2; Num = 2; Sum = 3; SumSquares = 5; BucketLimit = @(1, 2); BucketCount = @(1, 1) } }
        @{ Name = 'neither -Data nor the raw form'; Params = @{} }
    ) {
        Add-TbHistogram -Writer $w -Tag 'src' @Params -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "SourceRequired,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'src'
    }

    It 'EmptyTag for an empty tag' {
        Add-TbHistogram -Writer $w -Tag '' -Data 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].TargetObject | Should -BeExactly ''
    }
}
