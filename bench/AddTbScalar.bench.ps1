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
    A detail line shows an empty compiled cmdlet with the five by-property-name parameters
    (Tag, Value, Step, WallTime, Run) Add-TbScalar had before issue 13: PowerShell's parameter
    binding on its own, the ceiling for any cmdlet bound that way. Add-TbScalar now takes the
    object whole (by value) and reads the properties itself, so it can run above that ceiling.

    Issue 13 (writing from the pipeline): Add-TbScalar against today's binding, for the three
    input kinds a user pipes: TbScalarEvent objects from Get-TbEvent, [pscustomobject] rows (typed
    values) and Import-Csv rows (strings), TBBENCH_ADDTBSCALAR_ROWS objects each (default 200000).
    "Today's binding" is the module built from the last commit that bound Add-TbScalar's Tag,
    Value, Step, WallTime and Run by property name (TBBENCH_ADDTBSCALAR_BASELINE_REF, default
    b976127), built once from git into the temp folder and reused (or -BaselineModulePath).
    The two modules cannot load into one process (same assembly name), so each is timed in fresh
    pwsh processes, taking turns (new, old, old, new, new, old): each process reads the same
    inputs, warms up with one untimed run, then times `$objects | Add-TbScalar -Writer $w` into
    a writer opened before and closed after the timing (wall and process CPU time; the close's
    flush and fsync are the same for both and depend on the shared disk) and `$objects | ForEach-Object { }` once per kind and checks that every
    object was written.
    Figures are medians over the 3 processes of each module; target >= 2x today's for every kind.
    Settings (environment): TBBENCH_ADDTBSCALAR_EVENTS (default 1000000), TBBENCH_ADDTBSCALAR_ROWS
    (default 200000), TBBENCH_ADDTBSCALAR_BASELINE_REF (a git commit).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/AddTbScalar.bench.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/AddTbScalar.bench.ps1 -BaselineModulePath /tmp/old/TbPowerShell/TbPowerShell.psd1
#>
param([string] $ModulePath, [string] $BaselineModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

# Binds as Add-TbScalar did before issue 13 (by property name) and does nothing else.
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
    Write-BenchLine -Detail "an empty compiled cmdlet with 5 by-property-name parameters (Add-TbScalar's binding before issue 13), PowerShell's binding alone: {0} objects/s; Add-TbScalar runs at {1:0}% of that old ceiling" `
        (Format-Rate $bindingRate), (100 * $rate / $bindingRate)
}
finally {
    Remove-ScratchDirectory $scratch
}

function Get-BaselineModule {
    # Today's module: built from git (once; kept in the temp folder for the next run) unless a path is given.
    param([string] $Path)
    if ($Path) { return [IO.Path]::GetFullPath($Path) }
    $repo = Join-Path $PSScriptRoot '..'
    $ref = [Environment]::GetEnvironmentVariable('TBBENCH_ADDTBSCALAR_BASELINE_REF')
    if (-not $ref) { $ref = 'b976127' }
    $commit = (git -C $repo rev-parse --verify "$ref^{commit}").Trim()
    if ($LASTEXITCODE -ne 0) { throw "The baseline commit '$ref' is not in this repository." }
    $root = Join-Path ([IO.Path]::GetTempPath()) "tbps-bench-baseline-$commit"
    $module = Join-Path $root 'TbPowerShell/TbPowerShell.psd1'
    if (Test-Path -LiteralPath $module) { return $module }
    $source = Join-Path $root 'src'
    $null = New-Item -ItemType Directory -Path $source -Force
    git -C $repo archive --format=tar -o (Join-Path $root 'src.tar') $commit
    if ($LASTEXITCODE -ne 0) { throw "git archive $commit failed." }
    tar -xf (Join-Path $root 'src.tar') -C $source
    $out = Join-Path $root 'TbPowerShell'
    dotnet publish (Join-Path $source 'src/TbPowerShell/TbPowerShell.csproj') -c Release -o $out --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { Remove-ScratchDirectory $root; throw "Building the baseline module ($commit) failed." }
    Copy-Item (Join-Path $source 'module/*') $out -Force
    # The demo model the manifest loads has nothing to do with binding: take the current build's.
    Copy-Item (Join-Path (Split-Path $ModulePath) 'TbPowerShell.Demo.*') $out -Force
    $module
}

$rows = Get-BenchSetting TBBENCH_ADDTBSCALAR_ROWS 200000
$baseline = Get-BaselineModule $BaselineModulePath
$scratch = New-ScratchDirectory 'add-tbscalar-kinds'
try {
    $source = Join-Path $scratch 'source'
    $null = Write-ScalarRun -Directory $source -Count $rows
    $csv = Join-Path $scratch 'rows.csv'
    $culture = [cultureinfo]::CurrentCulture
    try {
        [cultureinfo]::CurrentCulture = $Invariant
        Get-TbEvent $source | Export-Csv -LiteralPath $csv
    }
    finally { [cultureinfo]::CurrentCulture = $culture }

    $worker = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module {0}
$events = @(Get-TbEvent {1})
$typed = @(foreach ($e in $events) {{ [pscustomobject]@{{ Run = $e.Run; Tag = $e.Tag; Step = $e.Step; WallTime = $e.WallTime; Value = $e.Value }} }})
$strings = @(Import-Csv -LiteralPath {2})
$result = [ordered]@{{}}
foreach ($kind in 'TbScalarEvent', 'pscustomobject', 'Import-Csv') {{
    $objects = switch ($kind) {{ 'TbScalarEvent' {{ $events }} 'pscustomobject' {{ $typed }} 'Import-Csv' {{ $strings }} }}
    $dst = Join-Path {3} ([guid]::NewGuid().ToString('N'))
    # The warm-up is a whole run: on a busy machine the JIT's second tier comes late.
    $objects | Add-TbScalar -LogDir $dst
    Remove-Item -LiteralPath $dst -Recurse -Force
    $objects[0..([math]::Min(20000, $objects.Count) - 1)] | ForEach-Object {{ }}
    # Into an open writer: its close (flush and fsync, the same for both modules and at the mercy of
    # the shared disk) is left out of the time.
    $writer = New-TbWriter -LogDir $dst
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $cpu = $process.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $objects | Add-TbScalar -Writer $writer
    $add = $clock.Elapsed.TotalSeconds
    $process.Refresh()
    $addCpu = ($process.TotalProcessorTime - $cpu).TotalSeconds
    Close-TbWriter $writer
    $written = (Get-TbEvent $dst | Measure-Object).Count
    if ($written -ne $objects.Count) {{ throw "$kind : Add-TbScalar wrote $written values; $($objects.Count) were piped in." }}
    Remove-Item -LiteralPath $dst -Recurse -Force
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    $clock.Restart()
    $objects | ForEach-Object {{ }}
    $result[$kind] = @{{ Add = $add; AddCpu = $addCpu; ForEach = $clock.Elapsed.TotalSeconds }}
}}
'RESULT ' + ($result | ConvertTo-Json -Compress)
'@
    $kinds = 'TbScalarEvent', 'pscustomobject', 'Import-Csv'
    $times = @{}
    foreach ($module in 'new', 'old') { foreach ($kind in $kinds) { foreach ($what in 'Add', 'AddCpu', 'ForEach') { $times["$module|$kind|$what"] = @() } } }
    foreach ($order in @('new', 'old'), @('old', 'new'), @('new', 'old')) {
        foreach ($module in $order) {
            $path = if ($module -eq 'new') { $ModulePath } else { $baseline }
            $script = [string]::Format($Invariant, $worker, (ConvertTo-PSLiteral $path), (ConvertTo-PSLiteral $source), (ConvertTo-PSLiteral $csv), (ConvertTo-PSLiteral $scratch))
            $line = @(Invoke-ChildPwsh $script | Where-Object { $_ -like 'RESULT *' })[-1]
            $result = $line.Substring(7) | ConvertFrom-Json
            foreach ($kind in $kinds) {
                $times["$module|$kind|Add"] += $result.$kind.Add
                $times["$module|$kind|AddCpu"] += $result.$kind.AddCpu
                $times["$module|$kind|ForEach"] += $result.$kind.ForEach
            }
        }
    }
    $ratios = foreach ($kind in $kinds) { (Get-Median $times["old|$kind|Add"]) / (Get-Median $times["new|$kind|Add"]) }
    $met = @($ratios | Where-Object { $_ -lt 2 }).Count -eq 0
    Write-BenchLine 'Add-TbScalar from the pipeline against today''s by-property-name binding: TbScalarEvent {0}, [pscustomobject] {1}, Import-Csv {2} the throughput; target >= 2x for each: {3}' `
        (Format-Ratio $ratios[0]), (Format-Ratio $ratios[1]), (Format-Ratio $ratios[2]), (Get-Verdict $met)
    foreach ($kind in $kinds) {
        $new = $rows / (Get-Median $times["new|$kind|Add"])
        $old = $rows / (Get-Median $times["old|$kind|Add"])
        $forEach = $rows / (Get-Median ($times["new|$kind|ForEach"] + $times["old|$kind|ForEach"]))
        $cpuRatio = (Get-Median $times["old|$kind|AddCpu"]) / (Get-Median $times["new|$kind|AddCpu"])
        Write-BenchLine -Detail '{0}: {1} objects/s (today {2} objects/s); ForEach-Object {{ }} {3} objects/s: Add-TbScalar at {4} of it (today {5}); process CPU time {6:0.00} s (today {7:0.00} s, {8} less)' `
            $kind, (Format-Rate $new), (Format-Rate $old), (Format-Rate $forEach), (Format-Ratio ($new / $forEach)), (Format-Ratio ($old / $forEach)),
            (Get-Median $times["new|$kind|AddCpu"]), (Get-Median $times["old|$kind|AddCpu"]), (Format-Ratio $cpuRatio)
    }
    Write-BenchLine -Detail '{0:N0} objects per kind; medians over 3 fresh pwsh processes per module, taking turns; load average {1}; today''s module: {2}' `
        $rows, (Get-LoadAverage), $baseline
}
finally {
    Remove-ScratchDirectory $scratch
}
