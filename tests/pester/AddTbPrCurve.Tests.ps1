#Requires -Modules Pester
# Add-TbPrCurve: the [6, N] tensor of PyTorch's add_pr_curve (computed form; the fixture's exact inputs are
# checked value for value in xunit, PrCurveTests, which reproduces numpy's RandomState), the raw form
# (add_pr_curve_raw) copying PyTorch's curves exactly, Get-TbEvent -Type PrCurve, and every error id.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbPrCurveCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "pr$script:dirCounter"
    }
    $FixtureDir = Join-Path $PyTorchFixtures 'pr_curve'

    function Get-KindPrCurveInput {
        # make_fixtures.py's kind_pr_curve: RandomState(1234); randint(0, 2, 200) (one masked 32-bit draw each),
        # clip(labels * 0.6 + uniform(0, 0.4, 200), 0, 1), then uniform(0, 1, 200).
        $w = Get-MersenneWords 1234 1000
        $labels = [double[]]::new(200); $pred = [double[]]::new(200); $second = [double[]]::new(200)
        for ($i = 0; $i -lt 200; $i++) { $labels[$i] = $w[$i] -band 1 }
        for ($i = 0; $i -lt 200; $i++) {
            $u = (($w[200 + 2 * $i] -shr 5) * 67108864.0 + ($w[201 + 2 * $i] -shr 6)) / 9007199254740992.0
            $pred[$i] = [Math]::Min(1.0, [Math]::Max(0.0, $labels[$i] * 0.6 + 0.4 * $u))
            $second[$i] = (($w[600 + 2 * $i] -shr 5) * 67108864.0 + ($w[601 + 2 * $i] -shr 6)) / 9007199254740992.0
        }
        @{ Labels = $labels; Predictions = $pred; Second = $second }
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Get-TbEvent -Type PrCurve reads PyTorch''s curves' {
    It 'gives one TbPrCurveEvent per tag and step, with rows (threshold, precision, recall, TP, FP, TN, FN)' {
        $e = @(Get-TbEvent -Type PrCurve -LiteralPath $FixtureDir)
        $e.Count | Should -Be 3
        $e | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.TbPrCurveEvent]) }
        @($e.Tag) | Should -Be @('pr', 'pr_11', 'pr')
        @($e.Step) | Should -Be @(0, 0, 1)
        @($e.NumThresholds) | Should -Be @(127, 11, 127)
        $rows = $e[1].Rows
        $rows.Count | Should -Be 11
        @($rows.Threshold) | Should -Be @(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1)
        @($rows.TruePositive) | Should -Be @(96, 96, 96, 96, 96, 96, 96, 79, 59, 30, 0)
        foreach ($r in $rows) {
            $r.TruePositive + $r.FalseNegative | Should -Be 96
            $r.FalsePositive + $r.TrueNegative | Should -Be 104
            $r.Precision | Should -Be ([double][float]($r.TruePositive / [Math]::Max(1e-7, $r.TruePositive + $r.FalsePositive)))
        }
        # The curve's rows export as a table.
        $csv = $e[1].Rows | ConvertTo-Csv
        $csv[0] | Should -BeExactly '"Threshold","Precision","Recall","TruePositive","FalsePositive","TrueNegative","FalseNegative"'
    }

    It 'no longer returns PR curves as plain tensors' {
        @(Get-TbEvent -Type Tensor -LiteralPath $FixtureDir).Count | Should -Be 0
    }
}

Describe 'Add-TbPrCurve' {
    It 'writes the same tensors as PyTorch for make_fixtures.py''s kind_pr_curve inputs, value for value' {
        $in = Get-KindPrCurveInput
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            Add-TbPrCurve -Writer $w -Tag pr -Label $in.Labels -Prediction $in.Predictions -Step 0 -WallTime $BaseWall
            Add-TbPrCurve -Writer $w -Tag pr_11 -Label $in.Labels -Prediction $in.Predictions -NumThresholds 11 -Step 0 -WallTime $BaseWall
            Add-TbPrCurve -Writer $w -Tag pr -Label $in.Labels -Prediction $in.Second -Step 1 -WallTime ($BaseWall + 1)
        }
        finally { $w | Close-TbWriter }
        $theirs = @(Get-TbEvent -Type PrCurve -LiteralPath $FixtureDir)
        $ours = @(Get-TbEvent -Type PrCurve $dir)
        $ours.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $ours[$i].Tag | Should -BeExactly $theirs[$i].Tag
            $ours[$i].NumThresholds | Should -Be $theirs[$i].NumThresholds
            foreach ($row in 'TruePositive', 'FalsePositive', 'TrueNegative', 'FalseNegative', 'Precision', 'Recall') {
                @($ours[$i].$row | ForEach-Object { Get-DoubleBits $_ }) | Should -Be @($theirs[$i].$row | ForEach-Object { Get-DoubleBits $_ }) -Because "$row of curve $i"
            }
        }
    }

    It 'writes the curve PyTorch computes for labels and predictions (weights and 3 thresholds)' {
        $dir = New-TestDir
        # Columns: thresholds 0, 0.5, 1; buckets floor(p * 2) = 1, 1, 0, 0.
        Add-TbPrCurve -LogDir $dir -Tag pr -Label 1, 0, 1, 0 -Prediction 0.9, 0.8, 0.2, 0.1 -NumThresholds 3 -Step 4
        Add-TbPrCurve -LogDir $dir -Tag weighted -Label $true, $false, $true, $false -Prediction 0.9, 0.8, 0.2, 0.1 -NumThresholds 3 -Weight 1, 1, 0, 1
        $e = @(Get-TbEvent -Type PrCurve $dir)
        $e.Count | Should -Be 2
        $e[0].Step | Should -Be 4
        $e[0].NumThresholds | Should -Be 3
        @($e[0].TruePositive) | Should -Be @(2, 1, 0)
        @($e[0].FalsePositive) | Should -Be @(2, 1, 0)
        @($e[0].TrueNegative) | Should -Be @(0, 1, 2)
        @($e[0].FalseNegative) | Should -Be @(0, 1, 2)
        @($e[0].Precision) | Should -Be @(0.5, 0.5, 0)
        @($e[0].Recall) | Should -Be @(1, 0.5, 0)
        @($e[1].TruePositive) | Should -Be @(1, 1, 0)
        @($e[1].FalseNegative) | Should -Be @(0, 0, 1)
    }

    It 'uses 127 thresholds by default and takes nested arrays' {
        $dir = New-TestDir
        Add-TbPrCurve -LogDir $dir -Tag pr -Label @(@(1, 0), @(1, 1)) -Prediction @(@(0.5, 0.25), @(1.0, 0.0)) -PassThru |
            ForEach-Object { $_.NumThresholds | Should -Be 127; $_.Rows.Count | Should -Be 127 }
        (Get-TbEvent -Type PrCurve $dir).Rows[0].TruePositive | Should -Be 3
    }

    It 'copies PyTorch''s curves exactly through the raw form (Get-TbEvent | Add-TbPrCurve)' {
        $dir = New-TestDir
        Get-TbEvent -Type PrCurve -LiteralPath $FixtureDir | Add-TbPrCurve -LogDir $dir
        $theirs = @(Get-TbEvent -Type PrCurve -LiteralPath $FixtureDir)
        $ours = @(Get-TbEvent -Type PrCurve $dir)
        $ours.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $ours[$i].Tag | Should -BeExactly $theirs[$i].Tag
            $ours[$i].Step | Should -Be $theirs[$i].Step
            $ours[$i].WallTime.UnixSeconds | Should -Be $theirs[$i].WallTime.UnixSeconds
            $ours[$i].NumThresholds | Should -Be $theirs[$i].NumThresholds
            foreach ($row in 'TruePositive', 'FalsePositive', 'TrueNegative', 'FalseNegative', 'Precision', 'Recall') {
                @($ours[$i].$row | ForEach-Object { Get-DoubleBits $_ }) | Should -Be @($theirs[$i].$row | ForEach-Object { Get-DoubleBits $_ })
            }
        }
    }

    It 'writes the raw form (add_pr_curve_raw) as given' {
        $dir = New-TestDir
        Add-TbPrCurve -LogDir $dir -Tag raw -TruePositive 75, 64, 21, 5, 0 -FalsePositive 150, 105, 18, 0, 0 -TrueNegative 0, 45, 132, 150, 150 `
            -FalseNegative 0, 11, 54, 70, 75 -Precision 0.3333333, 0.3786982, 0.5384616, 1.0, 0.0 -Recall 1.0, 0.8533334, 0.28, 0.0666667, 0.0 -Step 1
        $e = Get-TbEvent -Type PrCurve $dir
        $e.NumThresholds | Should -Be 5
        @($e.Rows.Threshold) | Should -Be @(0, 0.25, 0.5, 0.75, 1)
        @($e.Rows.TruePositive) | Should -Be @(75, 64, 21, 5, 0)
        $e.Rows[1].Precision | Should -Be ([double][float]0.3786982)
    }
}

Describe 'Add-TbPrCurve errors' {
    BeforeEach { $dir = New-TestDir }

    It '<Name> gives <Id>' -ForEach @(
        @{ Name = 'mismatched lengths'; Id = 'PrCurveLengthMismatch'; Params = @{ Label = 1, 0; Prediction = 0.5 } }
        @{ Name = 'weights of another length'; Id = 'PrCurveLengthMismatch'; Params = @{ Label = 1, 0; Prediction = 0.5, 0.1; Weight = 1, 1, 1 } }
        @{ Name = 'a label of 2'; Id = 'InvalidLabel'; Params = @{ Label = 1, 2; Prediction = 0.5, 0.1 } }
        @{ Name = 'a NaN prediction'; Id = 'InvalidPrediction'; Params = @{ Label = 1, 0; Prediction = 0.5, [double]::NaN } }
        @{ Name = 'a prediction above 1'; Id = 'InvalidPrediction'; Params = @{ Label = 1, 0; Prediction = 0.5, 1.5 } }
        @{ Name = 'one threshold'; Id = 'InvalidThresholdCount'; Params = @{ Label = 1, 0; Prediction = 0.5, 0.1; NumThresholds = 1 } }
        @{ Name = 'empty input'; Id = 'EmptyData'; Params = @{ Label = @(); Prediction = @() } }
        @{ Name = 'a raw form without recall'; Id = 'InvalidPrCurve'; Params = @{ TruePositive = 1, 0; FalsePositive = 1, 0; TrueNegative = 0, 1; FalseNegative = 0, 1; Precision = 1, 0 } }
        @{ Name = 'raw rows of different lengths'; Id = 'InvalidPrCurve'; Params = @{ TruePositive = 1, 0; FalsePositive = 1, 0; TrueNegative = 0, 1; FalseNegative = 0, 1; Precision = 1, 0; Recall = 1 } }
        @{ Name = 'a raw curve of one column'; Id = 'InvalidThresholdCount'; Params = @{ TruePositive = 1; FalsePositive = 1; TrueNegative = 0; FalseNegative = 0; Precision = 1; Recall = 1 } }
        @{ Name = 'both forms'; Id = 'InvalidPrCurve'; Params = @{ Label = 1; Prediction = 0.5; TruePositive = 1, 0; FalsePositive = 1, 0; TrueNegative = 0, 1; FalseNegative = 0, 1; Precision = 1, 0; Recall = 1, 0 } }
        @{ Name = 'no data'; Id = 'InvalidPrCurve'; Params = @{} }
        @{ Name = 'a label that is not a number'; Id = 'InvalidValue'; Params = @{ Label = 'x'; Prediction = 0.5 } }
    ) {
        Add-TbPrCurve -LogDir $dir -Tag pr @Params -ErrorVariable ev -ErrorAction SilentlyContinue
        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        # Nothing of the bad curve was written; an error keeps what was written before.
        @(Get-TbEvent -Type PrCurve $dir).Count | Should -Be 0
    }

    It 'reports a bad prediction as invalid data with the predictions as target, and goes on with the next input' {
        $rows = @(
            [pscustomobject]@{ Tag = 'bad'; Label = @(1, 0); Prediction = @(0.5, [double]::NaN) }
            [pscustomobject]@{ Tag = 'good'; Label = @(1, 0); Prediction = @(0.5, 0.25) }
        )
        $rows | Add-TbPrCurve -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        @($ev[0].TargetObject).Count | Should -Be 2
        @(Get-TbEvent -Type PrCurve $dir).Tag | Should -Be @('good')
    }
}
