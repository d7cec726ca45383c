<#
.SYNOPSIS
    Target: the module's property adapter (issue 13's JSON: WallTime as one ISO string, while PowerShell sees the exact
    timestamp) costs Export-Csv, Where-Object and member access on event objects at most 1.25x what PowerShell's own
    .NET adapter costs.
.DESCRIPTION
    Writes one run of 200 thousand scalars, then in fresh pwsh processes taking turns (3 each, medians), reads them
    with Get-TbEvent into a variable and times on those objects:
      - `$events | Export-Csv` (the flagship use);
      - `$events | Where-Object Value -gt 0.5`;
      - `foreach ($e in $events) { $e.Step }` (member access in a script);
      - `$events[0..19999] | ConvertTo-Json` (20 thousand objects).
    The "adapter" processes import the module as shipped; the ".NET adapter" ones remove the module's type data (the
    TypeAdapter entries of TbPowerShell.types.ps1xml) right after the import, so PowerShell reads the same objects
    through its .NET adapter (WallTime then shows as the ISO string of the .NET property, cheaper to write than a
    timestamp). With -BeforeModulePath (a build of the module from before the adapter, commit bfc21f5, whose WallTime
    was a TbTimestamp .NET property), "before" processes run that module too, and the target is against them: what
    users had. Each line gives the adapter's time as a ratio to the baseline's.
    Settings (environment): TBBENCH_OBJECTS_EVENTS (default 200000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/EventObjects.bench.ps1
#>
param([string] $ModulePath, [string] $BeforeModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$events = Get-BenchSetting TBBENCH_OBJECTS_EVENTS 200000
$scratch = New-ScratchDirectory 'objects'
try {
    $run = Join-Path $scratch 'run'
    $null = Write-ScalarRun -Directory $run -Count $events
    $csv = Join-Path $scratch 'out.csv'

    function Get-ChildScript([string] $Case) {
        $module = if ($Case -eq 'before') { [IO.Path]::GetFullPath($BeforeModulePath) } else { $ModulePath }
        $remove = if ($Case -ne 'net') { '' } else {
            @'
foreach ($t in 'TbScalarEvent', 'TbSmoothedScalarEvent', 'TbImageEvent', 'TbAudioEvent', 'TbTextEvent', 'TbHistogramEvent', 'TbTensorEvent', 'TbTagSummary', 'TbRunSummary') {
    Remove-TypeData -TypeName "TbPowerShell.$t" -ErrorAction SilentlyContinue
}
'@
        }
        @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-PSLiteral $module)
$remove
`$events = Get-TbEvent -LiteralPath $(ConvertTo-PSLiteral $run)
`$kind = `$events[0].WallTime.GetType().Name
function Time([scriptblock] `$body) { [GC]::Collect(); `$c = [Diagnostics.Stopwatch]::StartNew(); `$null = & `$body; `$c.Elapsed.TotalMilliseconds }
`$null = Time { `$events[0..999] | Export-Csv -LiteralPath $(ConvertTo-PSLiteral $csv) }
"csv=" + (Time { `$events | Export-Csv -LiteralPath $(ConvertTo-PSLiteral $csv) })
"where=" + (Time { `$events | Where-Object Value -gt 0.5 })
"member=" + (Time { foreach (`$e in `$events) { `$null = `$e.Step } })
"json=" + (Time { `$events[0..19999] | ConvertTo-Json -Compress })
"kind=`$kind"
"@
    }

    $cases = @('adapter', 'net')
    if ($BeforeModulePath) { $cases += 'before' }
    $results = @{}
    foreach ($case in $cases) { $results[$case] = @{} }
    foreach ($i in 1..3) {
        foreach ($case in $cases) {
            foreach ($line in Invoke-ChildPwsh (Get-ChildScript $case)) {
                if ($line -match '^(\w+)=(.*)$') {
                    if (-not $results[$case].ContainsKey($Matches[1])) { $results[$case][$Matches[1]] = [Collections.Generic.List[string]]::new() }
                    $results[$case][$Matches[1]].Add($Matches[2])
                }
            }
        }
    }
    if ($results['adapter']['kind'][0] -ne 'TbTimestamp' -or $results['net']['kind'][0] -ne 'String') {
        throw "The kinds of process did not see what they should (adapter: $($results['adapter']['kind'][0]), .NET adapter: $($results['net']['kind'][0]))."
    }
    $baseline = if ($BeforeModulePath) { 'before' } else { 'net' }
    $baselineName = if ($BeforeModulePath) { 'the module before it' } else { 'the .NET adapter' }
    $worst = 0.0
    $lines = foreach ($name in 'csv', 'where', 'member', 'json') {
        $with = Get-Median ([double[]]$results['adapter'][$name])
        $net = Get-Median ([double[]]$results['net'][$name])
        $before = if ($BeforeModulePath) { Get-Median ([double[]]$results['before'][$name]) } else { [double]::NaN }
        $ratio = $with / $(if ($BeforeModulePath) { $before } else { $net })
        if ($name -ne 'json') { $worst = [math]::Max($worst, $ratio) }
        [pscustomobject]@{ Name = $name; With = $with; Net = $net; Before = $before; Ratio = $ratio }
    }
    Write-BenchLine '#19 event objects through the property adapter ({0:N0} scalars): worst of CSV/Where/member {1} {2} (target <= 1.25x)  {3}  [load {4}]' `
        $events, (Format-Ratio $worst), $baselineName, (Get-Verdict ($worst -le 1.25)), (Get-LoadAverage)
    foreach ($l in $lines) {
        $beforeText = if ($BeforeModulePath) { '   before {0,8:N0} ms' -f $l.Before } else { '' }
        Write-BenchLine ('{0,-7} adapter {1,8:N0} ms   .NET adapter {2,8:N0} ms' + $beforeText + '   {3}') $l.Name, $l.With, $l.Net, (Format-Ratio $l.Ratio) -Detail
    }
}
finally {
    Remove-ScratchDirectory $scratch
}
