#Requires -Modules Pester
# Get-TbTag and Get-TbRun: summaries that agree with TensorBoard's own reading of the PyTorch fixtures
# (pytorch.raw.jsonl) and with Get-TbEvent, path binding and run naming as Get-TbEvent, damage reported
# with the same error ids.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $Pytorch = Join-Path $FixtureRoot 'pytorch'
    $Damaged = Join-Path $FixtureRoot 'damaged'

    function Read-RawKind([string] $Kind) {
        # (run, tag) of every value of one kind in TensorBoard's reading of the fixtures, in file order.
        foreach ($line in [System.IO.File]::ReadLines((Join-Path $FixtureRoot 'pytorch.raw.jsonl'))) {
            $doc = [System.Text.Json.JsonDocument]::Parse($line)
            try {
                $root = $doc.RootElement
                if ($root.GetProperty('kind').GetString() -ne $Kind) { continue }
                [pscustomobject]@{ Run = $root.GetProperty('run').GetString(); Tag = $root.GetProperty('tag').GetString(); Step = $root.GetProperty('step').GetInt64() }
            }
            finally { $doc.Dispose() }
        }
    }
}

Describe 'Get-TbTag on the PyTorch reference files' {
    BeforeAll {
        $tags = @(Get-TbTag $Pytorch)
        $expected = @(Read-ExpectedScalar)
    }

    It 'emits typed summaries, one per run, tag and type, runs in order' {
        $tags.Count | Should -BeGreaterThan 40
        $tags | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.TbTagSummary]) }
        $keys = @($tags | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Type)" })
        ($keys | Sort-Object -Unique).Count | Should -Be $keys.Count
        $runs = @($tags.Run | Select-Object -Unique)
        $runs | Should -Be @($runs | Sort-Object { $_ } -CaseSensitive:$false -Culture ([cultureinfo]::InvariantCulture))
    }

    It 'gives each scalar tag the count, steps, wall times and last value TensorBoard reads' {
        foreach ($group in ($expected | Group-Object Run, Tag)) {
            $first = $group.Group[0]
            $last = $group.Group[-1]
            $tag = @($tags | Where-Object { $_.Run -ceq $first.Run -and $_.Tag -ceq $first.Tag -and $_.Type -eq 'Scalar' })
            $tag.Count | Should -Be 1 -Because "$($first.Run) $($first.Tag)"
            $tag[0].Count | Should -Be $group.Count
            # The step range (issue 13: LastStep is the highest step, not the last one's); wall times and value in file order.
            $steps = $group.Group.Step | Measure-Object -Minimum -Maximum
            $tag[0].FirstStep | Should -Be $steps.Minimum
            $tag[0].LastStep | Should -Be $steps.Maximum
            $tag[0].FirstWallTime.UnixSeconds | Should -Be $first.WallTime
            $tag[0].LastWallTime.UnixSeconds | Should -Be $last.WallTime
            Get-DoubleBits $tag[0].LastValue | Should -Be (Get-DoubleBits $last.Value)
            $finite = @($group.Group.Value | Where-Object { -not [double]::IsNaN($_) })
            if ($finite.Count) {
                $tag[0].Min | Should -Be ($finite | Measure-Object -Minimum).Minimum
                $tag[0].Max | Should -Be ($finite | Measure-Object -Maximum).Maximum
            }
            $tag[0].Plugin | Should -Be 'scalars'
        }
        @($tags | Where-Object Type -eq Scalar).Count | Should -Be @($expected | Group-Object Run, Tag).Count
    }

    It 'counts <Kind> values without decoding them, as TensorBoard reads them' -ForEach @(
        @{ Kind = 'image'; Type = 'Image' }
        @{ Kind = 'audio'; Type = 'Audio' }
        @{ Kind = 'histogram'; Type = 'Histogram' }
        @{ Kind = 'text'; Type = 'Text' }
        @{ Kind = 'hparams'; Type = 'Hyperparameter' }
    ) {
        $raw = @(Read-RawKind $Kind)
        $raw.Count | Should -BeGreaterThan 0
        $mine = @($tags | Where-Object Type -eq $Type)
        @($mine | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Count)|$($_.LastStep)" } | Sort-Object) |
            Should -Be @($raw | Group-Object Run, Tag | ForEach-Object { "$($_.Group[0].Run)|$($_.Group[0].Tag)|$($_.Count)|$($_.Group[-1].Step)" } | Sort-Object)
        $mine | ForEach-Object { $_.LastValue | Should -BeNullOrEmpty }
    }

    It 'agrees with Get-TbEvent -Type All on every tag' {
        $events = @(Get-TbEvent $Pytorch -Type All | Where-Object { -not ($_.PSObject.Properties['Sample'] -and $_.Sample -gt 0) })
        foreach ($tag in $tags) {
            $type = "TbPowerShell.Tb$($tag.Type)Event"
            # A mesh event is tagged with the mesh's name: its stored tags less _VERTEX, _FACE or _COLOR.
            $name = if ($tag.Type -eq 'Mesh') { $tag.Tag -creplace '_(VERTEX|FACE|COLOR)$', '' } else { $tag.Tag }
            $mine = @($events | Where-Object { $_.Run -ceq $tag.Run -and $_.Tag -ceq $name -and $_.GetType().FullName -eq $type })
            $mine.Count | Should -Be $tag.Count -Because "$($tag.Run) $($tag.Tag) $($tag.Type)"
        }
    }

    It 'filters by -Type, -Tag and -Run (wildcards, case ignored)' {
        $images = @(Get-TbTag $Pytorch -Type Image)
        $images.Type | Sort-Object -Unique | Should -Be 'Image'
        @($images | ForEach-Object { "$($_.Run)|$($_.Tag)" }) | Should -Be @($tags | Where-Object Type -eq Image | ForEach-Object { "$($_.Run)|$($_.Tag)" })
        $rgb = @(Get-TbTag $Pytorch -Run IMAGE -Tag 'RGB_*')
        $rgb.Tag | Should -Be @('rgb_chw', 'rgb_hwc_uint8')
        @(Get-TbTag $Pytorch -Run 'scalars_multi/*' -Type Scalar).Run | Select-Object -Unique |
            Should -Be @('scalars_multi/group_inner_a', 'scalars_multi/group_inner_b', 'scalars_multi/multi_cos', 'scalars_multi/multi_lin', 'scalars_multi/multi_sin')
    }

    It 'feeds a pipeline: Where-Object Type -eq Image, then Get-TbEvent with the summary''s names' {
        $image = Get-TbTag $Pytorch | Where-Object Type -eq Image | Where-Object Tag -eq rgb_chw
        $events = @(Get-TbEvent $Pytorch -Run $image.Run -Tag $image.Tag -Type $image.Type)
        $events.Count | Should -Be $image.Count
        $events[-1].Step | Should -Be $image.LastStep
    }
}

Describe 'Get-TbRun' {
    BeforeAll {
        $runs = @(Get-TbRun $Pytorch)
        $tags = @(Get-TbTag $Pytorch)
    }

    It 'emits one summary per run, with its files, size, tags and values' {
        $runDirs = @(Get-ChildItem $Pytorch -Recurse -File -Filter '*tfevents*' | Group-Object DirectoryName)
        $runs.Count | Should -Be $runDirs.Count
        foreach ($run in $runs) {
            $run | Should -BeOfType ([TbPowerShell.TbRunSummary])
            $files = @(Get-ChildItem -LiteralPath $run.Path -File -Filter '*tfevents*')
            $run.Files | Should -Be $files.Count
            $run.Size | Should -Be ($files | Measure-Object Length -Sum).Sum
            $mine = @($tags | Where-Object Run -ceq $run.Run)
            $run.Tags | Should -Be $mine.Count
            $run.Values | Should -Be ([long]($mine | Measure-Object Count -Sum).Sum)
            $run.DamagedRegions | Should -Be 0
        }
    }

    It 'gives the lowest and highest step, and the wall time of the last value in file order' {
        $scalars = $runs | Where-Object Run -eq 'scalars'
        $events = @(Get-TbEvent (Join-Path $Pytorch 'scalars') -Type All)
        $steps = $events.Step | Measure-Object -Minimum -Maximum
        $scalars.FirstStep | Should -Be $steps.Minimum
        $scalars.LastStep | Should -Be $steps.Maximum
        $scalars.LastWallTime.UnixSeconds | Should -Be $events[-1].WallTime.UnixSeconds
        # The graph run's values are its graph and run metadata, both at step 0 (Get-TbEvent -Type Graph).
        ($runs | Where-Object Run -eq 'graph').LastStep | Should -Be 0
    }

    It 'sorts in a pipeline (Sort-Object LastStep)' {
        $sorted = @(Get-TbRun $Pytorch | Where-Object Values -gt 0 | Sort-Object LastStep)
        @($sorted.LastStep) | Should -Be @($runs.LastStep | Where-Object { $null -ne $_ } | Sort-Object)
        $highest = ($runs.LastStep | Where-Object { $null -ne $_ } | Measure-Object -Maximum).Maximum
        $sorted[-1].LastStep | Should -Be $highest
        $sorted[-1].Run | Should -Be ($runs | Where-Object LastStep -eq $highest | Select-Object -First 1).Run
    }

    It 'names runs from items piped from Get-ChildItem as Get-TbEvent does, one summary per run' {
        Push-Location $FixtureRoot
        try {
            $piped = @(Get-ChildItem ./pytorch/multi_session -File | Get-TbRun)
            $piped.Count | Should -Be 1
            $piped[0].Run | Should -Be 'pytorch/multi_session'
            $piped[0].Files | Should -Be 3
            $piped[0].Values | Should -Be ($runs | Where-Object Run -eq 'multi_session').Values
            (Get-ChildItem ./pytorch/multi_session -File | Get-TbEvent | Select-Object -First 1).Run | Should -Be $piped[0].Run
        }
        finally { Pop-Location }
    }

    It 'reports damage with the ids Get-TbEvent uses and counts it' {
        $found = @(Get-TbRun $Damaged -ErrorVariable damage -ErrorAction SilentlyContinue)
        $viaEvents = @(Get-TbEvent $Damaged -ErrorVariable eventDamage -ErrorAction SilentlyContinue)
        $damage.Count | Should -Be $eventDamage.Count
        $damage | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'EventFileDamaged,TbPowerShell.Commands.GetTbRunCommand'
            $_.CategoryInfo.Category | Should -Be 'InvalidData'
        }
        @($damage.TargetObject) | Should -Be @($eventDamage.TargetObject)
        ($found | Where-Object Run -eq crc_middle).DamagedRegions | Should -Be 1
        ($found | Measure-Object DamagedRegions -Sum).Sum | Should -Be $damage.Count
        ($found | Measure-Object Values -Sum).Sum | Should -Be $viaEvents.Count
    }

    It 'reports a missing path as PathNotFound and goes on' {
        $missing = Join-Path $FixtureRoot 'no-such-dir'
        $found = @(Get-TbRun $missing, (Join-Path $Pytorch 'image') -ErrorVariable err -ErrorAction SilentlyContinue)
        $found.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.GetTbRunCommand'
        $err[0].TargetObject | Should -Be $missing
    }
}
