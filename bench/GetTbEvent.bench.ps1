<#
.SYNOPSIS
    Target 3: `Get-TbEvent $dir | Measure-Object` emits at least 500 thousand objects a second.
.DESCRIPTION
    Writes one run of 1 million scalars with the core writer, then times
    `Get-TbEvent $dir | Measure-Object` (median of 3, after a warm-up on a 200 thousand-scalar run; the
    baselines take turns with it, so a change in load hits all alike).
    Baselines timed in the same run:
      - `1..N | Measure-Object`, the same count into the same downstream cmdlet: what the pipeline
        and Measure-Object cost on their own (the ratio says how close Get-TbEvent gets to free);
      - `Import-Csv | Measure-Object` of the same values exported with Export-Csv: the other way to
        read logged values back into PowerShell (on a 200 thousand-row slice, to keep the run short).
    A detail line shows `$events = Get-TbEvent $dir` (no downstream cmdlet), which separates the
    reader's own cost from Measure-Object's.
    Settings (environment): TBBENCH_GETTBEVENT_EVENTS (default 1000000), TBBENCH_CSV_ROWS (200000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/GetTbEvent.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

$events = Get-BenchSetting TBBENCH_GETTBEVENT_EVENTS 1000000
$csvRows = [math]::Min((Get-BenchSetting TBBENCH_CSV_ROWS 200000), $events)
$target = 500e3
$scratch = New-ScratchDirectory 'get-tbevent'
try {
    $run = Join-Path $scratch 'run'
    $warmRun = Join-Path $scratch 'warm-up'
    $null = Write-ScalarRun -Directory $run -Count $events
    $null = Write-ScalarRun -Directory $warmRun -Count ([math]::Min(200000, $events))

    $csv = Join-Path $scratch 'values.csv'
    Get-TbEvent $run | Select-Object -First $csvRows | Export-Csv -LiteralPath $csv

    $script:counts = @{}
    $t = Measure-Interleaved @(
        @{ Name = 'Get-TbEvent'; WarmUp = { Get-TbEvent $warmRun | Measure-Object }; Body = { $script:counts.GetTbEvent = (Get-TbEvent $run | Measure-Object).Count } }
        @{ Name = 'range'; Body = { $script:counts.Range = (1..$events | Measure-Object).Count } }
        @{ Name = 'collect'; WarmUp = {}; Body = { $script:collected = Get-TbEvent $run; $script:collected = $null } }
        @{ Name = 'Import-Csv'; Body = { $script:counts.ImportCsv = (Import-Csv -LiteralPath $csv | Measure-Object).Count } }
    )
    if ($counts.GetTbEvent -ne $events) { throw "Get-TbEvent emitted $($counts.GetTbEvent) objects; $events were written." }
    if ($counts.ImportCsv -ne $csvRows) { throw "Import-Csv read $($counts.ImportCsv) rows; $csvRows were exported." }
    $getTbEvent, $range, $collect, $importCsv = $t['Get-TbEvent'], $t['range'], $t['collect'], $t['Import-Csv']

    $median = Get-Median $getTbEvent
    $rate = $events / $median.TotalSeconds
    $rangeRate = $events / (Get-Median $range).TotalSeconds
    $collectRate = $events / (Get-Median $collect).TotalSeconds
    $csvRate = $csvRows / (Get-Median $importCsv).TotalSeconds
    Write-BenchLine 'Get-TbEvent | Measure-Object: {0} objects/s; {1} the 1..N | Measure-Object baseline ({2} objects/s); {3} Import-Csv | Measure-Object ({4} rows/s); target >= 500 k/s: {5}' `
        (Format-Rate $rate), (Format-Ratio ($rate / $rangeRate)), (Format-Rate $rangeRate), (Format-Ratio ($rate / $csvRate)), (Format-Rate $csvRate), (Get-Verdict ($rate -ge $target))
    Write-BenchLine -Detail '{0:N0} scalars in one file, median of 3 (interleaved), load average {1}: {2:0} ms (best {3} objects/s); 1..N | Measure-Object {4:0} ms; Import-Csv on {5:N0} rows' `
        $events, (Get-LoadAverage), $median.TotalMilliseconds, (Format-Rate ($events / $getTbEvent[0].TotalSeconds)), (Get-Median $range).TotalMilliseconds, $csvRows
    Write-BenchLine -Detail 'Get-TbEvent into a variable (no Measure-Object): {0} objects/s' (Format-Rate $collectRate)
}
finally {
    Remove-ScratchDirectory $scratch
}
