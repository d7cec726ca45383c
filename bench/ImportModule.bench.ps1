<#
.SYNOPSIS
    Target 6: `Import-Module` of the built module takes under 0.5 s.
.DESCRIPTION
    Starts fresh pwsh processes (-NoProfile -NonInteractive) that import the module, and the same
    pwsh starting without importing it (the baseline), alternately, 7 times each after one untimed
    start of each. Each start is timed from outside (process start to exit); the import cost is the
    difference of the two medians. A detail line also gives the median time of the Import-Module
    call measured inside the child with a Stopwatch.
    Settings (environment): TBBENCH_IMPORT_RUNS (default 7).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/ImportModule.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$runs = Get-BenchSetting TBBENCH_IMPORT_RUNS 7
$target = [timespan]::FromMilliseconds(500)

$withImport = @"
`$clock = [Diagnostics.Stopwatch]::StartNew()
Import-Module $(ConvertTo-PSLiteral $ModulePath) -ErrorAction Stop
`$clock.Stop()
'import-ms=' + `$clock.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)
"@
$withoutImport = @"
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$clock.Stop()
'import-ms=0'
"@

function Measure-ChildStart {
    # Starts a child pwsh running $Script; returns its wall time and the import time it printed.
    param([string] $Script)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $lines = Invoke-ChildPwsh $Script
    $clock.Stop()
    $line = @($lines | Where-Object { $_ -like 'import-ms=*' })
    if ($line.Count -ne 1) { throw "The child pwsh printed no import time: $($lines -join ' | ')" }
    [pscustomobject]@{ Wall = $clock.Elapsed; ImportMs = [double]::Parse($line[0].Substring(10), $Invariant) }
}

# One untimed start of each: the first start also warms the disk cache.
$null = Measure-ChildStart $withImport
$null = Measure-ChildStart $withoutImport
$imports = [Collections.Generic.List[object]]::new()
$baselines = [Collections.Generic.List[object]]::new()
for ($i = 0; $i -lt $runs; $i++) {
    $imports.Add((Measure-ChildStart $withImport))
    $baselines.Add((Measure-ChildStart $withoutImport))
}

$importWall = Get-Median ($imports | ForEach-Object Wall)
$baselineWall = Get-Median ($baselines | ForEach-Object Wall)
$inside = Get-Median ($imports | ForEach-Object ImportMs)
$cost = $importWall - $baselineWall
Write-BenchLine 'Import-Module: import cost = {0:0} ms (pwsh start with import {1:0} ms, {2:0.00}x the {3:0} ms start without it); target < 500 ms: {4}' `
    $cost.TotalMilliseconds, $importWall.TotalMilliseconds, ($importWall.TotalSeconds / $baselineWall.TotalSeconds), $baselineWall.TotalMilliseconds, (Get-Verdict ($cost -lt $target))
Write-BenchLine -Detail 'medians of {0} fresh pwsh processes each, alternated, load average {1}; Import-Module measured inside the child: {2:0} ms' `
    $runs, (Get-LoadAverage), $inside
