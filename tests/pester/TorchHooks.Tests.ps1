#Requires -Modules Pester
# TorchSharp from PowerShell: the tiny demo model trained a few steps with hooks registered by
# name (feature maps, histograms, statistics, gradients, a script block), the hooks listed and
# removed, model histograms, tensors given to Add-Tb* cmdlets, the errors with exact ids, and an
# import that does not load TorchSharp.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Building a demo model is the first torch feature used: it loads TorchSharp and libtorch.
    # (PowerShell cannot name [TorchSharp.torch] before that.)
    [TbPowerShell.Torch.Demo.Determinism]::Seed(1234)
    $Data = [TbPowerShell.Torch.Demo.ShapesDataset]::new(64, 1)

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "torch$script:dirCounter"
    }

    function New-Model([long] $Seed = 1234) {
        [TbPowerShell.Torch.Demo.Determinism]::Seed($Seed)
        [TbPowerShell.Torch.Demo.TwoBranchNet]::new(4)
    }

    function Invoke-TrainingStep {
        # One batch of 4 at $Step (setting the writer's global step first), as a training script does.
        param($Trainer, $Writer, [long] $Step)
        if ($Writer) { $Writer.GlobalStep = $Step }
        $start = ($Step % 16) * 4
        $x = $Data.Images($start, 4)
        $y = $Data.Labels($start, 4)
        try { $Trainer.Step($x, $y) }
        finally { $x.Dispose(); $y.Dispose() }
    }

    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null }
        catch { $_ }
    }

    function Get-Floats($Tensor) {
        # The values of a tensor straight from TorchSharp (row-major float32).
        $d = $Tensor.detach()
        $c = $d.contiguous()
        try { , $c.data[float]().ToArray() }
        finally { $c.Dispose(); $d.Dispose() }
    }
}

AfterAll {
    Unregister-TbHook -All
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'A short training run with hooks' {
    BeforeAll {
        $model = New-Model
        $trainer = [TbPowerShell.Torch.Demo.Trainer]::new($model, 0.05)
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $otherDir = New-TestDir
        $other = New-TbWriter -LogDir $otherDir

        $maps = @(Register-TbHook -Module $model -Name 'stem', 'stag?' -Writer $w -Log FeatureMap)
        $stats = @(Register-TbHook $model 'head.fc' -Writer $w -Log Histogram, Stats -Every 2)
        $grads = @(Register-TbHook $model 'stage.branch1' -Writer $w -Kind Gradient)
        $calls = [System.Collections.Generic.List[object]]::new()
        $actions = @(Register-TbHook $model '*.conv' -Writer $w -Log None -Every 3 -Action {
                param($Name, $In, $Out, $Step)
                # the tensors belong to the forward pass: keep what they are, not them
                $calls.Add([pscustomobject]@{ Name = $Name; In = $In.GetType().FullName; OutShape = $Out.shape -join 'x'; Step = $Step })
            }.GetNewClosure())
        $elsewhere = @(Register-TbHook $model 'fuse' -Writer $other)

        $results = foreach ($step in 0..3) { Invoke-TrainingStep $trainer $w $step }
        $countersBeforeClose = Get-TbHook -Writer $w | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Calls = $_.Calls; Logs = $_.Logs } }
        Close-TbWriter $w
        Close-TbWriter $other
        $images = @(Get-TbEvent $dir -Type Image)
        $histograms = @(Get-TbEvent $dir -Type Histogram)
        $scalars = @(Get-TbEvent $dir -Type Scalar)
    }

    It 'registers one hook per module matched by the wildcards' {
        $maps.Name | Should -Be @('stem', 'stage')
        $maps | ForEach-Object { $_ | Should -BeOfType ([TbPowerShell.Torch.TbHookRegistration]) }
        $maps.ModuleType | Should -Be @('Sequential', 'TwoBranchStage')
        $stats.Name | Should -Be 'head.fc'
        $stats[0].Every | Should -Be 2
        $stats[0].Log | Should -Be ([TbPowerShell.Torch.TbHookLog]'Histogram, Stats')
        $grads[0].Kind | Should -Be 'Gradient'
        @($actions.Name | Sort-Object) | Should -Be @('fuse.conv', 'stage.branch0.conv', 'stage.branch1.conv', 'stem.conv')
    }

    It 'trains on: every step returned a finite loss' {
        $results.Count | Should -Be 4
        $results | ForEach-Object { [double]::IsFinite($_.Loss) | Should -BeTrue }
    }

    It 'counted every call and the logging steps while the writer was open' {
        $c = @{}; $countersBeforeClose | ForEach-Object { $c[$_.Name] = $_ }
        $c['stem'].Calls | Should -Be 4
        $c['stem'].Logs | Should -Be 4
        $c['head.fc'].Calls | Should -Be 4
        $c['head.fc'].Logs | Should -Be 2           # steps 0 and 2
        $c['stage.branch1'].Logs | Should -Be 3     # steps 0..2; step 3's gradient waits for close
        $c['stem.conv'].Calls | Should -Be 4
        $c['stem.conv'].Logs | Should -Be 0         # -Log None: only the action
    }

    It 'wrote a feature-map grid per step for stem and for each branch of the tuple-returning stage' {
        $byTag = $images | Group-Object Tag -AsHashTable
        @($byTag.Keys | Sort-Object) | Should -Be @('stage/branch0', 'stage/branch1', 'stem')
        foreach ($tag in 'stem', 'stage/branch0', 'stage/branch1') {
            @($byTag[$tag].Step | Sort-Object) | Should -Be @(0, 1, 2, 3)
        }
        # 8 maps of 16×16 in a row; 16 maps of 8×8 in two rows; padding 2; grey
        $byTag['stem'][0].Width | Should -Be 146
        $byTag['stem'][0].Height | Should -Be 20
        $byTag['stage/branch1'][0].Width | Should -Be 82
        $byTag['stage/branch1'][0].Height | Should -Be 22
        $images.Channels | Sort-Object -Unique | Should -Be 1
    }

    It 'wrote histograms and statistics every 2 steps, and gradients at the steps that produced them' {
        @($histograms | Where-Object Tag -EQ 'head.fc' | ForEach-Object Step) | Should -Be @(0, 2)
        @($histograms | Where-Object Tag -EQ 'head.fc')[0].Count | Should -Be 16   # 4 samples × 4 classes
        @($histograms | Where-Object Tag -EQ 'stage.branch1/grad' | ForEach-Object Step | Sort-Object) | Should -Be @(0, 1, 2, 3)
        @($histograms | Where-Object Tag -EQ 'stage.branch1/grad')[0].Count | Should -Be (4 * 16 * 8 * 8)
        foreach ($s in 'mean', 'std', 'min', 'max', 'zero_fraction') {
            @($scalars | Where-Object Tag -EQ "head.fc/$s" | ForEach-Object Step) | Should -Be @(0, 2)
        }
        $norms = @($scalars | Where-Object Tag -EQ 'stage.branch1/grad_norm' | Sort-Object Step)
        $norms.Step | Should -Be @(0, 1, 2, 3)
        $norms | ForEach-Object { $_.Value | Should -BeGreaterThan 0 }
        $min = ($scalars | Where-Object { $_.Tag -eq 'head.fc/min' -and $_.Step -eq 0 }).Value
        $max = ($scalars | Where-Object { $_.Tag -eq 'head.fc/max' -and $_.Step -eq 0 }).Value
        $h = $histograms | Where-Object { $_.Tag -eq 'head.fc' -and $_.Step -eq 0 }
        $h.Min | Should -Be $min
        $h.Max | Should -Be $max
    }

    It 'called the -Action with name, input, output and step on logging steps only' {
        @($calls | Where-Object Name -EQ 'stem.conv' | ForEach-Object Step) | Should -Be @(0, 3)
        $calls.Count | Should -Be 8   # four convolutions at steps 0 and 3
        $c = $calls | Where-Object Name -EQ 'stage.branch1.conv' | Select-Object -First 1
        $c.In | Should -Be 'TorchSharp.torch+Tensor'
        $c.OutShape | Should -Be '4x16x8x8'
        ($calls | Where-Object Name -EQ 'stem.conv')[0].OutShape | Should -Be '4x8x16x16'
    }

    It 'logged to the other writer only what was registered there' {
        $fromOther = @(Get-TbEvent $otherDir -Type All)
        $fromOther.Tag | Sort-Object -Unique | Should -Be 'fuse'
        # at that writer's own global step, which stayed 0: one log for four calls
        $fromOther.Step | Should -Be 0
        $elsewhere[0].Calls | Should -Be 4
        $elsewhere[0].Logs | Should -Be 1
    }

    It 'closing the writers removed their hooks' {
        @(Get-TbHook -Writer $w).Count | Should -Be 0
        @(Get-TbHook -Writer $other).Count | Should -Be 0
        ($maps + $stats + $grads + $actions + $elsewhere).IsRegistered | Sort-Object -Unique | Should -Be $false
        $before = $maps[0].Calls
        Invoke-TrainingStep $trainer $null 4 | Out-Null
        $maps[0].Calls | Should -Be $before
    }
}

Describe 'Get-TbHook and Unregister-TbHook' {
    BeforeEach {
        $model = New-Model
        $trainer = [TbPowerShell.Torch.Demo.Trainer]::new($model, 0.05)
        $w1 = New-TbWriter -LogDir (New-TestDir)
        $w2 = New-TbWriter -LogDir (New-TestDir)
        $r1 = @(Register-TbHook $model 'stem', 'fuse' -Writer $w1 -Log Stats)
        $r2 = @(Register-TbHook $model 'stem', 'head.*' -Writer $w2 -Log Stats)
    }
    AfterEach {
        Unregister-TbHook -All
        Close-TbWriter $w1, $w2
    }

    It 'lists every hook, or those named like -Name, or those of -Writer' {
        @(Get-TbHook).Count | Should -Be 6   # stem, fuse; stem, head.pool, head.flatten, head.fc
        @(Get-TbHook -Name 'STEM').Count | Should -Be 2
        @(Get-TbHook -Name 'head.f*' | ForEach-Object Name | Sort-Object) | Should -Be @('head.fc', 'head.flatten')
        @(Get-TbHook -Writer $w1).Name | Sort-Object | Should -Be @('fuse', 'stem')
        $one = @(Get-TbHook 'stem' -Writer $w2)
        $one.Count | Should -Be 1
        $one[0].Writer | Should -Be $w2
        @(Get-TbHook -Name 'nothing*').Count | Should -Be 0
    }

    It 'shows the counters growing with training' {
        Invoke-TrainingStep $trainer $w1 0 | Out-Null
        Invoke-TrainingStep $trainer $w1 1 | Out-Null
        $h = Get-TbHook 'fuse'
        $h.Calls | Should -Be 2
        $h.Logs | Should -Be 2
        $h.Errors | Should -Be 0
        $h.Skipped | Should -Be 0
    }

    It 'removes the hooks piped to it, which then stop counting' {
        $removed = @(Get-TbHook -Name 'stem' | Unregister-TbHook -PassThru)
        $removed.Count | Should -Be 2
        $removed.IsRegistered | Sort-Object -Unique | Should -Be $false
        @(Get-TbHook -Name 'stem').Count | Should -Be 0
        Invoke-TrainingStep $trainer $w1 0 | Out-Null
        $removed.Calls | Sort-Object -Unique | Should -Be 0
        (Get-TbHook 'fuse').Calls | Should -Be 1
        Unregister-TbHook $r1 # already removed ones are fine
        @(Get-TbHook -Writer $w1).Count | Should -Be 0
    }

    It 'removes every hook with -All and writes nothing without -PassThru' {
        Unregister-TbHook -All | Should -BeNullOrEmpty
        @(Get-TbHook).Count | Should -Be 0
        Invoke-TrainingStep $trainer $w1 0 | Out-Null
        ($r1 + $r2).Calls | Sort-Object -Unique | Should -Be 0
    }
}

Describe 'Add-TbModelHistogram' {
    BeforeAll {
        $model = New-Model
        $trainer = [TbPowerShell.Torch.Demo.Trainer]::new($model, 0.05)
        $names = @($model.named_parameters() | ForEach-Object Item1)
    }

    It 'logs every parameter, and with -Gradient every gradient, tagged by name after -Prefix' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbModelHistogram -Module $model -Writer $w -Gradient -Prefix 'before/' -Step 0   # no backward yet: no gradients
        Invoke-TrainingStep $trainer $w 1 | Out-Null
        $out = @(Add-TbModelHistogram $model -Writer $w -Gradient -Prefix 'p/' -PassThru)
        Add-TbModelHistogram $model -Writer $w -Step 9
        Close-TbWriter $w

        $names | Should -Contain 'stem.conv.weight'
        $names | Should -Contain 'head.fc.bias'
        $h = @(Get-TbEvent $dir -Type Histogram)
        @($h | Where-Object Step -EQ 0 | ForEach-Object Tag | Sort-Object) | Should -Be @($names | ForEach-Object { "before/$_" } | Sort-Object)
        @($h | Where-Object Step -EQ 1 | ForEach-Object Tag | Sort-Object) | Should -Be @($names | ForEach-Object { "p/$_"; "p/$_.grad" } | Sort-Object)
        @($h | Where-Object Step -EQ 9 | ForEach-Object Tag | Sort-Object) | Should -Be @($names | Sort-Object)
        $out.Count | Should -Be (2 * $names.Count)
        $out[0] | Should -BeOfType ([TbPowerShell.TbHistogramEvent])

        foreach ($p in $model.named_parameters()) {
            $values = Get-Floats $p.Item2
            $e = $h | Where-Object { $_.Tag -eq "p/$($p.Item1)" }
            $e.Count | Should -Be $values.Length
            $e.Min | Should -Be ([double][System.Linq.Enumerable]::Min($values))
            $e.Max | Should -Be ([double][System.Linq.Enumerable]::Max($values))
            $g = Get-Floats $p.Item2.grad
            ($h | Where-Object { $_.Tag -eq "p/$($p.Item1).grad" }).Max | Should -Be ([double][System.Linq.Enumerable]::Max($g))
        }
    }

    It 'leaves no tensor alive on the pipeline thread' {
        $w = New-TbWriter -LogDir (New-TestDir)
        try {
            Invoke-TrainingStep $trainer $w 0 | Out-Null
            Add-TbModelHistogram $model -Writer $w -Gradient   # warm-up
            $live = [TorchSharp.DisposeScopeManager]::Statistics.ThreadTotalLiveCount
            foreach ($i in 1..5) { Add-TbModelHistogram $model -Writer $w -Gradient -Step $i }
            [TorchSharp.DisposeScopeManager]::Statistics.ThreadTotalLiveCount | Should -Be $live
        }
        finally { Close-TbWriter $w }
    }
}

Describe 'Tensors given to Add-Tb* cmdlets' {
    BeforeAll {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        [TorchSharp.torch]::manual_seed(7) | Out-Null
    }
    AfterAll { Close-TbWriter $w }

    It 'Add-TbScalar takes a 0-d or one-element tensor of any dtype' {
        $t0 = [TorchSharp.torch]::tensor([float]2.5)
        $t1 = [TorchSharp.torch]::tensor([double[]]@(0.1)).reshape(1, 1, 1)
        $t2 = [TorchSharp.torch]::tensor([long[]]@(-7))
        (Add-TbScalar -Writer $w -Tag s0 -Value $t0 -Step 0 -PassThru).Value | Should -Be 2.5
        (Add-TbScalar -Writer $w -Tag s1 -Value $t1 -Step 0 -PassThru).Value | Should -Be ([float]0.1)
        (Add-TbScalar -Writer $w -Tag s2 -Value $t2 -Step 0 -PassThru).Value | Should -Be -7
        # the caller's tensors are untouched
        $t1.shape | Should -Be @(1, 1, 1)
        $t1.dtype | Should -Be 'Float64'
        $t0.Dispose(); $t1.Dispose(); $t2.Dispose()
    }

    It 'Add-TbHistogram takes a tensor as it takes its values as an array' {
        $t = [TorchSharp.torch]::randn(1000)
        $values = Get-Floats $t
        $a = Add-TbHistogram -Writer $w -Tag htensor -Data $t -Step 0 -PassThru
        $b = Add-TbHistogram -Writer $w -Tag harray -Data $values -Step 0 -PassThru
        $a.Count | Should -Be 1000
        $a.Min | Should -Be $b.Min
        $a.Max | Should -Be $b.Max
        $a.Sum | Should -Be $b.Sum
        $a.Buckets.Count | Should -BeGreaterThan 10
        ($a.Buckets -join "`n") | Should -BeExactly ($b.Buckets -join "`n")
        $t.Dispose()
    }

    It 'Add-TbImage tiles an NCHW float tensor into a grid, as the same values with -Shape' {
        $x = $Data.Images(0, 4)
        $values = Get-Floats $x
        $a = Add-TbImage -Writer $w -Tag itensor -Data $x -DataFormat NCHW -Step 0 -PassThru
        $b = Add-TbImage -Writer $w -Tag iarray -Data $values -Shape 4, 1, 16, 16 -DataFormat NCHW -Step 0 -PassThru
        $a.Width | Should -Be (2 + 4 * 18)
        $a.Height | Should -Be 20
        $a.Channels | Should -Be 3
        [Convert]::ToBase64String($a.Bytes) | Should -BeExactly ([Convert]::ToBase64String($b.Bytes))
        $x.Dispose()
    }

    It 'Add-TbImage takes a uint8 tensor as pixel values, not scaled' {
        [byte[]] $bytes = 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110
        $t = [TorchSharp.torch]::tensor($bytes).reshape(3, 2, 2)
        $t.dtype | Should -Be 'Byte'
        $a = Add-TbImage -Writer $w -Tag u8 -Data $t -Step 0 -PassThru
        $a.Width | Should -Be 2
        $a.Height | Should -Be 2
        $pixels = [TbPowerShell.Core.Imaging.PngCodec]::Decode($a.Bytes, 3)
        # CHW: channel c of pixel (y, x) is bytes[c*4 + y*2 + x]
        foreach ($y in 0, 1) { foreach ($x in 0, 1) { foreach ($c in 0..2) {
                    $pixels.Item($y, $x, $c) | Should -Be $bytes[$c * 4 + $y * 2 + $x]
                } } }
        $t.Dispose()
    }

    It 'Add-TbAudio takes a 2×N tensor as two channels' {
        $t = [TorchSharp.torch]::linspace(-1, 1, 200).reshape(2, 100)
        $values = Get-Floats $t
        $a = Add-TbAudio -Writer $w -Tag atensor -Data $t -SampleRate 8000 -Step 0 -PassThru
        $b = Add-TbAudio -Writer $w -Tag aarray -Data $values -Channels 2 -SampleRate 8000 -Step 0 -PassThru
        $a.Channels | Should -Be 2
        $a.Frames | Should -Be 100
        [Convert]::ToBase64String($a.Bytes) | Should -BeExactly ([Convert]::ToBase64String($b.Bytes))
        $t.Dispose()
    }

    It 'what was written reads back' {
        $w.Flush()
        @(Get-TbEvent $dir -Tag s0, s1, s2 | ForEach-Object Value) | Should -Be @(2.5, [double][float]0.1, -7)
        (Get-TbEvent $dir -Type Image -Tag u8).Channels | Should -Be 3
        (Get-TbEvent $dir -Type Audio -Tag atensor).Channels | Should -Be 2
        (Get-TbEvent $dir -Type Histogram -Tag htensor).Count | Should -Be 1000
    }
}

Describe 'Torch errors' {
    BeforeAll {
        $model = New-Model
        $trainer = [TbPowerShell.Torch.Demo.Trainer]::new($model, 0.05)
        $RegisterId = 'TbPowerShell.Commands.RegisterTbHookCommand'
    }
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
    }
    AfterEach {
        Unregister-TbHook -All
        if (-not $w.IsClosed) { Close-TbWriter $w -ErrorAction SilentlyContinue }
    }

    It 'NotAModule: Register-TbHook and Add-TbModelHistogram stop for something that is not a module' {
        $e = Get-TerminatingError { Register-TbHook -Module 'x' -Name 'stem' -Writer $w }
        $e.FullyQualifiedErrorId | Should -BeExactly "NotAModule,$RegisterId"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -BeExactly 'x'
        $e = Get-TerminatingError { Add-TbModelHistogram -Module 42 -Writer $w }
        $e.FullyQualifiedErrorId | Should -BeExactly 'NotAModule,TbPowerShell.Commands.AddTbModelHistogramCommand'
        $e = Get-TerminatingError { Register-TbHook -Module ([TorchSharp.torch]::zeros(2)) -Name 'stem' -Writer $w }
        $e.FullyQualifiedErrorId | Should -BeExactly "NotAModule,$RegisterId"
    }

    It 'NoModuleMatched: a non-terminating error naming the patterns, and no hook' {
        $out = Register-TbHook $model 'nothing*', 'conv' -Writer $w -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NoModuleMatched,$RegisterId"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($ev[0])" | Should -Match 'nothing\*'
        @(Get-TbHook).Count | Should -Be 0
    }

    It 'WriterClosed: no hook is registered on a closed writer' {
        Close-TbWriter $w
        $e = Get-TerminatingError { Register-TbHook $model 'stem' -Writer $w }
        $e.FullyQualifiedErrorId | Should -BeExactly "WriterClosed,$RegisterId"
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        @(Get-TbHook).Count | Should -Be 0
        $e = Get-TerminatingError { Add-TbModelHistogram $model -Writer $w }
        $e.FullyQualifiedErrorId | Should -BeExactly 'WriterClosed,TbPowerShell.Commands.AddTbModelHistogramCommand'
    }

    It 'HookFailed: a throwing -Action does not stop training and is reported at the next Add-TbScalar for that writer' {
        $hook = Register-TbHook $model 'stem' -Writer $w -Log None -Action { throw 'boom in the action' }
        $other = New-TbWriter -LogDir (New-TestDir)
        $losses = foreach ($step in 0..1) { (Invoke-TrainingStep $trainer $w $step).Loss }
        $losses | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
        $hook.Errors | Should -Be 2
        $hook.Calls | Should -Be 2

        # another writer has nothing to report
        Add-TbScalar -Writer $other -Tag t -Value 1 -Step 0 -ErrorVariable none -ErrorAction SilentlyContinue
        $none.Count | Should -Be 0
        Close-TbWriter $other

        Add-TbScalar -Writer $w -Tag t -Value 1 -Step 5 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 2
        $ev | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeExactly 'HookFailed,TbPowerShell.Commands.AddTbScalarCommand'
            $_.CategoryInfo.Category | Should -Be 'InvalidResult'
            $_.TargetObject | Should -Be $w
            "$_" | Should -Match "'stem'"
            "$_" | Should -Match 'boom in the action'
        }
        # reported once; the value itself was written
        Add-TbScalar -Writer $w -Tag t -Value 2 -Step 6 -ErrorVariable again -ErrorAction SilentlyContinue
        $again.Count | Should -Be 0
        Close-TbWriter $w
        @(Get-TbEvent $dir -Tag t).Step | Should -Be @(5, 6)
    }

    It 'InvalidValue: Add-TbScalar rejects a tensor of more than one element' {
        $t = [TorchSharp.torch]::ones(2, 2)
        Add-TbScalar -Writer $w -Tag t -Value $t -Step 0 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidValue,TbPowerShell.Commands.AddTbScalarCommand'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject.GetType().FullName | Should -Be 'TorchSharp.torch+Tensor'
        $ev[0].TargetObject.shape | Should -Be @(2, 2)
        $t.IsInvalid | Should -BeFalse
        $t.Dispose()
    }
}

Describe 'Import-Module does not load TorchSharp' {
    It 'loads no TorchSharp assembly nor libtorch when only scalars, histograms and images of arrays are written and read' {
        $dir = Join-Path $TestDrive 'notorch'
        $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-SingleQuoted $modulePath)
function Test-Torch { [bool](([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -eq 'TorchSharp') -or (Select-String -LiteralPath /proc/`$PID/maps -Pattern 'libtorch' -SimpleMatch -Quiet)) }
"import:`$(Test-Torch)"
`$w = New-TbWriter -LogDir $(ConvertTo-SingleQuoted $dir)
Add-TbScalar -Writer `$w -Tag a -Value 1 -Step 0
Add-TbScalar -Writer `$w -Tag a -Value '2.5' -Step 1
Add-TbHistogram -Writer `$w -Tag h -Data @(1, 2, 3) -Step 0
Add-TbImage -Writer `$w -Tag i -Data ([float[]](0, 0.5, 1, 1)) -Shape 2, 2 -DataFormat HW -Step 0
Close-TbWriter `$w
`$n = @(Get-TbEvent $(ConvertTo-SingleQuoted $dir) -Type All).Count
"events:`$n"
"io:`$(Test-Torch)"
# the check itself sees TorchSharp once a model is made
[TbPowerShell.Torch.Demo.Determinism]::Seed(1)
"model:`$(Test-Torch)"
"@
        $r = Invoke-ChildPwsh -Command $command -TimeoutSeconds 60
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'import:False'
        $r.Output | Should -Contain 'events:4'
        $r.Output | Should -Contain 'io:False'
        $r.Output | Should -Contain 'model:True'
    }
}
