#Requires -Modules Pester
# Export-TbImageGrid: a batch tiled as torchvision's make_grid, saved as a PNG of the right size
# with the same pixels Add-TbImage logs; -PassThru, -WhatIf, -NoClobber, and terminating errors.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $ExportId = 'TbPowerShell.Commands.ExportTbImageGridCommand'

    $script:fileCounter = 0
    function New-TestPng {
        $script:fileCounter++
        Join-Path $TestDrive "grid$script:fileCounter/grid.png"
    }

    function Read-Rgb([string] $Path) {
        # The PNG's pixels as RGB bytes, row by row, with its size.
        [TbPowerShell.Core.Imaging.PngCodec]::Decode([System.IO.File]::ReadAllBytes($Path), 3)
    }

    # Five 4×6 RGB images: image k has the value k/4 everywhere.
    $Batch = [float[]]::new(5 * 3 * 4 * 6)
    for ($i = 0; $i -lt $Batch.Length; $i++) { $Batch[$i] = [Math]::Floor($i / 72) * 0.25 }
}

Describe 'Export-TbImageGrid' {
    It 'writes a PNG of 2 × (6 + 2) + 2 by 3 × (4 + 2) + 2 pixels for 5 images 4×6 with -NRow 2' {
        $path = New-TestPng
        Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -NRow 2
        Test-Path -LiteralPath $path | Should -BeTrue
        $info = [SixLabors.ImageSharp.Image]::Identify($path)
        $info.Width | Should -Be 18
        $info.Height | Should -Be 20
        $rgb = Read-Rgb $path
        $px = { param($y, $x) $rgb.Pixels[($y * $rgb.Width + $x) * 3] }
        & $px 0 0 | Should -Be 0 -Because 'padding is 0'
        & $px 2 2 | Should -Be 0 -Because 'image 0 is 0'
        & $px 2 10 | Should -Be 63 -Because 'image 1 is 0.25'
        & $px 8 2 | Should -Be 127 -Because 'image 2 is 0.5'
        & $px 8 10 | Should -Be 191 -Because 'image 3 is 0.75'
        & $px 14 2 | Should -Be 255 -Because 'image 4 is 1'
        & $px 14 10 | Should -Be 0 -Because 'the sixth cell is empty'
    }

    It 'saves the same pixels Add-TbImage logs for the same batch and options' {
        $path = New-TestPng
        $options = @{ Data = $Batch; Shape = @(5, 3, 4, 6); NRow = 3; Padding = 1; PadValue = 1; Normalize = $true; ScaleEach = $true }
        Export-TbImageGrid -Path $path @options
        $logDir = Join-Path $TestDrive 'logged'
        Add-TbImage -LogDir $logDir -Tag 'grid' -DataFormat NCHW @options
        $logged = Get-TbEvent -Type Image $logDir
        $saved = Read-Rgb $path
        $saved.Width | Should -Be $logged.Width
        $saved.Height | Should -Be $logged.Height
        Get-FirstDifference $saved.Pixels $logged.Decode().Pixels | Should -Be -1
    }

    It 'saves PyTorch''s batch_grid pixels for kind_image''s batch with -Padding 0' {
        $kind = Get-KindImageInput
        $path = New-TestPng
        Export-TbImageGrid -Path $path -Data $kind.Batch -Shape 6, 3, 8, 8 -Padding 0
        $expected = @(Get-TbEvent -Type Image -LiteralPath (Join-Path $PyTorchFixtures 'image') -Tag 'batch_grid')[0]
        $saved = Read-Rgb $path
        $saved.Width | Should -Be 48
        $saved.Height | Should -Be 8
        Get-FirstDifference $saved.Pixels $expected.Decode().Pixels | Should -Be -1
    }

    It 'saves a single image with -DataFormat CHW at its own size' {
        $path = New-TestPng
        Export-TbImageGrid -Path $path -Data ([float[]]::new(3 * 5 * 7)) -Shape 3, 5, 7 -DataFormat CHW
        $info = [SixLabors.ImageSharp.Image]::Identify($path)
        $info.Width | Should -Be 7
        $info.Height | Should -Be 5
    }

    It '-PassThru emits the FileInfo; without it the cmdlet is silent' {
        $path = New-TestPng
        $out = Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -PassThru
        $out | Should -BeOfType ([System.IO.FileInfo])
        (Get-Command Export-TbImageGrid).OutputType.Type | Should -Contain ([System.IO.FileInfo])
        $out.FullName | Should -BeExactly $path
        $out.Length | Should -Be (Get-Item -LiteralPath $path).Length
        Export-TbImageGrid -Path (New-TestPng) -Data $Batch -Shape 5, 3, 4, 6 | Should -BeNullOrEmpty
    }

    It 'takes -Path by position and resolves it against the PowerShell location' {
        $here = Join-Path $TestDrive 'here'
        New-Item -ItemType Directory -Path $here | Out-Null
        Push-Location -LiteralPath $here
        try { Export-TbImageGrid 'sub/rel.png' -Data $Batch -Shape 5, 3, 4, 6 }
        finally { Pop-Location }
        Test-Path -LiteralPath (Join-Path $here 'sub/rel.png') | Should -BeTrue
    }

    It '-WhatIf writes nothing' {
        $path = New-TestPng
        Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
        Test-Path -LiteralPath (Split-Path $path) | Should -BeFalse
    }

    It 'overwrites an existing file by default' {
        $path = New-TestPng
        New-Item -ItemType Directory -Path (Split-Path $path) | Out-Null
        Set-Content -LiteralPath $path -Value 'old'
        Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6
        [SixLabors.ImageSharp.Image]::Identify($path).Width | Should -Be 42 -Because '5 × (6 + 2) + 2'
    }

    It '-NoClobber: MediaFileExists for an existing file (terminating, ResourceExists, the path as target), the file kept' {
        $path = New-TestPng
        New-Item -ItemType Directory -Path (Split-Path $path) | Out-Null
        Set-Content -LiteralPath $path -Value 'old'
        $err = Get-TerminatingError { Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -NoClobber }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "MediaFileExists,$ExportId"
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -BeExactly $path
        Get-Content -LiteralPath $path | Should -BeExactly 'old'
    }

    It '-NoClobber writes a file that does not exist yet' {
        $path = New-TestPng
        Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -NoClobber -ErrorAction Stop
        Test-Path -LiteralPath $path | Should -BeTrue
    }
}

Describe 'Export-TbImageGrid errors (terminating, nothing written)' {
    It '<Id> for <Name>: <Category>' -ForEach @(
        @{ Id = 'ShapeMismatch'; Name = '10 values for a 1×3×2×2 batch'; Params = @{ Data = [float[]]::new(10); Shape = @(1, 3, 2, 2) }; Category = 'InvalidArgument'; Target = @(1, 3, 2, 2) }
        @{ Id = 'InvalidImageShape'; Name = 'a 3-number shape for NCHW'; Params = @{ Data = [float[]]::new(12); Shape = @(3, 2, 2) }; Category = 'InvalidArgument'; Target = @(3, 2, 2) }
        @{ Id = 'InvalidImageShape'; Name = 'a bad data format'; Params = @{ Data = [float[]]::new(12); Shape = @(1, 3, 2, 2); DataFormat = 'NCHQ' }; Category = 'InvalidArgument'; Target = 'NCHQ' }
        @{ Id = 'InvalidChannelCount'; Name = '2 channels'; Params = @{ Data = [float[]]::new(16); Shape = @(2, 2, 2, 2) }; Category = 'InvalidArgument'; Target = 2 }
        @{ Id = 'ImageTooLarge'; Name = 'a grid 8195 pixels wide'; Params = @{ Data = [float[]]::new(8192); Shape = @(2, 1, 1, 4096); NRow = 2; Padding = 1 }; Category = 'LimitsExceeded'; Target = @(3, 8195) }
        @{ Id = 'InvalidValue'; Name = 'a value that is not a number'; Params = @{ Data = @(0, 'x', 0, 0); Shape = @(1, 1, 2, 2) }; Category = 'InvalidArgument'; Target = $null }
    ) {
        $path = New-TestPng
        $err = Get-TerminatingError { Export-TbImageGrid -Path $path @Params }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "$Id,$ExportId"
        $err.CategoryInfo.Category | Should -Be $Category
        if ($Id -ne 'InvalidValue') { $err.TargetObject | Should -Be $Target }
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'ShapeMismatch stops the pipeline: later commands in it do not run' {
        $path = New-TestPng
        $script:after = 0
        $err = Get-TerminatingError {
            Export-TbImageGrid -Path $path -Data ([float[]]::new(5)) -Shape 1, 3, 2, 2 | ForEach-Object { $script:after++ }
            $script:after++
        }
        $err.FullyQualifiedErrorId | Should -BeExactly "ShapeMismatch,$ExportId"
        $script:after | Should -Be 0
    }

    It 'InvalidGridOption for -ValueRange with low >= high' {
        $path = New-TestPng
        $err = Get-TerminatingError { Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 -Normalize -ValueRange 2, 2 }
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidGridOption,$ExportId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'FileWriteFailed when the folder cannot be created: WriteError, the path as target' {
        $blocker = Join-Path $TestDrive 'blocker'
        Set-Content -LiteralPath $blocker -Value 'a file, not a folder'
        $path = Join-Path $blocker 'grid.png'
        $err = Get-TerminatingError { Export-TbImageGrid -Path $path -Data $Batch -Shape 5, 3, 4, 6 }
        $err.FullyQualifiedErrorId | Should -BeExactly "FileWriteFailed,$ExportId"
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.TargetObject | Should -BeExactly $path
    }
}
