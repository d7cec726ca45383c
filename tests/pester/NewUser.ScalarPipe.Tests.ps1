#Requires -Modules Pester
# Issue 13, writing from the pipeline (points 4, 5 and 9) for Add-TbScalar and Add-TbEvent: each piped object binds
# whole to -InputObject and the cmdlet reads its properties; errors about a row name it (its number in the input,
# run, tag, step) with exact ids, categories and targets; a bad wall time in a CSV row is InvalidWallTime; a step
# must be a whole number (1.5 is an error, not 2); -Value, -Tag, -Step, -WallTime, -Run and their script blocks
# keep working from the command line.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $ScalarId = 'TbPowerShell.Commands.AddTbScalarCommand'
    $EventId = 'TbPowerShell.Commands.AddTbEventCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "pipe$script:dirCounter"
    }

    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null }
        catch { $_ }
    }

    function Write-Csv([string] $Path, [string[]] $Lines) {
        # A CSV file as a user would have it: one header, then rows (Import-Csv gives every field as a string).
        $null = New-Item -ItemType Directory -Path (Split-Path $Path) -Force
        Set-Content -LiteralPath $Path -Value $Lines -Encoding utf8
    }

    function Add-Piped([string] $Cmd, [object[]] $InputRows, [string] $Dir) {
        # Pipes the rows to the cmdlet under test; returns its errors.
        $errs = $null
        if ($Cmd -eq 'Add-TbScalar') { $InputRows | Add-TbScalar -LogDir $Dir -ErrorVariable errs -ErrorAction SilentlyContinue }
        else { $InputRows | Add-TbEvent -LogDir $Dir -ErrorVariable errs -ErrorAction SilentlyContinue }
        @($errs)
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Errors from piped rows name the row (<Cmd>)' -ForEach @(
    @{ Cmd = 'Add-TbScalar'; Id = 'TbPowerShell.Commands.AddTbScalarCommand'; Expected = 'InputObjectMissingMandatory' }
    @{ Cmd = 'Add-TbEvent'; Id = 'TbPowerShell.Commands.AddTbEventCommand'; Expected = 'UnsupportedInput' }
) {
    It 'a bad value in row 1234 of a large CSV: InvalidValue, InvalidArgument, the value as target, the message gives the row''s number, run, tag and step' {
        $csv = Join-Path (New-TestDir) 'big.csv'
        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add('Run,Tag,Step,WallTime,Value')
        for ($i = 1; $i -le 2000; $i++) {
            $value = if ($i -eq 1234) { 'oops' } else { "$i.5" }
            $lines.Add("lr=0.1,train/loss,$($i * 10),1700000000,$value")
        }
        Write-Csv $csv $lines
        $dir = New-TestDir
        $errs = Add-Piped $Cmd @(Import-Csv -LiteralPath $csv) $dir
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$Id"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -BeExactly 'oops'
        "$($errs[0])" | Should -BeLike "Input object 1234 (run 'lr=0.1', tag 'train/loss', step '12340'): *'oops'*"
        @(Get-TbEvent $dir).Count | Should -Be 1999
    }

    It 'counts every input object, the bad and the good ones, from 1' {
        $rows = @(
            [pscustomobject]@{ Run = 'r'; Tag = 't'; Step = 1; Value = 'bad' }
            [pscustomobject]@{ Run = 'r'; Tag = 't'; Step = 2; Value = 2 }
            [pscustomobject]@{ Run = 'r'; Tag = ''; Step = 3; Value = 3 }
            [pscustomobject]@{ Run = '../out'; Tag = 't'; Step = 4; Value = 4 }
            [pscustomobject]@{ Run = 'r'; Tag = 't'; Step = 5; Value = 5 }
        )
        $dir = New-TestDir
        $errs = Add-Piped $Cmd $rows (Join-Path $dir 'logs')
        @($errs.FullyQualifiedErrorId) | Should -Be @("InvalidValue,$Id", "EmptyTag,$Id", "InvalidRun,$Id")
        "$($errs[0])" | Should -BeLike 'Input object 1 (*'
        "$($errs[1])" | Should -BeLike "Input object 3 (run 'r', tag '', step '3'): *"
        "$($errs[2])" | Should -BeLike "Input object 4 (run '../out', tag 't', step '4'): *"
        $errs[2].TargetObject | Should -BeExactly '../out'
        Test-Path -LiteralPath (Join-Path $dir 'out') | Should -BeFalse
        (Get-TbEvent (Join-Path $dir 'logs')).Step | Should -Be @(2, 5)
    }

    It 'a wall time in a CSV row that is no time: InvalidWallTime (not ParameterArgumentTransformationError), InvalidArgument, the text as target' {
        $csv = Join-Path (New-TestDir) 'times.csv'
        Write-Csv $csv @(
            'Run,Tag,Step,WallTime,Value'
            'a,loss,1,2024-01-02T03:04:05Z,0.5'
            'a,loss,2,yesterday,0.25'
            'a,loss,3,1700000000.5,0.125'
            'a,loss,4,0,0.0625'
        )
        $dir = New-TestDir
        $errs = Add-Piped $Cmd @(Import-Csv -LiteralPath $csv) $dir
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidWallTime,$Id"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -BeExactly 'yesterday'
        "$($errs[0])" | Should -BeLike "Input object 2 (run 'a', tag 'loss', step '2'): *'yesterday'*"
        # Out of range (0) stays InvalidWallTime with the time as target, now also naming the row.
        $errs[1].FullyQualifiedErrorId | Should -BeExactly "InvalidWallTime,$Id"
        $errs[1].TargetObject | Should -BeOfType ([TbPowerShell.TbTimestamp])
        "$($errs[1])" | Should -BeLike 'Input object 4 (*'
        $e = @(Get-TbEvent $dir)
        $e.Step | Should -Be @(1, 3)
        $e.WallTime.UnixSeconds | Should -Be @(1704164645.0, 1700000000.5)
    }

    It 'a step that is not a whole number (<Step>) in a row: InvalidStep, InvalidArgument, the step as target; nothing is rounded' -ForEach @(
        @{ Step = '1.5' }
        @{ Step = 1.5 }
        @{ Step = 'ten' }
        @{ Step = '9223372036854775808' }
    ) {
        $dir = New-TestDir
        $errs = Add-Piped $Cmd @(
            [pscustomobject]@{ Tag = 't'; Step = $Step; Value = 1 }
            [pscustomobject]@{ Tag = 't'; Step = 7; Value = 2 }
        ) $dir
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidStep,$Id"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be $Step
        $errs[0].TargetObject.GetType() | Should -Be $Step.GetType()
        "$($errs[0])" | Should -BeLike "Input object 1 (tag 't', step '$Step'): *"
        (Get-TbEvent $dir).Step | Should -Be @(7)
    }

    It 'takes whole steps however they are written: "2", 2.0, "3.0", a long, an empty cell (the global step)' {
        $dir = New-TestDir
        $errs = Add-Piped $Cmd @(
            [pscustomobject]@{ Tag = 't'; Step = '2'; Value = 1 }
            [pscustomobject]@{ Tag = 't'; Step = 2.0; Value = 2 }
            [pscustomobject]@{ Tag = 't'; Step = '3.0'; Value = 3 }
            [pscustomobject]@{ Tag = 't'; Step = [long]::MaxValue; Value = 4 }
            [pscustomobject]@{ Tag = 'u'; Step = ''; Value = 5 }
        ) $dir
        $errs | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        (Get-TbEvent $dir).Step | Should -Be @(2, 2, 3, [long]::MaxValue, 0)
    }

    It 'a row without Value or without Tag: <Expected>, InvalidArgument, the row as target, the row named' {
        $dir = New-TestDir
        $errs = Add-Piped $Cmd @(
            [pscustomobject]@{ Tag = 'no-value'; Step = 1 }
            [pscustomobject]@{ Value = 1; Step = 2 }
            [pscustomobject]@{ Tag = 'ok'; Value = 3; Step = 3 }
        ) $dir
        $errs.Count | Should -Be 2
        # Add-TbScalar keeps the id PowerShell's binding gave when it bound these properties; Add-TbEvent its own.
        @($errs.FullyQualifiedErrorId) | Should -Be @("$Expected,$Id", "$Expected,$Id")
        $expectedCategory = if ($Cmd -eq 'Add-TbScalar') { 'InvalidArgument' } else { 'InvalidType' }
        @($errs.CategoryInfo.Category) | Should -Be @($expectedCategory, $expectedCategory)
        $errs[0].TargetObject.Tag | Should -BeExactly 'no-value'
        "$($errs[0])" | Should -BeLike "Input object 1 (tag 'no-value', step '1'): *"
        "$($errs[1])" | Should -BeLike "Input object 2 (step '2'): *"
        (Get-TbEvent $dir).Step | Should -Be @(3)
    }
}

Describe 'Add-TbScalar keeps PowerShell''s binding errors and rules' {
    It 'an object with none of the properties: InputObjectNotBound, InvalidArgument, the object as target; the rest is written' {
        $dir = New-TestDir
        42, [pscustomobject]@{ Name = 'x' }, [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 } |
            Add-TbScalar -LogDir $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs.FullyQualifiedErrorId) | Should -Be @("InputObjectNotBound,$ScalarId", "InputObjectNotBound,$ScalarId")
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 42
        "$($errs[1])" | Should -BeLike 'Input object 2: *'
        (Get-TbEvent $dir).Step | Should -Be @(1)
    }

    It 'a call without input that lacks -Value or -Tag: MissingMandatoryParameter, terminating, nothing written' {
        $dir = New-TestDir
        $err = Get-TerminatingError { Add-TbScalar -LogDir $dir -Tag 't' }
        $err.FullyQualifiedErrorId | Should -BeExactly "MissingMandatoryParameter,$ScalarId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'Value'
        $err = Get-TerminatingError { Add-TbScalar -LogDir $dir -Value 1 }
        $err.FullyQualifiedErrorId | Should -BeExactly "MissingMandatoryParameter,$ScalarId"
        "$err" | Should -Match 'Tag'
        Test-Path -LiteralPath $dir | Should -BeFalse
    }

    It '-Step 1.5 on the command line fails parameter binding (<Cmd>), nothing written; -Step 2.0 is step 2' -ForEach @(
        @{ Cmd = 'Add-TbScalar'; Id = 'TbPowerShell.Commands.AddTbScalarCommand' }
        @{ Cmd = 'Add-TbEvent'; Id = 'TbPowerShell.Commands.AddTbEventCommand' }
    ) {
        $dir = New-TestDir
        $row = [pscustomobject]@{ Tag = 't'; Value = 1 }
        $err = if ($Cmd -eq 'Add-TbScalar') { Get-TerminatingError { Add-TbScalar -LogDir $dir -Tag t -Value 1 -Step 1.5 } }
        else { Get-TerminatingError { $row | Add-TbEvent -LogDir $dir -Step 1.5 } }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$Id"
        "$err" | Should -Match '1\.5'
        Test-Path -LiteralPath $dir | Should -BeFalse
        if ($Cmd -eq 'Add-TbScalar') { Add-TbScalar -LogDir $dir -Tag t -Value 1 -Step 2.0 } else { $row | Add-TbEvent -LogDir $dir -Step 2.0 }
        (Get-TbEvent $dir).Step | Should -Be @(2)
    }

    It 'a wall time on the command line that is no time still fails parameter binding' {
        $err = Get-TerminatingError { [pscustomobject]@{ Tag = 't'; Value = 1 } | Add-TbScalar -LogDir (New-TestDir) -WallTime 'yesterday' }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$ScalarId"
    }

    It 'no parameter of <Cmd> binds by property name: the object binds whole to -InputObject (the throughput fix)' -ForEach @(
        @{ Cmd = 'Add-TbScalar' }
        @{ Cmd = 'Add-TbEvent' }
    ) {
        $parameters = (Get-Command $Cmd).Parameters.Values
        @($parameters | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName } }).Name |
            Should -BeNullOrEmpty
        @($parameters | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline } }).Name |
            Should -Be @('InputObject')
    }
}

Describe 'Add-TbScalar parameters from the command line win over the input''s properties' {
    It '-Tag, -Value, -Step, -WallTime given with piped rows apply to every row; the rows give the rest' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Run = 'a'; Tag = 'row'; Step = 1; Value = 1 }
            [pscustomobject]@{ Run = 'b'; Tag = 'row'; Step = 2; Value = 2 }
        ) | Add-TbScalar -LogDir $dir -Tag fixed -Value 0.5 -WallTime 1700000000.25
        $e = @(Get-TbEvent $dir)
        ($e | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.Value)" }) | Should -Be @('a|fixed|1|0.5', 'b|fixed|2|0.5')
        $e.WallTime.UnixSeconds | Should -Be @(1700000000.25, 1700000000.25)
        @(
            [pscustomobject]@{ Run = 'a'; Tag = 'row'; Step = 1; Value = 1 }
        ) | Add-TbScalar -LogDir $dir -Run c -Step 9
        ((Get-TbEvent (Join-Path $dir 'c')) | ForEach-Object { "$($_.Tag)|$($_.Step)" }) | Should -Be 'row|9'
    }

    It 'TbScalarEvent objects from Get-TbEvent: -Step and -Tag override, the rest is kept exactly' {
        $src = New-TestDir
        Add-TbScalar -LogDir $src -Run r -Tag loss -Value 0.1 -Step 5 -WallTime 1700000000.123456789
        $dst = New-TestDir
        Get-TbEvent $src | Add-TbScalar -LogDir $dst -Tag copied/loss -Step 50
        $e = @(Get-TbEvent $dst)
        $e.Run | Should -BeExactly 'r'
        $e.Tag | Should -BeExactly 'copied/loss'
        $e.Step | Should -Be 50
        Get-DoubleBits $e.Value | Should -Be (ConvertTo-Float32Bits 0.1)
        Get-DoubleBits $e.WallTime.UnixSeconds | Should -Be (Get-DoubleBits 1700000000.123456789)
    }

    It 'script blocks for -Tag, -Step, -WallTime and -Run run once per input with $_ set to it' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ name = 'x'; epoch = '1'; t = '1700000001' }
            [pscustomobject]@{ name = 'y'; epoch = '2'; t = '1700000002' }
        ) | Add-TbScalar -LogDir $dir -Tag { "csv/$($_.name)" } -Value 1 -Step { [long]$_.epoch * 100 } -WallTime { $_.t } -Run { "run-$($_.name)" }
        $e = @(Get-TbEvent $dir)
        ($e | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.WallTime.UnixSeconds)" }) |
            Should -Be @('run-x|csv/x|100|1700000001', 'run-y|csv/y|200|1700000002')
    }

    It 'a script block that fails for one input: ScriptBlockArgumentInvocationFailed for that input, the others are written' {
        $dir = New-TestDir
        1, 0, 2 | ForEach-Object { [pscustomobject]@{ Tag = 't'; Value = $_; d = $_ } } |
            Add-TbScalar -LogDir $dir -Step { if ($_.d -eq 0) { throw 'no step for zero' }; $_.d } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "ScriptBlockArgumentInvocationFailed,$ScalarId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject.d | Should -Be 0
        "$($errs[0])" | Should -BeLike "Input object 2 (tag 't'): *no step for zero*"
        (Get-TbEvent $dir).Step | Should -Be @(1, 2)
    }

    It 'a script block with no input to run on: ScriptBlockArgumentNoInput, terminating' {
        $err = Get-TerminatingError { Add-TbScalar -LogDir (New-TestDir) -Tag { 'x' } -Value 1 }
        $err.FullyQualifiedErrorId | Should -BeExactly "ScriptBlockArgumentNoInput,$ScalarId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It '-InputObject with an array writes element by element, numbering them for errors' {
        $dir = New-TestDir
        $rows = @(
            [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1 }
            [pscustomobject]@{ Tag = 't'; Value = 'nope'; Step = 2 }
            [pscustomobject]@{ Tag = 't'; Value = 3; Step = 3 }
        )
        Add-TbScalar -LogDir $dir -InputObject $rows -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        "$($errs[0])" | Should -BeLike "Input object 2 (tag 't', step '2'): *"
        (Get-TbEvent $dir).Step | Should -Be @(1, 3)
    }

    It 'an error from a call without input does not name an input' {
        Add-TbScalar -LogDir (New-TestDir) -Tag t -Value abc -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$ScalarId"
        "$($errs[0])" | Should -Not -BeLike 'Input object*'
    }
}

Describe 'Import-Csv | Add-TbScalar converts the strings with the invariant culture' {
    It 'reads steps, values and Unix-second wall times the same under de-DE' {
        $csv = Join-Path (New-TestDir) 'inv.csv'
        Write-Csv $csv @('Tag,Step,WallTime,Value', 't,3.0,1700000000.5,1.5', 't,4,1700000001.25,-0')
        $saved = [cultureinfo]::CurrentCulture
        $dir = New-TestDir
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('de-DE')
            Import-Csv -LiteralPath $csv | Add-TbScalar -LogDir $dir -ErrorAction Stop
        }
        finally { [cultureinfo]::CurrentCulture = $saved }
        $e = @(Get-TbEvent $dir)
        $e.Step | Should -Be @(3, 4)
        $e.WallTime.UnixSeconds | Should -Be @(1700000000.5, 1700000001.25)
        $e[0].Value | Should -Be 1.5
        Get-DoubleBits $e[1].Value | Should -Be ([long]::MinValue)
    }
}

Describe 'Wall times from CSV rows (the form Export-Csv writes is read by hand)' {
    It 'reads <Text> to the same instant as the general parser' -ForEach @(
        @{ Text = '2026-12-07T14:23:42.1234567+00:00' }
        @{ Text = '1970-01-01T00:00:00.0000001+00:00' }
        @{ Text = '2024-02-29T23:59:59.9999999+05:30' }
        @{ Text = '2024-03-01T00:00:00.5000000-08:00' }
        @{ Text = '2001-09-09T01:46:40.0000000+14:00' }
        @{ Text = '9999-12-31T23:59:59.9999999+00:00' }
        @{ Text = '2024-01-02T03:04:05.25Z' }
        @{ Text = ' 2024-01-02T03:04:05.1234567+00:00 ' }
    ) {
        $expected = [TbPowerShell.TbTimestamp]::new(0)
        [TbPowerShell.TbTimestamp]::TryParse($Text, [ref] $expected) | Should -BeTrue
        $e = [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1; WallTime = $Text } | Add-TbScalar -LogDir (New-TestDir) -PassThru -ErrorAction Stop
        Get-DoubleBits $e.WallTime.UnixSeconds | Should -Be (Get-DoubleBits $expected.UnixSeconds)
    }

    It 'rejects <Text> as the general parser does: InvalidWallTime' -ForEach @(
        @{ Text = '2023-02-29T00:00:00.0000000+00:00'; Target = 'text' }
        @{ Text = '2024-01-01T00:00:00.0000000+15:00'; Target = 'text' }
        @{ Text = '2024-13-01T00:00:00.0000000+00:00'; Target = 'text' }
        @{ Text = '2024-01-01T24:00:00.0000000+00:00'; Target = 'text' }
        @{ Text = '1960-01-01T00:00:00.0000000+00:00'; Target = 'time' }
    ) {
        [pscustomobject]@{ Tag = 't'; Value = 1; Step = 1; WallTime = $Text } |
            Add-TbScalar -LogDir (New-TestDir) -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "InvalidWallTime,$ScalarId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        if ($Target -eq 'text') { $errs[0].TargetObject | Should -BeExactly $Text }
        else { $errs[0].TargetObject | Should -BeOfType ([TbPowerShell.TbTimestamp]) }
    }
}
