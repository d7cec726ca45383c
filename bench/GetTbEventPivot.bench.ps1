<#
.SYNOPSIS
    Target (issue 13, point 8): `Get-TbEvent $dir -Pivot | Select-Object -First 1` over 50 runs x 100 k
    scalars gives its first row in < 1 s and peaks under 300 MB of working set.
.DESCRIPTION
    Writes one run of 100 thousand scalars (four tags, 25 thousand steps, in step order as a training
    loop logs them) with the core writer, then copies its event file into 49 more runs: 5 million
    scalars, 50 runs. Then, in fresh pwsh processes taking turns (a warm-up each, then the median of
    3), times the first row and reads the peak working set (VmHWM from /proc/self/status;
    Process.PeakWorkingSet64 elsewhere) of:
      - the baseline: `Get-TbEvent $dir | Select-Object -First 1` (a plain read);
      - `Get-TbEvent $dir -Pivot | Select-Object -First 1`;
      - with -BeforeModulePath (a build of the module before the streaming pivot, e.g. main's), the
        same -Pivot line with that module, so today's behaviour is measured in the same run.
    The time is measured inside the child, from just after Import-Module to the first row, with the
    process CPU time over the same span (steadier than wall time on a busy machine). Detail lines
    also give the whole -Pivot read into Measure-Object against the whole plain read.
    Settings (environment): TBBENCH_PIVOT_RUNS (default 50), TBBENCH_PIVOT_SCALARS per run (default 100000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/GetTbEventPivot.bench.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/GetTbEventPivot.bench.ps1 -BeforeModulePath /tmp/main-out/TbPowerShell/TbPowerShell.psd1
#>
param([string] $ModulePath, [string] $BeforeModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath
if ($BeforeModulePath) { $BeforeModulePath = [IO.Path]::GetFullPath($BeforeModulePath) }

$runCount = Get-BenchSetting TBBENCH_PIVOT_RUNS 50
$perRun = Get-BenchSetting TBBENCH_PIVOT_SCALARS 100000
$firstRowTarget = [timespan]::FromSeconds(1)
$peakTarget = 300MB

function Measure-Child {
    # Runs $Body (a pipeline) in a fresh pwsh with module $Module; returns its time in ms (after the
    # import), the process CPU time it took (all threads), its peak working set in bytes and the count it printed.
    param([string] $Module, [string] $Body)
    $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module $(ConvertTo-PSLiteral $Module)
`$process = [Diagnostics.Process]::GetCurrentProcess()
`$cpu = `$process.TotalProcessorTime
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$count = @($Body).Count
`$clock.Stop()
`$process.Refresh()
"ms=`$(`$clock.Elapsed.TotalMilliseconds)"
"cpu=`$((`$process.TotalProcessorTime - `$cpu).TotalMilliseconds)"
"count=`$count"
$PeakMemoryLine
"@
    $result = @{}
    foreach ($line in Invoke-ChildPwsh $script) {
        if ($line -match '^(\w+)=(.*)$') { $result[$Matches[1]] = [double]::Parse($Matches[2], $Invariant) }
    }
    if (-not $result.ContainsKey('peak')) { throw "The child pwsh did not report its figures." }
    [pscustomobject]@{ Ms = $result.ms; Cpu = $result.cpu; Peak = $result.peak; Count = $result.count }
}

$scratch = New-ScratchDirectory 'pivot'
try {
    $generation = [Diagnostics.Stopwatch]::StartNew()
    $first = Write-ScalarRun -Directory (Join-Path $scratch 'run00') -Count $perRun
    for ($r = 1; $r -lt $runCount; $r++) {
        $dir = Join-Path $scratch ('run{0:D2}' -f $r)
        $null = New-Item -ItemType Directory -Path $dir
        [IO.File]::Copy($first, (Join-Path $dir ([IO.Path]::GetFileName($first))))
    }
    $generation.Stop()
    $literal = ConvertTo-PSLiteral $scratch

    $cases = [ordered]@{
        'plain first row'  = @{ Module = $ModulePath; Body = "Get-TbEvent $literal | Select-Object -First 1" }
        '-Pivot first row' = @{ Module = $ModulePath; Body = "Get-TbEvent $literal -Pivot | Select-Object -First 1" }
        'plain whole read'  = @{ Module = $ModulePath; Body = "Get-TbEvent $literal | Measure-Object" }
        '-Pivot whole read' = @{ Module = $ModulePath; Body = "Get-TbEvent $literal -Pivot | Measure-Object" }
    }
    if ($BeforeModulePath) {
        $cases['-Pivot first row, before'] = @{ Module = $BeforeModulePath; Body = "Get-TbEvent $literal -Pivot | Select-Object -First 1" }
        $cases['plain first row, before'] = @{ Module = $BeforeModulePath; Body = "Get-TbEvent $literal | Select-Object -First 1" }
    }
    $results = @{}
    foreach ($name in $cases.Keys) {
        $results[$name] = [Collections.Generic.List[object]]::new()
        if ($name -notlike '*whole*') {
            $null = Measure-Child -Module $cases[$name].Module -Body $cases[$name].Body   # warm-up: the files into the page cache
        }
    }
    for ($i = 0; $i -lt 3; $i++) {
        foreach ($name in $cases.Keys) { $results[$name].Add((Measure-Child -Module $cases[$name].Module -Body $cases[$name].Body)) }
    }
    $median = @{}
    foreach ($name in $cases.Keys) {
        $median[$name] = [pscustomobject]@{
            Ms   = Get-Median @($results[$name] | ForEach-Object Ms)
            Cpu  = Get-Median @($results[$name] | ForEach-Object Cpu)
            Peak = Get-Median @($results[$name] | ForEach-Object Peak)
        }
    }
    $plain = $median['plain first row']
    $pivot = $median['-Pivot first row']
    $met = $pivot.Ms -lt $firstRowTarget.TotalMilliseconds -and $pivot.Peak -lt $peakTarget
    Write-BenchLine 'Get-TbEvent -Pivot | Select-Object -First 1 over {0} runs x {1:N0} scalars: first row {2:0} ms ({3:0.00}x a plain read), peak {4:0} MB ({5:0.00}x); target < 1 s and < 300 MB: {6}' `
        $runCount, $perRun, $pivot.Ms, ($pivot.Ms / $plain.Ms), ($pivot.Peak / 1MB), ($pivot.Peak / $plain.Peak), (Get-Verdict $met)
    Write-BenchLine -Detail '{0:N0} scalars in {1} runs (4 tags, in step order), generated in {2:0.0} s; medians of 3 fresh pwsh each (interleaved, after a warm-up); time after Import-Module; load average {3}' `
        ($runCount * $perRun), $runCount, $generation.Elapsed.TotalSeconds, (Get-LoadAverage)
    foreach ($name in $cases.Keys) {
        Write-BenchLine -Detail '{0,-26} {1,8:0} ms ({2,6:0} ms CPU)  {3,6:0} MB peak   {4,5:0.00}x / {5,5:0.00}x the plain first row' `
            $name, $median[$name].Ms, $median[$name].Cpu, ($median[$name].Peak / 1MB), ($median[$name].Ms / $plain.Ms), ($median[$name].Peak / $plain.Peak)
    }
    if ($BeforeModulePath) {
        $before = $median['-Pivot first row, before']
        Write-BenchLine -Detail '-Pivot first row against the module before: {0:0.00}x the time, {1:0.00}x the CPU time, {2:0.00}x the peak' `
            ($pivot.Ms / $before.Ms), ($pivot.Cpu / $before.Cpu), ($pivot.Peak / $before.Peak)
    }
}
finally {
    Remove-ScratchDirectory $scratch
}
