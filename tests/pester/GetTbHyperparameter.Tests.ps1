#Requires -Modules Pester
# Get-TbHyperparameter: a sweep as a table, one object per run with hyperparameters, each hyperparameter
# and each metric's last value a property; for a sweep written with Add-TbHyperparameter (trials with
# different keys) and for PyTorch's (its sub-run layout), through Export-Csv; and Get-TbEvent -Type
# Hyperparameter on the PyTorch fixture equal to what TensorBoard's loader read (pytorch.raw.jsonl).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $GetId = 'TbPowerShell.Commands.GetTbHyperparameterCommand'
    $PyTorchSweep = Join-Path $FixtureRoot 'pytorch/hparams'

    # Three trials, the third without optimizer and with use_bn; metrics logged over steps, the last wins.
    $Sweep = Join-Path $TestDrive 'sweep'
    $trials = @(
        @{ Run = 'trial0'; H = [ordered]@{ lr = 0.01; optimizer = 'adam' }; M = [ordered]@{ accuracy = 0.9; loss = 0.2 } }
        @{ Run = 'trial1'; H = [ordered]@{ lr = 0.1; optimizer = 'sgd'; momentum = 0.9 }; M = [ordered]@{ accuracy = 0.7; loss = 0.4 } }
        @{ Run = 'trial2'; H = [ordered]@{ lr = 0.05; use_bn = $true }; M = [ordered]@{ accuracy = 0.8 } }
    )
    foreach ($t in $trials) {
        $w = New-TbWriter (Join-Path $Sweep $t.Run)
        try {
            # Training curves first, then the hyperparameters with the final metrics at the last step.
            foreach ($step in 1..3) { Add-TbScalar -Writer $w -Tag accuracy -Value ($t.M.accuracy - 0.1 * (3 - $step)) -Step $step }
            Add-TbHyperparameter -Writer $w -Hyperparameter $t.H -Metric $t.M -Step 3 `
                -Domain @{ optimizer = 'adam', 'sgd'; lr = @{ Min = 0.001; Max = 0.1 } }
        }
        finally { Close-TbWriter $w }
    }
    # A run without hyperparameters is not a row.
    Add-TbScalar -LogDir (Join-Path $Sweep 'plain') -Tag accuracy -Value 1 -Step 0
}

Describe 'Get-TbHyperparameter on a sweep written by Add-TbHyperparameter' {
    BeforeAll {
        $rows = @(Get-TbHyperparameter $Sweep)
    }

    It 'gives one row per trial, the run without hyperparameters left out' {
        $rows.Count | Should -Be 3
        $rows.Run | Should -Be @('trial0', 'trial1', 'trial2')
        $rows[0] | Should -BeOfType ([TbPowerShell.TbHyperparameterRow])
    }

    It 'has every hyperparameter and metric of all trials as a property of every row, in order' {
        foreach ($row in $rows) {
            $row.PSObject.Properties.Name | Should -Be @('Run', 'lr', 'optimizer', 'momentum', 'use_bn', 'accuracy', 'loss')
        }
    }

    It 'has the right values (null where a trial has none)' {
        $rows.lr | Should -Be @(0.01, 0.1, 0.05)
        $rows[0].optimizer | Should -Be 'adam'
        $rows[1].optimizer | Should -Be 'sgd'
        $rows[2].optimizer | Should -BeNullOrEmpty
        $rows[1].momentum | Should -Be 0.9
        $rows[2].use_bn | Should -BeTrue
        $rows[2].use_bn | Should -BeOfType [bool]
        # Metrics are float32 scalars: the last value (step 3) of each.
        $rows.accuracy | Should -Be @([double][single]0.9, [double][single]0.7, [double][single]0.8)
        $rows[2].loss | Should -BeNullOrEmpty
        $rows[1].MetricSteps['accuracy'] | Should -Be 3
        $rows[1].Status | Should -Be 'Success'
    }

    It 'sorts by a metric: the best trial' {
        (Get-TbHyperparameter $Sweep | Sort-Object accuracy -Descending | Select-Object -First 1).Run | Should -Be 'trial0'
    }

    It 'exports to CSV as the sweep table' {
        $csv = Join-Path $TestDrive 'sweep.csv'
        Get-TbHyperparameter $Sweep | Export-Csv $csv
        $lines = @(Get-Content $csv)
        $lines[0] | Should -BeExactly '"Run","lr","optimizer","momentum","use_bn","accuracy","loss"'
        $lines.Count | Should -Be 4
        $back = @(Import-Csv $csv)
        $back.Run | Should -Be @('trial0', 'trial1', 'trial2')
        [double]$back[1].accuracy | Should -Be ([double][single]0.7)
        $back[2].use_bn | Should -Be 'True'
        $back[0].momentum | Should -Be ''
    }

    It '-Run keeps the runs matching; -Tag keeps the metrics matching' {
        @(Get-TbHyperparameter $Sweep -Run 'trial[01]').Run | Should -Be @('trial0', 'trial1')
        (Get-TbHyperparameter $Sweep -Tag 'acc*')[0].PSObject.Properties.Name | Should -Be @('Run', 'lr', 'optimizer', 'momentum', 'use_bn', 'accuracy')
    }

    It 'has the alias Get-TbHParams and reads piped paths' {
        @(Get-Item $Sweep | Get-TbHParams).Count | Should -Be 3
    }

    It 'RunNotFound for a literal -Run that matches nothing' {
        $rows = @(Get-TbHyperparameter $Sweep -Run nothing -ErrorVariable ev -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "RunNotFound,$GetId"
    }
}

Describe 'Get-TbHyperparameter on the sweep PyTorch wrote (tests/fixtures/pytorch/hparams)' {
    BeforeAll {
        $rows = @(Get-TbHyperparameter $PyTorchSweep)
    }

    It 'gives one row per trial sub-run, the parent run (no hyperparameters) left out' {
        $rows.Run | Should -Be @('trial0', 'trial1')
    }

    It 'names the metric columns by their full tags' {
        $rows[0].PSObject.Properties.Name | Should -Be @('Run', 'lr', 'batch', 'optimizer', 'use_bn', 'hparam/accuracy', 'hparam/loss')
    }

    It 'has the values make_fixtures.py logged' {
        $rows.lr | Should -Be @(0.01, 0.1)
        $rows.batch | Should -Be @(32, 64)
        $rows.optimizer | Should -Be @('adam', 'sgd')
        # PyTorch stores booleans as numbers.
        $rows.use_bn | Should -Be @(1, 0)
        $rows.'hparam/accuracy' | Should -Be @([double][single]0.9, [double][single]0.7)
        $rows.'hparam/loss' | Should -Be @([double][single]0.1, [double][single]0.3)
    }

    It 'exports to CSV and sorts by a metric' {
        $csv = Join-Path $TestDrive 'pytorch.csv'
        $rows | Sort-Object 'hparam/accuracy' -Descending | Export-Csv $csv
        $back = @(Import-Csv $csv)
        $back.Run | Should -Be @('trial0', 'trial1')
        $back[1].optimizer | Should -Be 'sgd'
    }
}

Describe 'Get-TbEvent -Type Hyperparameter on the PyTorch fixture' {
    BeforeAll {
        $events = @(Get-TbEvent -Type Hyperparameter $PyTorchSweep)
        $expected = @(foreach ($line in [System.IO.File]::ReadLines((Join-Path $FixtureRoot 'pytorch.raw.jsonl'))) {
                $o = $line | ConvertFrom-Json -AsHashtable
                if ($o.kind -eq 'hparams') { $o }
            })
    }

    It 'gives the values TensorBoard read, in order, as TbHyperparameterEvent' {
        $events.Count | Should -Be $expected.Count
        for ($i = 0; $i -lt $events.Count; $i++) {
            $e = $events[$i]; $x = $expected[$i]
            $e | Should -BeOfType ([TbPowerShell.TbHyperparameterEvent])
            "hparams/$($e.Run)" | Should -Be $x.run
            $e.Tag | Should -Be $x.tag
            $e.Step | Should -Be $x.step
            [Convert]::ToBase64String($e.Content) | Should -BeExactly $x.meta.plugin_content_b64
            if ($x.value.experiment) {
                $e.Section | Should -Be 'Experiment'
                $e.HyperparameterInfos.Name | Should -Be @($x.value.experiment.hparam_infos.name)
                $e.HyperparameterInfos.Type | Should -Be @($x.value.experiment.hparam_infos.type -replace 'DATA_TYPE_', '' -replace 'FLOAT64', 'Float64' -replace 'STRING', 'String')
                ($e.HyperparameterInfos | Where-Object Name -EQ optimizer).Discrete | Should -Be @('adam', 'sgd')
                $e.MetricInfos.Tag | Should -Be @($x.value.experiment.metric_infos.name.tag)
            }
            elseif ($x.value.session_start_info) {
                $e.Section | Should -Be 'SessionStart'
                $e.Hyperparameters.Count | Should -Be $x.value.session_start_info.hparams.Count
                foreach ($k in $x.value.session_start_info.hparams.Keys) {
                    $e.Hyperparameters[$k] | Should -Be $x.value.session_start_info.hparams[$k] -Because $k
                }
            }
            else {
                $e.Section | Should -Be 'SessionEnd'
                $e.Status | Should -Be ($x.value.session_end_info.status -replace 'STATUS_SUCCESS', 'Success')
            }
        }
    }

    It 'is no longer a Tensor value, and has a table view with the summary' {
        @(Get-TbEvent -Type Tensor $PyTorchSweep).Count | Should -Be 0
        $text = ($events | Out-String -Width 200)
        $text | Should -Match 'SessionStart'
        $text | Should -Match 'hparams: lr, batch, optimizer, use_bn; metrics: hparam/accuracy, hparam/loss'
    }

    It 'copies with Add-TbEvent and reads back the same' {
        $copy = Join-Path $TestDrive 'copy'
        $events | Add-TbEvent -LogDir $copy
        $again = @(Get-TbEvent -Type Hyperparameter $copy)
        $again.Count | Should -Be 6
        [Convert]::ToBase64String($again[1].Content) | Should -BeExactly ([Convert]::ToBase64String($events[1].Content))
        @(Get-TbHyperparameter $copy).Count | Should -Be 2
    }
}
