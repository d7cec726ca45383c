#Requires -Modules Pester
# Damage that readers used to give up on, read past by every cmdlet alike: a damaged first record header, a
# verified length that runs past the end while intact records follow (a lie: damage), the same at the tail (a
# record still being written: no damage), many lying headers; and Repair-TbEventFile -Force through a symbolic link.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $ScalarsFile = Join-Path $FixtureRoot 'pytorch/scalars/events.out.tfevents.1795723111.vm.21275.0'
    $Bytes = [System.IO.File]::ReadAllBytes($ScalarsFile)
    $Records = @(Read-TfRecord $ScalarsFile -SkipCrc)
    $Intact = @(Get-TbEvent $ScalarsFile)

    function Get-LyingHeader([int] $Count = 1) {
        # 12-byte headers whose length CRC verifies, each claiming 2^40 bytes.
        $header = [byte[]]::new(12)
        [BitConverter]::GetBytes([uint64]1 -shl 40).CopyTo($header, 0)
        [BitConverter]::GetBytes((Get-MaskedCrc32C $header 0 8)).CopyTo($header, 8)
        $all = [byte[]]::new(12 * $Count)
        for ($i = 0; $i -lt $Count; $i++) { $header.CopyTo($all, 12 * $i) }
        , $all
    }

    function New-DamagedFile([string] $Name, [byte[]] $Content) {
        $dir = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        $path = Join-Path $dir 'events.out.tfevents.1795723111.vm.21275.0'
        [System.IO.File]::WriteAllBytes($path, $Content)
        $path
    }

    function Join-Bytes([byte[][]] $Parts) {
        $stream = [System.IO.MemoryStream]::new()
        foreach ($part in $Parts) { $stream.Write($part, 0, $part.Length) }
        , $stream.ToArray()
    }

    # Record 40 is a scalar: its header is overwritten by a lie; the records after it are intact.
    $Victim = $Records[40].Offset
    $AfterVictim = $Records[41].Offset
    $VictimStep = $Intact[39].Step  # record 0 is the file version: record 40 holds the 40th scalar

    $FirstHeaderDamaged = $Bytes.Clone(); $FirstHeaderDamaged[9] = $FirstHeaderDamaged[9] -bxor 0x5A
    $LyingMid = $Bytes.Clone(); (Get-LyingHeader).CopyTo($LyingMid, $Victim)
    $LyingTail = Join-Bytes @($Bytes, (Get-LyingHeader), [byte[]]::new(20))
    $ManyLying = Join-Bytes @($Bytes[0..($AfterVictim - 1)], (Get-LyingHeader 3000), $Bytes[$AfterVictim..($Bytes.Length - 1)], (Get-LyingHeader 3000))
}

Describe 'Get-TbEvent reads past damage that once made it give up' {
    It 'a damaged first header: one EventFileDamaged error at byte 0, no "not an event file" warning, every value' {
        $file = New-DamagedFile 'first' $FirstHeaderDamaged
        $e = @(Get-TbEvent $file -ErrorVariable ev -ErrorAction SilentlyContinue -WarningVariable wv -WarningAction SilentlyContinue)
        $wv.Count | Should -Be 0
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'EventFileDamaged,TbPowerShell.Commands.GetTbEventCommand'
        "$($ev[0])" | Should -Match 'at byte 0: the record length failed its CRC'
        $e.Count | Should -Be $Intact.Count
    }

    It 'a lying length mid-file: one EventFileDamaged error there, and the values after it' {
        $file = New-DamagedFile 'mid' $LyingMid
        $e = @(Get-TbEvent $file -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev.Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
        $ev[0].TargetObject | Should -BeExactly $file
        "$($ev[0])" | Should -Match "at byte $Victim\b: the record length verified but runs past the end of the file"
        "$($ev[0])" | Should -Match "resumed at byte $AfterVictim\b"
        $e.Count | Should -Be ($Intact.Count - 1)
        @($e | Where-Object Step -EQ $VictimStep).Count | Should -Be (@($Intact | Where-Object Step -EQ $VictimStep).Count - 1)
        $e[-1].Step | Should -Be $Intact[-1].Step
    }

    It 'a length running past the end at the tail: no error, no warning, every value (a writer may still be writing it)' {
        $file = New-DamagedFile 'tail' $LyingTail
        $out = @(Get-TbEvent $file -Verbose -ErrorVariable ev -WarningVariable wv 4>&1)
        $ev.Count | Should -Be 0
        $wv.Count | Should -Be 0
        @($out | Where-Object { $_ -is [TbPowerShell.TbScalarEvent] }).Count | Should -Be $Intact.Count
        "$(@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }))" | Should -Match "$($Bytes.Length)"
    }

    It 'many lying headers: one error for the run of them mid-file, none for those at the end, every other value' {
        $file = New-DamagedFile 'many' $ManyLying
        $e = @(Get-TbEvent $file -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev.Count | Should -Be 1
        "$($ev[0])" | Should -Match "at byte $AfterVictim\b"
        "$($ev[0])" | Should -Match 'skipped 36000 bytes'
        $e.Count | Should -Be $Intact.Count
    }
}

Describe 'Get-TbRun counts what Get-TbEvent reads' {
    It '<Name>: the same values and damaged regions as Get-TbEvent' -ForEach @(
        @{ Name = 'first'; Damage = 1 }, @{ Name = 'mid'; Damage = 1 }, @{ Name = 'tail'; Damage = 0 }, @{ Name = 'many'; Damage = 1 }
    ) {
        $content = @{ first = $FirstHeaderDamaged; mid = $LyingMid; tail = $LyingTail; many = $ManyLying }[$Name]
        $file = New-DamagedFile "run-$Name" $content
        $run = @(Get-TbRun (Split-Path $file) -ErrorVariable ev -ErrorAction SilentlyContinue -WarningVariable wv -WarningAction SilentlyContinue)
        $events = @(Get-TbEvent (Split-Path $file) -ErrorAction SilentlyContinue)
        $run.Count | Should -Be 1
        $run[0].Values | Should -Be $events.Count
        $run[0].DamagedRegions | Should -Be $Damage
        $ev.Count | Should -Be $Damage
        $wv.Count | Should -Be 0
    }
}

Describe 'Test-TbEventFile on the same files' {
    It 'a damaged first header: one LengthCrc region at byte 0, every other record intact' {
        $r = Test-TbEventFile (New-DamagedFile 'test-first' $FirstHeaderDamaged)
        $r.Regions.Count | Should -Be 1
        "$($r.Regions[0].Kind)" | Should -BeExactly 'LengthCrc'
        $r.Regions[0].Offset | Should -Be 0
        $r.Regions[0].Length | Should -Be $Records[1].Offset
        $r.IntactRecords | Should -Be ($Records.Count - 1)
    }

    It 'a lying length mid-file: one ImplausibleLength region up to the next record' {
        $r = Test-TbEventFile (New-DamagedFile 'test-mid' $LyingMid)
        $r.Regions.Count | Should -Be 1
        "$($r.Regions[0].Kind)" | Should -BeExactly 'ImplausibleLength'
        $r.Regions[0].Offset | Should -Be $Victim
        $r.Regions[0].Length | Should -Be ($AfterVictim - $Victim)
        $r.IntactRecords | Should -Be ($Records.Count - 1)
    }

    It 'a length running past the end at the tail: a TruncatedTail, every record intact' {
        $r = Test-TbEventFile (New-DamagedFile 'test-tail' $LyingTail)
        $r.Regions.Count | Should -Be 1
        "$($r.Regions[0].Kind)" | Should -BeExactly 'TruncatedTail'
        $r.Regions[0].Offset | Should -Be $Bytes.Length
        $r.IntactRecords | Should -Be $Records.Count
    }

    It 'many lying headers: one ImplausibleLength region, then a TruncatedTail, every record intact' {
        $r = Test-TbEventFile (New-DamagedFile 'test-many' $ManyLying)
        @($r.Regions.Kind | ForEach-Object { "$_" }) | Should -Be @('ImplausibleLength', 'TruncatedTail')
        $r.Regions[0].Offset | Should -Be $AfterVictim
        $r.Regions[0].Length | Should -Be 36000
        $r.Regions[1].Offset | Should -Be ($Bytes.Length + 36000)
        $r.IntactRecords | Should -Be $Records.Count
    }
}

Describe 'Repair-TbEventFile -Force through a symbolic link' {
    It 'repairs the file the link points to in place, keeps the link, and names the repaired file' {
        $target = New-DamagedFile 'store' $LyingMid
        $runDir = Join-Path $TestDrive 'linked-run'
        New-Item -ItemType Directory -Path $runDir | Out-Null
        $link = Join-Path $runDir (Split-Path $target -Leaf)
        try {
            New-Item -ItemType SymbolicLink -Path $link -Target $target -ErrorAction Stop | Out-Null
        }
        catch {
            Set-ItResult -Skipped -Because "symbolic links cannot be made here: $($_.Exception.Message)"
            return
        }
        $r = Repair-TbEventFile $link -Force -Confirm:$false -ErrorVariable ev
        $ev.Count | Should -Be 0
        "$($r.Outcome)" | Should -BeExactly 'Repaired'
        $r.InPlace | Should -BeTrue
        $r.Source | Should -BeExactly $link
        $r.Destination | Should -BeExactly $target
        Split-Path $r.BackupPath | Should -BeExactly (Split-Path $target)
        (Get-Item $link).LinkType | Should -Be 'SymbolicLink'
        (Test-TbEventFile $link).IsHealthy | Should -BeTrue
        @(Get-TbEvent $link).Count | Should -Be ($Intact.Count - 1)
        @(Get-ChildItem $runDir -Force).Count | Should -Be 1
    }
}
