#Requires -Modules Pester
# Save-TbMedia: image and audio events saved as <destination>/<run>/<tag>/<step>.png|.wav with the
# events' bytes, unsafe run and tag names made safe and kept inside the destination, -NoClobber,
# -WhatIf, and other objects reported as unsupported.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $SaveId = 'TbPowerShell.Commands.SaveTbMediaCommand'
    $Media = @(Get-TbEvent -Type Image, Audio -LiteralPath $PyTorchFixtures)
    $Gray = @($Media | Where-Object Tag -EQ 'gray_hw')[0]
    $RgbStep0 = @($Media | Where-Object { $_.Tag -eq 'rgb_chw' -and $_.Step -eq 0 })[0]

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "save$script:dirCounter"
    }

    function Get-RelativeFile([string] $Root) {
        # Every file under $Root, as sorted paths relative to it with '/' separators.
        @(Get-ChildItem -LiteralPath $Root -Recurse -File | ForEach-Object {
                [System.IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/')
            } | Sort-Object)
    }

    $ExpectedFiles = @(
        'audio/chirp_full_scale/1.wav', 'audio/sine440/0.wav',
        'image/batch_grid/0.png', 'image/gray_hw/0.png', 'image/rgb_chw/0.png', 'image/rgb_chw/1.png',
        'image/rgb_hwc_uint8/0.png', 'image/rgba_chw/0.png'
    )
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Save-TbMedia' {
    It 'saves Get-TbEvent -Type Image,Audio of the fixtures as Destination/run/tag/step.png or .wav with the events'' bytes' {
        $dest = New-TestDir
        $files = @(Get-TbEvent -Type Image, Audio $PyTorchFixtures | Save-TbMedia -Destination $dest -PassThru)
        $files.Count | Should -Be 8
        $files | ForEach-Object { $_ | Should -BeOfType ([System.IO.FileInfo]) }
        (Get-Command Save-TbMedia).OutputType.Type | Should -Contain ([System.IO.FileInfo])
        Get-RelativeFile $dest | Should -Be $ExpectedFiles
        for ($i = 0; $i -lt $Media.Count; $i++) {
            $extension = if ($Media[$i] -is [TbPowerShell.TbImageEvent]) { 'png' } else { 'wav' }
            $expectedPath = Join-Path $dest "$($Media[$i].Run)/$($Media[$i].Tag)/$($Media[$i].Step).$extension"
            $files[$i].FullName | Should -BeExactly $expectedPath
            Get-FirstDifference ([System.IO.File]::ReadAllBytes($expectedPath)) $Media[$i].Bytes | Should -Be -1 -Because $expectedPath
        }
    }

    It 'is silent without -PassThru, and takes -Destination by position' {
        $dest = New-TestDir
        $out = $Media | Save-TbMedia $dest
        $out | Should -BeNullOrEmpty
        Get-RelativeFile $dest | Should -Be $ExpectedFiles
    }

    It 'resolves a relative -Destination against the PowerShell location' {
        $here = New-TestDir
        New-Item -ItemType Directory -Path $here | Out-Null
        Push-Location -LiteralPath $here
        try { $Gray | Save-TbMedia -Destination 'rel' }
        finally { Pop-Location }
        Get-RelativeFile (Join-Path $here 'rel') | Should -Be @('image/gray_hw/0.png')
    }

    It 'saves the events of the run "." directly under the destination' {
        $src = New-TestDir
        Add-TbAudio -LogDir $src -Tag 'clip' -Data @(0.5, -0.5) -Step 3
        $dest = New-TestDir
        Get-TbEvent -Type Audio $src | Save-TbMedia -Destination $dest
        Get-RelativeFile $dest | Should -Be @('clip/3.wav')
    }
}

Describe 'Save-TbMedia with unsafe names' {
    BeforeAll {
        $src = New-TestDir
        $png = (Get-TbEvent -Type Image -LiteralPath (Join-Path $PyTorchFixtures 'image') -Tag 'gray_hw').Bytes
        $pngFile = Join-Path $TestDrive 'unsafe.png'
        [System.IO.File]::WriteAllBytes($pngFile, $png)
        $w = New-TbWriter -LogDir $src
        try {
            $step = 0
            foreach ($tag in 'a:b', '../up', 'x/../../evil', 'q?<>|*"', 'end.', '...', '/lead//double/') {
                Add-TbImage -Writer $w -Tag $tag -LiteralPath $pngFile -Step ($step++) -ErrorAction Stop
            }
        }
        finally { Close-TbWriter $w }
        $dest = Join-Path (New-TestDir) 'out'
        $saved = @(Get-TbEvent -Type Image $src | Save-TbMedia -Destination $dest -PassThru)
    }

    It 'percent-encodes what a file name cannot hold or would read otherwise: characters, "." and "..", trailing dots, empty parts' {
        Get-RelativeFile $dest | Should -Be (@(
                '%2E%2E%2E/5.png', '%2E%2E/up/1.png', 'a%3Ab/0.png', 'end%2E/4.png', '%/lead/%/double/%/6.png',
                'q%3F%3C%3E%7C%2A%22/3.png', 'x/%2E%2E/%2E%2E/evil/2.png'
            ) | Sort-Object)
    }

    It 'keeps every file inside the destination' {
        $saved.Count | Should -Be 7
        foreach ($file in $saved) {
            $file.FullName.StartsWith($dest + [System.IO.Path]::DirectorySeparatorChar) | Should -BeTrue -Because $file.FullName
            Test-Path -LiteralPath $file.FullName | Should -BeTrue
            Get-FirstDifference ([System.IO.File]::ReadAllBytes($file.FullName)) $png | Should -Be -1
        }
        Test-Path -LiteralPath (Join-Path $dest '../up') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $dest '../evil') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $dest '../../evil') | Should -BeFalse
    }
}

Describe 'Save-TbMedia gives distinct events distinct files' {
    BeforeAll {
        $png = (Get-TbEvent -Type Image -LiteralPath (Join-Path $PyTorchFixtures 'image') -Tag 'gray_hw').Bytes
        $pngFile = Join-Path $TestDrive 'distinct.png'
        [System.IO.File]::WriteAllBytes($pngFile, $png)
    }

    It 'saves tags that the old names merged (".." and "__", "a/." and "a", "a%2E" and "a.", CON and %43ON) to <Count> files' -ForEach @(
        @{ Tags = '..', '__', 'a/.', 'a', 'a.', 'a%2E', 'CON', '%43ON', 'con.txt', 'x\y', 'x/y'; Count = 11 }
    ) {
        $src = New-TestDir
        $w = New-TbWriter -LogDir $src
        try {
            foreach ($tag in $Tags) { Add-TbImage -Writer $w -Tag $tag -LiteralPath $pngFile -Step 0 -ErrorAction Stop }
        }
        finally { Close-TbWriter $w }
        $dest = New-TestDir
        $saved = @(Get-TbEvent -Type Image $src | Save-TbMedia -Destination $dest -PassThru -ErrorAction Stop)
        $saved.Count | Should -Be $Count
        @($saved.FullName | Sort-Object -Unique).Count | Should -Be $Count
        (Get-RelativeFile $dest).Count | Should -Be $Count
        Get-RelativeFile $dest | Should -Contain '%43ON/0.png'
        Get-RelativeFile $dest | Should -Contain '%2543ON/0.png'
        Get-RelativeFile $dest | Should -Contain 'x%5Cy/0.png'
    }

    It 'MediaNameCollision when a run and a tag meet at the same file (run a + tag b/c, run a/b + tag c): the first kept' {
        $src = New-TestDir
        foreach ($case in @(@{ Run = 'a'; Tag = 'b/c' }, @{ Run = 'a/b'; Tag = 'c' })) {
            $w = New-TbWriter -LogDir (Join-Path $src $case.Run)
            try { Add-TbImage -Writer $w -Tag $case.Tag -LiteralPath $pngFile -Step 7 -ErrorAction Stop }
            finally { Close-TbWriter $w }
        }
        $events = @(Get-TbEvent -Type Image $src)
        $events.Count | Should -Be 2
        $dest = New-TestDir
        $saved = @($events | Save-TbMedia -Destination $dest -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue)
        $saved.Count | Should -Be 1
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "MediaNameCollision,$SaveId"
        $ev[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $ev[0].TargetObject | Should -BeExactly (Join-Path $dest 'a/b/c/7.png')
        $ev[0].Exception.Message | Should -BeLike "*run '$($events[0].Run)'*run '$($events[1].Run)'*"
    }

    It 'the same event saved twice in one call is not a collision (the later wins, as documented)' {
        $dest = New-TestDir
        $Gray, $Gray | Save-TbMedia -Destination $dest -ErrorAction Stop
        Get-RelativeFile $dest | Should -Be @('image/gray_hw/0.png')
    }
}

Describe 'Save-TbMedia and links inside the destination' {
    BeforeAll {
        $probe = Join-Path $TestDrive 'link-probe'
        try { New-Item -ItemType SymbolicLink -Path $probe -Target $TestDrive -ErrorAction Stop | Out-Null; $NoLinks = $null }
        catch { $NoLinks = "symbolic links cannot be made here: $_" }
    }

    It 'replaces a link at the file being written and never writes through it' {
        if ($NoLinks) { Set-ItResult -Skipped -Because $NoLinks; return }
        $dest = New-TestDir
        $outside = New-TestDir
        New-Item -ItemType Directory -Path (Join-Path $dest 'image/gray_hw'), $outside -Force | Out-Null
        $victim = Join-Path $outside 'victim.png'
        Set-Content -LiteralPath $victim -Value 'untouched'
        $link = Join-Path $dest 'image/gray_hw/0.png'
        New-Item -ItemType SymbolicLink -Path $link -Target $victim | Out-Null
        $Gray | Save-TbMedia -Destination $dest -ErrorAction Stop
        Get-Content -LiteralPath $victim | Should -BeExactly 'untouched'
        (Get-Item -LiteralPath $link).LinkType | Should -BeNullOrEmpty
        Get-FirstDifference ([System.IO.File]::ReadAllBytes($link)) $Gray.Bytes | Should -Be -1
        @(Get-ChildItem -LiteralPath (Split-Path $link) -Force).Name | Should -Be @('0.png')
    }

    It '-NoClobber counts a link at the file (even a dangling one) as an existing file' {
        if ($NoLinks) { Set-ItResult -Skipped -Because $NoLinks; return }
        $dest = New-TestDir
        New-Item -ItemType Directory -Path (Join-Path $dest 'image/gray_hw') -Force | Out-Null
        $link = Join-Path $dest 'image/gray_hw/0.png'
        New-Item -ItemType SymbolicLink -Path $link -Target (Join-Path $TestDrive 'nowhere.png') | Out-Null
        $Gray | Save-TbMedia -Destination $dest -NoClobber -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "MediaFileExists,$SaveId"
        Test-Path -LiteralPath (Join-Path $TestDrive 'nowhere.png') | Should -BeFalse
    }

    It 'MediaPathOutsideDestination for a folder link inside the destination that leads out; nothing written there' {
        if ($NoLinks) { Set-ItResult -Skipped -Because $NoLinks; return }
        $dest = New-TestDir
        $outside = New-TestDir
        New-Item -ItemType Directory -Path $dest, $outside | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $dest 'image') -Target $outside | Out-Null
        $Media | Save-TbMedia -Destination $dest -ErrorVariable ev -ErrorAction SilentlyContinue
        @($ev | Where-Object FullyQualifiedErrorId -EQ "MediaPathOutsideDestination,$SaveId").Count | Should -Be 6
        $ev[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $ev[0].TargetObject | Should -BeLike (Join-Path $dest 'image/*')
        $ev[0].Exception.Message | Should -BeLike "*$outside*"
        @(Get-ChildItem -LiteralPath $outside -Recurse -Force).Count | Should -Be 0
        # The audio, under a real folder, is saved.
        Get-RelativeFile (Join-Path $dest 'audio') | Should -Be @('chirp_full_scale/1.wav', 'sine440/0.wav')
    }

    It 'a destination that is itself reached through a link is fine' {
        if ($NoLinks) { Set-ItResult -Skipped -Because $NoLinks; return }
        $real = New-TestDir
        New-Item -ItemType Directory -Path $real | Out-Null
        $alias = Join-Path $TestDrive ('alias' + (Get-Random))
        New-Item -ItemType SymbolicLink -Path $alias -Target $real | Out-Null
        $Media | Save-TbMedia -Destination $alias -ErrorAction Stop
        Get-RelativeFile $real | Should -Be $ExpectedFiles
    }
}

Describe 'Save-TbMedia -NoClobber and -WhatIf' {
    It 'overwrites existing files by default' {
        $dest = New-TestDir
        $Media | Save-TbMedia -Destination $dest
        $file = Join-Path $dest 'image/gray_hw/0.png'
        Set-Content -LiteralPath $file -Value 'marker'
        $Media | Save-TbMedia -Destination $dest -ErrorAction Stop
        Get-FirstDifference ([System.IO.File]::ReadAllBytes($file)) $Gray.Bytes | Should -Be -1
    }

    It '-NoClobber: MediaFileExists for each existing file (ResourceExists, the path as target), the file kept, new files written' {
        $dest = New-TestDir
        $Gray, $RgbStep0 | Save-TbMedia -Destination $dest
        $file = Join-Path $dest 'image/gray_hw/0.png'
        Set-Content -LiteralPath $file -Value 'marker'
        $out = @($Media | Save-TbMedia -Destination $dest -NoClobber -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue)
        $ev.Count | Should -Be 2
        @($ev.FullyQualifiedErrorId | Sort-Object -Unique) | Should -Be @("MediaFileExists,$SaveId")
        $ev[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $ev[0].TargetObject | Should -BeExactly $file
        $ev[1].TargetObject | Should -BeExactly (Join-Path $dest 'image/rgb_chw/0.png')
        (Get-Content -LiteralPath $file) | Should -BeExactly 'marker'
        $out.Count | Should -Be 6
        Get-RelativeFile $dest | Should -Be $ExpectedFiles
    }

    It '-WhatIf writes nothing, not even the destination folder' {
        $dest = New-TestDir
        $out = $Gray, $RgbStep0 | Save-TbMedia -Destination $dest -PassThru -WhatIf
        $out | Should -BeNullOrEmpty
        Test-Path -LiteralPath $dest | Should -BeFalse
    }
}

Describe 'Save-TbMedia errors' {
    It 'UnsupportedInput for a scalar piped in: InvalidType, the object as target; the media are still saved' {
        $scalar = @(Get-TbEvent -LiteralPath (Join-Path $PyTorchFixtures 'scalars') -Tag 'loss')[0]
        $dest = New-TestDir
        $Gray, $scalar, $RgbStep0 | Save-TbMedia -Destination $dest -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "UnsupportedInput,$SaveId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidType'
        $ev[0].TargetObject -is [TbPowerShell.TbScalarEvent] | Should -BeTrue
        $ev[0].TargetObject.Tag | Should -BeExactly 'loss'
        "$($ev[0])" | Should -Match 'TbScalarEvent'
        Get-RelativeFile $dest | Should -Be @('image/gray_hw/0.png', 'image/rgb_chw/0.png')
    }

    It 'UnsupportedInput for <Name>' -ForEach @(
        @{ Name = 'a text event'; Make = { @(Get-TbEvent -Type Text -LiteralPath (Join-Path $PyTorchFixtures 'text'))[0] } }
        @{ Name = 'a histogram event'; Make = { @(Get-TbEvent -Type Histogram -LiteralPath (Join-Path $PyTorchFixtures 'histogram'))[0] } }
        @{ Name = 'a string'; Make = { 'image.png' } }
    ) {
        $item = & $Make
        $dest = New-TestDir
        $item | Save-TbMedia -Destination $dest -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "UnsupportedInput,$SaveId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidType'
        Test-Path -LiteralPath $dest | Should -BeFalse
    }

    It 'FileWriteFailed when the folder cannot be created: WriteError, the path as target' {
        $dest = New-TestDir
        New-Item -ItemType Directory -Path $dest | Out-Null
        # A file where the run folder would go.
        Set-Content -LiteralPath (Join-Path $dest 'image') -Value 'in the way'
        $Gray | Save-TbMedia -Destination $dest -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "FileWriteFailed,$SaveId"
        $ev[0].CategoryInfo.Category | Should -Be 'WriteError'
        $ev[0].TargetObject | Should -BeExactly (Join-Path $dest 'image/gray_hw/0.png')
    }
}
