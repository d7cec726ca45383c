<#
.SYNOPSIS
    Target 5: reading a 1 GB log directory with Get-TbEvent stays under 200 MB of memory.
.DESCRIPTION
    Generates about 1 GB of event files with the core writer: 10 runs of about 100 MB, each with
    100 thousand scalars (4 tags) interleaved with 1 MB image summaries (TbWriter.AddEvent with a
    Summary.Image payload, the bulk of a real log's bytes, which the reader must skip). Then, in a
    fresh pwsh, runs `Get-TbEvent $dir | Measure-Object` and reports that process's peak working set
    (VmHWM from /proc/self/status; Process.PeakWorkingSet64 elsewhere). Baseline in the same run: the
    peak of the same kind of child that only imports the module. The target applies to the reading
    process's whole peak; the increase over the baseline is what reading costs. The files are
    deleted at the end.
    Settings (environment): TBBENCH_LOGDIR_MB, the size to generate in MB (default 1000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/LogDirMemory.bench.ps1
.EXAMPLE
    $env:TBBENCH_LOGDIR_MB = 200; dotnet pwsh -NoProfile -File bench/LogDirMemory.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$totalMB = Get-BenchSetting TBBENCH_LOGDIR_MB 1000
$runs = 10
$imageBytes = 1MB
$targetBytes = 200MB

function Write-LargeRun {
    # One run of about $Bytes bytes: scalars with a 1 MB image every few thousand of them.
    param([string] $Directory, [long] $Bytes)
    $scalars = [math]::Max(1000, [math]::Min(100000, [math]::Floor($Bytes / 1000)))
    $images = [math]::Max(1, [math]::Floor(($Bytes - $scalars * 53) / ($imageBytes + 64)))
    $scalarsPerImage = [math]::Max(1, [math]::Floor($scalars / $images))

    $writer = [TbPowerShell.TbWriter]::new($Directory)
    try {
        $image = [TbPowerShell.Core.Proto.Summary+Types+Image]::new()
        $image.Height = 512
        $image.Width = 512
        $image.Colorspace = 4
        $image.EncodedImageString = $script:pixels
        $value = [TbPowerShell.Core.Proto.Summary+Types+Value]::new()
        $value.Tag = 'samples/image'
        $value.Image = $image
        $imageEvent = [TbPowerShell.Core.Proto.Event]::new()
        $imageEvent.Summary = [TbPowerShell.Core.Proto.Summary]::new()
        $imageEvent.Summary.Value.Add($value)

        $tags = $ScalarTags
        $start = [TbPowerShell.TbTimestamp]::Now.UnixSeconds
        $imagesWritten = 0
        for ($i = 0; $i -lt $scalars; $i++) {
            $step = $i -shr 2
            $writer.AddScalar($tags[$i -band 3], 1.0 / (1 + $step), $step, [TbPowerShell.TbTimestamp]::new($start + $i * 1e-3))
            if ($i % $scalarsPerImage -eq 0 -and $imagesWritten -lt $images) {
                # The writer encodes the event during the call, so one message serves every image.
                $imageEvent.Step = $step
                $imageEvent.WallTime = $start + $i * 1e-3
                $writer.AddEvent($imageEvent)
                $imagesWritten++
            }
        }
    }
    finally {
        $writer.Close()
    }
}

function Measure-ChildPeak {
    # Runs $Body after Import-Module in a fresh pwsh; returns its peak working set and what $Body printed.
    param([string] $Body)
    $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module $(ConvertTo-PSLiteral $ModulePath)
$Body
$PeakMemoryLine
"@
    $lines = Invoke-ChildPwsh $script
    $result = @{}
    foreach ($line in $lines) {
        if ($line -match '^(\w+)=(.*)$') { $result[$Matches[1]] = $Matches[2] }
    }
    if (-not $result.ContainsKey('peak')) { throw "The child pwsh did not report its peak: $($lines -join ' | ')" }
    $result
}

$scratch = New-ScratchDirectory 'logdir-memory'
try {
    # Creating a message loads Google.Protobuf (a dependency of the core), so its types resolve.
    $null = [TbPowerShell.Core.Proto.Event]::new()
    $bytes = [byte[]]::new($imageBytes)
    [Random]::new(42).NextBytes($bytes)
    # A ByteString enumerates as bytes: assign it, never send it down a pipeline.
    $script:pixels = [Google.Protobuf.ByteString]::CopyFrom($bytes)
    $generation = [Diagnostics.Stopwatch]::StartNew()
    $bytesPerRun = [long]($totalMB * 1e6 / $runs)
    for ($r = 0; $r -lt $runs; $r++) {
        Write-LargeRun -Directory (Join-Path $scratch ('run{0:D2}' -f $r)) -Bytes $bytesPerRun
    }
    $generation.Stop()
    $files = @(Get-ChildItem -LiteralPath $scratch -Recurse -File -Filter '*tfevents*')
    $diskBytes = ($files | Measure-Object Length -Sum).Sum

    $baseline = Measure-ChildPeak ''
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $reading = Measure-ChildPeak "`"count=`$((Get-TbEvent $(ConvertTo-PSLiteral $scratch) | Measure-Object).Count)`""
    $clock.Stop()

    $peak = [long]$reading.peak
    $baselinePeak = [long]$baseline.peak
    Write-BenchLine 'reading a {0:0.00} GB logdir: peak working set {1:0} MB; {2:0.00}x the Import-Module-only baseline ({3:0} MB), +{4:0} MB for reading; target < 200 MB: {5}' `
        ($diskBytes / 1e9), ($peak / 1MB), ($peak / $baselinePeak), ($baselinePeak / 1MB), (($peak - $baselinePeak) / 1MB), (Get-Verdict ($peak -lt $targetBytes))
    Write-BenchLine -Detail '{0} runs, {1} files, {2:N0} scalars read (plus 1 MB images skipped), generated in {3:0.0} s; the reading child took {4:0.0} s ({5:0} MB/s, pwsh start included); load average {6}' `
        $runs, $files.Count, ([long]$reading.count), $generation.Elapsed.TotalSeconds, $clock.Elapsed.TotalSeconds, ($diskBytes / 1e6 / $clock.Elapsed.TotalSeconds), (Get-LoadAverage)
}
finally {
    Remove-ScratchDirectory $scratch
}
