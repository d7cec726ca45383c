<#
.SYNOPSIS
    Rewriting runs through the pipeline: `$objects | Add-TbEvent -LogDir $dir` keeps at least 80 %
    of the rate of `$objects | Add-TbScalar -LogDir $dir` on the same scalars.
.DESCRIPTION
    Reads scalars back with Get-TbEvent into a variable (TbScalarEvent objects), then times
    `$objects | Add-TbEvent -LogDir $dst` against the baseline `$objects | Add-TbScalar -LogDir $dst`
    (interleaved, median of 3, after a warm-up on the first 50 thousand objects; each repetition
    writes a new run, closed at the end of the call). Add-TbEvent binds one parameter more (the
    object itself, by value) and picks the encoding by the object's type.
    A detail line times the same with image events (64x64 RGB PNGs, written as Summary.Image),
    against Save-TbMedia of the same objects (which writes each image's bytes to a file).
    Settings (environment): TBBENCH_ADDTBEVENT_EVENTS (default 300000), TBBENCH_ADDTBEVENT_IMAGES
    (default 2000).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/AddTbEvent.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

$events = Get-BenchSetting TBBENCH_ADDTBEVENT_EVENTS 300000
$imageCount = Get-BenchSetting TBBENCH_ADDTBEVENT_IMAGES 2000
$targetRatio = 0.8
$scratch = New-ScratchDirectory 'add-tbevent'
try {
    $source = Join-Path $scratch 'source'
    $null = Write-ScalarRun -Directory $source -Count $events
    $objects = Get-TbEvent $source
    if ($objects.Count -ne $events) { throw "Get-TbEvent read $($objects.Count) objects; $events were written." }
    $warmObjects = $objects[0..([math]::Min(50000, $events) - 1)]

    $script:destination = $null
    $newDestination = { Remove-ScratchDirectory $script:destination; $script:destination = Join-Path $scratch ('dst-' + [guid]::NewGuid().ToString('N')) }
    $t = Measure-Interleaved @(
        @{ Name = 'Add-TbEvent'; Before = $newDestination; WarmUp = { $warmObjects | Add-TbEvent -LogDir $script:destination }; Body = { $objects | Add-TbEvent -LogDir $script:destination } }
        @{ Name = 'Add-TbScalar'; Before = $newDestination; WarmUp = { $warmObjects | Add-TbScalar -LogDir $script:destination }; Body = { $objects | Add-TbScalar -LogDir $script:destination } }
    )
    Remove-ScratchDirectory $script:destination
    $eventRate = $events / (Get-Median $t['Add-TbEvent']).TotalSeconds
    $scalarRate = $events / (Get-Median $t['Add-TbScalar']).TotalSeconds
    $ratio = $eventRate / $scalarRate
    Write-BenchLine '$objects | Add-TbEvent -LogDir (scalars): {0} objects/s; {1} the $objects | Add-TbScalar -LogDir baseline ({2} objects/s); target >= 0.80x: {3}' `
        (Format-Rate $eventRate), (Format-Ratio $ratio), (Format-Rate $scalarRate), (Get-Verdict ($ratio -ge $targetRatio))
    Write-BenchLine -Detail '{0:N0} TbScalarEvent objects from Get-TbEvent, median of 3 (interleaved), load average {1}: Add-TbEvent {2:0} ms, Add-TbScalar {3:0} ms' `
        $events, (Get-LoadAverage), (Get-Median $t['Add-TbEvent']).TotalMilliseconds, (Get-Median $t['Add-TbScalar']).TotalMilliseconds

    # Images: the encoded bytes are copied once into the event, never decoded.
    $imageSource = Join-Path $scratch 'images'
    $writer = [TbPowerShell.TbWriter]::new($imageSource)
    try {
        $pixels = [byte[]]::new(64 * 64 * 3)
        for ($i = 0; $i -lt $imageCount; $i++) {
            for ($p = 0; $p -lt $pixels.Length; $p++) { $pixels[$p] = [byte](($p * 7 + $i) -band 255) }
            if ($i -ge 1) { $pixels[$i % $pixels.Length] = [byte]($i -band 255) }
            $png = [TbPowerShell.Core.Imaging.PngCodec]::Encode([TbPowerShell.Core.Imaging.ImagePixels]::new(64, 64, 3, $pixels))
            $writer.AddValue([TbPowerShell.Core.Summaries.SummaryValues]::Image('img', $png, 64, 64, 3), $i, [TbPowerShell.TbTimestamp]::new(1700000000 + $i))
        }
    }
    finally { $writer.Close() }
    $images = Get-TbEvent -Type Image $imageSource
    $megabytes = ($images | Measure-Object Size -Sum).Sum / 1MB
    $t = Measure-Interleaved @(
        @{ Name = 'Add-TbEvent'; Before = $newDestination; Body = { $images | Add-TbEvent -LogDir $script:destination } }
        @{ Name = 'Save-TbMedia'; Before = $newDestination; Body = { $images | Save-TbMedia -Destination $script:destination } }
    )
    Remove-ScratchDirectory $script:destination
    $imageMedian = (Get-Median $t['Add-TbEvent']).TotalSeconds
    $saveMedian = (Get-Median $t['Save-TbMedia']).TotalSeconds
    Write-BenchLine -Detail '{0:N0} image events (64x64 PNG, {1:0.0} MB): Add-TbEvent {2} objects/s ({3:0} MB/s); Save-TbMedia of the same {4} objects/s' `
        $imageCount, $megabytes, (Format-Rate ($imageCount / $imageMedian)), ($megabytes / $imageMedian), (Format-Rate ($imageCount / $saveMedian))
}
finally {
    Remove-ScratchDirectory $scratch
}
