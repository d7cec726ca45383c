#Requires -Modules Pester
# Issue 13, point 8: Get-TbEvent -Pivot streams. Rows leave as their step completes (a first scan finds the
# columns and the runs whose steps go back), with the same table as before in every case: checked against a
# wide table built here, independently, from the plain read's objects (one row per run and step, runs in the
# order first read, steps ascending, the last value of a tag at a step kept, the latest wall time).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $T0 = 1700000000.0
    function Write-Run([string] $Directory, [object[]] $Values, [string] $Suffix = '') {
        # $Values: @(tag, value, step) triples, written in this order with the core writer.
        $options = [TbPowerShell.TbWriterOptions]::new()
        $options.FilenameSuffix = $Suffix
        $w = [TbPowerShell.TbWriter]::new($Directory, $options)
        try {
            $i = 0
            foreach ($v in $Values) {
                $w.AddScalar($v[0], $v[1] + 0.0, [long]$v[2], [TbPowerShell.TbTimestamp]::new($T0 + 0.25 * $i++))
            }
        }
        finally { $w.Close() }
    }

    function Get-Training([long] $From, [long] $To, [int] $Seed) {
        # loss every step (twice at every 7th: the later wins), accuracy at most steps, lr every 10th.
        $rng = [Random]::new($Seed)
        for ($s = $From; $s -lt $To; $s++) {
            # (A comma binds tighter than arithmetic: each figure in its own parentheses.)
            , @('train/loss', ($rng.NextDouble()), $s)
            if ($s % 5 -ne 3) { , @('train/accuracy', ($rng.NextDouble()), $s) }
            if ($s % 10 -eq 0) { , @('lr', (0.001 / (1 + $s)), $s) }
            if ($s % 7 -eq 0) { , @('train/loss', (-$rng.NextDouble()), $s) }
        }
    }

    function Get-ExpectedPivot {
        # The wide table, built from the plain read's objects (same arguments, without -Pivot).
        param([hashtable] $Arguments)
        $events = @(Get-TbEvent @Arguments)
        [string[]] $tags = @($events | ForEach-Object Tag | Select-Object -Unique)
        [Array]::Sort($tags, [StringComparer]::Ordinal)
        $tags = @($tags | Select-Object -Unique)
        $runs = [Collections.Generic.List[string]]::new()
        $rows = @{}
        foreach ($e in $events) {
            if (-not $rows.ContainsKey($e.Run)) { $runs.Add($e.Run); $rows[$e.Run] = @{} }
            $byStep = $rows[$e.Run]
            if (-not $byStep.ContainsKey($e.Step)) { $byStep[$e.Step] = @{ WallTime = $e.WallTime; Cells = @{} } }
            $row = $byStep[$e.Step]
            if ($e.WallTime.UnixSeconds -gt $row.WallTime.UnixSeconds) { $row.WallTime = $e.WallTime }
            $row.Cells[$e.Tag] = $e.Value
        }
        foreach ($run in $runs) {
            foreach ($step in @($rows[$run].Keys | Sort-Object)) {
                $row = $rows[$run][$step]
                $out = [ordered]@{ Run = $run; Step = $step; WallTime = $row.WallTime }
                foreach ($tag in $tags) { $out[$tag] = $row.Cells[$tag] }
                [pscustomobject]$out
            }
        }
    }

    function Test-SameTable([hashtable] $Arguments) {
        $expected = @(Get-ExpectedPivot $Arguments | ConvertTo-Csv)
        $actual = @(Get-TbEvent @Arguments -Pivot | ConvertTo-Csv)
        $expected.Count | Should -BeGreaterThan 1
        $actual | Should -Be $expected
    }

    $Root = Join-Path $TestDrive 'runs'
    Write-Run (Join-Path $Root 'a-steady') @(Get-Training 0 120 1)
    # Tag by tag, as a CSV sorted by tag gives them: the steps go back at each tag.
    Write-Run (Join-Path $Root 'b-by-tag') @(Get-Training 0 60 2 | Sort-Object { $_[0] } -CaseSensitive)
    # Resumed from a checkpoint: the second file goes back to step 40.
    Write-Run (Join-Path $Root 'c-restarted') @(Get-Training 0 70 3) -Suffix '.0'
    Write-Run (Join-Path $Root 'c-restarted') @(Get-Training 40 90 4) -Suffix '.1'
    # Two files that carry on in order, one step across both; a tag of its own.
    Write-Run (Join-Path $Root 'd-two-files') @(Get-Training 0 50 5) -Suffix '.0'
    Write-Run (Join-Path $Root 'd-two-files') @(@(, @('zeta', 1.5, 49)) + @(Get-Training 50 80 6)) -Suffix '.1'
}

Describe 'Get-TbEvent -Pivot gives the same table while streaming' {
    It 'in order, out of order, restarted and multi-file runs read together (<Name>)' -ForEach @(
        @{ Name = 'all runs'; Extra = @{} }
        @{ Name = 'one thread'; Extra = @{ ThrottleLimit = 1 } }
        @{ Name = 'step bounds'; Extra = @{ MinStep = 41; MaxStep = 65 } }
        @{ Name = 'a tag and runs chosen'; Extra = @{ Tag = 'train/*'; Run = 'b*', 'c*' } }
    ) {
        Test-SameTable (@{ Path = $Root } + $Extra)
    }

    It 'the table of each run alone' -ForEach @('a-steady', 'b-by-tag', 'c-restarted', 'd-two-files') {
        Test-SameTable @{ Path = (Join-Path $Root $_) }
    }

    It 'a run reached by two paths: its rows stay together, as the whole table had them' {
        $x = Join-Path $TestDrive 'x'; $z = Join-Path $TestDrive 'z'
        Write-Run (Join-Path $x 'run') @(Get-Training 0 30 7)
        Write-Run (Join-Path $x 'other') @(Get-Training 0 10 8)
        Write-Run (Join-Path $z 'run') @(Get-Training 30 60 9)
        Test-SameTable @{ Path = $x, $z }
        $rows = @(Get-TbEvent $x, $z -Pivot)
        @($rows | ForEach-Object Run | Select-Object -Unique) | Should -Be @('other', 'run')
        @($rows | Where-Object Run -eq 'run').Count | Should -Be 60
    }

    It 'paths piped one by one make one table with every tag a column' {
        $rows = @(Get-ChildItem -LiteralPath $Root -Directory | Get-TbEvent -Pivot)
        $rows.Count | Should -Be @(Get-TbEvent $Root -Pivot).Count
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Run', 'Step', 'WallTime', 'lr', 'train/accuracy', 'train/loss', 'zeta')
    }

    It 'smoothed columns stream as they were' {
        $smoothed = @(Get-TbEvent $Root -Run a-steady -Tag train/loss -Smoothing 0.6)
        $rows = @(Get-TbEvent $Root -Run a-steady -Tag train/loss -Pivot -Smoothing 0.6)
        # One smoothed figure per value read; a step's cell holds its last value's.
        $last = @{}
        foreach ($e in $smoothed) { $last[$e.Step] = $e.Smoothed }
        @($rows | ForEach-Object { $_.'train/loss (smoothed)' }) | Should -Be @(0..119 | ForEach-Object { $last[[long]$_] })
    }
}

Describe 'Get-TbEvent -Pivot hands rows on before the read ends' {
    BeforeAll {
        # Run a in order, then run b whose file is damaged half-way: the read reports the damage when it gets there.
        $Damaged = Join-Path $TestDrive 'damaged'
        Write-Run (Join-Path $Damaged 'a') @(Get-Training 0 40 10)
        Write-Run (Join-Path $Damaged 'b') @(Get-Training 0 40 11)
        $file = @(Get-ChildItem (Join-Path $Damaged 'b') -File)[0].FullName
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 0xFF
        [IO.File]::WriteAllBytes($file, $bytes)
    }

    It 'the first run''s rows leave before the second run''s damage is read' {
        $seen = @(Get-TbEvent $Damaged -Pivot -ThrottleLimit 1 -ErrorVariable pivotErrors -ErrorAction SilentlyContinue |
            ForEach-Object { [pscustomobject]@{ Run = $_.Run; Step = $_.Step; ErrorsSoFar = $pivotErrors.Count } })
        $pivotErrors.Count | Should -Be 1
        $pivotErrors[0].FullyQualifiedErrorId | Should -BeExactly 'EventFileDamaged,TbPowerShell.Commands.GetTbEventCommand'
        @($seen | Where-Object Run -eq 'a' | Where-Object ErrorsSoFar -ne 0) | Should -BeNullOrEmpty
        $seen[-1].ErrorsSoFar | Should -Be 1
        @($seen | Where-Object Run -eq 'a').Count | Should -Be 40
    }

    It 'with -Tail the table still needs every series to its end, so it leaves after the whole read' {
        $seen = @(Get-TbEvent $Damaged -Pivot -Tail 5 -ThrottleLimit 1 -ErrorVariable tailErrors -ErrorAction SilentlyContinue |
            ForEach-Object { $tailErrors.Count })
        $seen.Count | Should -BeGreaterThan 0
        @($seen | Sort-Object -Unique) | Should -Be @(1)
    }

    It 'Select-Object -First 1 stops the read after the first row' {
        $first = Get-TbEvent $Root -Pivot | Select-Object -First 1
        "$($first.Run)@$($first.Step)" | Should -Be 'a-steady@0'
        $first.'train/loss' | Should -Not -BeNullOrEmpty
    }
}
