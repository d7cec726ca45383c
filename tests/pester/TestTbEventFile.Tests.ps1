#Requires -Modules Pester
# Test-TbEventFile: every damaged region of the damaged fixtures (offset, length, kind) and the
# intact records, healthy files, directories, pipeline input and errors.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $Fixtures = Join-Path $PSScriptRoot '../fixtures'
    $Damaged = Join-Path $Fixtures 'damaged'
    $TestId = 'TbPowerShell.Commands.TestTbEventFileCommand'
    function Get-Report([string] $Case) {
        @(Test-TbEventFile (Join-Path $Damaged $Case))
    }
    # The offset of record 65 and the start of the last record of pytorch/scalars, found by framing the file here.
    $scalars = Get-ChildItem (Join-Path $Fixtures 'pytorch/scalars') -Filter '*tfevents*' | Select-Object -First 1
    $bytes = [System.IO.File]::ReadAllBytes($scalars.FullName)
    $offsets = [System.Collections.Generic.List[long]]::new()
    for ($p = 0L; $p -lt $bytes.Length; $p += 16 + [BitConverter]::ToInt64($bytes, [int]$p)) { $offsets.Add($p) }
    $Record65 = $offsets[65]
    $LastRecord = $offsets[$offsets.Count - 1]
    $Record66 = $offsets[66]
}

Describe 'Test-TbEventFile on the damaged fixtures' {
    It 'an intact file: healthy, every record counted' {
        $r = @(Test-TbEventFile $scalars.FullName)
        $r.Count | Should -Be 1
        $r[0].IsHealthy | Should -BeTrue
        $r[0].IntactRecords | Should -Be $offsets.Count
        $r[0].Length | Should -Be $bytes.Length
        $r[0].DamagedBytes | Should -Be 0
    }

    It 'crc_middle: one DataCrc region at record 65, up to record 66; every other record intact' {
        $r = Get-Report 'crc_middle'
        $r[0].IsHealthy | Should -BeFalse
        $r[0].Regions.Count | Should -Be 1
        "$($r[0].Regions[0].Kind)" | Should -BeExactly 'DataCrc'
        $r[0].Regions[0].Offset | Should -Be $Record65
        $r[0].Regions[0].Length | Should -Be ($Record66 - $Record65)
        $r[0].IntactRecords | Should -Be ($offsets.Count - 1)
    }

    It 'length_crc_middle: one LengthCrc region at record 65, resynchronised at record 66' {
        $r = Get-Report 'length_crc_middle'
        $r[0].Regions.Count | Should -Be 1
        "$($r[0].Regions[0].Kind)" | Should -BeExactly 'LengthCrc'
        $r[0].Regions[0].Offset | Should -Be $Record65
        $r[0].Regions[0].Length | Should -Be ($Record66 - $Record65)
        $r[0].IntactRecords | Should -Be ($offsets.Count - 1)
    }

    It '<Case>: a truncated tail from the last record to the end of the file' -TestCases @(
        @{ Case = 'truncated_header' }, @{ Case = 'truncated_payload' }, @{ Case = 'truncated_data_crc' }
    ) {
        $r = Get-Report $Case
        $r[0].Regions.Count | Should -Be 1
        "$($r[0].Regions[0].Kind)" | Should -BeExactly 'TruncatedTail'
        $r[0].Regions[0].Offset | Should -Be $LastRecord
        $r[0].Regions[0].Length | Should -Be ($r[0].Length - $LastRecord)
        $r[0].IntactRecords | Should -Be ($offsets.Count - 1)
    }

    It 'empty: healthy with no records' {
        $r = Get-Report 'empty'
        $r[0].IsHealthy | Should -BeTrue
        $r[0].IntactRecords | Should -Be 0
        $r[0].Length | Should -Be 0
    }

    It 'an intact record that is not an event: UnparsablePayload, the records around it intact' {
        $dir = Join-Path $TestDrive 'unparsable'
        $w = New-TbWriter -LogDir $dir
        Add-TbScalar -Writer $w -Tag t -Value 1 -Step 1
        $w.Flush()
        # A framed record whose payload (a lone 0xFF) is no protobuf message: CRCs verify.
        $payload = [byte[]](0xFF)
        $record = [byte[]]::new(17)
        [TbPowerShell.Core.Records.TfRecord]::Write($payload, $record) | Out-Null
        $stream = [System.IO.File]::Open($w.Path, 'Append', 'Write', 'ReadWrite')
        $stream.Write($record, 0, $record.Length); $stream.Dispose()
        Close-TbWriter $w
        $r = @(Test-TbEventFile $dir)
        $r[0].Regions.Count | Should -Be 1
        "$($r[0].Regions[0].Kind)" | Should -BeExactly 'UnparsablePayload'
        $r[0].Regions[0].Length | Should -Be 17
        $r[0].IntactRecords | Should -Be 2
    }
}

Describe 'Test-TbEventFile inputs and errors' {
    It 'a directory: one report per event file, recursively' {
        $r = @(Test-TbEventFile $Damaged)
        $r.Count | Should -Be 6
        @($r | Where-Object IsHealthy).Count | Should -Be 1
    }

    It 'takes Get-ChildItem output by PSPath' {
        $r = @(Get-ChildItem $Damaged -Recurse -File | Test-TbEventFile)
        $r.Count | Should -Be 6
    }

    It 'PathNotFound: ObjectNotFound, the path as target, other paths still checked' {
        $missing = Join-Path $TestDrive 'nope'
        $r = @(Test-TbEventFile $missing, $scalars.FullName -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$TestId"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $missing
    }

    It 'the default view shows the damage' {
        $text = Get-Report 'crc_middle' | Out-String -Width 300
        $text | Should -Match "DataCrc@$Record65"
    }
}
