#Requires -Modules Pester
# Add-TbHyperparameter (alias Add-TbHParams): the experiment, session start and session end PyTorch's
# add_hparams writes (checked by hand-parsing the files against the PyTorch fixture), written into the
# writer's own run with the metrics as scalars of that run; domains; a second call on the same run;
# and one test per error id.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbHyperparameterCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "hparams$script:dirCounter"
    }

    function Get-StoredValue([string] $Directory) {
        # Every summary value of a run's event files, parsed by hand: tag, step, plugin, plugin content, simple value.
        foreach ($file in Get-ChildItem -LiteralPath $Directory -Filter '*tfevents*' | Sort-Object Name) {
            foreach ($record in Read-TfRecord $file.FullName) {
                $event = @(ConvertFrom-ProtoField $record.Payload)
                $summary = Get-ProtoFieldValue $event 5
                if ($null -eq $summary) { continue }
                $stepField = Get-ProtoFieldValue $event 2
                $step = if ($null -eq $stepField) { 0 } else { [long]$stepField }
                foreach ($value in @(ConvertFrom-ProtoField $summary | Where-Object Field -EQ 1)) {
                    $fields = @(ConvertFrom-ProtoField $value.Value)
                    $metadata = Get-ProtoFieldValue $fields 9
                    $plugin = $null; $content = $null
                    if ($null -ne $metadata) {
                        $pluginData = @(ConvertFrom-ProtoField (Get-ProtoFieldValue @(ConvertFrom-ProtoField $metadata) 1))
                        $plugin = [System.Text.Encoding]::UTF8.GetString((Get-ProtoFieldValue $pluginData 1))
                        $content = Get-ProtoFieldValue $pluginData 2
                    }
                    [pscustomobject]@{
                        Tag     = [System.Text.Encoding]::UTF8.GetString((Get-ProtoFieldValue $fields 1))
                        Step    = $step
                        Plugin  = $plugin
                        Content = $content
                        Simple  = Get-ProtoFieldValue $fields 2
                    }
                }
            }
        }
    }

    $PyTorchTrial0 = @(Get-StoredValue (Join-Path $FixtureRoot 'pytorch/hparams/trial0'))
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbHyperparameter writes what PyTorch''s add_hparams writes' {
    BeforeAll {
        $dir = New-TestDir
        # PyTorch's kind_hparams trial 0; PyTorch stores True as the number 1, so 1 gives the same bytes.
        Add-TbHyperparameter -LogDir $dir -Hyperparameter ([ordered]@{ lr = 0.01; batch = 32; optimizer = 'adam'; use_bn = 1 }) `
            -Metric ([ordered]@{ 'hparam/accuracy' = 0.9; 'hparam/loss' = 0.1 }) -Domain @{ optimizer = 'adam', 'sgd' }
        $mine = @(Get-StoredValue $dir)
    }

    It 'writes the experiment, session start, session end and the metric scalars, in PyTorch''s order, into the run itself' {
        $mine.Tag | Should -Be $PyTorchTrial0.Tag
        @(Get-ChildItem -LiteralPath $dir -Directory).Count | Should -Be 0
        @($mine | Where-Object Plugin -EQ 'hparams').Count | Should -Be 3
    }

    It 'writes the experiment and session end byte for byte as PyTorch did' {
        foreach ($tag in '_hparams_/experiment', '_hparams_/session_end_info') {
            $theirs = $PyTorchTrial0 | Where-Object Tag -EQ $tag
            $ours = $mine | Where-Object Tag -EQ $tag
            [Convert]::ToBase64String($ours.Content) | Should -BeExactly ([Convert]::ToBase64String($theirs.Content)) -Because $tag
        }
    }

    It 'writes a session start of the same size (its map order is Python''s hash order)' {
        $theirs = $PyTorchTrial0 | Where-Object Tag -EQ '_hparams_/session_start_info'
        $ours = $mine | Where-Object Tag -EQ '_hparams_/session_start_info'
        $ours.Content.Length | Should -Be $theirs.Content.Length
    }

    It 'writes the metrics as float32 scalars at step 0' {
        $metrics = @($mine | Where-Object Tag -Like 'hparam/*')
        $metrics.Step | Should -Be @(0, 0)
        $metrics.Simple | Should -Be @(($PyTorchTrial0 | Where-Object Tag -Like 'hparam/*').Simple)
    }
}

Describe 'Add-TbHyperparameter parameters' {
    It 'has the alias Add-TbHParams, and no -Tag (the plugin''s tags are fixed)' {
        (Get-Alias Add-TbHParams).Definition | Should -Be 'Add-TbHyperparameter'
        (Get-Command Add-TbHyperparameter).Parameters.Keys | Should -Not -Contain 'Tag'
        (Get-Command Add-TbHyperparameter).Parameters.Keys | Should -Contain 'Domain'
    }

    It 'writes metrics at -Step and returns the three summaries with -PassThru' {
        $dir = New-TestDir
        $out = @(Add-TbHParams -LogDir $dir -Run trial -Hyperparameter @{ lr = 0.5; use_bn = $true } -Metric @{ acc = 0.25 } -Step 7 -PassThru)
        $out.Section | Should -Be @('Experiment', 'SessionStart', 'SessionEnd')
        $out[0].HyperparameterInfos.Where({ $_.Name -eq 'use_bn' }).Type | Should -Be 'Bool'
        $out[0].HyperparameterInfos.Where({ $_.Name -eq 'use_bn' }).Discrete | Should -Be @($false, $true)
        $out[1].Hyperparameters['use_bn'] | Should -BeTrue
        $out[1].Hyperparameters['use_bn'] | Should -BeOfType [bool]
        $out.Run | Should -Be @('trial', 'trial', 'trial')
        $acc = @(Get-StoredValue (Join-Path $dir 'trial') | Where-Object Tag -EQ 'acc')
        $acc.Step | Should -Be 7
        $acc.Simple | Should -Be ([single]0.25)
    }

    It 'writes an interval domain and describes names with a domain but no value' {
        $dir = New-TestDir
        $out = @(Add-TbHyperparameter -LogDir $dir -Hyperparameter @{ lr = 0.01 } -Domain @{ lr = @{ Min = 0.001; Max = 0.1 }; dropout = @{ Min = 0; Max = 0.5 } } -PassThru)
        $infos = $out[0].HyperparameterInfos
        $infos.Name | Should -Be @('lr', 'dropout')
        $infos[0].Min | Should -Be 0.001
        $infos[0].Max | Should -Be 0.1
        $infos[1].Max | Should -Be 0.5
    }

    It 'logs more metrics for the same run when called again with the same hyperparameters' {
        $dir = New-TestDir
        $w = New-TbWriter $dir
        try {
            Add-TbHyperparameter -Writer $w -Hyperparameter @{ lr = 1 } -Metric @{ acc = 0.5 } -Step 1
            Add-TbHyperparameter -Writer $w -Hyperparameter @{ lr = 1 } -Metric @{ acc = 0.75 } -Step 2 -ErrorAction Stop
        }
        finally { Close-TbWriter $w }
        $values = @(Get-StoredValue $dir)
        @($values | Where-Object Plugin -EQ 'hparams').Count | Should -Be 3
        ($values | Where-Object Tag -EQ 'acc').Step | Should -Be @(1, 2)
        (Get-TbHyperparameter $dir).acc | Should -Be ([double][single]0.75)
    }
}

Describe 'Add-TbHyperparameter errors' {
    It '<Id>: <Case>' -ForEach @(
        @{ Id = 'InvalidHyperparameter'; Case = 'a date'; Params = @{ Hyperparameter = @{ lr = [datetime]::UnixEpoch } }; Target = [datetime]::UnixEpoch }
        @{ Id = 'InvalidHyperparameter'; Case = 'an array'; Params = @{ Hyperparameter = @{ lr = @(1, 2) } } }
        @{ Id = 'InvalidHyperparameter'; Case = 'a null value'; Params = @{ Hyperparameter = @{ lr = $null } } }
        @{ Id = 'InvalidHyperparameter'; Case = 'a blank name'; Params = @{ Hyperparameter = @{ ' ' = 1 } }; Target = ' ' }
        @{ Id = 'InvalidHyperparameter'; Case = 'an empty table'; Params = @{ Hyperparameter = @{} } }
        @{ Id = 'InvalidMetric'; Case = 'a string metric'; Params = @{ Hyperparameter = @{ lr = 1 }; Metric = @{ acc = 'high' } }; Target = 'high' }
        @{ Id = 'InvalidMetric'; Case = 'a boolean metric'; Params = @{ Hyperparameter = @{ lr = 1 }; Metric = @{ acc = $true } }; Target = $true }
        @{ Id = 'InvalidMetric'; Case = 'a blank metric name'; Params = @{ Hyperparameter = @{ lr = 1 }; Metric = @{ '' = 1 } }; Target = '' }
        @{ Id = 'InvalidHyperparameterDomain'; Case = 'a value outside its list'; Params = @{ Hyperparameter = @{ o = 'rmsprop' }; Domain = @{ o = 'adam', 'sgd' } } }
        @{ Id = 'InvalidHyperparameterDomain'; Case = 'a value outside its interval'; Params = @{ Hyperparameter = @{ lr = 2 }; Domain = @{ lr = @{ Min = 0; Max = 1 } } } }
        @{ Id = 'InvalidHyperparameterDomain'; Case = 'an interval for a string'; Params = @{ Hyperparameter = @{ o = 'adam' }; Domain = @{ o = @{ Min = 0; Max = 1 } } } }
        @{ Id = 'InvalidHyperparameterDomain'; Case = 'a table without Min and Max'; Params = @{ Hyperparameter = @{ lr = 1 }; Domain = @{ lr = @{ Low = 0 } } } }
        @{ Id = 'InvalidHyperparameterDomain'; Case = 'values of another type'; Params = @{ Hyperparameter = @{ lr = 1 }; Domain = @{ lr = 'a', 'b' } } }
    ) {
        $dir = New-TestDir
        Add-TbHyperparameter -LogDir $dir @Params -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        if ($null -ne $Target) { $ev[0].TargetObject | Should -Be $Target }
        # Nothing of a refused call is written.
        @(Get-StoredValue $dir | Where-Object Plugin -EQ 'hparams').Count | Should -Be 0
    }

    It 'HyperparameterConflict: other values for a run that has hyperparameters; what was written stays' {
        $dir = New-TestDir
        $w = New-TbWriter $dir
        try {
            Add-TbHyperparameter -Writer $w -Hyperparameter @{ lr = 1 } -Metric @{ acc = 0.5 }
            $h = @{ lr = 2 }
            Add-TbHyperparameter -Writer $w -Hyperparameter $h -Metric @{ acc = 0.75 } -ErrorVariable ev -ErrorAction SilentlyContinue
        }
        finally { Close-TbWriter $w }
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "HyperparameterConflict,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $ev[0].TargetObject | Should -Be $h
        $values = @(Get-StoredValue $dir)
        ($values | Where-Object Tag -EQ 'acc').Simple | Should -Be @([single]0.5)
        @($values | Where-Object Plugin -EQ 'hparams').Count | Should -Be 3
    }

    It 'a piped input with a bad value is refused; the next one is written' {
        $dir = New-TestDir
        [pscustomobject]@{ Run = 'a'; Hyperparameter = @{ lr = [datetime]::UnixEpoch } },
        [pscustomobject]@{ Run = 'b'; Hyperparameter = @{ lr = 0.1 }; Metric = @{ acc = 1 } } |
            Add-TbHyperparameter -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        @(Get-TbHyperparameter $dir).Run | Should -Be @('b')
    }
}
