<#
.SYNOPSIS
    Target 4: `$objects | Add-TbScalar -LogDir $dir` takes at least 150 thousand objects a second.
.DESCRIPTION
    Reads 1 million scalars back with Get-TbEvent into a variable (TbScalarEvent objects, the
    round trip a user does), then times `$objects | Add-TbScalar -LogDir $dst` (median of 3, after a
    warm-up on the first 100 thousand objects; each repetition writes a new run, closed at the end
    of the call). Baseline timed in the same run: `$objects | ForEach-Object { }`, the cheapest
    pipeline that touches every object. (`$objects | Out-Null` is no baseline: PowerShell skips
    enumerating the input altogether.)
    A detail line shows an empty compiled cmdlet with Add-TbScalar's five by-property-name
    parameters (Tag, Value, Step, WallTime, Run): PowerShell's parameter binding on its own, the
    ceiling for any cmdlet bound this way.
    Settings (environment): TBBENCH_ADDTBSCALAR_EVENTS (default 1000000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/AddTbScalar.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

# Binds exactly as Add-TbScalar does and does nothing else.
Add-Type -TypeDefinition @'
using System.Management.Automation;

[Cmdlet("Test", "TbBindingOnly")]
public sealed class TestTbBindingOnlyCommand : PSCmdlet
{
    [Parameter(Mandatory = true)] public string LogDir { get; set; }
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)] [AllowEmptyString] [AllowNull] public string Tag { get; set; }
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)] [AllowNull] public object Value { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public long? Step { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] public object WallTime { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [AllowEmptyString] [AllowNull] public string Run { get; set; }
    protected override void ProcessRecord() { }
}
'@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module $_.Assembly }

$events = Get-BenchSetting TBBENCH_ADDTBSCALAR_EVENTS 1000000
$target = 150e3
$scratch = New-ScratchDirectory 'add-tbscalar'
try {
    $source = Join-Path $scratch 'source'
    $null = Write-ScalarRun -Directory $source -Count $events
    $objects = Get-TbEvent $source
    if ($objects.Count -ne $events) { throw "Get-TbEvent read $($objects.Count) objects; $events were written." }
    $warmObjects = $objects[0..([math]::Min(100000, $events) - 1)]

    $script:destination = $null
    $newDestination = { Remove-ScratchDirectory $script:destination; $script:destination = Join-Path $scratch ('dst-' + [guid]::NewGuid().ToString('N')) }
    $t = Measure-Interleaved @(
        @{ Name = 'Add-TbScalar'; Before = $newDestination; WarmUp = { $warmObjects | Add-TbScalar -LogDir $script:destination }; Body = { $objects | Add-TbScalar -LogDir $script:destination } }
        @{ Name = 'ForEach-Object'; WarmUp = { $warmObjects | ForEach-Object { } }; Body = { $objects | ForEach-Object { } } }
        @{ Name = 'binding'; WarmUp = { $warmObjects | Test-TbBindingOnly -LogDir unused }; Body = { $objects | Test-TbBindingOnly -LogDir unused } }
    )
    $written = (Get-TbEvent $script:destination | Measure-Object).Count
    if ($written -ne $events) { throw "Add-TbScalar wrote $written values; $events were piped in." }
    Remove-ScratchDirectory $script:destination
    $addTbScalar, $forEach, $bindingOnly = $t['Add-TbScalar'], $t['ForEach-Object'], $t['binding']

    $median = Get-Median $addTbScalar
    $rate = $events / $median.TotalSeconds
    $forEachRate = $events / (Get-Median $forEach).TotalSeconds
    $bindingRate = $events / (Get-Median $bindingOnly).TotalSeconds
    Write-BenchLine '$objects | Add-TbScalar -LogDir: {0} objects/s; {1} the $objects | ForEach-Object {{ }} baseline ({2} objects/s); target >= 150 k/s: {3}' `
        (Format-Rate $rate), (Format-Ratio ($rate / $forEachRate)), (Format-Rate $forEachRate), (Get-Verdict ($rate -ge $target))
    Write-BenchLine -Detail '{0:N0} TbScalarEvent objects from Get-TbEvent, median of 3 (interleaved), load average {1}: {2:0} ms (best {3} objects/s); ForEach-Object {4:0} ms' `
        $events, (Get-LoadAverage), $median.TotalMilliseconds, (Format-Rate ($events / $addTbScalar[0].TotalSeconds)), (Get-Median $forEach).TotalMilliseconds
    Write-BenchLine -Detail "an empty compiled cmdlet bound like Add-TbScalar (5 by-property-name parameters), PowerShell's binding alone: {0} objects/s; Add-TbScalar runs at {1:0}% of that ceiling" `
        (Format-Rate $bindingRate), (100 * $rate / $bindingRate)
}
finally {
    Remove-ScratchDirectory $scratch
}
