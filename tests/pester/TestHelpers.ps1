<#
.SYNOPSIS
    Helpers shared by the Pester suites: dot-source first thing in BeforeAll (or BeforeDiscovery).
.DESCRIPTION
    Dot-sourcing imports the module under test ($modulePath: $env:TBPOWERSHELL_MODULE, which the
    suite runner sets, else the build's output) into the caller's session.
    Nothing here uses the module under test to check the module under test: event files are parsed
    by hand (TFRecord framing, CRC-32C, protobuf fields), expectations come from the fixtures.
#>

$modulePath = $env:TBPOWERSHELL_MODULE
if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/TbPowerShell/TbPowerShell.psd1' }
Import-Module $modulePath -ErrorAction Stop

# The reference files copied from the shared fixtures (tests never read /work/shared).
$FixtureRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../fixtures'))

function Get-DoubleBits([double] $Value) {
    # NaN == NaN is false and -0.0 == 0.0 is true: compare doubles by their bits.
    [BitConverter]::DoubleToInt64Bits($Value)
}

function ConvertTo-Float32Bits([double] $Value) {
    # The bits of a value after the writer stored it as float32 and the reader widened it back.
    [BitConverter]::DoubleToInt64Bits([double][float]$Value)
}

function Get-EventFile([string] $Directory) {
    if (-not (Test-Path -LiteralPath $Directory -PathType Container)) { return @() }
    @(Get-ChildItem -LiteralPath $Directory -File | Where-Object Name -Like '*tfevents*' | Sort-Object Name)
}

function Get-MaskedCrc32C([byte[]] $Bytes, [int] $Offset, [int] $Count) {
    # CRC-32C (Castagnoli), masked as TFRecord does: ((crc >> 15) | (crc << 17)) + 0xA282EAD8.
    [uint32] $crc = [uint32]::MaxValue
    $end = $Offset + $Count
    for ($i = $Offset; $i -lt $end; $i++) {
        $crc = [System.Numerics.BitOperations]::Crc32C($crc, $Bytes[$i])
    }
    [uint64] $c = $crc -bxor [uint32]::MaxValue
    [uint64] $low32 = [uint32]::MaxValue
    [uint64] $rotated = (($c -shr 15) -bor ($c -shl 17)) -band $low32
    [uint32] (($rotated + [Convert]::ToUInt64('A282EAD8', 16)) -band $low32)
}

function Read-TfRecord {
    <#
    .SYNOPSIS
        Parses a TFRecord file by hand: u64 length, u32 masked CRC of the length, payload, u32
        masked CRC of the payload. Returns one object per record, and stops at a truncated tail.
    #>
    param([Parameter(Mandatory)] [string] $Path, [switch] $SkipCrc)
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    $offset = 0
    while ($offset + 12 -le $bytes.Length) {
        $length = [BitConverter]::ToUInt64($bytes, $offset)
        $lengthCrc = [BitConverter]::ToUInt32($bytes, $offset + 8)
        if ($offset + 16 + [int64]$length -gt $bytes.Length) { break }
        $payload = [byte[]]::new($length)
        [Array]::Copy($bytes, $offset + 12, $payload, 0, [int]$length)
        $dataCrc = [BitConverter]::ToUInt32($bytes, $offset + 12 + [int]$length)
        [pscustomobject]@{
            Offset      = $offset
            Size        = 16 + [int]$length
            Payload     = $payload
            LengthCrcOk = if ($SkipCrc) { $null } else { $lengthCrc -eq (Get-MaskedCrc32C $bytes $offset 8) }
            DataCrcOk   = if ($SkipCrc) { $null } else { $dataCrc -eq (Get-MaskedCrc32C $bytes ($offset + 12) ([int]$length)) }
        }
        $offset += 16 + [int]$length
    }
}

function Read-Varint([byte[]] $Bytes, [ref] $Position) {
    [uint64] $result = 0
    $shift = 0
    while ($true) {
        $b = $Bytes[$Position.Value]
        $Position.Value++
        $result = $result -bor ([uint64]($b -band 0x7F) -shl $shift)
        if (($b -band 0x80) -eq 0) { return $result }
        $shift += 7
    }
}

function ConvertFrom-ProtoField {
    <#
    .SYNOPSIS
        Splits a protobuf message into its top-level fields: Field, Wire and Value (varint as
        uint64, fixed64 as double, fixed32 as single, length-delimited as byte[]).
    #>
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [byte[]] $Bytes)
    $position = 0
    while ($position -lt $Bytes.Length) {
        $key = Read-Varint $Bytes ([ref]$position)
        $field = [int]($key -shr 3)
        $wire = [int]($key -band 7)
        switch ($wire) {
            0 { $value = Read-Varint $Bytes ([ref]$position) }
            1 { $value = [BitConverter]::ToDouble($Bytes, $position); $position += 8 }
            5 { $value = [BitConverter]::ToSingle($Bytes, $position); $position += 4 }
            2 {
                $len = [int](Read-Varint $Bytes ([ref]$position))
                $value = [byte[]]::new($len)
                [Array]::Copy($Bytes, $position, $value, 0, $len)
                $position += $len
            }
            default { throw "Unsupported wire type $wire" }
        }
        [pscustomobject]@{ Field = $field; Wire = $wire; Value = $value }
    }
}

function Get-ProtoFieldValue([object[]] $Fields, [int] $Number) {
    # The value of the first occurrence of a field, or $null.
    $f = @($Fields | Where-Object Field -EQ $Number)
    if ($f.Count -gt 0) { , $f[0].Value } else { $null }
}

function Read-ExpectedScalar {
    <#
    .SYNOPSIS
        The scalars of pytorch.raw.jsonl (what TensorBoard's own loader read from the fixtures),
        with exact numbers: steps as Int64, wall times and values as doubles ("NaN", "Infinity"
        and "-Infinity" parsed; -0.0 kept).
    #>
    param([string] $Path = (Join-Path $PSScriptRoot '../fixtures/pytorch.raw.jsonl'))
    foreach ($line in [System.IO.File]::ReadLines($Path)) {
        $doc = [System.Text.Json.JsonDocument]::Parse($line)
        try {
            $root = $doc.RootElement
            if ($root.GetProperty('kind').GetString() -ne 'scalar') { continue }
            $v = $root.GetProperty('value')
            $value = if ($v.ValueKind -eq [System.Text.Json.JsonValueKind]::String) {
                switch ($v.GetString()) {
                    'NaN' { [double]::NaN }
                    'Infinity' { [double]::PositiveInfinity }
                    '-Infinity' { [double]::NegativeInfinity }
                    default { throw "Unexpected value $_" }
                }
            }
            else { $v.GetDouble() }
            [pscustomobject]@{
                Run      = $root.GetProperty('run').GetString()
                File     = $root.GetProperty('file').GetString()
                Tag      = $root.GetProperty('tag').GetString()
                Step     = $root.GetProperty('step').GetInt64()
                WallTime = $root.GetProperty('wall_time').GetDouble()
                Value    = [double]$value
            }
        }
        finally {
            $doc.Dispose()
        }
    }
}

function Wait-Until {
    # Polls a condition (a background writer, a file) for up to $TimeoutSeconds; true when it held.
    param([scriptblock] $Condition, [double] $TimeoutSeconds = 5)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($clock.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
        if (& $Condition) { return $true }
        Start-Sleep -Milliseconds 50
    }
    [bool](& $Condition)
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a command in a fresh pwsh of the same version (pwsh runs as a .NET tool here:
        dotnet pwsh.dll) and returns its exit code and output lines. A child that has not exited
        after $TimeoutSeconds (a hang at exit, say) is killed and reported with ExitCode -1. $Environment adds
        variables to the child's environment (a .NET heap cap, say).
    #>
    param([Parameter(Mandatory)] [string] $Command, [int] $TimeoutSeconds = 120, [hashtable] $Environment = @{})
    $process = [Environment]::ProcessPath
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $info = [System.Diagnostics.ProcessStartInfo]::new($process)
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet' -and (Test-Path -LiteralPath $pwshDll)) {
        $info.ArgumentList.Add($pwshDll)
    }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $info.Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = [string]$Environment[$name] }
    $child = [System.Diagnostics.Process]::Start($info)
    try {
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        $exited = $child.WaitForExit($TimeoutSeconds * 1000)
        if (-not $exited) { $child.Kill($true); $child.WaitForExit() }
        $lines = @(($stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult()) -split '\r?\n' | Where-Object { $_ -ne '' })
        [pscustomobject]@{
            ExitCode = if ($exited) { $child.ExitCode } else { -1 }
            TimedOut = -not $exited
            Output   = $lines
        }
    }
    finally { $child.Dispose() }
}

function ConvertTo-SingleQuoted([string] $Text) {
    # A PowerShell single-quoted literal of $Text, for commands given to a child pwsh.
    "'" + $Text.Replace("'", "''") + "'"
}
