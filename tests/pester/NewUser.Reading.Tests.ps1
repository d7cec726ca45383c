#Requires -Modules Pester
# Issue 13, the reading cmdlets as a new user meets them: names that match nothing are errors (literal names
# only), LastStep is the highest step, a file with no record is not an event file, completion honours the
# other parameters, default views show every digit, and JSON is compact.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $Pytorch = Join-Path $FixtureRoot 'pytorch'

    function New-Run([string] $Dir, [scriptblock] $Body) {
        $writer = [TbPowerShell.TbWriter]::new($Dir)
        try { & $Body $writer } finally { $writer.Dispose() }
    }
    function At([double] $Seconds) { [TbPowerShell.TbTimestamp]::new(1.7e9 + $Seconds) }

    $Runs = Join-Path $TestDrive 'runs'
    New-Run (Join-Path $Runs 'a') {
        param($w)
        foreach ($step in 0..99) {
            $w.AddScalar('train/loss', 1.0 / ($step + 1), $step, (At $step))
            $w.AddScalar('train/acc', $step / 100.0, $step, (At $step))
        }
        # An image at step 0, written last.
        $w.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Image('pics', [byte[]](1, 2, 3), 1, 1, 1), 0, (At 500))
    }
    New-Run (Join-Path $Runs 'b') {
        param($w)
        $w.AddScalar('train/loss', 0.5, [long]::MaxValue, (At 1))
        $w.AddScalar('train/loss', 0.25, 2, (At 2))
    }

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.ListItemText)
    }
    function Get-TagCompletion([string] $Command, [hashtable] $Bound) {
        $completer = [TbPowerShell.Completion.TbTagCompleter]::new()
        @($completer.CompleteArgument($Command, 'Tag', '', $null, $Bound).ListItemText)
    }
}

Describe 'A literal -Tag or -Run that matches nothing is an error (<Command>)' -ForEach @(
    @{ Command = 'Get-TbEvent'; Class = 'GetTbEventCommand' }
    @{ Command = 'Get-TbTag'; Class = 'GetTbTagCommand' }
    @{ Command = 'Get-TbRun'; Class = 'GetTbRunCommand' }
) {
    It 'a tag: one ObjectNotFound error TagNotFound, the name as target, and nothing else' {
        $out = @(& $Command $Runs -Tag 'trian/loss' -ErrorVariable errs -ErrorAction SilentlyContinue)
        if ($Command -ne 'Get-TbRun') { $out.Count | Should -Be 0 }
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "TagNotFound,TbPowerShell.Commands.$Class"
        $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $errs[0].TargetObject | Should -BeExactly 'trian/loss'
        "$($errs[0])" | Should -Match 'trian/loss'
    }

    It 'a run: one ObjectNotFound error RunNotFound, the name as target' {
        $out = @(& $Command $Runs -Run 'nope' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "RunNotFound,TbPowerShell.Commands.$Class"
        $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $errs[0].TargetObject | Should -BeExactly 'nope'
    }

    It 'reports only the names that matched nothing, once each, over all runs; the others are read' {
        $out = @(& $Command $Runs -Tag 'train/loss', 'nope', 'nope', 'TRAIN/ACC' -Run 'a', 'B', 'zz' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -BeGreaterThan 0
        @($errs | ForEach-Object { "$($_.FullyQualifiedErrorId.Split(',')[0]):$($_.TargetObject)" } | Sort-Object) |
            Should -Be @('RunNotFound:zz', 'TagNotFound:nope')
    }

    It 'wildcards that match nothing stay silent' {
        $out = @(& $Command $Runs -Tag 'trian/*' -Run '*' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 0
        $out = @(& $Command $Runs -Run 'no*' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 0
    }
}

Describe 'A tag not found among the types read' {
    It 'Get-TbEvent -Type Image -Tag of a scalar tag: TagNotFound naming the type' {
        @(Get-TbEvent $Runs -Type Image -Tag 'train/loss' -ErrorVariable errs -ErrorAction SilentlyContinue).Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'TagNotFound,TbPowerShell.Commands.GetTbEventCommand'
        "$($errs[0])" | Should -Match 'Image'
    }

    It 'Get-TbTag -Type Image -Tag pics finds it; -Type Scalar does not' {
        @(Get-TbTag $Runs -Type Image -Tag pics -ErrorVariable errs).Count | Should -Be 1
        $errs.Count | Should -Be 0
        @(Get-TbTag $Runs -Type Scalar -Tag pics -ErrorVariable errs -ErrorAction SilentlyContinue).Count | Should -Be 0
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'TagNotFound,TbPowerShell.Commands.GetTbTagCommand'
    }
}

Describe 'LastStep is the highest step, FirstStep the lowest' {
    It 'an image at step 0 written after scalars up to step 99: the run ends at 99, the image tag at 0' {
        $run = Get-TbRun $Runs -Run a
        $run.FirstStep | Should -Be 0
        $run.LastStep | Should -Be 99
        $tags = @(Get-TbTag $Runs -Run a)
        ($tags | Where-Object Tag -eq 'train/loss').LastStep | Should -Be 99
        ($tags | Where-Object Tag -eq 'pics').LastStep | Should -Be 0
    }

    It 'step 2^63-1 then step 2: LastStep 2^63-1, FirstStep 2, and the last value is still the last written' {
        $run = Get-TbRun $Runs -Run b
        $run.LastStep | Should -Be ([long]::MaxValue)
        $run.FirstStep | Should -Be 2
        $tag = Get-TbTag $Runs -Run b
        $tag.LastStep | Should -Be ([long]::MaxValue)
        $tag.FirstStep | Should -Be 2
        $tag.LastValue | Should -Be 0.25
        $tag.LastWallTime.UnixSeconds | Should -Be (1.7e9 + 2)
    }

    It 'Sort-Object LastStep puts the run that went furthest last' {
        (Get-TbRun $Runs | Sort-Object LastStep)[-1].Run | Should -Be 'b'
    }
}

Describe 'A file with no intact record is not an event file' {
    BeforeAll {
        $Garbage = Join-Path $TestDrive 'garbage/notes'
        New-Item -ItemType Directory $Garbage -Force | Out-Null
        $GarbageFile = Join-Path $Garbage 'events.out.tfevents.1700000000.host.1.0'
        [System.IO.File]::WriteAllBytes($GarbageFile, [byte[]](1..32))
    }

    It 'Test-TbEventFile: a NoIntactRecords error (InvalidData, the file as target), no report' {
        $out = @(Test-TbEventFile $GarbageFile -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NoIntactRecords,TbPowerShell.Commands.TestTbEventFileCommand'
        $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
        $errs[0].TargetObject | Should -BeExactly $GarbageFile
        "$($errs[0])" | Should -Match 'not an event file'
    }

    It 'Test-TbEventFile: an empty file (one just created) is still a healthy event file' {
        $empty = Join-Path $TestDrive 'empty/events.out.tfevents.1.host'
        New-Item -ItemType File $empty -Force | Out-Null
        $r = @(Test-TbEventFile $empty -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r[0].IsHealthy | Should -BeTrue
    }

    It 'Get-TbRun and Get-TbTag: a NoIntactRecords error for the file, no run made of it; other runs as before' {
        Copy-Item -Recurse (Join-Path $Runs 'a') (Join-Path $TestDrive 'garbage/a')
        $out = @(Get-TbRun (Join-Path $TestDrive 'garbage') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns)
        @($out.Run) | Should -Be @('a')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NoIntactRecords,TbPowerShell.Commands.GetTbRunCommand'
        $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
        $errs[0].TargetObject | Should -BeExactly $GarbageFile
        $tags = @(Get-TbTag (Join-Path $TestDrive 'garbage') -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($tags.Run | Select-Object -Unique) | Should -Be @('a')
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NoIntactRecords,TbPowerShell.Commands.GetTbTagCommand'
    }
}

Describe 'Completion honours the other parameters' {
    It 'Get-TbEvent -Type Image -Tag <Tab> offers image tags only; -Type Scalar scalar tags only' {
        Get-Completion "Get-TbEvent $Runs -Type Image -Tag " | Should -Be @('pics')
        Get-Completion "Get-TbEvent $Runs -Type Scalar -Tag " | Should -Be @('train/acc', 'train/loss')
        Get-Completion "Get-TbTag $Runs -Type Image, Scalar -Tag train/l" | Should -Be @('train/loss')
        Get-Completion "Get-TbEvent $Runs -Tag " | Should -Be @('pics', 'train/acc', 'train/loss')
    }

    It 'the fixtures: -Type Image offers exactly the image tags Get-TbTag lists' {
        $expected = @(Get-TbTag $Pytorch -Type Image | ForEach-Object Tag | Sort-Object -Unique -CaseSensitive)
        $expected.Count | Should -BeGreaterThan 0
        @(Get-Completion "Get-TbEvent $Pytorch -Type Image -Tag " | Sort-Object -CaseSensitive) | Should -Be $expected
    }

    It 'Add-TbScalar -LogDir <dir> -Tag <Tab>: that log directory''s scalar tags (Add-TbImage: its image tags)' {
        Get-TagCompletion 'Add-TbScalar' @{ LogDir = (Join-Path $Runs 'a') } | Should -Be @('train/acc', 'train/loss')
        Get-TagCompletion 'Add-TbImage' @{ LogDir = (Join-Path $Runs 'a') } | Should -Be @('pics')
        Get-TagCompletion 'Add-TbScalar' @{ LogDir = $Runs; Run = 'b' } | Should -Be @('train/loss')
        Get-TagCompletion 'Add-TbScalar' @{ LogDir = (Join-Path $TestDrive 'nothing-here') } | Should -Be @()
    }

    It 'the writing cmdlets'' -Tag offers them on Tab (the completer is on the shared parameter)' {
        $a = Join-Path $Runs 'a'
        @(Get-Completion "Add-TbScalar -LogDir '$a' -Tag ") | Should -Be @('train/acc', 'train/loss')
        @(Get-Completion "Add-TbImage -LogDir '$a' -Tag ") | Should -Be @('pics')
    }

    It 'Add-TbScalar -Writer $w -Tag <Tab>: the tags of the writer''s log directory' {
        $w = New-TbWriter -LogDir (Join-Path $TestDrive 'written')
        try {
            Add-TbScalar -Writer $w -Tag 'val/f1' -Value 1 -Step 1
            $w.Flush()
            Get-TagCompletion 'Add-TbScalar' @{ Writer = $w } | Should -Be @('val/f1')
        }
        finally { Close-TbWriter $w }
    }
}

Describe 'Default views show every digit' {
    BeforeAll {
        $Wide = Join-Path $TestDrive 'wide'
        New-Run (Join-Path $Wide 'r') {
            param($w)
            $w.AddScalar('lr', 0.0001, 0, (At 0))
            $w.AddScalar('loss', 0.0042, 0, (At 0))
            $w.AddScalar('lr', 0.0909090909090909, [long]::MaxValue, (At 1))
            $w.AddScalar('loss', -1.2345678E-30, [long]::MaxValue, (At 1))
        }
        function Show([scriptblock] $Produce) { (& $Produce | Out-String -Width 250) }
    }

    It 'pivot rows: values with seven significant digits, the local wall time to the millisecond, every step digit' {
        $text = Show { Get-TbEvent $Wide -Pivot }
        $text | Should -Match '\b0\.0001\b'
        $text | Should -Match '\b0\.0042\b'
        $text | Should -Not -Match '(?<![\d.])0\.00(?!\d)'
        $text | Should -Match '9223372036854775807'
        $text | Should -Match ([regex]::Escape((At 0).LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss.fff')))
        $text | Should -Match ([regex]::Escape(([double][float]-1.2345678E-30).ToString('G7')))
        $text | Should -Not -Match '…'
        # The rows are still the objects they were: the view only changes how they show.
        $rows = @(Get-TbEvent $Wide -Pivot)
        $rows[0].lr | Should -Be ([double][float]0.0001)
        $rows[0] | Should -BeOfType ([TbPowerShell.TbPivotRow])
    }

    It 'values streamed after the table has sized its columns are not cut (as with -Wait)' {
        # The formatter sizes columns from what arrives in its first 300 ms: a long step or value after that
        # fits only if the view's column is wide enough for any step and any value.
        $text = Show { Get-TbEvent $Wide -MaxStep 0; Start-Sleep -Milliseconds 700; Get-TbEvent $Wide -MinStep 1 }
        $text | Should -Match '9223372036854775807'
        $text | Should -Match ([regex]::Escape(([double][float]-1.2345678E-30).ToString('G7')))
        $text | Should -Not -Match '…'
        $text = Show { Get-TbEvent $Wide -MaxStep 0 -Smoothing 0.5; Start-Sleep -Milliseconds 700; Get-TbEvent $Wide -MinStep 1 -Smoothing 0.5 }
        $text | Should -Match '9223372036854775807'
        $text | Should -Not -Match '…'
    }

    It 'no table view has a number column narrower than its largest value' {
        # Steps and other Int64 columns need 20 characters, Int32 11, a G7 double 14; summaries size themselves.
        [xml] $format = Get-Content -Raw (Join-Path (Split-Path $modulePath) 'TbPowerShell.format.ps1xml')
        $needs = @{ Step = 20; GlobalStep = 20; Frames = 20; Value = 14; Smoothed = 14; Count = 14; Min = 14; Max = 14; Mean = 14
                    SampleRate = 14; Width = 11; Height = 11; Channels = 11; Size = 11; Buckets = 11; Pending = 11
                    EventsWritten = 19; Length = 19; IntactRecords = 19; DamagedBytes = 19; RecordsKept = 19; BytesRemoved = 19 }
        foreach ($view in $format.Configuration.ViewDefinitions.View) {
            if ($null -eq $view.TableControl -or $null -ne $view.TableControl.AutoSize) { continue }
            foreach ($header in $view.TableControl.TableHeaders.TableColumnHeader) {
                if ($view.Name -ne 'TbPowerShell.TbBoard') {
                    # One column without a width and PowerShell sizes every column from the first rows, widths or not.
                    $header.Width | Should -Not -BeNullOrEmpty -Because "$($view.Name) $($header.Label)"
                }
                if ($needs.ContainsKey($header.Label)) {
                    [int]$header.Width | Should -BeGreaterOrEqual $needs[$header.Label] -Because "$($view.Name) $($header.Label)"
                }
            }
        }
        @($format.Configuration.ViewDefinitions.View | Where-Object { $null -ne $_.TableControl.AutoSize }).Name |
            Should -Be @('TbPowerShell.TbWriter', 'TbPowerShell.Core.IO.EventFileHealthReport', 'TbPowerShell.Core.IO.EventFileRepairResult', 'TbPowerShell.TbTagSummary', 'TbPowerShell.TbRunSummary')
    }

    It 'Get-TbTag and Get-TbRun tables fit every step, from any run' {
        $text = Show { Get-TbTag $Runs }
        $text | Should -Match '9223372036854775807'
        $text | Should -Not -Match '…'
        $text = Show { Get-TbRun $Runs }
        $text | Should -Match '9223372036854775807'
        $text | Should -Not -Match '…'
    }
}

Describe 'ConvertTo-Json of what the reading cmdlets emit' {
    BeforeAll {
        $Media = Join-Path $TestDrive 'media'
        $Png = [byte[]](1..255) * 20   # stands for an encoded image: 5,100 bytes
        New-Run (Join-Path $Media 'm') {
            param($w)
            $w.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Image('pics', $Png, 10, 10, 3), 7, (At 7))
            $w.AddScalar('loss', 0.5, 7, (At 7))
        }
    }

    It 'an image''s bytes are one base64 string, not an array of numbers (about a third of the size)' {
        $image = Get-TbEvent $Media -Type Image
        $json = $image | ConvertTo-Json -Compress
        $doc = $json | ConvertFrom-Json
        $doc.BytesBase64 | Should -BeExactly ([Convert]::ToBase64String($Png))
        $doc.PSObject.Properties.Name | Should -Not -Contain 'Bytes'
        $json.Length | Should -BeLessThan (1.5 * $Png.Length)
        [Convert]::FromBase64String($doc.BytesBase64) | Should -Be $image.Bytes
        # Still the bytes everywhere else, hidden from views and CSV.
        $image.Bytes.GetType() | Should -Be ([byte[]])
        ($image | ConvertTo-Csv)[0] | Should -Not -Match 'Bytes'
    }

    It 'wall times are one ISO 8601 string each (the CSV''s text), in events, pivot rows, runs and tags' {
        $scalar = Get-TbEvent $Media
        $doc = $scalar | ConvertTo-Json -Compress | ConvertFrom-Json -DateKind String
        $doc.WallTime | Should -BeExactly $scalar.WallTime.ToString()
        $row = Get-TbEvent $Media -Pivot | ConvertTo-Json -Compress | ConvertFrom-Json -DateKind String
        $row.WallTime | Should -BeExactly $scalar.WallTime.ToString()
        @($row.PSObject.Properties.Name) | Should -Be @('Run', 'Step', 'WallTime', 'loss')
        $run = Get-TbRun $Media | ConvertTo-Json | ConvertFrom-Json -DateKind String
        $run.FirstWallTime | Should -BeExactly (At 7).ToString()
        $run.LastWallTime | Should -BeExactly (At 7).ToString()
        $tag = Get-TbTag $Media -Tag loss | ConvertTo-Json | ConvertFrom-Json -DateKind String
        $tag.FirstWallTime | Should -BeExactly (At 7).ToString()
        # PowerShell itself still sees timestamps.
        (Get-TbRun $Media).FirstWallTime | Should -BeOfType [TbPowerShell.TbTimestamp]
        (Get-TbTag $Media -Tag loss).LastWallTime | Should -BeOfType [TbPowerShell.TbTimestamp]
    }

    It 'JSON read back writes the same scalars again (ConvertFrom-Json gives the wall time as a date)' {
        $out = Join-Path $TestDrive 'from-json'
        Get-TbEvent $Media | ConvertTo-Json | ConvertFrom-Json | Add-TbScalar -LogDir $out
        $back = Get-TbEvent $out
        $back.Tag | Should -BeExactly 'loss'
        $back.Step | Should -Be 7
        $back.Value | Should -Be 0.5
        $back.WallTime | Should -Be (At 7)
    }

    It 'histogram counts are integers (1000, not 1000.0) and a count that is not whole stays as stored' {
        $dir = Join-Path $TestDrive 'hist-json'
        New-Run (Join-Path $dir 'h') {
            param($w)
            $whole = [TbPowerShell.Core.Proto.HistogramProto]@{ Min = 0; Max = 2; Num = 1000; Sum = 900; SumSquares = 1000 }
            $whole.BucketLimit.AddRange([double[]](1, 2)); $whole.Bucket.AddRange([double[]](400, 600))
            $w.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Histogram('whole', $whole), 1, (At 1))
            $part = [TbPowerShell.Core.Proto.HistogramProto]@{ Min = 0; Max = 2; Num = 2.5; Sum = 2; SumSquares = 3 }
            $part.BucketLimit.AddRange([double[]](1, 2)); $part.Bucket.AddRange([double[]](1.25, 1.25))
            $w.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Histogram('part', $part), 1, (At 1))
        }
        $json = Get-TbEvent $dir -Type Histogram -Tag whole | ConvertTo-Json -Compress -Depth 3
        $json | Should -Match '"Count":1000,'
        $json | Should -Match '"Count":400\}'
        $json | Should -Not -Match '"Count":\d+\.0'
        $whole = Get-TbEvent $dir -Type Histogram -Tag whole
        $whole.Count | Should -BeOfType [long]
        $whole.Buckets[1].Count | Should -BeOfType [long]
        $whole.Mean | Should -Be 0.9
        $part = Get-TbEvent $dir -Type Histogram -Tag part
        $part.Count | Should -BeOfType [double]
        $part.Count | Should -Be 2.5
        (Get-TbEvent $dir -Type Histogram -Tag part | ConvertTo-Json -Compress -Depth 3) | Should -Match '"Count":2\.5,'
    }

    It 'every output type whose PowerShell value differs from its .NET one has the module''s property adapter' {
        $assembly = [TbPowerShell.TbScalarEvent].Assembly
        $attribute = $assembly.GetType('TbPowerShell.Internal.PowerShellValueAttribute', $true)
        $marked = @($assembly.GetExportedTypes() | Where-Object {
                -not $_.IsAbstract -and @($_.GetProperties() | Where-Object { [Attribute]::IsDefined($_, $attribute, $true) }).Count
            })
        $marked.Count | Should -BeGreaterOrEqual 9
        foreach ($type in $marked) {
            (Get-TypeData $type.FullName).TypeAdapter.FullName | Should -BeExactly 'TbPowerShell.Internal.TbPropertyAdapter' -Because $type.FullName
        }
    }

    It 'Get-TbRun, Get-TbTag and Test-TbEventFile objects convert (steps as integers)' {
        $run = Get-TbRun $Media | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $run.LastStep | Should -Be 7
        $run.Values | Should -Be 2
        $tags = @(Get-TbTag $Media | ConvertTo-Json -Depth 3 | ConvertFrom-Json)
        @($tags.Tag | Sort-Object) | Should -Be @('loss', 'pics')
        $health = Test-TbEventFile $Media | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $health.IntactRecords | Should -Be 3
        $health.IsHealthy | Should -BeTrue
    }
}
