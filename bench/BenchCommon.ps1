<#
.SYNOPSIS
    Helpers the *.bench.ps1 scripts dot-source: timing, formatting, scratch folders, test data and
    child pwsh processes. Not a benchmark itself (build.ps1 runs only *.bench.ps1).
#>

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
$env:NO_COLOR = '1'
$Invariant = [cultureinfo]::InvariantCulture

function Import-BenchModule {
    # Imports the module under test, by default the one build.ps1 lays out in ./out.
    param([string] $ModulePath)
    if (-not $ModulePath) { $ModulePath = Join-Path $PSScriptRoot '../out/TbPowerShell/TbPowerShell.psd1' }
    $ModulePath = [IO.Path]::GetFullPath($ModulePath)
    if (-not (Test-Path -LiteralPath $ModulePath)) { throw "No built module at '$ModulePath': run 'dotnet pwsh ./build.ps1' first." }
    Import-Module $ModulePath -Force
    $ModulePath
}

function Get-BenchSetting {
    # A positive whole number from an environment variable (TBBENCH_*), or the default.
    param([string] $Name, [long] $Default)
    $text = [Environment]::GetEnvironmentVariable($Name)
    [long] $value = 0
    if ($text -and [long]::TryParse($text, [Globalization.NumberStyles]::Integer, $Invariant, [ref] $value) -and $value -gt 0) { return $value }
    $Default
}

function Get-LoadAverage {
    # The 1-minute load average (Linux), so a reader can tell a busy machine from a slow benchmark.
    if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg -Raw) -split ' ')[0] } else { 'n/a' }
}

function Measure-Interleaved {
    <#
    Times several bodies taking turns (A, B, C, A, B, C, ...), so that a change in the machine's
    load hits each of them alike. Each case is @{ Name; Body; WarmUp; Before }: WarmUp (default:
    Body) runs once untimed first; Before runs untimed before every run. Returns a hashtable of
    Name -> the case's durations, sorted.
    #>
    param(
        [Parameter(Mandatory)] [hashtable[]] $Cases,
        [int] $Repetitions = 3
    )
    foreach ($case in $Cases) {
        if ($case['Before']) { $null = & $case['Before'] }
        if ($case['WarmUp']) { $null = & $case['WarmUp'] } else { $null = & $case['Body'] }
    }
    $durations = @{}
    foreach ($case in $Cases) { $durations[$case['Name']] = [Collections.Generic.List[timespan]]::new() }
    for ($i = 0; $i -lt $Repetitions; $i++) {
        foreach ($case in $Cases) {
            if ($case['Before']) { $null = & $case['Before'] }
            # Start every run from the same heap state, so one run's garbage is not billed to the next.
            [GC]::Collect()
            [GC]::WaitForPendingFinalizers()
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $null = & $case['Body']
            $clock.Stop()
            $durations[$case['Name']].Add($clock.Elapsed)
        }
    }
    $sorted = @{}
    foreach ($name in $durations.Keys) { $sorted[$name] = [timespan[]] ($durations[$name] | Sort-Object) }
    $sorted
}

function Get-Median {
    param([Parameter(Mandatory)] [object[]] $Values)
    $sorted = @($Values | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

function Format-Rate {
    # "3.1 M", "523 k": per-second rates, unit appended by the caller.
    param([double] $PerSecond)
    if ($PerSecond -ge 1e6) { return ($PerSecond / 1e6).ToString('0.0#', $Invariant) + ' M' }
    if ($PerSecond -ge 1e3) { return ($PerSecond / 1e3).ToString('0', $Invariant) + ' k' }
    $PerSecond.ToString('0', $Invariant)
}

function Format-Ratio {
    param([double] $Ratio)
    if ($Ratio -ge 20) { $Ratio.ToString('0', $Invariant) + 'x' } else { $Ratio.ToString('0.0#', $Invariant) + 'x' }
}

function Write-BenchLine {
    # Writes a result line (or, with -Detail, an indented detail line) formatted with the invariant culture.
    param([string] $Format, [object[]] $Values = @(), [switch] $Detail)
    $text = [string]::Format($Invariant, $Format, $Values)
    if ($Detail) { $text = '    ' + $text }
    Write-Host $text
}

function Format-Number {
    param([double] $Value, [string] $Format = '0')
    $Value.ToString($Format, $Invariant)
}

function Get-Verdict {
    param([bool] $Met)
    if ($Met) { 'PASS' } else { 'MISS' }
}

function New-ScratchDirectory {
    # A fresh folder under the system temp folder; the caller removes it (Remove-ScratchDirectory) in a finally.
    param([string] $Purpose)
    $path = Join-Path ([IO.Path]::GetTempPath()) ("tbps-bench-$Purpose-$PID-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $path -Force | Out-Null
    $path
}

function Remove-ScratchDirectory {
    param([string] $Path)
    if ($Path -and (Test-Path -LiteralPath $Path)) { Remove-Item -LiteralPath $Path -Recurse -Force }
}

$ScalarTags = 'train/loss', 'train/accuracy', 'train/learning_rate', 'eval/loss'

function Write-ScalarRun {
    <#
    Writes $Count scalars (four tags per step, as a training loop logs them) into one event file
    in $Directory with the core writer, not the cmdlets, so the data costs little to make.
    #>
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [long] $Count)
    $writer = [TbPowerShell.TbWriter]::new($Directory)
    try {
        $tags = $ScalarTags
        $start = [TbPowerShell.TbTimestamp]::Now.UnixSeconds
        for ($i = 0; $i -lt $Count; $i++) {
            $writer.AddScalar($tags[$i -band 3], 1.0 / (1 + ($i -shr 2)), $i -shr 2, [TbPowerShell.TbTimestamp]::new($start + $i * 1e-3))
        }
    }
    finally {
        $writer.Close()
    }
    $writer.Path
}

function Get-PwshCommandLine {
    # How to start a pwsh like this one: pwsh runs as a .NET local tool (dotnet pwsh.dll) here.
    $hostPath = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') {
        return , @($hostPath, (Join-Path $PSHOME 'pwsh.dll'))
    }
    , @($hostPath)
}

function Invoke-ChildPwsh {
    <#
    Runs $Script in a fresh pwsh (-NoProfile -NonInteractive -EncodedCommand) and returns its
    output lines; throws when it exits non-zero.
    #>
    param([Parameter(Mandatory)] [string] $Script)
    $commandLine = Get-PwshCommandLine
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    $exe = $commandLine[0]
    $prefix = @($commandLine | Select-Object -Skip 1)
    $output = & $exe @prefix -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    if ($LASTEXITCODE -ne 0) { throw "A child pwsh failed (exit code $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    $output | ForEach-Object { "$_" }
}

function ConvertTo-PSLiteral {
    # A single-quoted PowerShell string literal of $Text, for scripts passed to child processes.
    param([string] $Text)
    "'" + ($Text -replace "'", "''") + "'"
}

# A child pwsh script's last lines: its peak working set, as "peak=<bytes>" (VmHWM on Linux).
$PeakMemoryLine = @'
$status = '/proc/self/status'
if (Test-Path $status) {
    $kb = [long]((Select-String -LiteralPath $status -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value)
    "peak=$($kb * 1024)"
} else {
    "peak=$([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64)"
}
'@
