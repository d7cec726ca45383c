#Requires -Modules Pester
# Add-TbScalars: PyTorch's add_scalars layout (one sub-run per series, equal to the fixture for
# the same inputs), -SingleRun (<main>/<name> tags in one run plus a custom-scalars chart),
# -PassThru, pipeline binding and the errors for bad series.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbScalarsCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "scalars$script:dirCounter"
    }

    function Get-ScalarKey([object[]] $Events) {
        # Each value as "run|tag|step|wall time|value bits", sorted: runs may be read in any order.
        @($Events | ForEach-Object {
                '{0}|{1}|{2}|{3}|{4}' -f $_.Run, $_.Tag, $_.Step, $_.WallTime.UnixSeconds.ToString('R'), (Get-DoubleBits $_.Value)
            } | Sort-Object)
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbScalars writes PyTorch''s add_scalars layout (tests/fixtures/pytorch/scalars_multi)' {
    BeforeAll {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            # kind_scalars_multi, wall times given explicitly.
            for ($s = 0; $s -lt 10; $s++) {
                $values = [ordered]@{ sin = [Math]::Sin($s / 3); cos = [Math]::Cos($s / 3); lin = $s / 10.0 }
                Add-TbScalars -Writer $w -Tag 'multi' -Value $values -Step $s -WallTime ($BaseWall + $s) -ErrorAction Stop
            }
            Add-TbScalars -Writer $w -Tag 'group/inner' -Value ([ordered]@{ a = 1.0; b = 2.0 }) -Step 0 -WallTime $BaseWall -ErrorAction Stop
        }
        finally { Close-TbWriter $w }
        $Ours = @(Get-TbEvent $dir)
        $Theirs = @(Get-TbEvent -LiteralPath (Join-Path $PyTorchFixtures 'scalars_multi'))
    }

    It 'the same runs, tags, steps, wall times and values' {
        $Theirs.Count | Should -Be 32
        $Ours.Count | Should -Be 32
        Get-ScalarKey $Ours | Should -Be (Get-ScalarKey $Theirs)
    }

    It 'one sub-run per series named after the main tag (slashes as _) and the series, each with one event file' {
        @($Ours.Run | Sort-Object -Unique) | Should -Be @('group_inner_a', 'group_inner_b', 'multi_cos', 'multi_lin', 'multi_sin')
        @($Ours.Tag | Sort-Object -Unique) | Should -Be @('group/inner', 'multi')
        foreach ($run in 'group_inner_a', 'group_inner_b', 'multi_cos', 'multi_lin', 'multi_sin') {
            @(Get-EventFile (Join-Path $dir $run)).Count | Should -Be 1 -Because "run $run"
        }
    }

    It 'the writer''s own run holds an event file but no values, like PyTorch''s' {
        @(Get-EventFile $dir).Count | Should -Be 1
        @(Get-TbEvent -Type All $dir -Run '.').Count | Should -Be 0
        @(Get-TbEvent -Type All -LiteralPath (Join-Path $PyTorchFixtures 'scalars_multi') -Run '.').Count | Should -Be 0
    }
}

Describe 'Add-TbScalars -PassThru' {
    It 'emits one TbScalarEvent per series with its sub-run and file' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = @(Add-TbScalars -Writer $w -Tag 'loss' -Value ([ordered]@{ train = 0.5; val = 0.1 }) -Step 3 -WallTime 1700000003 -PassThru)
        Close-TbWriter $w
        $out.Count | Should -Be 2
        $out | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.TbScalarEvent]) }
        (Get-Command Add-TbScalars).OutputType.Type | Should -Contain ([TbPowerShell.TbScalarEvent])
        $out.Run | Should -Be @('loss_train', 'loss_val')
        $out.Tag | Should -Be @('loss', 'loss')
        $out.Step | Should -Be @(3, 3)
        Get-DoubleBits $out[1].Value | Should -Be (ConvertTo-Float32Bits 0.1)
        [System.IO.Path]::GetDirectoryName($out[0].File) | Should -BeExactly (Join-Path $dir 'loss_train')
        [System.IO.Path]::GetDirectoryName($out[1].File) | Should -BeExactly (Join-Path $dir 'loss_val')
        Test-Path -LiteralPath $out[0].File | Should -BeTrue
        Get-ScalarKey (Get-TbEvent $dir) | Should -Be (Get-ScalarKey $out)
    }

    It 'with -LogDir -Run names the sub-runs under the run' {
        $dir = New-TestDir
        $out = @(Add-TbScalars -LogDir $dir -Run 'exp' -Tag 'acc' -Value @{ top1 = 0.75 } -Step 1 -PassThru)
        $out.Run | Should -Be @('exp/acc_top1')
        $read = @(Get-TbEvent $dir)
        $read.Run | Should -Be @('exp/acc_top1')
        $read.Value | Should -Be 0.75
    }

    It 'with -SingleRun emits main/name tags in the writer''s run' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = @(Add-TbScalars -Writer $w -Tag 'loss' -Value ([ordered]@{ train = 0.5; val = 0.25 }) -Step 2 -SingleRun -PassThru)
        Close-TbWriter $w
        $out.Run | Should -Be @('.', '.')
        $out.Tag | Should -Be @('loss/train', 'loss/val')
        $out.File | Should -Be @($w.Path, $w.Path)
        Get-ScalarKey (Get-TbEvent $dir) | Should -Be (Get-ScalarKey $out)
    }

    It 'is silent without -PassThru' {
        $dir = New-TestDir
        Add-TbScalars -LogDir $dir -Tag 't' -Value @{ a = 1 } | Should -BeNullOrEmpty
    }
}

Describe 'Add-TbScalars -SingleRun' {
    It 'writes every series into the one run as main/name, with no sub-runs' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        for ($s = 0; $s -lt 3; $s++) {
            Add-TbScalars -Writer $w -Tag 'multi' -Value ([ordered]@{ sin = [Math]::Sin($s / 3); lin = $s / 10.0 }) -Step $s -WallTime ($BaseWall + $s) -SingleRun
        }
        Close-TbWriter $w
        @(Get-ChildItem -LiteralPath $dir -Directory).Count | Should -Be 0
        $e = @(Get-TbEvent $dir)
        $e.Count | Should -Be 6
        $e.Run | Sort-Object -Unique | Should -Be '.'
        ($e | ForEach-Object { "$($_.Tag)@$($_.Step)" }) | Should -Be @('multi/sin@0', 'multi/lin@0', 'multi/sin@1', 'multi/lin@1', 'multi/sin@2', 'multi/lin@2')
        Get-DoubleBits $e[2].Value | Should -Be (ConvertTo-Float32Bits ([Math]::Sin(1 / 3)))
    }

    It 'adds one custom_scalars__config__ value (plugin custom_scalars) charting main/*' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        foreach ($s in 0..2) { Add-TbScalars -Writer $w -Tag 'multi' -Value @{ a = $s; b = -$s } -Step $s -SingleRun }
        Close-TbWriter $w
        $t = @(Get-TbEvent -Type Layout $dir)
        $t.Count | Should -Be 1
        $t[0] | Should -BeOfType ([TbPowerShell.TbLayoutEvent])
        $t[0].Tag | Should -BeExactly 'custom_scalars__config__'
        $t[0].Step | Should -Be 0
        $layout = @($t[0].Categories)
        $layout.Count | Should -Be 1
        $layout[0].Title | Should -BeExactly 'Grouped scalars'
        $layout[0].Charts.Count | Should -Be 1
        $layout[0].Charts[0].Title | Should -BeExactly 'multi'
        $layout[0].Charts[0].Tags | Should -Be @('multi/[^/]*$')
    }

    It 'a second main tag writes a new layout with both charts (regex characters escaped)' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbScalars -Writer $w -Tag 'loss' -Value @{ a = 1 } -Step 0 -SingleRun
        Add-TbScalars -Writer $w -Tag 'lr.x' -Value @{ a = 1 } -Step 0 -SingleRun
        Add-TbScalars -Writer $w -Tag 'loss' -Value @{ a = 2 } -Step 1 -SingleRun
        Close-TbWriter $w
        $t = @(Get-TbEvent -Type Layout $dir)
        $t.Count | Should -Be 2
        $last = @($t[1].Categories)
        $last[0].Charts.Title | Should -Be @('loss', 'lr.x')
        $last[0].Charts[1].Tags | Should -Be @('lr\.x/[^/]*$')
    }

    It 'the PyTorch layout (no -SingleRun) writes no layout' {
        $dir = New-TestDir
        Add-TbScalars -LogDir $dir -Tag 'multi' -Value @{ a = 1 }
        @(Get-TbEvent -Type Layout $dir).Count | Should -Be 0
    }
}

Describe 'Add-TbScalars pipeline' {
    It 'binds Tag, Value, Step, WallTime and Run by property name' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Tag = 'm'; Value = [ordered]@{ a = 1; b = 2 }; Step = 1; WallTime = 1700000001 }
            [pscustomobject]@{ Tag = 'm'; Value = [ordered]@{ a = 3; b = 4 }; Step = 2; WallTime = 1700000002; Run = 'r' }
        ) | Add-TbScalars -LogDir $dir
        ($e = @(Get-TbEvent $dir)).Count | Should -Be 4
        Get-ScalarKey $e | Should -Be @(
            "m_a|m|1|1700000001|$(Get-DoubleBits 1)"
            "m_b|m|1|1700000001|$(Get-DoubleBits 2)"
            "r/m_a|m|2|1700000002|$(Get-DoubleBits 3)"
            "r/m_b|m|2|1700000002|$(Get-DoubleBits 4)"
        )
    }

    It 'accepts numbers of any type and numeric strings as values' {
        $dir = New-TestDir
        Add-TbScalars -LogDir $dir -Tag 'n' -Value ([ordered]@{ i = [int]3; d = [decimal]0.5; s = '-0'; f = [single]0.1 }) -SingleRun
        $e = @(Get-TbEvent $dir)
        $e.Tag | Should -Be @('n/i', 'n/d', 'n/s', 'n/f')
        Get-DoubleBits $e[2].Value | Should -Be ([long]::MinValue) -Because '"-0" keeps its sign'
        Get-DoubleBits $e[3].Value | Should -Be (ConvertTo-Float32Bits ([double][single]0.1))
    }
}

Describe 'Add-TbScalars errors (non-terminating: nothing of the call is written, the writer goes on)' {
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbScalars -Writer $w -Tag 'before' -Value @{ ok = 1 } -Step 1 -SingleRun
    }
    AfterEach {
        $w.IsClosed | Should -BeFalse
        Close-TbWriter $w
        $kept = @(Get-TbEvent $dir)
        $kept.Tag | Should -Be @('before/ok')
        @(Get-ChildItem -LiteralPath $dir -Directory).Count | Should -Be 0 -Because 'no sub-run was started'
    }

    It 'InvalidValue for a value that is not a number: InvalidArgument, the value as target; the good series of the call are not written either' {
        Add-TbScalars -Writer $w -Tag 'bad' -Value ([ordered]@{ good = 1; bad = 'x' }) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'x'
        "$($ev[0])" | Should -Match "'bad'"
    }

    It 'InvalidValue for a null value' {
        Add-TbScalars -Writer $w -Tag 'bad' -Value @{ none = $null } -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].TargetObject | Should -BeNullOrEmpty
    }

    It 'EmptyData for @{}: InvalidArgument, the dictionary as target' {
        $empty = @{}
        Add-TbScalars -Writer $w -Tag 'none' -Value $empty -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyData,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        [object]::ReferenceEquals($ev[0].TargetObject, $empty) | Should -BeTrue
    }

    It 'EmptyTag for an empty main tag: the tag as target' {
        Add-TbScalars -Writer $w -Tag '' -Value @{ a = 1 } -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly ''
    }

    It 'EmptyTag for a series with an empty name: the name as target' {
        Add-TbScalars -Writer $w -Tag 'm' -Value ([ordered]@{ a = 1; '' = 2 }) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].TargetObject | Should -BeExactly ''
    }
}

Describe 'Add-TbScalars errors in a pipeline' {
    It 'goes on with the next input after a bad one' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Tag = 'p'; Value = @{ a = 1 }; Step = 1 }
            [pscustomobject]@{ Tag = 'p'; Value = @{ a = 'x' }; Step = 2 }
            [pscustomobject]@{ Tag = 'p'; Value = @{}; Step = 3 }
            [pscustomobject]@{ Tag = 'p'; Value = @{ a = 4 }; Step = 4 }
        ) | Add-TbScalars -LogDir $dir -SingleRun -ErrorVariable ev -ErrorAction SilentlyContinue
        @($ev.FullyQualifiedErrorId) | Should -Be @("InvalidValue,$AddId", "EmptyData,$AddId")
        (Get-TbEvent $dir).Step | Should -Be @(1, 4)
    }
}
