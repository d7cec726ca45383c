#Requires -Modules Pester
# Get-TbEvent's shaping options: TensorBoard's smoothing and a moving average (checked against an
# independent PowerShell reading of TensorBoard's formula), step and time filters, the last N per
# tag, the wide table (-Pivot) and the errors for options that cannot be combined.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-TensorBoardSmoothed([double[]] $Values, [double] $Weight) {
        # TensorBoard's dashboard (data_transformer.ts classicSmoothing), written out independently.
        $constant = $true
        foreach ($v in $Values) { if (-not ($v -eq $Values[0]) -or [double]::IsNaN($v)) { $constant = $false } }
        if ($constant) { return $Values }
        $last = 0.0; $n = 0
        foreach ($v in $Values) {
            if ([double]::IsNaN($v) -or [double]::IsInfinity($v)) { $v; continue }
            $last = $last * $Weight + (1 - $Weight) * $v
            $n++
            $debias = if ($Weight -eq 1) { 1.0 } else { 1 - [Math]::Pow($Weight, $n) }
            $last / $debias
        }
    }

    $Root = Join-Path $TestDrive 'runs'
    $T0 = 1700000000.0
    # Run a: loss (noisy, steps 0..49), acc (every 5 steps), lr constant. Run b: loss only, steps 0..19.
    $w = New-TbWriter -LogDir (Join-Path $Root 'a')
    $rng = [Random]::new(7)
    $Loss = foreach ($s in 0..49) { [Math]::Exp(-$s / 10) + $rng.NextDouble() * 0.1 }
    foreach ($s in 0..49) {
        Add-TbScalar -Writer $w -Tag loss -Value $Loss[$s] -Step $s -WallTime ([TbPowerShell.TbTimestamp]::new($T0 + $s))
        Add-TbScalar -Writer $w -Tag lr -Value 0.01 -Step $s -WallTime ([TbPowerShell.TbTimestamp]::new($T0 + $s))
        if ($s % 5 -eq 0) { Add-TbScalar -Writer $w -Tag acc -Value ($s / 50) -Step $s -WallTime ([TbPowerShell.TbTimestamp]::new($T0 + $s + 0.5)) }
    }
    Close-TbWriter $w
    $wb = New-TbWriter -LogDir (Join-Path $Root 'b')
    foreach ($s in 0..19) { Add-TbScalar -Writer $wb -Tag loss -Value (2 * $s) -Step $s -WallTime ([TbPowerShell.TbTimestamp]::new($T0 + 100 + $s)) }
    Close-TbWriter $wb
    # Values are stored as float32.
    $LossStored = [double[]]@($Loss | ForEach-Object { [double][float]$_ })
}

Describe 'Get-TbEvent -Smoothing' {
    It 'adds the value TensorBoard draws (debiased EMA) beside the raw value, per run and tag' {
        $events = @(Get-TbEvent $Root -Tag loss -Smoothing 0.6)
        $events | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.TbSmoothedScalarEvent]) }
        $a = @($events | Where-Object Run -eq 'a')
        @($a.Value) | Should -Be $LossStored
        $expected = @(Get-TensorBoardSmoothed $LossStored 0.6)
        for ($i = 0; $i -lt $a.Count; $i++) { $a[$i].Smoothed | Should -BeGreaterOrEqual ($expected[$i] - 1e-12); $a[$i].Smoothed | Should -BeLessOrEqual ($expected[$i] + 1e-12) }
        # Run b is smoothed on its own, starting afresh.
        $b = @($events | Where-Object Run -eq 'b')
        $b[0].Smoothed | Should -Be 0
        $b[1].Smoothed | Should -Be ((0.4 * 0 * 0.6 + 0.4 * 2) / (1 - 0.36))
    }

    It 'draws a constant series unsmoothed, as TensorBoard does' {
        $lr = @(Get-TbEvent $Root -Tag lr -Smoothing 0.99)
        $lr.Count | Should -Be 50
        @($lr.Smoothed | Sort-Object -Unique) | Should -Be @([double][float]0.01)
    }

    It 'smooths over the whole series before the step filter, so a value''s smoothed figure does not depend on the filter' {
        $all = @(Get-TbEvent $Root -Run a -Tag loss -Smoothing 0.9)
        $late = @(Get-TbEvent $Root -Run a -Tag loss -Smoothing 0.9 -MinStep 40)
        $late.Count | Should -Be 10
        @($late.Smoothed) | Should -Be @($all[40..49].Smoothed)
    }

    It 'keeps the CSV columns Run, Tag, Step, WallTime, Value, Smoothed, and Add-TbScalar takes the rows back' {
        $csv = Join-Path $TestDrive 'smoothed.csv'
        Get-TbEvent $Root -Run b -Smoothing 0.5 | Export-Csv $csv
        (Get-Content $csv -First 1) | Should -Be '"Run","Tag","Step","WallTime","Value","Smoothed"'
        Import-Csv $csv | Add-TbScalar -LogDir (Join-Path $TestDrive 'back')
        @((Get-TbEvent (Join-Path $TestDrive 'back')).Value) | Should -Be @((Get-TbEvent $Root -Run b).Value)
    }

    It 'leaves other kinds of values as they are with -Type All' {
        $dir = Join-Path $TestDrive 'mixed'
        $w = New-TbWriter -LogDir $dir
        Add-TbScalar -Writer $w -Tag s -Value 1 -Step 0
        Add-TbScalar -Writer $w -Tag s -Value 3 -Step 1
        Add-TbText -Writer $w -Tag note -Text 'hello' -Step 0
        Close-TbWriter $w
        $out = @(Get-TbEvent $dir -Type All -Smoothing 0.5)
        @($out | ForEach-Object { $_.GetType().Name }) | Should -Be @('TbSmoothedScalarEvent', 'TbSmoothedScalarEvent', 'TbTextEvent')
        $out[2].Text | Should -Be 'hello'
        $out[1].Smoothed | Should -Be ((0.5 * 0.5 + 0.5 * 3) / 0.75)
    }
}

Describe 'Get-TbEvent -MovingAverage' {
    It 'averages the trailing window of each series' {
        $b = @(Get-TbEvent $Root -Run b -MovingAverage 4)
        $b[0].Smoothed | Should -Be 0
        $b[1].Smoothed | Should -Be 1
        $b[3].Smoothed | Should -Be 3
        $b[10].Smoothed | Should -Be ((14 + 16 + 18 + 20) / 4)
        @($b.Value) | Should -Be @(0..19 | ForEach-Object { 2 * $_ })
    }
}

Describe 'Get-TbEvent step and time filters, and the last N per tag' {
    It 'keeps an inclusive step range' {
        $e = @(Get-TbEvent $Root -Run a -Tag loss -MinStep 10 -MaxStep 14)
        @($e.Step) | Should -Be @(10, 11, 12, 13, 14)
        @(Get-TbEvent $Root -Run a -Tag acc -MaxStep 10).Step | Should -Be @(0, 5, 10)
    }

    It 'keeps values logged after (and before) a time' {
        $after = [DateTimeOffset]::FromUnixTimeSeconds([long]($T0 + 45)).UtcDateTime
        $e = @(Get-TbEvent $Root -Run a -Tag loss -After $after)
        @($e.Step) | Should -Be @(46, 47, 48, 49)
        $before = [DateTimeOffset]::FromUnixTimeSeconds([long]($T0 + 3)).UtcDateTime
        @((Get-TbEvent $Root -Run a -Tag loss -Before $before).Step) | Should -Be @(0, 1, 2)
        # A local time means the same instant.
        @((Get-TbEvent $Root -Run a -Tag loss -After $after.ToLocalTime()).Step) | Should -Be @(46, 47, 48, 49)
    }

    It 'keeps the last N values of each run and tag, in file order' {
        $e = @(Get-TbEvent $Root -Tail 2)
        @($e | ForEach-Object { '{0}/{1}@{2}' -f $_.Run, $_.Tag, $_.Step }) |
            Should -Be @('a/acc@40', 'a/acc@45', 'a/loss@48', 'a/lr@48', 'a/loss@49', 'a/lr@49', 'b/loss@18', 'b/loss@19')
        @(Get-TbEvent $Root -Last 1 -Run b).Step | Should -Be 19
        @(Get-TbEvent $Root -Tail 0).Count | Should -Be 0
    }

    It 'applies -Tail after the step filter' {
        @((Get-TbEvent $Root -Run a -Tag loss -MaxStep 20 -Tail 3).Step) | Should -Be @(18, 19, 20)
    }
}

Describe 'Get-TbEvent -Pivot' {
    It 'emits one row per run and step with a column per tag, in a fixed order' {
        $rows = @(Get-TbEvent $Root -Pivot)
        $rows.Count | Should -Be 70
        $rows[0] | Should -BeOfType ([TbPowerShell.TbPivotRow])
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Run', 'Step', 'WallTime', 'acc', 'loss', 'lr')
        @($rows | Select-Object -First 3 | ForEach-Object { "$($_.Run)@$($_.Step)" }) | Should -Be @('a@0', 'a@1', 'a@2')
        $rows[5].acc | Should -Be ([double][float](5 / 50))
        $rows[5].loss | Should -Be $LossStored[5]
        $rows[6].acc | Should -BeNullOrEmpty
        # The row's wall time is the latest of its values.
        $rows[5].WallTime.UnixSeconds | Should -Be ($T0 + 5.5)
        $b = @($rows | Where-Object Run -eq 'b')
        $b.Count | Should -Be 20
        $b[3].loss | Should -Be 6
        $b[3].acc | Should -BeNullOrEmpty
    }

    It 'writes a CSV whose header has every tag and whose empty cells are missing values' {
        $csv = Join-Path $TestDrive 'wide.csv'
        Get-TbEvent $Root -Pivot | Export-Csv $csv
        $lines = @(Get-Content $csv)
        $lines[0] | Should -Be '"Run","Step","WallTime","acc","loss","lr"'
        $lines.Count | Should -Be 71
        ($lines | Where-Object { $_ -like '"b","3",*' }) | Should -Match '^"b","3","[^"]+",,"6",$'
    }

    It 'puts each tag''s smoothed column right after it when smoothing' {
        $rows = @(Get-TbEvent $Root -Run b -Pivot -Smoothing 0.6)
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Run', 'Step', 'WallTime', 'loss', 'loss (smoothed)')
        $smoothed = @(Get-TbEvent $Root -Run b -Smoothing 0.6)
        @($rows | ForEach-Object { $_.'loss (smoothed)' }) | Should -Be @($smoothed.Smoothed)
    }

    It 'combines with -Tail and the filters' {
        $rows = @(Get-TbEvent $Root -Run a -Pivot -Tail 1)
        # acc's last value is at step 45, loss's and lr's at 49.
        @($rows | ForEach-Object { $_.Step }) | Should -Be @(45, 49)
        $rows[0].loss | Should -BeNullOrEmpty
        $rows[1].acc | Should -BeNullOrEmpty
        @((Get-TbEvent $Root -Pivot -MinStep 18 -MaxStep 19) | ForEach-Object { "$($_.Run)@$($_.Step)" }) | Should -Be @('a@18', 'a@19', 'b@18', 'b@19')
    }
}

Describe 'Get-TbEvent shaping errors' {
    It 'refuses <Name>' -ForEach @(
        @{ Name = '-Smoothing with -MovingAverage'; Arguments = @{ Smoothing = 0.5; MovingAverage = 3 }; Id = 'IncompatibleParameters' }
        @{ Name = '-Pivot with images'; Arguments = @{ Pivot = $true; Type = 'All' }; Id = 'IncompatibleParameters' }
        @{ Name = 'an empty step range'; Arguments = @{ MinStep = 5; MaxStep = 4 }; Id = 'InvalidRange' }
        @{ Name = 'an empty time range'; Arguments = @{ After = [datetime]'2024-01-02'; Before = [datetime]'2024-01-01' }; Id = 'InvalidRange' }
    ) {
        $err = { Get-TbEvent $Root @Arguments } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "$Id,TbPowerShell.Commands.GetTbEventCommand"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'validates the smoothing weight and the window' {
        { Get-TbEvent $Root -Smoothing 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.GetTbEventCommand'
        { Get-TbEvent $Root -MovingAverage 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.GetTbEventCommand'
    }
}

Describe 'Get-TbEvent reads runs in parallel and keeps the order' {
    It 'gives the same values in the same order whatever -ThrottleLimit' {
        $pytorch = Join-Path $FixtureRoot 'pytorch'
        $sign = { param($e) '{0}|{1}|{2}|{3}|{4}' -f $e.Run, $e.Tag, $e.Step, $e.WallTime.UnixSeconds, $e.GetType().Name }
        $one = @(Get-TbEvent $pytorch -Type All -ThrottleLimit 1 | ForEach-Object { & $sign $_ })
        $many = @(Get-TbEvent $pytorch -Type All -ThrottleLimit 8 | ForEach-Object { & $sign $_ })
        $one.Count | Should -BeGreaterThan 250
        $many | Should -Be $one
        @((Get-TbEvent $Root -ThrottleLimit 2).Step) | Should -Be @((Get-TbEvent $Root -ThrottleLimit 1).Step)
    }

    It 'validates -ThrottleLimit' {
        { Get-TbEvent $Root -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.GetTbEventCommand'
    }
}
