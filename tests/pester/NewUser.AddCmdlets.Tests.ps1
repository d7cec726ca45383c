#Requires -Modules Pester
# Issue 13, what a new user hit with the Add-Tb* cmdlets: one name for the value (-Value on every
# Add-Tb* cmdlet, bound from the pipeline too, the image file positional), errors whose target is
# the offending thing (the data format, not 3,072 numbers; the element, not the array), messages
# that say "at index", white-space tags refused like empty ones, whole-number steps, and
# "cannot be created" messages that name the file that could not be created.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "newuser$script:dirCounter"
    }

    function Get-CommandId([string] $Command) {
        # The class name in a FullyQualifiedErrorId: Add-TbText -> TbPowerShell.Commands.AddTbTextCommand.
        'TbPowerShell.Commands.' + ($Command -replace '-', '') + 'Command'
    }

    # A 2x2 grey PNG, made by the module itself from known pixels (stored as it is when logged from a file).
    $script:pngDir = New-TestDir
    Add-TbImage -LogDir $pngDir -Tag seed -Data ([byte[]](0, 64, 128, 255)) -Shape 2, 2 -DataFormat HW -ErrorAction Stop
    $script:pngPath = Join-Path $TestDrive 'a.png'
    [System.IO.File]::WriteAllBytes($pngPath, (Get-TbEvent -Type Image $pngDir)[0].Bytes)
}

Describe 'One name for the value: -Value on every Add-Tb* cmdlet' {
    It '<Command> takes -Value for its -<Primary> (an alias that resolves to it without ambiguity)' -ForEach @(
        @{ Command = 'Add-TbText'; Primary = 'Text' }
        @{ Command = 'Add-TbHistogram'; Primary = 'Data' }
        @{ Command = 'Add-TbImage'; Primary = 'Data' }
        @{ Command = 'Add-TbAudio'; Primary = 'Data' }
        @{ Command = 'Add-TbScalars'; Primary = 'Value' }
        @{ Command = 'Add-TbScalar'; Primary = 'Value' }
    ) {
        $cmd = Get-Command $Command
        # ResolveParameter throws for an ambiguous name: Add-TbImage also has -ValueRange.
        $cmd.ResolveParameter('Value').Name | Should -BeExactly $Primary
        if ($Primary -ne 'Value') { $cmd.Parameters[$Primary].Aliases | Should -Contain 'Value' }
        # And the alias is in the help page's metadata, as Help.Tests checks against the module.
        $page = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot "../../docs/$Command.md")
        $page | Should -Match "(?s)### -$Primary\b.*?Aliases: [^\r\n]*\bValue\b|### -Value\b"
    }

    It 'Add-TbText -Value writes the text' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag notes -Value 'hello', 'world' -Step 3 -ErrorAction Stop
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 1
        $e[0].Text | Should -BeExactly "hello`nworld"
        $e[0].Step | Should -Be 3
    }

    It 'Add-TbHistogram -Value writes the histogram' {
        $dir = New-TestDir
        Add-TbHistogram -LogDir $dir -Tag w -Value 1, 2, 3, 4 -ErrorAction Stop
        $e = @(Get-TbEvent -Type Histogram $dir)
        $e.Count | Should -Be 1
        $e[0].Count | Should -Be 4
        $e[0].Sum | Should -Be 10
    }

    It 'Add-TbImage -Value takes the pixels, beside -ValueRange' {
        $dir = New-TestDir
        Add-TbImage -LogDir $dir -Tag px -Value ([byte[]](0, 64, 128, 255)) -Shape 2, 2 -DataFormat HW -ErrorAction Stop
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Count | Should -Be 1
        $e[0].Decode().Pixels | Should -Be ([byte[]](0, 64, 128, 255))
        # -Value next to -ValueRange: the exact name wins over the prefix of the other.
        Add-TbImage -LogDir $dir -Tag grid -Value ([float[]](0, 1, 2, 3)) -Shape 1, 1, 2, 2 -DataFormat NCHW -Normalize -ValueRange 0, 3 -Padding 0 -ErrorAction Stop
        $g = @(Get-TbEvent -Type Image -Tag grid $dir)
        $g.Count | Should -Be 1
        $g[0].Width | Should -Be 2
    }

    It 'Add-TbAudio -Value (and positionally after the tag) takes the samples' {
        $dir = New-TestDir
        Add-TbAudio -LogDir $dir -Tag named -Value 0.5, -0.5 -SampleRate 8000 -ErrorAction Stop
        Add-TbAudio -LogDir $dir named2 @(0.25, 0.5, 0.75) -SampleRate 8000 -ErrorAction Stop
        $e = @(Get-TbEvent -Type Audio $dir | Sort-Object Tag)
        ($e | ForEach-Object { "$($_.Tag)=$($_.Frames)" }) | Should -Be @('named=2', 'named2=3')
    }

    It 'Add-TbImage -Writer $w -Tag t ./a.png takes the file positionally and stores it as it is' {
        $dir = New-TestDir
        $w = New-TbWriter $dir
        try {
            Push-Location $TestDrive
            try { Add-TbImage -Writer $w -Tag t ./a.png -ErrorAction Stop }
            finally { Pop-Location }
        }
        finally { Close-TbWriter $w }
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Count | Should -Be 1
        $e[0].Bytes | Should -Be ([System.IO.File]::ReadAllBytes($pngPath))
    }

    It 'rows with a Value property bind by name to <Command>' -ForEach @(
        @{ Command = 'Add-TbText'; Row = @{ Tag = 'n'; Value = 'row text'; Step = 5 }; Type = 'Text'; Check = { param($e) $e.Text | Should -BeExactly 'row text' } }
        @{ Command = 'Add-TbHistogram'; Row = @{ Tag = 'h'; Value = @(1, 2, 3); Step = 5 }; Type = 'Histogram'; Check = { param($e) $e.Count | Should -Be 3; $e.Sum | Should -Be 6 } }
        @{ Command = 'Add-TbImage'; Row = @{ Tag = 'i'; Value = [byte[]](0, 64, 128, 255); Shape = @(2, 2); DataFormat = 'HW'; Step = 5 }; Type = 'Image'; Check = { param($e) $e.Decode().Pixels | Should -Be ([byte[]](0, 64, 128, 255)) } }
        @{ Command = 'Add-TbAudio'; Row = @{ Tag = 'a'; Value = @(0.5, -0.5, 0.25, -0.25); SampleRate = 8000; Channels = 2; Step = 5 }; Type = 'Audio'; Check = { param($e) $e.Frames | Should -Be 2; $e.Channels | Should -Be 2; $e.SampleRate | Should -Be 8000 } }
        @{ Command = 'Add-TbScalars'; Row = @{ Tag = 's'; Value = [ordered]@{ a = 1; b = 2 }; Step = 5 }; Type = 'Scalar'; Check = { param($e) $e.Value | Should -Be 1 } }
    ) {
        $dir = New-TestDir
        [pscustomobject]$Row | & $Command -LogDir $dir -ErrorAction Stop
        $e = @(Get-TbEvent -Type $Type $dir | Sort-Object Run, Tag)
        $e.Count | Should -BeGreaterOrEqual 1
        $e[0].Step | Should -Be 5
        & $Check $e[0]
    }

    It 'Add-TbHistogram takes a piped row''s Data, else its Value (PowerShell hands an object parameter the whole row)' {
        $dir = New-TestDir
        [pscustomobject]@{ Tag = 'd'; Data = @(1, 2); Value = 99 }, [pscustomobject]@{ Tag = 'v'; Value = @(10, 20, 30) } |
            Add-TbHistogram -LogDir $dir -ErrorAction Stop
        $e = @(Get-TbEvent -Type Histogram $dir | Sort-Object Tag)
        ($e | ForEach-Object { "$($_.Tag)=$($_.Count)/$($_.Sum)" }) | Should -Be @('d=2/3', 'v=3/60')
    }

    It 'Get-TbEvent scalars piped to Add-TbHistogram make a histogram of their values' {
        $source = New-TestDir
        1..4 | ForEach-Object { Add-TbScalar -LogDir $source -Tag loss -Value ($_ * 0.5) -Step $_ }
        $dir = New-TestDir
        # Tag, Step and WallTime given on the command line: the events' own do not split the histogram.
        Get-TbEvent -Type Scalar $source | Add-TbHistogram -LogDir $dir -Tag loss/dist -Step 0 -WallTime 1700000000 -ErrorAction Stop
        $e = @(Get-TbEvent -Type Histogram $dir)
        $e.Count | Should -Be 1
        $e[0].Count | Should -Be 4
        $e[0].Sum | Should -Be 5
    }
}

Describe 'Errors whose target is the offending thing, with "at index" messages' {
    BeforeAll {
        $script:dir = New-TestDir
        $script:w = New-TbWriter $dir
    }
    AfterAll { Close-TbWriter $w }

    It 'Add-TbImage without -Shape: InvalidImageShape, InvalidArgument, the data format as target (not the 3,072 numbers)' -ForEach @(
        @{ Format = $null; Expected = 'CHW' }
        @{ Format = 'HWC'; Expected = 'HWC' }
    ) {
        $p = @{}
        if ($Format) { $p.DataFormat = $Format }
        Add-TbImage -Writer $w -Tag noshape -Data ([float[]]::new(3072)) @p -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidImageShape,$(Get-CommandId Add-TbImage)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $Expected
        "$($ev[0])" | Should -BeLike "*-Shape*$Expected*"
    }

    It '<Command>: InvalidValue names the element and its index, and targets the element' -ForEach @(
        @{ Command = 'Add-TbHistogram'; Params = @{ Data = @(1, 'x', 3) }; Element = 'x' }
        @{ Command = 'Add-TbAudio'; Params = @{ Data = @(0.5, 'loud') }; Element = 'loud' }
        @{ Command = 'Add-TbImage'; Params = @{ Data = @(0.5, 'x', 0.5, 0.5); Shape = @(2, 2); DataFormat = 'HW' }; Element = 'x' }
    ) {
        & $Command -Writer $w -Tag bad @Params -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$(Get-CommandId $Command)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $Element
        "$($ev[0])" | Should -BeExactly "The value at index 1, '$Element', is not a number."
    }

    It 'Add-TbHistogram: NonFiniteValue says "the value at index 1 is NaN", the NaN as target' {
        Add-TbHistogram -Writer $w -Tag nan -Data 1, ([double]::NaN), 3 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NonFiniteValue,$(Get-CommandId Add-TbHistogram)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        [double]::IsNaN($ev[0].TargetObject) | Should -BeTrue
        "$($ev[0])" | Should -BeLike "*the value at index 1 is NaN*"
        "$($ev[0])" | Should -Not -BeLike "*value 1 is*"
    }

    It 'Add-TbAudio: AudioOutOfRange says "the sample at index 1 is 2", the sample as target' {
        Add-TbAudio -Writer $w -Tag loud -Data 0.5, 2 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "AudioOutOfRange,$(Get-CommandId Add-TbAudio)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $ev[0].TargetObject | Should -Be 2
        "$($ev[0])" | Should -BeLike "The sample at index 1 is 2, outside*"
    }

    It 'Add-TbAudio: a NaN sample is InvalidAudio "the sample at index 2 is NaN", the NaN as target' {
        Add-TbAudio -Writer $w -Tag nan -Data 0.5, 0.25, ([double]::NaN) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAudio,$(Get-CommandId Add-TbAudio)"
        [double]::IsNaN($ev[0].TargetObject) | Should -BeTrue
        "$($ev[0])" | Should -BeExactly 'The sample at index 2 is NaN.'
    }

    It 'Add-TbHistogram raw form: InvalidHistogram says "the limit at index 1"' {
        Add-TbHistogram -Writer $w -Tag raw -Min 0 -Max 1 -Num 2 -Sum 1 -SumSquares 1 -BucketLimit 1, 0 -BucketCount 1, 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidHistogram,$(Get-CommandId Add-TbHistogram)"
        "$($ev[0])" | Should -BeLike '*the limit at index 1, 0, is below the limit at index 0, 1*'
    }

    It 'Add-TbHistogram -Bins edges: InvalidBins says "the edge at index 2"' {
        $err = Get-TerminatingError { Add-TbHistogram -Writer $w -Tag bins -Data 1, 2 -Bins 0, 1, 1 }
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidBins,$(Get-CommandId Add-TbHistogram)"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -BeLike '*the edge at index 2, 1, follows the edge at index 1, 1*'
    }
}

Describe 'A tag of white space only is refused like an empty one' {
    It '<Command> -Tag <Shown>: EmptyTag, InvalidArgument, the tag as target; nothing written, the next input is' -ForEach @(
        foreach ($case in @(
                @{ Command = 'Add-TbText'; Params = @{ Text = 'x' } }
                @{ Command = 'Add-TbHistogram'; Params = @{ Data = @(1, 2) } }
                @{ Command = 'Add-TbImage'; Params = @{ Data = [byte[]](1, 2, 3, 4); Shape = @(2, 2); DataFormat = 'HW' } }
                @{ Command = 'Add-TbAudio'; Params = @{ Data = @(0.5) } }
                @{ Command = 'Add-TbScalars'; Params = @{ Value = @{ a = 1 } } }
                @{ Command = 'Add-TbScalar'; Params = @{ Value = 1 } }
            )) {
            foreach ($tag in '  ', "`t", "`u{00A0}") {
                @{ Command = $case.Command; Params = $case.Params; Tag = $tag; Shown = ($tag -replace "`t", '\t' -replace "`u{00A0}", 'NBSP' -replace ' ', 'SP') }
            }
        }
    ) {
        $dir = New-TestDir
        & $Command -LogDir $dir -Tag $Tag @Params -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        & $Command -LogDir $dir -Tag ok @Params -Step 2 -ErrorAction Stop
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$(Get-CommandId $Command)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $Tag
        $e = @(Get-TbEvent -Type All $dir)
        $e.Count | Should -BeGreaterOrEqual 1
        @($e | Where-Object { $_.Tag.Trim().Length -eq 0 -or $_.Tag -match '^\s' }).Count | Should -Be 0
        @($e.Step | Sort-Object -Unique) | Should -Be @(2)
        # Completion has nothing blank to offer.
        @(Get-TbTag $dir | Where-Object { [string]::IsNullOrWhiteSpace(($_.Tag -replace '/text_summary$', '')) }).Count | Should -Be 0
    }

    It 'Add-TbEvent: a row with a white-space tag is EmptyTag, the rows after it are written' {
        $dir = New-TestDir
        [pscustomobject]@{ Tag = ' '; Value = 1; Step = 1 }, [pscustomobject]@{ Tag = 'ok'; Value = 2; Step = 2 } |
            Add-TbEvent -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$(Get-CommandId Add-TbEvent)"
        $ev[0].TargetObject | Should -BeExactly ' '
        (Get-TbEvent $dir | ForEach-Object { "$($_.Tag)=$($_.Step)" }) | Should -Be @('ok=2')
    }

    It 'Add-TbScalars: a series name of white space only is EmptyTag, the name as target, nothing of the call written' {
        $dir = New-TestDir
        Add-TbScalars -LogDir $dir -Tag loss -Value ([ordered]@{ train = 1; '  ' = 2 }) -SingleRun -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$(Get-CommandId Add-TbScalars)"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly '  '
        @(Get-TbEvent -Type All $dir).Count | Should -Be 0
    }

    It 'the writer itself refuses it (so every caller of the core does): AddScalar, AddValue and AddScalars throw' {
        $dir = New-TestDir
        $w = New-TbWriter $dir
        try {
            { $w.AddScalar(' ', 1.0, $null, $null) } | Should -Throw '*white space*'
            { $w.AddScalars("`t", [System.Collections.Generic.KeyValuePair[string, double][]]@([System.Collections.Generic.KeyValuePair[string, double]]::new('a', 1)), $null, $null, $false) } | Should -Throw '*white space*'
            { $w.AddScalars('loss', [System.Collections.Generic.KeyValuePair[string, double][]]@([System.Collections.Generic.KeyValuePair[string, double]]::new(' ', 1)), $null, $null, $true) } | Should -Throw '*blank name*'
        }
        finally { Close-TbWriter $w }
        @(Get-TbEvent -Type All $dir).Count | Should -Be 0
    }
}

Describe 'A step is a whole number: -Step 1.5 is an error, not step 2' {
    It '<Command> -Step 1.5: ParameterArgumentTransformationError; -Step 2.0 is step 2' -ForEach @(
        @{ Command = 'Add-TbText'; Params = @{ Text = 'x' } }
        @{ Command = 'Add-TbHistogram'; Params = @{ Data = @(1, 2) } }
        @{ Command = 'Add-TbImage'; Params = @{ Data = [byte[]](1, 2, 3, 4); Shape = @(2, 2); DataFormat = 'HW' } }
        @{ Command = 'Add-TbAudio'; Params = @{ Data = @(0.5) } }
        @{ Command = 'Add-TbScalars'; Params = @{ Value = @{ a = 1 } } }
    ) {
        $dir = New-TestDir
        $err = Get-TerminatingError { & $Command -LogDir $dir -Tag t @Params -Step 1.5 }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$(Get-CommandId $Command)"
        "$err" | Should -BeLike "*'1.5' is not a step*"
        & $Command -LogDir $dir -Tag t @Params -Step 2.0 -ErrorAction Stop
        @(Get-TbEvent -Type All $dir | Where-Object Tag -NotLike '_hparams_*').Step | Sort-Object -Unique | Should -Be @(2)
    }

    It 'a piped row with Step 1.5 is refused for that row; the next row is written' {
        $dir = New-TestDir
        [pscustomobject]@{ Tag = 'h'; Value = @(1, 2); Step = 1.5 }, [pscustomobject]@{ Tag = 'h'; Value = @(3); Step = 3 } |
            Add-TbHistogram -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        (Get-TbEvent -Type Histogram $dir | ForEach-Object { "$($_.Step)=$($_.Sum)" }) | Should -Be @('3=3')
    }

    It 'Add-TbModelHistogram -Step 1.5 is refused at binding; a whole -Step gets past binding' {
        $dir = New-TestDir
        $w = New-TbWriter $dir
        try {
            $err = Get-TerminatingError { Add-TbModelHistogram -Module 'not a model' -Writer $w -Step 1.5 }
            $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$(Get-CommandId Add-TbModelHistogram)"
            # A whole number binds, so the next check (the module) is the one that fails.
            $err = Get-TerminatingError { Add-TbModelHistogram -Module 'not a model' -Writer $w -Step '7' }
            $err.FullyQualifiedErrorId | Should -BeExactly "NotAModule,$(Get-CommandId Add-TbModelHistogram)"
        }
        finally { Close-TbWriter $w }
    }

    It 'New-TbWriter -<Name> 1.5 is refused; 4.0 is 4' -ForEach @(
        @{ Name = 'GlobalStep' }
        @{ Name = 'PurgeStep' }
    ) {
        $dir = New-TestDir
        $p = @{ $Name = 1.5 }
        $err = Get-TerminatingError { New-TbWriter $dir @p }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentTransformationError,$(Get-CommandId New-TbWriter)"
        $p = @{ $Name = 4.0 }
        $w = New-TbWriter $dir @p
        try {
            if ($Name -eq 'GlobalStep') { $w.GlobalStep | Should -Be 4 }
        }
        finally { Close-TbWriter $w }
        if ($Name -eq 'PurgeStep') {
            # The purge events of PyTorch's purge_step sit at the step given.
            $file = @(Get-EventFile $dir)[0]
            $steps = foreach ($record in Read-TfRecord $file.FullName -SkipCrc) { Get-ProtoFieldValue @(ConvertFrom-ProtoField $record.Payload) 2 }
            @($steps | Where-Object { $_ -eq 4 }).Count | Should -Be 2
        }
    }
}

Describe '"cannot be created" names the file that could not be created' {
    BeforeAll {
        # /sys is a directory that exists and in which no file can be created, even by root.
        $script:noFiles = '/sys'
        $script:canProbe = $IsLinux -and (Test-Path -LiteralPath $noFiles -PathType Container) -and -not (& {
                try { [System.IO.File]::Create((Join-Path $noFiles 'tbps-probe')).Dispose(); $true } catch { $false }
            })
    }

    It 'New-TbWriter in a directory that exists: LogDirCreateFailed names the event file, not the directory' {
        if (-not $canProbe) { Set-ItResult -Skipped -Because 'needs /sys (Linux), where no file can be created'; return }
        $err = Get-TerminatingError { New-TbWriter -LogDir $noFiles }
        $err.FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$(Get-CommandId New-TbWriter)"
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.TargetObject | Should -BeExactly $noFiles
        "$err" | Should -BeLike "The event file '$noFiles/events.out.tfevents.*' cannot be created: *"
        "$err" | Should -Not -BeLike "*directory*cannot be created*"
    }

    It 'Add-TbText -LogDir in a directory that exists: LogDirCreateFailed names the event file, the log directory as target' {
        if (-not $canProbe) { Set-ItResult -Skipped -Because 'needs /sys (Linux), where no file can be created'; return }
        Add-TbText -LogDir $noFiles -Tag t -Value x -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$(Get-CommandId Add-TbText)"
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        $ev[0].TargetObject | Should -BeExactly $noFiles
        "$($ev[0])" | Should -BeLike "The event file '$noFiles/events.out.tfevents.*' cannot be created: *"
    }

    It 'a log directory that cannot be created (a file in the way) is still named as the directory' {
        $file = Join-Path $TestDrive 'in-the-way.txt'
        Set-Content -LiteralPath $file -Value 'x'
        $dir = Join-Path $file 'sub'
        $err = Get-TerminatingError { New-TbWriter -LogDir $dir }
        $err.FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$(Get-CommandId New-TbWriter)"
        $err.TargetObject | Should -BeExactly $dir
        "$err" | Should -BeLike "The log directory '$dir' cannot be created: *"
    }

    It 'a run that cannot be created names the run directory; the run is the target' {
        $dir = New-TestDir
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'taken') -Value 'a file where the run folder would go'
        [pscustomobject]@{ Run = 'taken'; Tag = 't'; Value = 'x' } | Add-TbText -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$(Get-CommandId Add-TbText)"
        $ev[0].TargetObject | Should -BeExactly 'taken'
        "$($ev[0])" | Should -BeLike "*'$(Join-Path $dir 'taken')' cannot be created: *"
    }

    It 'Add-TbScalars: a sub-run that cannot be created is LogDirCreateFailed (not a crash), the sub-run directory named and the target' {
        $dir = New-TestDir
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'loss_train') -Value 'a file where the sub-run would go'
        Add-TbScalars -LogDir $dir -Tag loss -Value ([ordered]@{ val = 2; train = 1 }) -Step 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        Add-TbScalars -LogDir $dir -Tag acc -Value @{ val = 3 } -Step 2 -ErrorAction Stop
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "LogDirCreateFailed,$(Get-CommandId Add-TbScalars)"
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        $sub = Join-Path $dir 'loss_train'
        $ev[0].TargetObject | Should -BeExactly $sub
        "$($ev[0])" | Should -BeLike "The log directory '$sub' cannot be created: *"
        (Get-TbEvent $dir | Sort-Object Run | ForEach-Object { "$($_.Run)=$($_.Step)" }) | Should -Be @('acc_val=2', 'loss_val=1')
    }

    It 'Save-TbMedia: a file that cannot be saved is named, and is the target' {
        $dest = Join-Path $TestDrive 'dest-is-a-file'
        Set-Content -LiteralPath $dest -Value 'not a folder'
        $e = @(Get-TbEvent -Type Image $pngDir)
        $e | Save-TbMedia -Destination $dest -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'FileWriteFailed,TbPowerShell.Commands.SaveTbMediaCommand'
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        $expected = Join-Path $dest 'seed' '0.png'
        $ev[0].TargetObject | Should -BeExactly $expected
        "$($ev[0])" | Should -BeLike "*'$expected'*"
    }
}
