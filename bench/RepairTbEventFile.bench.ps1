<#
.SYNOPSIS
    Target 13 through the cmdlets: `Test-TbEventFile` and `Repair-TbEventFile -Destination` on files of lying
    headers against a healthy file of the same size.
.DESCRIPTION
    For 1,000, 10,000 and 100,000 lying headers (12 bytes, length CRC valid, each claiming 2^40 bytes, back to
    back to the end of the file, after a file_version record and a scalar: the file that took 99 s at 20,000
    headers), writes the file and a healthy file of scalars of the same size, then times `Test-TbEventFile` and
    `Repair-TbEventFile -Destination <folder> -Force` on both, taking turns. Prints each ratio to the healthy
    file; target: at most 2x at every size (linear in the file size). Median of 3, interleaved.
    Setting (environment): TBBENCH_RESYNC_HEADERS (100000, the largest size; the others are a tenth and a hundredth).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/RepairTbEventFile.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath

$largest = Get-BenchSetting TBBENCH_RESYNC_HEADERS 100000
$scratch = New-ScratchDirectory 'repair'
try {
    $header = [byte[]]::new(12)
    [BitConverter]::GetBytes([uint64]1 -shl 40).CopyTo($header, 0)
    # The masked CRC-32C of the 8 length bytes, as TFRecord frames it: ((crc >> 15) | (crc << 17)) + 0xA282EAD8.
    [uint32] $crc = [uint32]::MaxValue
    for ($i = 0; $i -lt 8; $i++) { $crc = [System.Numerics.BitOperations]::Crc32C($crc, $header[$i]) }
    [uint64] $c = $crc -bxor [uint32]::MaxValue
    [uint64] $rotated = (($c -shr 15) -bor ($c -shl 17)) -band [uint32]::MaxValue
    [BitConverter]::GetBytes([uint32](($rotated + 0xA282EAD8L) -band [uint32]::MaxValue)).CopyTo($header, 8)
    foreach ($headers in @([math]::Max(1, [long]($largest / 100)), [math]::Max(1, [long]($largest / 10)), $largest)) {
        # A healthy run written by the core writer; the lying file is its first two records and the lies.
        $healthyDir = Join-Path $scratch "healthy-$headers"
        $healthy = Write-ScalarRun -Directory $healthyDir -Count ([math]::Max(4, [long]($headers * 12 / 52)))
        $bytes = [IO.File]::ReadAllBytes($healthy)
        $firstTwo = 16 + [BitConverter]::ToInt64($bytes, 0)
        $firstTwo += 16 + [BitConverter]::ToInt64($bytes, $firstTwo)
        $lyingDir = Join-Path $scratch "lying-$headers"
        New-Item -ItemType Directory -Path $lyingDir | Out-Null
        $lying = Join-Path $lyingDir (Split-Path $healthy -Leaf)
        $stream = [IO.File]::Create($lying)
        try {
            $stream.Write($bytes, 0, $firstTwo)
            for ($i = 0; $i -lt $headers; $i++) { $stream.Write($header, 0, 12) }
        }
        finally { $stream.Dispose() }
        $lyingBytes = (Get-Item $lying).Length

        $script:reports = @{}
        $t = Measure-Interleaved @(
            @{ Name = 'test-lying'; Body = { $script:reports.Lying = Test-TbEventFile $lying } }
            @{ Name = 'test-healthy'; Body = { $script:reports.Healthy = Test-TbEventFile $healthy } }
            @{ Name = 'repair-lying'; Body = { $null = Repair-TbEventFile $lying -Destination (Join-Path $scratch 'copies-lying') -Force -WarningAction SilentlyContinue } }
            @{ Name = 'repair-healthy'; Body = { $null = Repair-TbEventFile $healthy -Destination (Join-Path $scratch 'copies-healthy') -Force } }
        )
        if ($reports.Lying.IntactRecords -ne 2 -or "$($reports.Lying.Regions.Kind)" -ne 'TruncatedTail' -or -not $reports.Healthy.IsHealthy) {
            throw "Test-TbEventFile found $($reports.Lying.IntactRecords) intact records and regions '$($reports.Lying.Regions.Kind)' in the lying file; expected 2 and one TruncatedTail."
        }
        $ms = @{}
        foreach ($name in $t.Keys) { $ms[$name] = (Get-Median $t[$name]).TotalMilliseconds }
        $test = $ms['test-lying'] / $ms['test-healthy']
        $repair = $ms['repair-lying'] / $ms['repair-healthy']
        Write-BenchLine 'Test-TbEventFile / Repair-TbEventFile, {0:N0} lying headers ({1:N0} kB): test {2:0.0} ms = {3} the healthy file''s {4:0.0} ms; repair {5:0.0} ms = {6} the healthy file''s {7:0.0} ms; target <= 2x: {8}' `
            $headers, ($lyingBytes / 1e3), $ms['test-lying'], (Format-Ratio $test), $ms['test-healthy'], $ms['repair-lying'], (Format-Ratio $repair), $ms['repair-healthy'], (Get-Verdict ($test -le 2 -and $repair -le 2))
        Write-BenchLine -Detail 'healthy file {0:N0} kB of scalars; median of 3 (interleaved), load average {1}' ((Get-Item $healthy).Length / 1e3), (Get-LoadAverage)
    }
}
finally {
    Remove-ScratchDirectory $scratch
}
