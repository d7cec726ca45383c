<#
.SYNOPSIS
    Targets 10 and 11 through the cmdlets: `Get-TbEvent -Type Scalar` against `Get-TbEvent -Type All` on an
    image-heavy file, and `Get-TbRun` over 50 runs of 200 thousand scalars.
.DESCRIPTION
    (a) Writes one run of image grids (a 192 kB image every 10 steps, 4 scalars a step: images 99 % of the
        bytes) with the core writer, then times `Get-TbEvent -Type Scalar | Measure-Object` against
        `Get-TbEvent -Type All | Measure-Object` on it (the full decode, image objects included).
    (b) Writes one run of 200 thousand scalars and copies it into 50 runs, then times `Get-TbRun` over them
        against `Get-TbEvent -Tag <no such tag> | Measure-Object`: the same files read sequentially by
        Get-TbEvent's reader, with nothing emitted. A detail line gives the process CPU time per wall time
        of Get-TbRun (near 2 means both cores worked).
    Median of 3, interleaved. Settings (environment): TBBENCH_GETTBRUN_RUNS (50),
    TBBENCH_GETTBRUN_SCALARS (200000), TBBENCH_SKIM_STEPS (10000, the image-heavy run's steps).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/GetTbRun.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

$runCount = Get-BenchSetting TBBENCH_GETTBRUN_RUNS 50
$perRun = Get-BenchSetting TBBENCH_GETTBRUN_SCALARS 200000
$steps = Get-BenchSetting TBBENCH_SKIM_STEPS 10000
$scratch = New-ScratchDirectory 'get-tbrun'
try {
    # (a) the image-heavy run
    $heavy = Join-Path $scratch 'heavy'
    $writer = [TbPowerShell.TbWriter]::new($heavy)
    try {
        $random = [Random]::new(5)
        $image = [byte[]]::new(192KB)
        $start = [TbPowerShell.TbTimestamp]::Now.UnixSeconds
        $scalars = 0
        for ($step = 0; $step -lt $steps; $step++) {
            $at = [TbPowerShell.TbTimestamp]::new($start + $step)
            foreach ($tag in $ScalarTags) { $writer.AddScalar($tag, 1.0 / ($step + 1), $step, $at); $scalars++ }
            if ($step % 10 -eq 0) {
                $random.NextBytes($image)
                $writer.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Image('grid', $image, 256, 256, 3), $step, $at)
            }
        }
    }
    finally { $writer.Close() }
    $images = [math]::Ceiling($steps / 10)

    $script:counts = @{}
    $t = Measure-Interleaved @(
        @{ Name = 'scalar'; Body = { $script:counts.Scalar = (Get-TbEvent $heavy -Type Scalar | Measure-Object).Count } }
        @{ Name = 'all'; Body = { $script:counts.All = (Get-TbEvent $heavy -Type All | Measure-Object).Count } }
    )
    if ($counts.Scalar -ne $scalars -or $counts.All -ne $scalars + $images) { throw "Get-TbEvent read $($counts.Scalar) scalars and $($counts.All) values; $scalars scalars and $images images were written." }
    $scalarMs = (Get-Median $t['scalar']).TotalMilliseconds
    $allMs = (Get-Median $t['all']).TotalMilliseconds
    $bytes = (Get-ChildItem $heavy -File).Length
    Write-BenchLine 'Get-TbEvent -Type Scalar on an image-heavy file: {0:0} ms; {1} faster than Get-TbEvent -Type All ({2:0} ms): figure to report' `
        $scalarMs, (Format-Ratio ($allMs / $scalarMs)), $allMs
    Write-BenchLine -Detail '{0:0.0} MB, images {1:0.0} % of the bytes ({2:N0} images of 192 kB, {3:N0} scalars); both emit the same {3:N0} scalar objects, which cost what they cost; median of 3, load average {4}' `
        ($bytes / 1e6), (100.0 * $images * 192KB / $bytes), $images, $scalars, (Get-LoadAverage)

    # (b) many runs
    $logs = Join-Path $scratch 'logs'
    $first = Write-ScalarRun -Directory (Join-Path $logs 'run000') -Count $perRun
    for ($r = 1; $r -lt $runCount; $r++) {
        $dir = New-Item -ItemType Directory (Join-Path $logs ('run{0:000}' -f $r))
        Copy-Item -LiteralPath $first -Destination $dir.FullName
    }
    $total = [long]$runCount * $perRun
    $script:cpu = [System.Collections.Generic.List[double]]::new()
    $t = Measure-Interleaved @(
        @{ Name = 'Get-TbRun'; Body = {
                $before = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $script:counts.Runs = @(Get-TbRun $logs)
                $script:cpu.Add(([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $before).TotalSeconds / $clock.Elapsed.TotalSeconds)
            } }
        @{ Name = 'scan'; Body = { $script:counts.Scan = (Get-TbEvent $logs -Tag 'no such tag' | Measure-Object).Count } }
    )
    $values = ($counts.Runs | Measure-Object Values -Sum).Sum
    if ($counts.Runs.Count -ne $runCount -or $values -ne $total) { throw "Get-TbRun found $($counts.Runs.Count) runs and $values values; $runCount runs of $perRun were written." }
    $runMs = (Get-Median $t['Get-TbRun']).TotalMilliseconds
    $scanMs = (Get-Median $t['scan']).TotalMilliseconds
    Write-BenchLine 'Get-TbRun over {0} runs x {1:N0} scalars: {2:0} ms = {3} scalars/s; {4} the time of Get-TbEvent -Tag <none> | Measure-Object ({5:0} ms: the same runs read in parallel, every scalar decoded and filtered out, nothing emitted): figure to report' `
        $runCount, $perRun, $runMs, (Format-Rate ($total / $runMs * 1000)), (Format-Ratio ($runMs / $scanMs)), $scanMs
    Write-BenchLine -Detail 'process CPU time / wall time during Get-TbRun: {0:0.00} (median) on {1} cores; load average {2}' `
        (Get-Median $cpu.ToArray()), ([Environment]::ProcessorCount), (Get-LoadAverage)
}
finally {
    Remove-ScratchDirectory $scratch
}
