<#
.SYNOPSIS
    Target: `Get-TbEvent -Smoothing` and `Get-TbEvent -Pivot` on 1 million values cost at most 2x a plain read.
.DESCRIPTION
    Writes one run of 1 million scalars (four tags, 250 thousand steps) with the core writer, then
    times, interleaved (median of 3 after a warm-up), each into Measure-Object:
      - the baseline: `Get-TbEvent $dir` (a plain read, the same data, the same downstream cmdlet);
      - `-Smoothing 0.6` (TensorBoard's EMA: includes the scalar-only pass that finds constant series);
      - `-MovingAverage 10`;
      - `-Pivot` (250 thousand rows of four tag columns: every value is buffered, then rows are emitted);
      - `-Pivot -Smoothing 0.6`;
      - `-Tail 100` (the last 100 values per tag).
    Each line gives the time as a ratio to the plain read; the target holds when smoothing and pivot
    are both within 2x.
    Settings (environment): TBBENCH_SHAPING_EVENTS (default 1000000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/GetTbEventShaping.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

$events = Get-BenchSetting TBBENCH_SHAPING_EVENTS 1000000
$scratch = New-ScratchDirectory 'shaping'
try {
    $run = Join-Path $scratch 'run'
    $warmRun = Join-Path $scratch 'warm-up'
    $null = Write-ScalarRun -Directory $run -Count $events
    $null = Write-ScalarRun -Directory $warmRun -Count ([math]::Min(100000, $events))

    $counts = @{}
    $cases = [ordered]@{
        'plain'              = @{}
        '-Smoothing 0.6'     = @{ Smoothing = 0.6 }
        '-MovingAverage 10'  = @{ MovingAverage = 10 }
        '-Pivot'             = @{ Pivot = $true }
        '-Pivot -Smoothing'  = @{ Pivot = $true; Smoothing = 0.6 }
        '-Tail 100'          = @{ Tail = 100 }
    }
    $t = Measure-Interleaved @(
        foreach ($name in $cases.Keys) {
            $arguments = $cases[$name]
            @{
                Name   = $name
                WarmUp = { Get-TbEvent $warmRun @arguments | Measure-Object }.GetNewClosure()
                Body   = { $counts[$name] = (Get-TbEvent $run @arguments | Measure-Object).Count }.GetNewClosure()
            }
        }
    )
    $expectedRows = [math]::Ceiling($events / 4)
    if ($counts['plain'] -ne $events) { throw "Get-TbEvent emitted $($counts['plain']) objects; $events were written." }
    if ($counts['-Smoothing 0.6'] -ne $events) { throw "Get-TbEvent -Smoothing emitted $($counts['-Smoothing 0.6']) objects." }
    if ($counts['-Pivot'] -ne $expectedRows) { throw "Get-TbEvent -Pivot emitted $($counts['-Pivot']) rows; expected $expectedRows." }

    $plain = (Get-Median $t['plain']).TotalSeconds
    $ratios = [ordered]@{}
    foreach ($name in $cases.Keys) { $ratios[$name] = (Get-Median $t[$name]).TotalSeconds / $plain }
    $worst = [math]::Max($ratios['-Smoothing 0.6'], $ratios['-Pivot'])
    Write-BenchLine 'Get-TbEvent -Smoothing: {0:0.00}x and -Pivot: {1:0.00}x the time of a plain read ({2} objects/s); target <= 2x: {3}' `
        $ratios['-Smoothing 0.6'], $ratios['-Pivot'], (Format-Rate ($events / $plain)), (Get-Verdict ($worst -le 2))
    Write-BenchLine -Detail '{0:N0} scalars (4 tags), median of 3 (interleaved), load average {1}' $events, (Get-LoadAverage)
    foreach ($name in $cases.Keys) {
        Write-BenchLine -Detail '{0,-20} {1,8:0} ms  {2:0.00}x' $name, (Get-Median $t[$name]).TotalMilliseconds, $ratios[$name]
    }
}
finally {
    Remove-ScratchDirectory $scratch
}
