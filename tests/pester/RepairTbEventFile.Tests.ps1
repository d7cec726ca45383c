#Requires -Modules Pester
# Repair-TbEventFile: repaired copies and in-place repairs of the damaged fixtures (byte for byte
# against the intact file framed by hand), backups TensorBoard does not read, -WhatIf/-Confirm,
# pipelines from Test-TbEventFile and Get-ChildItem, warnings and error ids.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $Fixtures = Join-Path $PSScriptRoot '../fixtures'
    $Damaged = Join-Path $Fixtures 'damaged'
    $Id = 'TbPowerShell.Commands.RepairTbEventFileCommand'
    $FileName = 'events.out.tfevents.1795723111.vm.21275.0'
    $BackupName = 'events.out.tfbackup.1795723111.vm.21275.0'

    # The intact file's records, framed by hand: the expected repairs are it minus one record.
    $scalars = Get-ChildItem (Join-Path $Fixtures 'pytorch/scalars') -Filter '*tfevents*' | Select-Object -First 1
    $Intact = [System.IO.File]::ReadAllBytes($scalars.FullName)
    $Records = [System.Collections.Generic.List[object]]::new()
    for ($p = 0L; $p -lt $Intact.Length; $p += 16 + [BitConverter]::ToInt64($Intact, [int]$p)) {
        $Records.Add([pscustomobject]@{ Offset = $p; Length = 16 + [BitConverter]::ToInt64($Intact, [int]$p) })
    }
    function Get-IntactWithout([int] $Index) {
        $out = [System.IO.MemoryStream]::new()
        for ($i = 0; $i -lt $Records.Count; $i++) {
            if ($i -ne $Index) { $out.Write($Intact, [int]$Records[$i].Offset, [int]$Records[$i].Length) }
        }
        , $out.ToArray()
    }
    # A fresh run folder in TestDrive holding a copy of one damaged fixture.
    function New-DamagedRun([string] $Case, [string] $Name = $Case) {
        $dir = Join-Path $TestDrive "runs-$([guid]::NewGuid().ToString('N'))/$Name"
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item (Join-Path $Damaged "$Case/$FileName") $dir
        Join-Path $dir $FileName
    }
    function Get-Sha([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
}

Describe 'Repair-TbEventFile -Destination: a repaired copy' {
    It '<Case>: the copy is the intact file without record <Lost>, byte for byte; the source is unchanged' -TestCases @(
        @{ Case = 'crc_middle'; Lost = 65 }, @{ Case = 'length_crc_middle'; Lost = 65 },
        @{ Case = 'truncated_payload'; Lost = -1 }
    ) {
        $file = New-DamagedRun $Case
        $before = Get-Sha $file
        $out = Join-Path $TestDrive "fixed-$Case"
        $r = @(Repair-TbEventFile $file -Destination $out -WarningAction SilentlyContinue)
        $lostIndex = if ($Lost -ge 0) { $Lost } else { $Records.Count - 1 }
        $r.Count | Should -Be 1
        $r[0] | Should -BeOfType 'TbPowerShell.Core.IO.EventFileRepairResult'
        "$($r[0].Outcome)" | Should -BeExactly 'Repaired'
        $r[0].RecordsKept | Should -Be ($Records.Count - 1)
        $r[0].RegionsRemoved | Should -Be 1
        $r[0].Destination | Should -BeExactly (Join-Path $out $FileName)
        $r[0].InPlace | Should -BeFalse
        $r[0].BackupPath | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllBytes($r[0].Destination) | Should -Be (Get-IntactWithout $lostIndex)
        Get-Sha $file | Should -BeExactly $before
        @(Get-ChildItem -Force $out).Name | Should -Be @($FileName)   # no temporary file left
        $check = Test-TbEventFile $r[0].Destination
        $check.IsHealthy | Should -BeTrue
        $check.IntactRecords | Should -Be ($Records.Count - 1)
        # Every scalar but the lost record's is read back.
        $all = @(Get-TbEvent $scalars.FullName)
        $back = @(Get-TbEvent $r[0].Destination)
        $back.Count | Should -Be ($all.Count - 1)
    }

    It 'a healthy file is copied unchanged (CopiedUnchanged), and -Verbose says so' {
        $out = Join-Path $TestDrive 'fixed-healthy'
        $r = Repair-TbEventFile -LiteralPath $scalars.FullName -Destination $out -Verbose 4>&1
        $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $result = @($r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        "$($result[0].Outcome)" | Should -BeExactly 'CopiedUnchanged'
        Get-Sha (Join-Path $out $scalars.Name) | Should -BeExactly (Get-Sha $scalars.FullName)
        "$verbose" | Should -Match 'healthy'
    }

    It 'a directory keeps its run layout under the destination' {
        $out = Join-Path $TestDrive 'fixed-all'
        $r = @(Repair-TbEventFile $Damaged -Destination $out -WarningAction SilentlyContinue)
        $r.Count | Should -Be 6
        @($r | Where-Object { "$($_.Outcome)" -eq 'Repaired' }).Count | Should -Be 5
        foreach ($case in 'crc_middle', 'empty', 'truncated_header') {
            Test-Path (Join-Path $out "$case/$FileName") | Should -BeTrue
        }
        @(Test-TbEventFile $out | Where-Object { -not $_.IsHealthy }).Count | Should -Be 0
    }

    It 'a truncated tail warns that a writer may still be writing' {
        $file = New-DamagedRun 'truncated_header'
        $r = Repair-TbEventFile $file -Destination (Join-Path $TestDrive 'fixed-warn') -WarningVariable warn -WarningAction SilentlyContinue
        $r.EndedTruncated | Should -BeTrue
        $warn.Count | Should -Be 1
        "$($warn[0])" | Should -Match 'writer may still be writing'
    }
}

Describe 'Repair-TbEventFile -Force: in place, with a backup' {
    It 'replaces the file, keeps the original as tfbackup, and the run shows every event once' {
        $file = New-DamagedRun 'crc_middle' 'run'
        $dir = Split-Path $file
        $before = Get-Sha $file
        $r = Repair-TbEventFile $file -Force -Confirm:$false
        "$($r.Outcome)" | Should -BeExactly 'Repaired'
        $r.InPlace | Should -BeTrue
        $r.Destination | Should -BeExactly $file
        $r.BackupPath | Should -BeExactly (Join-Path $dir $BackupName)
        Get-Sha $r.BackupPath | Should -BeExactly $before
        [System.IO.File]::ReadAllBytes($file) | Should -Be (Get-IntactWithout 65)
        # Only one file of the run is an event file: the backup is not read twice.
        @(Get-ChildItem $dir -Filter '*tfevents*').Count | Should -Be 1
        @(Get-TbEvent $dir).Count | Should -Be (@(Get-TbEvent $scalars.FullName).Count - 1)
        (Test-TbEventFile $dir).IsHealthy | Should -BeTrue
    }

    It '-BackupPath puts the backup in another folder; a second backup never overwrites the first' {
        $file = New-DamagedRun 'length_crc_middle'
        $backups = Join-Path $TestDrive 'backups'
        $first = Repair-TbEventFile $file -Force -BackupPath $backups
        $first.BackupPath | Should -BeExactly (Join-Path $backups $BackupName)
        Copy-Item (Join-Path $Damaged "length_crc_middle/$FileName") $file -Force
        $second = Repair-TbEventFile $file -Force -BackupPath $backups
        $second.BackupPath | Should -BeExactly (Join-Path $backups "$BackupName.1")
        @(Get-ChildItem $backups).Count | Should -Be 2
    }

    It 'a healthy file is left alone: AlreadyHealthy, no backup' {
        $dir = Join-Path $TestDrive 'healthy-run'
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item $scalars.FullName $dir
        $file = Join-Path $dir $scalars.Name
        $r = Repair-TbEventFile $file -Force
        "$($r.Outcome)" | Should -BeExactly 'AlreadyHealthy'
        $r.BackupPath | Should -BeNullOrEmpty
        @(Get-ChildItem $dir).Count | Should -Be 1
        Get-Sha $file | Should -BeExactly (Get-Sha $scalars.FullName)
    }

    It '-WhatIf writes nothing, in place or as a copy' {
        $file = New-DamagedRun 'crc_middle'
        $dir = Split-Path $file
        $before = Get-Sha $file
        $r = @(Repair-TbEventFile $file -Force -WhatIf)
        $r.Count | Should -Be 0
        $out = Join-Path $TestDrive 'whatif-out'
        @(Repair-TbEventFile $file -Destination $out -WhatIf).Count | Should -Be 0
        Get-Sha $file | Should -BeExactly $before
        @(Get-ChildItem -Force $dir).Count | Should -Be 1
        Test-Path (Join-Path $out $FileName) | Should -BeFalse
    }

    It 'Test-TbEventFile | Where-Object { -not $_.IsHealthy } | Repair-TbEventFile -Force repairs just the damaged files' {
        $root = Join-Path $TestDrive 'pipeline'
        foreach ($case in 'crc_middle', 'truncated_data_crc', 'empty') {
            New-Item -ItemType Directory (Join-Path $root $case) | Out-Null
            Copy-Item (Join-Path $Damaged "$case/$FileName") (Join-Path $root $case)
        }
        $r = @(Get-ChildItem $root -Recurse -Filter '*tfevents*' | Test-TbEventFile |
            Where-Object { -not $_.IsHealthy } | Repair-TbEventFile -Force -WarningAction SilentlyContinue)
        $r.Count | Should -Be 2
        ($r.Source | ForEach-Object { Split-Path (Split-Path $_) -Leaf } | Sort-Object) | Should -Be @('crc_middle', 'truncated_data_crc')
        @(Test-TbEventFile $root | Where-Object { -not $_.IsHealthy }).Count | Should -Be 0
        @(Get-ChildItem $root -Recurse -Filter '*tfbackup*').Count | Should -Be 2
    }

    It 'takes Get-ChildItem output by PSPath' {
        $file = New-DamagedRun 'crc_middle'
        $r = @(Get-Item $file | Repair-TbEventFile -Destination (Join-Path $TestDrive 'gci-out'))
        $r.Count | Should -Be 1
        "$($r[0].Outcome)" | Should -BeExactly 'Repaired'
    }
}

Describe 'Repair-TbEventFile errors' {
    It 'DestinationRequired: neither -Destination nor -Force (terminating, InvalidArgument)' {
        $file = New-DamagedRun 'crc_middle'
        $e = { Repair-TbEventFile $file } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "DestinationRequired,$Id"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-ChildItem (Split-Path $file)).Count | Should -Be 1
    }

    It 'InvalidDestination: the source''s own folder (target: the folder); other files still repaired' {
        $file = New-DamagedRun 'crc_middle'
        $dir = Split-Path $file
        $r = @(Repair-TbEventFile $file -Destination $dir -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidDestination,$Id"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $dir
        @(Get-ChildItem -Force $dir).Count | Should -Be 1
    }

    It 'InvalidDestination: -Destination is a file (terminating)' {
        $file = New-DamagedRun 'crc_middle'
        $e = { Repair-TbEventFile $file -Destination $scalars.FullName } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "InvalidDestination,$Id"
        $e.TargetObject | Should -BeExactly $scalars.FullName
    }

    It 'DestinationExists: ResourceExists, the copy as target, left alone; -Force replaces it' {
        $file = New-DamagedRun 'crc_middle'
        $out = Join-Path $TestDrive 'exists'
        New-Item -ItemType Directory $out | Out-Null
        $existing = Join-Path $out $FileName
        Set-Content $existing 'keep me'
        $r = @(Repair-TbEventFile $file -Destination $out -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "DestinationExists,$Id"
        $ev[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $ev[0].TargetObject | Should -BeExactly $existing
        Get-Content $existing | Should -BeExactly 'keep me'
        $r = Repair-TbEventFile $file -Destination $out -Force
        "$($r.Outcome)" | Should -BeExactly 'Repaired'
        (Test-TbEventFile $existing).IsHealthy | Should -BeTrue
    }

    It 'DestinationExists: two files of one name piped to one folder; the first copy is kept' {
        $a = New-DamagedRun 'crc_middle'
        $b = New-DamagedRun 'length_crc_middle'
        $out = Join-Path $TestDrive 'collide'
        $r = @($a, $b | Repair-TbEventFile -Destination $out -Force -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "DestinationExists,$Id"
        $ev[0].TargetObject | Should -BeExactly (Join-Path $out $FileName)
    }

    It 'NoIntactRecords: a file with nothing intact is left alone (InvalidData, the file as target)' {
        $dir = Join-Path $TestDrive 'garbage'
        New-Item -ItemType Directory $dir | Out-Null
        $file = Join-Path $dir 'notes.tfevents.txt'
        Set-Content $file ('not an event file ' * 20)
        $before = Get-Sha $file
        $r = @(Repair-TbEventFile $file -Force -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "NoIntactRecords,$Id"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $ev[0].TargetObject | Should -BeExactly $file
        Get-Sha $file | Should -BeExactly $before
        @(Get-ChildItem $dir).Count | Should -Be 1
    }

    It 'InvalidBackupPath: -BackupPath with -Destination (terminating)' {
        $file = New-DamagedRun 'crc_middle'
        $e = { Repair-TbEventFile $file -Destination (Join-Path $TestDrive 'x') -BackupPath (Join-Path $TestDrive 'y') } |
            Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "InvalidBackupPath,$Id"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'PathNotFound: ObjectNotFound, the path as target, other paths still repaired' {
        $missing = Join-Path $TestDrive 'nope'
        $file = New-DamagedRun 'crc_middle'
        $r = @(Repair-TbEventFile $missing, $file -Force -ErrorVariable ev -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$Id"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $missing
    }

    It 'the default view shows the outcome and what was removed' {
        $file = New-DamagedRun 'crc_middle'
        $text = Repair-TbEventFile $file -Destination (Join-Path $TestDrive 'view') | Out-String -Width 300
        $text | Should -Match "$FileName\s+Repaired\s+$($Records.Count - 1)\s+1\s+\d+"
    }
}
