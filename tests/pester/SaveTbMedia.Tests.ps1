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

    It 'replaces characters files cannot hold with _, ".." with __, drops trailing dots and empty segments' {
        Get-RelativeFile $dest | Should -Be (@(
                '_/5.png', '__/up/1.png', 'a_b/0.png', 'end/4.png', 'lead/double/6.png', 'q______/3.png', 'x/__/__/evil/2.png'
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
