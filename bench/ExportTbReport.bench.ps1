<#
.SYNOPSIS
    Target of issue 12: Export-TbReport of the demo run writes a file under 5 MB.
.DESCRIPTION
    Trains the demo (examples/demo.ps1, TBBENCH_DEMO_SECONDS seconds, default 60) into a scratch
    folder, or takes the run in TBBENCH_DEMO_RUN when set, then exports it with Export-TbReport and
    reports the file's size (target < 5 MB) and the time taken. The baseline is the size of the
    run's own event files: the report holds every value of the run plus the page, uPlot and the
    images as data: addresses.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/ExportTbReport.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$root = Join-Path ([IO.Path]::GetTempPath()) ('tbps-bench-' + [guid]::NewGuid().ToString('N'))
try {
    $run = $env:TBBENCH_DEMO_RUN
    if (-not $run) {
        $run = Join-Path $root 'demo'
        $seconds = Get-BenchSetting TBBENCH_DEMO_SECONDS 60
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $demo = Join-Path $PSScriptRoot '../examples/demo.ps1'
        $null = & ([Environment]::ProcessPath) $pwshDll -NoProfile -NonInteractive -File $demo -ModulePath $ModulePath -LogDir $run -Seconds $seconds 2>$null
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
    $eventBytes = (Get-ChildItem -LiteralPath $run -Recurse -File | Where-Object Name -Like '*tfevents*' | Measure-Object Length -Sum).Sum
    $report = Join-Path $root 'report.html'
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Export-TbReport $run -Path $report
    $clock.Stop()
    $bytes = (Get-Item -LiteralPath $report).Length
    $verdict = if ($bytes -lt 5MB) { 'PASS' } else { 'MISS' }
    Write-BenchLine '16 Export-TbReport of the demo run: {0} MB (target < 5 MB) {1}; baseline the run''s event files: {2} MB ({3})' @(
        (Format-Number ($bytes / 1MB) '0.00'), $verdict, (Format-Number ($eventBytes / 1MB) '0.00'), (Format-Ratio ($bytes / [math]::Max(1, $eventBytes))))
    Write-BenchLine 'written in {0} ms; {1} runs, {2} tags; load average {3}' @(
        (Format-Number $clock.Elapsed.TotalMilliseconds), @(Get-TbRun $run).Count, @(Get-TbTag $run).Count, (Get-LoadAverage)) -Detail
}
finally {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}
