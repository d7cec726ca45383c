#Requires -Modules Pester
# The issue's core promise: Get-TbEvent | Export-Csv, then Import-Csv | Add-TbScalar, gives back the
# same runs, tags, steps and values (bit for bit as float32) and wall times within a microsecond;
# piping the objects directly keeps wall times exactly.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $values = @([double]::NaN, [double]::PositiveInfinity, [double]::NegativeInfinity, -0.0, 0.0, 1e-30,
        [double][float]::MaxValue, -[double][float]::MaxValue, [double][float]::Epsilon, 0.1, -123.456, 7)
    $steps = @([long]::MinValue, [long]::MaxValue, 0L, -1L, 1L, 9007199254740993L)
    # Sub-microsecond fractions, and fractions that are exact in binary (.5, .25).
    $wallTimes = @(1700000000.1234567, 1700000000.5, 1712345678.87654321, 1600000000.00000049,
        1234567890.1234567, 1700000000.1, 1700000000.25, 1700000000.0, 1699999999.9999999)
    $tags = @('loss', 'unicode/Ω/损失 ü', 'emoji/📈', 'comma, "quoted" tag')
    $runs = @('a/b', '.')

    $Source = Join-Path $TestDrive 'src'
    $count = 36
    $rows = for ($i = 0; $i -lt $count; $i++) {
        [pscustomobject]@{
            Run      = $runs[$i % $runs.Count]
            Tag      = $tags[$i % $tags.Count]
            Step     = $steps[$i % $steps.Count]
            WallTime = [TbPowerShell.TbTimestamp]::new($wallTimes[$i % $wallTimes.Count])
            Value    = $values[$i % $values.Count]
        }
    }
    $rows | Add-TbScalar -LogDir $Source -ErrorAction Stop
    $SourceEvents = @(Get-TbEvent $Source)

    $Csv = Join-Path $TestDrive 'values.csv'
    Get-TbEvent $Source | Export-Csv -LiteralPath $Csv
    $FromCsv = Join-Path $TestDrive 'from-csv'
    Import-Csv -LiteralPath $Csv | Add-TbScalar -LogDir $FromCsv -ErrorVariable csvErrors -ErrorAction SilentlyContinue
    $CsvErrors = @($csvErrors)
    $CsvEvents = @(Get-TbEvent $FromCsv)

    function Get-ExactKey([object[]] $Items) {
        # Run, tag, step and the value's bits (any NaN is 'NaN'): what must survive exactly.
        foreach ($e in $Items) {
            $v = if ([double]::IsNaN($e.Value)) { 'NaN' } else { [BitConverter]::DoubleToInt64Bits($e.Value) }
            '{0}|{1}|{2}|{3}' -f $e.Run, $e.Tag, $e.Step, $v
        }
    }
}

Describe 'The source run' {
    It 'holds every value written, float32-rounded, in two runs' {
        $SourceEvents.Count | Should -Be $count
        @($SourceEvents.Run | Sort-Object -Unique) | Should -Be @('.', 'a/b')
        $expected = @($rows | Sort-Object { $_.Run -ne '.' } -Stable | ForEach-Object {
                [pscustomobject]@{ Run = $_.Run; Tag = $_.Tag; Step = $_.Step; Value = [double][float]$_.Value }
            })
        @(Get-ExactKey $SourceEvents) | Should -Be @(Get-ExactKey $expected)
    }
}

Describe 'Get-TbEvent | Export-Csv' {
    It 'writes exactly the columns Run, Tag, Step, WallTime, Value, in that order' {
        Get-Content -LiteralPath $Csv -TotalCount 1 | Should -BeExactly '"Run","Tag","Step","WallTime","Value"'
        @(Import-Csv -LiteralPath $Csv)[0].PSObject.Properties.Name | Should -Be @('Run', 'Tag', 'Step', 'WallTime', 'Value')
    }

    It 'writes one line per value' {
        @(Import-Csv -LiteralPath $Csv).Count | Should -Be $count
    }

    It 'writes wall times as ISO 8601 in UTC that read back within a microsecond' {
        $rowsRead = @(Import-Csv -LiteralPath $Csv)
        $rowsRead.Count | Should -Be $SourceEvents.Count
        $off = for ($i = 0; $i -lt $rowsRead.Count; $i++) {
            $text = $rowsRead[$i].WallTime
            $text | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$'
            $parsed = [DateTimeOffset]::ParseExact($text, 'yyyy-MM-ddTHH:mm:ss.fffffffzzz', [cultureinfo]::InvariantCulture)
            $seconds = ($parsed.UtcTicks - [DateTimeOffset]::UnixEpoch.UtcTicks) / 1e7
            $expected = $SourceEvents[$i].WallTime.UnixSeconds
            if ([math]::Abs($seconds - $expected) -gt 1e-6) { '{0:R} written as {1}' -f $expected, $text }
        }
        @($off | Sort-Object -Unique) | Should -BeNullOrEmpty -Because 'every wall time must read back within 1 microsecond'
    }
}

Describe 'Import-Csv | Add-TbScalar -LogDir' {
    It 'writes every row without an error' {
        $CsvErrors | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        $CsvEvents.Count | Should -Be $count
    }

    It 'gives back the same runs, tags, steps and values bit for bit' {
        @(Get-ExactKey $CsvEvents) | Should -Be @(Get-ExactKey $SourceEvents)
    }

    It 'gives back the wall times within a microsecond' {
        $CsvEvents.Count | Should -Be $SourceEvents.Count
        $off = for ($i = 0; $i -lt $CsvEvents.Count; $i++) {
            $a = $SourceEvents[$i].WallTime.UnixSeconds
            $b = $CsvEvents[$i].WallTime.UnixSeconds
            if ([math]::Abs($b - $a) -gt 1e-6) { '{0:R} came back as {1:R}' -f $a, $b }
        }
        @($off | Sort-Object -Unique) | Should -BeNullOrEmpty -Because 'every wall time must come back within 1 microsecond'
    }

    It 'recreates the run folders (a/b and the log directory itself)' {
        (Get-EventFile $FromCsv).Count | Should -Be 1
        (Get-EventFile (Join-Path $FromCsv 'a/b')).Count | Should -Be 1
    }
}

Describe 'Get-TbEvent | Add-TbScalar -LogDir (objects, no CSV)' {
    It 'gives back everything, wall times exactly' {
        $dst = Join-Path $TestDrive 'from-objects'
        Get-TbEvent $Source | Add-TbScalar -LogDir $dst -ErrorAction Stop
        $copy = @(Get-TbEvent $dst)
        @(Get-ExactKey $copy) | Should -Be @(Get-ExactKey $SourceEvents)
        @($copy | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_.WallTime.UnixSeconds) }) |
            Should -Be @($SourceEvents | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_.WallTime.UnixSeconds) })
    }
}

Describe 'The CSV round trip under another culture' {
    It 'round-trips when the current culture is de-DE (Export-Csv formats numbers with the current culture)' {
        $saved = [cultureinfo]::CurrentCulture
        $dst = Join-Path $TestDrive 'from-csv-de'
        $csvDe = Join-Path $TestDrive 'values-de.csv'
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('de-DE')
            Get-TbEvent $Source | Export-Csv -LiteralPath $csvDe
            Import-Csv -LiteralPath $csvDe | Add-TbScalar -LogDir $dst -ErrorVariable deErrors -ErrorAction SilentlyContinue
        }
        finally {
            [cultureinfo]::CurrentCulture = $saved
        }
        @($deErrors | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -BeNullOrEmpty
        @(Get-ExactKey @(Get-TbEvent $dst)) | Should -Be @(Get-ExactKey $SourceEvents)
    }
}
