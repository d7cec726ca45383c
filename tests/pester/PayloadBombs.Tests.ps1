#Requires -Modules Pester
# Payload bombs (issue 11): records of a few hundred bytes with valid CRCs whose values claim gigabytes.
# Get-TbEvent -Type All, in a child pwsh whose .NET heap is capped at 512 MB, reports each as a
# non-terminating EventValueTooLarge error and returns the values after it; the cap is shown to bite.
# The scalar-only cmdlets stay fast on the same file, and Add-TbImage refuses an image too large before
# it converts the data. The bomb file is built by hand here (protobuf bytes, TFRecord framing).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $HeapCap = @{ DOTNET_GCHeapHardLimit = '0x20000000' }
    $GetId = 'TbPowerShell.Commands.GetTbEventCommand'

    function ConvertTo-Varint([uint64] $Value) {
        $bytes = [System.Collections.Generic.List[byte]]::new()
        while ($Value -ge 0x80) {
            $bytes.Add([byte](($Value -band 0x7F) -bor 0x80))
            $Value = $Value -shr 7
        }
        $bytes.Add([byte]$Value)
        , $bytes.ToArray()
    }

    function Join-Bytes {
        $all = [System.Collections.Generic.List[byte]]::new()
        foreach ($part in $args) { if ($null -ne $part) { $all.AddRange([byte[]]$part) } }
        , $all.ToArray()
    }

    function New-LengthField([int] $Number, [byte[]] $Body) {
        Join-Bytes (ConvertTo-Varint (($Number -shl 3) -bor 2)) (ConvertTo-Varint $Body.Length) $Body
    }

    function New-VarintField([int] $Number, [uint64] $Value) {
        Join-Bytes (ConvertTo-Varint ($Number -shl 3)) (ConvertTo-Varint $Value)
    }

    function New-Shape([uint64[]] $Dims) {
        # TensorShapeProto: dim (2) { size (1) }
        $shape = [byte[]]@()
        foreach ($d in $Dims) { $shape = Join-Bytes $shape (New-LengthField 2 (New-VarintField 1 $d)) }
        , $shape
    }

    function New-TensorValue([string] $Tag, [string] $Plugin, [byte[]] $Tensor) {
        # Summary.Value: tag (1), metadata (9) { plugin_data (1) { plugin_name (1) } }, tensor (8)
        $metadata = if ($Plugin) { New-LengthField 9 (New-LengthField 1 (New-LengthField 1 ([Text.Encoding]::ASCII.GetBytes($Plugin)))) }
        Join-Bytes (New-LengthField 1 ([Text.Encoding]::ASCII.GetBytes($Tag))) $metadata (New-LengthField 8 $Tensor)
    }

    function New-SimpleValue([string] $Tag, [float] $Value) {
        # Summary.Value: tag (1), simple_value (2, fixed32)
        Join-Bytes (New-LengthField 1 ([Text.Encoding]::ASCII.GetBytes($Tag))) ([byte[]]@(0x15)) ([BitConverter]::GetBytes($Value))
    }

    function New-EventRecord([long] $Step, [byte[][]] $Values) {
        # Event: wall_time (1, fixed64), step (2), summary (5) { value (1) ... }
        $summary = [byte[]]@()
        foreach ($v in $Values) { $summary = Join-Bytes $summary (New-LengthField 1 $v) }
        Join-Bytes ([byte[]]@(0x09)) ([BitConverter]::GetBytes([double](1700000000 + $Step))) (New-VarintField 2 $Step) (New-LengthField 5 $summary)
    }

    function Write-TfRecordFile([string] $Path, [object[]] $Payloads) {
        $file = [System.IO.MemoryStream]::new()
        foreach ($payload in $Payloads) {
            $length = [BitConverter]::GetBytes([uint64]$payload.Length)
            $file.Write($length, 0, 8)
            $file.Write([BitConverter]::GetBytes((Get-MaskedCrc32C $length 0 8)), 0, 4)
            $file.Write($payload, 0, $payload.Length)
            $file.Write([BitConverter]::GetBytes((Get-MaskedCrc32C $payload 0 $payload.Length)), 0, 4)
        }
        [System.IO.File]::WriteAllBytes($Path, $file.ToArray())
    }

    # The issue's bombs: a text-plugin DT_STRING [2^24-1] tensor of one 1,000-byte string (24 GB once padded and
    # joined), then a DT_FLOAT [2^28] tensor of one float_val (2.2 GB of doubles); each shares its record with an
    # intact scalar, and intact scalars follow.
    $textFill = Join-Bytes (New-VarintField 1 7) (New-LengthField 2 (New-Shape @(16777215))) (New-LengthField 8 ([byte[]]::new(1000)))
    $floatFill = Join-Bytes (New-VarintField 1 1) (New-LengthField 2 (New-Shape @(268435456))) ([byte[]]@(0x2D)) ([BitConverter]::GetBytes([float]1.5))
    $BombFile = Join-Path $TestDrive 'bombs/events.out.tfevents.1700000000.bombs'
    $null = New-Item -ItemType Directory -Path (Split-Path $BombFile)
    $versionEvent = Join-Bytes ([byte[]]@(0x09)) ([BitConverter]::GetBytes([double]1700000000)) (New-LengthField 3 ([Text.Encoding]::ASCII.GetBytes('brain.Event:2')))
    $records = [System.Collections.Generic.List[object]]::new()
    $records.Add($versionEvent)
    $records.Add((New-EventRecord 0 @((New-TensorValue 'bomb_text' 'text' $textFill), (New-SimpleValue 'same_record' 7))))
    $records.Add((New-EventRecord 1 @((New-TensorValue 'bomb_float' $null $floatFill), (New-SimpleValue 'same_record' 8))))
    $records.Add((New-EventRecord 2 @(, (New-SimpleValue 'after' 2))))
    $records.Add((New-EventRecord 3 @(, (New-SimpleValue 'after' 3))))
    Write-TfRecordFile $BombFile $records.ToArray()
}

Describe 'Payload bombs under a 512 MB heap cap' {
    It 'Get-TbEvent -Type All names each bomb in a non-terminating EventValueTooLarge error and returns every value after it' {
        $command = "Import-Module $(ConvertTo-SingleQuoted $modulePath) -ErrorAction Stop; " +
            "Get-TbEvent -LiteralPath $(ConvertTo-SingleQuoted $BombFile) -Type All -ErrorVariable ev -ErrorAction SilentlyContinue | " +
            "ForEach-Object { 'VALUE ' + `$_.Tag + ' ' + `$_.Step + ' ' + `$_.Value }; " +
            "foreach (`$e in `$ev) { 'ERROR ' + `$e.FullyQualifiedErrorId + ' ' + `$e.CategoryInfo.Category + ' | ' + `$e.Exception.Message }; 'FINISHED'"
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $child = Invoke-ChildPwsh -Command $command -Environment $HeapCap -TimeoutSeconds 120
        $clock.Stop()
        $text = $child.Output -join "`n"
        $child.ExitCode | Should -Be 0 -Because $text
        $text | Should -Not -Match 'OutOfMemory'
        $child.Output | Should -Contain 'FINISHED'
        @($child.Output | Where-Object { $_ -like 'VALUE *' }) | Should -Be @('VALUE same_record 0 7', 'VALUE same_record 1 8', 'VALUE after 2 2', 'VALUE after 3 3')
        $errors = @($child.Output | Where-Object { $_ -like 'ERROR *' })
        $errors.Count | Should -Be 2 -Because $text
        $errors[0] | Should -BeLike "ERROR EventValueTooLarge,$GetId LimitsExceeded | *"
        $errors[0] | Should -BeLike "*$BombFile*tag 'bomb_text'*16777215 elements*"
        $errors[1] | Should -BeLike "ERROR EventValueTooLarge,$GetId LimitsExceeded | *"
        $errors[1] | Should -BeLike "*tag 'bomb_float'*268435456 elements*"
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
    }

    It 'the cap bites: the same child dies of allocating what the float fill once expanded to' {
        $child = Invoke-ChildPwsh -Command "`$ErrorActionPreference = 'Stop'; `$a = [double[]]::new(268435456); `$a[-1] = 1; 'ALLOCATED'" -Environment $HeapCap
        $text = $child.Output -join "`n"
        $child.Output | Should -Not -Contain 'ALLOCATED'
        $text | Should -Match 'OutOfMemory|Out of memory|insufficient memory'
    }
}

Describe 'The cmdlets that do not decode values stay fast on the bomb file' {
    It '<Name> reads the bomb file within a few seconds' -ForEach @(
        @{ Name = 'Get-TbEvent -Type Scalar'; Run = { Get-TbEvent -LiteralPath $BombFile } ; Check = { param($out) @($out).Count | Should -Be 4 } }
        @{ Name = 'Test-TbEventFile'; Run = { Test-TbEventFile -LiteralPath $BombFile }; Check = { param($out) @($out).Count | Should -Be 1 } }
        @{ Name = 'Get-TbRun'; Run = { Get-TbRun -Path (Split-Path $BombFile) }; Check = { param($out) @($out).Count | Should -Be 1 } }
        @{ Name = 'Get-TbTag'; Run = { Get-TbTag -Path (Split-Path $BombFile) }; Check = { param($out) @($out.Tag) | Should -Contain 'after' } }
    ) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $out = & $Run -ErrorVariable ev 2>$null
        $clock.Stop()
        & $Check $out
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }
}

Describe 'Add-TbImage checks the shape before it converts the data' {
    It 'refuses a 10000×10000 -Data array as ImageTooLarge without allocating a copy of it' {
        $data = [byte[]]::new(10000 * 10000)
        $dir = Join-Path $TestDrive 'image'
        $before = [GC]::GetTotalAllocatedBytes($true)
        Add-TbImage -LogDir $dir -Tag 'big' -Data $data -Shape 10000, 10000 -DataFormat HW -ErrorVariable ev -ErrorAction SilentlyContinue
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $before
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'ImageTooLarge,TbPowerShell.Commands.AddTbImageCommand'
        $ev[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        # Converting it (as the cmdlet once did before checking) allocates 800 MB of floats.
        $allocated | Should -BeLessThan 32MB
    }

    It 'refuses a -Data array whose count disagrees with the shape as ShapeMismatch before converting it' {
        $data = [object[]](1..10)
        $dir = Join-Path $TestDrive 'image2'
        Add-TbImage -LogDir $dir -Tag 'small' -Data $data -Shape 3, 4 -DataFormat HW -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'ShapeMismatch,TbPowerShell.Commands.AddTbImageCommand'
        $ev[0].TargetObject | Should -Be @(3, 4)
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}
