#Requires -Modules Pester
# Add-TbScalar: the two ways to say where to write (-Writer, -LogDir with runs), pipeline binding,
# -PassThru, steps, wall times in every accepted form, and values kept bit for bit as float32.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "add$script:dirCounter"
    }

    function Write-AndRead {
        # Writes the rows through -Writer and returns what Get-TbEvent reads back.
        param([Parameter(ValueFromPipeline)] $Row)
        begin { $dir = New-TestDir; $w = New-TbWriter -LogDir $dir; $rows = [System.Collections.Generic.List[object]]::new() }
        process { $rows.Add($Row) }
        end {
            try { $rows | Add-TbScalar -Writer $w -ErrorAction Stop }
            finally { Close-TbWriter $w }
            Get-TbEvent $dir
        }
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbScalar -Writer' {
    It 'writes the tag, value, step and wall time given (Tag and Value by position)' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = Add-TbScalar -Writer $w 'train/loss' 0.25 -Step 3 -WallTime 1700000000.5
        Close-TbWriter $w
        $out | Should -BeNullOrEmpty
        $e = @(Get-TbEvent $dir)
        $e.Count | Should -Be 1
        $e[0].Run | Should -BeExactly '.'
        $e[0].Tag | Should -BeExactly 'train/loss'
        $e[0].Value | Should -Be 0.25
        $e[0].Step | Should -Be 3
        $e[0].WallTime.UnixSeconds | Should -Be 1700000000.5
    }

    It 'binds Tag, Value, Step and WallTime by property name' {
        $rows = @(
            [pscustomobject]@{ Tag = 'a'; Value = 1.5; Step = 10; WallTime = 1700000001 }
            [pscustomobject]@{ Tag = 'b'; Value = '-2.5'; Step = '11'; WallTime = '2023-11-14T22:13:22Z' }
        )
        $e = @($rows | Write-AndRead)
        $e.Tag | Should -Be @('a', 'b')
        $e.Value | Should -Be @(1.5, -2.5)
        $e.Step | Should -Be @(10, 11)
        $e.WallTime.UnixSeconds | Should -Be @(1700000001, 1700000002)
    }

    It 'ignores a Run on the input: everything goes to the writer''s file' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        [pscustomobject]@{ Run = 'elsewhere'; Tag = 't'; Value = 1; Step = 1 },
        [pscustomobject]@{ Run = '.'; Tag = 't'; Value = 2; Step = 2 } | Add-TbScalar -Writer $w
        Close-TbWriter $w
        Test-Path -LiteralPath (Join-Path $dir 'elsewhere') | Should -BeFalse
        @(Get-ChildItem -LiteralPath $dir -Recurse -File).Count | Should -Be 1
        $e = @(Get-TbEvent $dir)
        $e.Run | Should -Be @('.', '.')
        $e.Step | Should -Be @(1, 2)
    }

    It 'uses the writer''s global step when -Step is omitted' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir -GlobalStep 41
        Add-TbScalar -Writer $w -Tag 't' -Value 1
        [pscustomobject]@{ Tag = 't'; Value = 2 } | Add-TbScalar -Writer $w
        $w.GlobalStep = 50
        Add-TbScalar -Writer $w -Tag 't' -Value 3
        Close-TbWriter $w
        (Get-TbEvent $dir).Step | Should -Be @(41, 41, 50)
    }

    It '-PassThru emits a TbScalarEvent with the value as stored (float32)' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $e = Add-TbScalar -Writer $w -Tag 'acc' -Value 0.1 -Step 5 -WallTime 1700000000.25 -PassThru
        Close-TbWriter $w
        $e | Should -BeOfType ([TbPowerShell.TbScalarEvent])
        (Get-Command Add-TbScalar).OutputType.Type | Should -Contain $e.GetType()
        $e.Run | Should -BeExactly '.'
        $e.Tag | Should -BeExactly 'acc'
        $e.Step | Should -Be 5
        $e.WallTime.UnixSeconds | Should -Be 1700000000.25
        Get-DoubleBits $e.Value | Should -Be (ConvertTo-Float32Bits 0.1)
        $e.Value | Should -Not -Be 0.1
        $e.File | Should -BeExactly $w.Path
        $read = Get-TbEvent $dir
        Get-DoubleBits $read.Value | Should -Be (Get-DoubleBits $e.Value)
    }

    It 'writes one value per input object, in order' {
        $rows = 0..49 | ForEach-Object { [pscustomobject]@{ Tag = "t$($_ % 3)"; Value = $_ * 0.5; Step = $_ } }
        $e = @($rows | Write-AndRead)
        $e.Count | Should -Be 50
        $e.Step | Should -Be (0..49)
        $e.Tag | Should -Be ($rows.Tag)
    }
}

Describe 'Add-TbScalar -LogDir' {
    It 'opens a writer for the call and closes it at the end: the file is complete, no writer is left open' {
        $dir = New-TestDir
        $before = [TbPowerShell.TbWriter]::OpenWriters.Count
        1..20 | ForEach-Object { [pscustomobject]@{ Tag = 'loss'; Value = 1 / $_; Step = $_ } } | Add-TbScalar -LogDir $dir
        [TbPowerShell.TbWriter]::OpenWriters.Count | Should -Be $before
        $file = @(Get-EventFile $dir)
        $file.Count | Should -Be 1
        $records = @(Read-TfRecord $file[0].FullName)
        $records.Count | Should -Be 21
        $records.DataCrcOk | Should -Not -Contain $false
        ($records | Measure-Object Size -Sum).Sum | Should -Be $file[0].Length
        (Get-TbEvent $dir).Step | Should -Be (1..20)
    }

    It 'writes rows with a Run to that sub-directory, and Run "." or none to the log directory itself' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Run = 'a/b'; Tag = 't'; Value = 1; Step = 1 }
            [pscustomobject]@{ Run = '.'; Tag = 't'; Value = 2; Step = 2 }
            [pscustomobject]@{ Run = ''; Tag = 't'; Value = 3; Step = 3 }
            [pscustomobject]@{ Tag = 't'; Value = 4; Step = 4 }
            [pscustomobject]@{ Run = 'c'; Tag = 't'; Value = 5; Step = 5 }
            [pscustomobject]@{ Run = 'a/b'; Tag = 't'; Value = 6; Step = 6 }
        ) | Add-TbScalar -LogDir $dir
        (Get-EventFile $dir).Count | Should -Be 1
        (Get-EventFile (Join-Path $dir 'a/b')).Count | Should -Be 1
        (Get-EventFile (Join-Path $dir 'c')).Count | Should -Be 1
        $e = @(Get-TbEvent $dir)
        ($e | ForEach-Object { "$($_.Run)=$($_.Step)" }) | Should -Be @('.=2', '.=3', '.=4', 'a/b=1', 'a/b=6', 'c=5')
    }

    It 'takes -Run from the command line too, and backslashes as separators' {
        $dir = New-TestDir
        Add-TbScalar -LogDir $dir -Run 'x' -Tag 't' -Value 1 -Step 1
        [pscustomobject]@{ Run = 'y\z'; Tag = 't'; Value = 2; Step = 2 } | Add-TbScalar -LogDir $dir
        Test-Path -LiteralPath (Join-Path $dir 'y/z') -PathType Container | Should -BeTrue
        ((Get-TbEvent $dir) | ForEach-Object { "$($_.Run)=$($_.Step)" }) | Should -Be @('x=1', 'y/z=2')
    }

    It 'starts each new run at step 0 when Step is omitted' {
        $dir = New-TestDir
        Add-TbScalar -LogDir $dir -Tag 't' -Value 1
        (Get-TbEvent $dir).Step | Should -Be 0
    }

    It '-PassThru emits the run and the file of each value' {
        $dir = New-TestDir
        $e = @(
            [pscustomobject]@{ Run = 'r1'; Tag = 't'; Value = 1; Step = 1 }
            [pscustomobject]@{ Tag = 't'; Value = 2; Step = 2 }
        ) | Add-TbScalar -LogDir $dir -PassThru
        $e.Count | Should -Be 2
        $e.Run | Should -Be @('r1', '.')
        [System.IO.Path]::GetDirectoryName($e[0].File) | Should -BeExactly (Join-Path $dir 'r1')
        [System.IO.Path]::GetDirectoryName($e[1].File) | Should -BeExactly $dir
        Test-Path -LiteralPath $e[0].File | Should -BeTrue
    }

    It 'resolves a relative -LogDir against the current PowerShell location' {
        $here = New-TestDir
        New-Item -ItemType Directory -Path $here | Out-Null
        Push-Location -LiteralPath $here
        try { Add-TbScalar -LogDir 'rel' -Tag 't' -Value 1 -Step 1 }
        finally { Pop-Location }
        @(Get-TbEvent (Join-Path $here 'rel')).Count | Should -Be 1
    }
}

Describe 'Add-TbScalar values' {
    It 'keeps NaN, +Inf, -Inf, -0.0 and float32 extremes bit for bit as float32' {
        $values = [double]::NaN, [double]::PositiveInfinity, [double]::NegativeInfinity, -0.0, 0.0,
            [double][float]::MaxValue, -[double][float]::MaxValue, [double][float]::Epsilon, 1e-30, 0.1, -123456.789, 1e39
        $i = 0
        $e = @($values | ForEach-Object { [pscustomobject]@{ Tag = 'v'; Value = $_; Step = $i++ } } | Write-AndRead)
        $e.Count | Should -Be $values.Count
        for ($k = 0; $k -lt $values.Count; $k++) {
            Get-DoubleBits $e[$k].Value | Should -Be (ConvertTo-Float32Bits $values[$k]) -Because "value #$k ($($values[$k]))"
        }
        [double]::IsNaN($e[0].Value) | Should -BeTrue
        [double]::IsPositiveInfinity($e[11].Value) | Should -BeTrue -Because '1e39 overflows float32'
        Get-DoubleBits $e[3].Value | Should -Be ([long]::MinValue) -Because '-0.0 keeps its sign'
    }

    It 'accepts every .NET number type' {
        $values = [int]3, [long]-7, [short]12, [byte]255, [sbyte]-5, [uint16]7, [uint32]9, [uint64]11, [decimal]0.5, [single]0.1, [double]2.5
        $i = 0
        $e = @($values | ForEach-Object { [pscustomobject]@{ Tag = 'n'; Value = $_; Step = $i++ } } | Write-AndRead)
        $e.Count | Should -Be $values.Count
        for ($k = 0; $k -lt $values.Count; $k++) {
            Get-DoubleBits $e[$k].Value | Should -Be (ConvertTo-Float32Bits ([double]$values[$k])) -Because "a $($values[$k].GetType().Name)"
        }
    }

    It 'parses strings with the invariant culture, keeping -0, NaN and infinities exactly' {
        $cases = @(
            @{ Text = '-0'; Bits = [long]::MinValue }
            @{ Text = '0'; Bits = 0L }
            @{ Text = 'NaN'; Bits = (ConvertTo-Float32Bits ([double]::NaN)) }
            @{ Text = 'Infinity'; Bits = (ConvertTo-Float32Bits ([double]::PositiveInfinity)) }
            @{ Text = '-Infinity'; Bits = (ConvertTo-Float32Bits ([double]::NegativeInfinity)) }
            @{ Text = '∞'; Bits = (ConvertTo-Float32Bits ([double]::PositiveInfinity)) }
            @{ Text = '-∞'; Bits = (ConvertTo-Float32Bits ([double]::NegativeInfinity)) }
            @{ Text = '1e-30'; Bits = (ConvertTo-Float32Bits 1e-30) }
            @{ Text = '1.5'; Bits = (Get-DoubleBits 1.5) }
            @{ Text = ' 2.5 '; Bits = (Get-DoubleBits 2.5) }
            @{ Text = '3.4028234663852886E+38'; Bits = (ConvertTo-Float32Bits ([double][float]::MaxValue)) }
        )
        $i = 0
        $e = @($cases | ForEach-Object { [pscustomobject]@{ Tag = 's'; Value = $_.Text; Step = $i++ } } | Write-AndRead)
        $e.Count | Should -Be $cases.Count
        for ($k = 0; $k -lt $cases.Count; $k++) {
            Get-DoubleBits $e[$k].Value | Should -Be $cases[$k].Bits -Because "'$($cases[$k].Text)'"
        }
    }

    It 'parses strings with the invariant culture when the current culture is de-DE' {
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('de-DE')
            # The culture really is German here (decimal comma), so invariant parsing is what is tested.
            (1.5).ToString() | Should -BeExactly '1,5'
            $dir = New-TestDir
            $texts = '-0', 'NaN', 'Infinity', '-Infinity', '1e-30', '1.5'
            $i = 0
            $texts | ForEach-Object { [pscustomobject]@{ Tag = 'de'; Value = $_; Step = $i; WallTime = "1700000000.$i" }; $i++ } |
                Add-TbScalar -LogDir $dir -ErrorAction Stop
            $e = @(Get-TbEvent $dir)
        }
        finally {
            [cultureinfo]::CurrentCulture = $saved
        }
        $e.Count | Should -Be 6
        Get-DoubleBits $e[0].Value | Should -Be ([long]::MinValue)
        [double]::IsNaN($e[1].Value) | Should -BeTrue
        [double]::IsPositiveInfinity($e[2].Value) | Should -BeTrue
        [double]::IsNegativeInfinity($e[3].Value) | Should -BeTrue
        Get-DoubleBits $e[4].Value | Should -Be (ConvertTo-Float32Bits 1e-30)
        $e[5].Value | Should -Be 1.5
        $e.WallTime.UnixSeconds | Should -Be @(1700000000.0, 1700000000.1, 1700000000.2, 1700000000.3, 1700000000.4, 1700000000.5)
    }
}

Describe 'Add-TbScalar steps' {
    It 'keeps steps from [long]::MinValue to [long]::MaxValue' {
        $steps = [long]::MinValue, -2147483649, -1, 0, 1, 2147483648, 9007199254740993, [long]::MaxValue
        $e = @($steps | ForEach-Object { [pscustomobject]@{ Tag = 's'; Value = 1; Step = $_ } } | Write-AndRead)
        $e.Step | Should -Be $steps
        $e[0].Step | Should -BeOfType ([long])
    }

    It 'binds step strings (as Import-Csv gives them)' {
        $e = @([pscustomobject]@{ Tag = 's'; Value = 1; Step = '-9223372036854775808' },
            [pscustomobject]@{ Tag = 's'; Value = 1; Step = '9223372036854775807' } | Write-AndRead)
        $e.Step | Should -Be @([long]::MinValue, [long]::MaxValue)
    }
}

Describe 'Add-TbScalar wall times' {
    It 'takes <Name>' -ForEach @(
        @{ Name = 'a UTC DateTime'; WallTime = [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); Expected = 1704164645.0 }
        @{ Name = 'a DateTime with milliseconds'; WallTime = [datetime]::new(2024, 1, 2, 3, 4, 5, 250, [DateTimeKind]::Utc); Expected = 1704164645.25 }
        @{ Name = 'a local DateTime'; WallTime = [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Local); Expected = [double]([DateTimeOffset][datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Local)).ToUnixTimeSeconds() }
        @{ Name = 'a DateTimeOffset with an offset'; WallTime = [DateTimeOffset]::new(2024, 1, 2, 5, 4, 5, [timespan]::FromHours(2)); Expected = 1704164645.0 }
        @{ Name = 'an ISO 8601 string in UTC'; WallTime = '2024-01-02T03:04:05Z'; Expected = 1704164645.0 }
        @{ Name = 'an ISO 8601 string with an offset'; WallTime = '2024-01-02T05:04:05+02:00'; Expected = 1704164645.0 }
        @{ Name = 'an ISO 8601 string with a fraction'; WallTime = '2024-01-02T03:04:05.25Z'; Expected = 1704164645.25 }
        @{ Name = 'an ISO 8601 string without an offset (taken as UTC)'; WallTime = '2024-01-02T03:04:05'; Expected = 1704164645.0 }
        @{ Name = 'Unix seconds as an integer'; WallTime = 1700000000; Expected = 1700000000.0 }
        @{ Name = 'Unix seconds as a double'; WallTime = 1700000000.25; Expected = 1700000000.25 }
        @{ Name = 'Unix seconds as a string'; WallTime = '1700000000.25'; Expected = 1700000000.25 }
        @{ Name = 'Unix seconds as a decimal'; WallTime = [decimal]1700000000.5; Expected = 1700000000.5 }
    ) {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            Add-TbScalar -Writer $w -Tag 't' -Value 1 -Step 1 -WallTime $WallTime
            [pscustomobject]@{ Tag = 't'; Value = 2; Step = 2; WallTime = $WallTime } | Add-TbScalar -Writer $w
        }
        finally { Close-TbWriter $w }
        (Get-TbEvent $dir).WallTime.UnixSeconds | Should -Be @($Expected, $Expected)
    }

    It 'keeps a TbTimestamp and a double exactly (no rounding to ticks)' {
        $t = [TbPowerShell.TbTimestamp]::new(1700000000.123456789)
        $e = @([pscustomobject]@{ Tag = 't'; Value = 1; Step = 1; WallTime = $t },
            [pscustomobject]@{ Tag = 't'; Value = 1; Step = 2; WallTime = 1712345678.987654321 } | Write-AndRead)
        Get-DoubleBits $e[0].WallTime.UnixSeconds | Should -Be (Get-DoubleBits 1700000000.123456789)
        Get-DoubleBits $e[1].WallTime.UnixSeconds | Should -Be (Get-DoubleBits 1712345678.987654321)
    }

    It 'uses the current time when WallTime is omitted or empty' {
        $before = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0
        $e = @([pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 },
            [pscustomobject]@{ Tag = 't'; Value = 1; Step = 2; WallTime = '' } | Write-AndRead)
        $after = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0
        foreach ($x in $e) {
            $x.WallTime.UnixSeconds | Should -BeGreaterOrEqual ($before - 0.001)
            $x.WallTime.UnixSeconds | Should -BeLessOrEqual ($after + 0.001)
        }
    }
}

Describe 'Add-TbScalar tags' {
    It 'keeps unicode tags exactly' {
        $tags = 'unicode/Ω/损失 ü', 'emoji/📈', 'spaces and/slashes/ok'
        $e = @($tags | ForEach-Object { [pscustomobject]@{ Tag = $_; Value = 1; Step = 1 } } | Write-AndRead)
        $e.Tag | Should -BeExactly $tags
    }
}
