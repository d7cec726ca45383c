<#
.SYNOPSIS
    Cost of Register-TbHook on a training step of the demo model.
.DESCRIPTION
    Trains the demo TwoBranchNet (batch 64) in alternating blocks of steps with and without hooks
    (feature maps of stem/stage/fuse, histogram+stats of head.fc, a gradient hook; -Every 100), so
    both see the same machine load. Reports:
      - the median time of a non-logging step with hooks vs without (target: at most 2 % slower),
      - the median time of a logging step (every 100th) with hooks, and its extra cost.
.PARAMETER Blocks
    Alternating blocks per variant. Default 6.
.PARAMETER StepsPerBlock
    Steps per block. Default 100 (so every block with hooks has one logging step).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/TbPowerShell/TbPowerShell.psd1'),
    [int] $Blocks = 6,
    [int] $StepsPerBlock = 100
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

[TbPowerShell.Torch.Demo.Determinism]::Seed(1)
$data = [TbPowerShell.Torch.Demo.ShapesDataset]::new(2048, 3)
$batch = 64
$batches = [int]($data.Count / $batch)
$xs = 0..($batches - 1) | ForEach-Object { $data.Images($_ * $batch, $batch) }
$ys = 0..($batches - 1) | ForEach-Object { $data.Labels($_ * $batch, $batch) }

$dir = Join-Path ([System.IO.Path]::GetTempPath()) "tb-hook-bench-$PID"
$plainModel = [TbPowerShell.Torch.Demo.TwoBranchNet]::new(4)
$hookedModel = [TbPowerShell.Torch.Demo.TwoBranchNet]::new(4)
$plain = [TbPowerShell.Torch.Demo.Trainer]::new($plainModel, 0.05)
$hooked = [TbPowerShell.Torch.Demo.Trainer]::new($hookedModel, 0.05)
$w = New-TbWriter -LogDir $dir
$null = Register-TbHook -Module $hookedModel -Name 'stem', 'stage', 'fuse' -Writer $w -Log FeatureMap -Every 100
$null = Register-TbHook -Module $hookedModel -Name 'head.fc' -Writer $w -Log Histogram, Stats -Every 100
$null = Register-TbHook -Module $hookedModel -Name 'stage.branch1' -Writer $w -Kind Gradient -Every 100

# Warm-up: JIT and libtorch's first-call costs.
for ($i = 0; $i -lt 20; $i++) { $null = $plain.Step($xs[$i % $batches], $ys[$i % $batches]); $w.GlobalStep = 1; $null = $hooked.Step($xs[$i % $batches], $ys[$i % $batches]) }

$plainTimes = [System.Collections.Generic.List[double]]::new()
$quietTimes = [System.Collections.Generic.List[double]]::new()
$loggingTimes = [System.Collections.Generic.List[double]]::new()
$sw = [System.Diagnostics.Stopwatch]::new()
$step = 0
for ($b = 0; $b -lt $Blocks; $b++) {
    for ($i = 0; $i -lt $StepsPerBlock; $i++) {
        $k = $i % $batches
        $sw.Restart(); $null = $plain.Step($xs[$k], $ys[$k]); $sw.Stop()
        $plainTimes.Add($sw.Elapsed.TotalMilliseconds)
    }
    for ($i = 0; $i -lt $StepsPerBlock; $i++) {
        $k = $i % $batches
        $w.GlobalStep = $step
        $sw.Restart(); $null = $hooked.Step($xs[$k], $ys[$k]); $sw.Stop()
        if ($step % 100 -eq 0) { $loggingTimes.Add($sw.Elapsed.TotalMilliseconds) } else { $quietTimes.Add($sw.Elapsed.TotalMilliseconds) }
        $step++
    }
}
Close-TbWriter $w
Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue

$p = Get-Median $plainTimes
$q = Get-Median $quietTimes
$l = Get-Median $loggingTimes
$overhead = ($q / $p - 1) * 100
$verdict = if ($overhead -le 2) { 'PASS' } else { 'MISS' }
Write-Host ("hooks, non-logging step: {0:N2} ms vs {1:N2} ms without hooks: {2:+0.0;-0.0} % ({3:N3}x); target <= 2 %: {4}" -f $q, $p, $overhead, ($q / $p), $verdict)
Write-Host ("hooks, logging step (every 100th): {0:N2} ms, {1:N1}x a plain step (+{2:N2} ms for copying 5 modules' outputs; PNG and histograms run off the training thread)" -f $l, ($l / $p), ($l - $p))
