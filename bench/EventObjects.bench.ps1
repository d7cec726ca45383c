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
    The "adapter" processes import the module as shipped; the "no adapter" ones remove the module's type data (the
    TypeAdapter entries of TbPowerShell.types.ps1xml) right after the import, so PowerShell reads the same objects
    through its .NET adapter (WallTime then shows as the ISO string of the .NET property). Each line gives the
    adapter's time as a ratio to the other's.
    Settings (environment): TBBENCH_OBJECTS_EVENTS (default 200000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/EventObjects.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$events = Get-BenchSetting TBBENCH_OBJECTS_EVENTS 200000
$scratch = New-ScratchDirectory 'objects'
try {
    $run = Join-Path $scratch 'run'
    $null = Write-ScalarRun -Directory $run -Count $events
    $csv = Join-Path $scratch 'out.csv'

    function Get-ChildScript([bool] $Adapter) {
        $remove = if ($Adapter) { '' } else {
            @'
foreach ($t in 'TbScalarEvent', 'TbSmoothedScalarEvent', 'TbImageEvent', 'TbAudioEvent', 'TbTextEvent', 'TbHistogramEvent', 'TbTensorEvent', 'TbTagSummary', 'TbRunSummary') {
    Remove-TypeData -TypeName "TbPowerShell.$t" -ErrorAction SilentlyContinue
}
'@
        }
        @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-PSLiteral $ModulePath)
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

    $results = @{ $true = @{}; $false = @{} }
    foreach ($i in 1..3) {
        foreach ($adapter in $true, $false) {
            foreach ($line in Invoke-ChildPwsh (Get-ChildScript $adapter)) {
                if ($line -match '^(\w+)=(.*)$') {
                    if (-not $results[$adapter].ContainsKey($Matches[1])) { $results[$adapter][$Matches[1]] = [Collections.Generic.List[string]]::new() }
                    $results[$adapter][$Matches[1]].Add($Matches[2])
                }
            }
        }
    }
    if ($results[$true]['kind'][0] -ne 'TbTimestamp' -or $results[$false]['kind'][0] -ne 'String') {
        throw "The two kinds of process did not see what they should (adapter: $($results[$true]['kind'][0]), none: $($results[$false]['kind'][0]))."
    }
    $worst = 0.0
    $lines = foreach ($name in 'csv', 'where', 'member', 'json') {
        $with = Get-Median ([double[]]$results[$true][$name])
        $without = Get-Median ([double[]]$results[$false][$name])
        $ratio = $with / $without
        if ($name -ne 'json') { $worst = [math]::Max($worst, $ratio) }
        [pscustomobject]@{ Name = $name; With = $with; Without = $without; Ratio = $ratio }
    }
    Write-BenchLine '#19 event objects through the property adapter ({0:N0} scalars): worst of CSV/Where/member {1} the .NET adapter (target <= 1.25x)  {2}  [load {3}]' `
        $events, (Format-Ratio $worst), (Get-Verdict ($worst -le 1.25)), (Get-LoadAverage)
    foreach ($l in $lines) {
        Write-BenchLine '{0,-7} adapter {1,8:N0} ms   .NET adapter {2,8:N0} ms   {3}' $l.Name, $l.With, $l.Without, (Format-Ratio $l.Ratio) -Detail
    }
}
finally {
    Remove-ScratchDirectory $scratch
}
