#Requires -Modules Pester
# Add-TbImage: pixels from -Data (floats scaled as PyTorch does, bytes as they are) equal what
# PyTorch's add_image wrote for the same arrays; files (-Path, -LiteralPath), ImageSharp images,
# NCHW batches drawn as a grid, -PassThru, and every error with its id, category and target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbImageCommand'
    $PngSignature = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "img$script:dirCounter"
    }

    function Get-FixtureImage([string] $Tag, [long] $Step) {
        @(Get-TbEvent -Type Image -LiteralPath (Join-Path $PyTorchFixtures 'image') -Tag $Tag | Where-Object Step -EQ $Step)[0]
    }

    function Add-AndRead {
        # Adds one image through a fresh writer and returns the image events read back.
        param([hashtable] $Parameters)
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try { Add-TbImage -Writer $w @Parameters -ErrorAction Stop }
        finally { Close-TbWriter $w }
        Get-TbEvent -Type Image $dir
    }

    function Get-Channel([object] $Pixels, [int] $Channel) {
        # One channel of decoded pixels, row by row.
        $count = $Pixels.Width * $Pixels.Height
        $plane = [byte[]]::new($count)
        for ($i = 0; $i -lt $count; $i++) { $plane[$i] = $Pixels.Pixels[$i * $Pixels.Channels + $Channel] }
        , $plane
    }

    $Kind = Get-KindImageInput
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbImage -Data gives the pixels of PyTorch''s add_image (tests/fixtures/pytorch/image)' {
    It '<Tag> at step <Step>: <Source> as <DataFormat> <Shape>' -ForEach @(
        @{ Tag = 'rgb_chw'; Step = 0; Source = 'Rgb'; DataFormat = 'CHW'; Shape = @(3, 16, 24); Channels = 3 }
        @{ Tag = 'rgba_chw'; Step = 0; Source = 'Rgba'; DataFormat = 'CHW'; Shape = @(4, 16, 24); Channels = 4 }
        @{ Tag = 'rgb_hwc_uint8'; Step = 0; Source = 'Hwc'; DataFormat = 'HWC'; Shape = @(16, 24, 3); Channels = 3 }
        @{ Tag = 'rgb_chw'; Step = 1; Source = 'RgbInverse'; DataFormat = 'CHW'; Shape = @(3, 16, 24); Channels = 3 }
    ) {
        $e = @(Add-AndRead @{ Tag = $Tag; Data = $Kind.$Source; Shape = $Shape; DataFormat = $DataFormat; Step = $Step; WallTime = $BaseWall + $Step })
        $e.Count | Should -Be 1
        $expected = Get-FixtureImage $Tag $Step
        $e[0].Tag | Should -BeExactly $Tag
        $e[0].Step | Should -Be $Step
        $e[0].WallTime.UnixSeconds | Should -Be ($BaseWall + $Step)
        $e[0].Width | Should -Be 24
        $e[0].Height | Should -Be 16
        $e[0].Channels | Should -Be $Channels
        $e[0].Channels | Should -Be $expected.Channels
        $e[0].Format | Should -BeExactly 'png'
        $e[0].Size | Should -Be $e[0].Bytes.Length
        Get-FirstDifference $e[0].Decode().Pixels $expected.Decode().Pixels | Should -Be -1
    }

    It 'batch_grid: the 6×3×8×8 NCHW batch with -Padding 0 is PyTorch''s 48×8 grid, pixel for pixel' {
        # PyTorch's add_images tiles without padding (torch.utils.tensorboard._utils.make_grid).
        $e = @(Add-AndRead @{ Tag = 'batch_grid'; Data = $Kind.Batch; Shape = @(6, 3, 8, 8); DataFormat = 'NCHW'; Padding = 0; Step = 0 })
        $expected = Get-FixtureImage 'batch_grid' 0
        $e[0].Width | Should -Be 48
        $e[0].Height | Should -Be 8
        $e[0].Channels | Should -Be 3
        Get-FirstDifference $e[0].Decode().Pixels $expected.Decode().Pixels | Should -Be -1
    }

    It 'gray_hw: HW bytes give a grey image whose pixels are PyTorch''s (which stores them as RGB)' {
        $e = @(Add-AndRead @{ Tag = 'gray_hw'; Data = $Kind.Gray; Shape = @(16, 24); DataFormat = 'HW'; Step = 0 })
        $expected = (Get-FixtureImage 'gray_hw' 0).Decode()
        $e[0].Channels | Should -Be 1
        $e[0].Width | Should -Be 24
        $e[0].Height | Should -Be 16
        $pixels = $e[0].Decode().Pixels
        Get-FirstDifference $pixels $Kind.Gray | Should -Be -1
        foreach ($c in 0..2) {
            Get-FirstDifference $pixels (Get-Channel $expected $c) | Should -Be -1 -Because "channel $c of PyTorch's image"
        }
    }

    It 'HWC floats give the same pixels as the CHW floats (rgb_chw)' {
        $hwc = [float[]]::new($Kind.Rgb.Length)
        $plane = 16 * 24
        for ($i = 0; $i -lt $plane; $i++) {
            for ($c = 0; $c -lt 3; $c++) { $hwc[$i * 3 + $c] = $Kind.Rgb[$c * $plane + $i] }
        }
        $e = @(Add-AndRead @{ Tag = 'hwc'; Data = $hwc; Shape = @(16, 24, 3); DataFormat = 'HWC' })
        Get-FirstDifference $e[0].Decode().Pixels (Get-FixtureImage 'rgb_chw' 0).Decode().Pixels | Should -Be -1
    }

    It 'HW floats give a grey image equal to one channel of PyTorch''s rgb_chw' {
        $red = [float[]]::new(16 * 24)
        [Array]::Copy($Kind.Rgb, 0, $red, 0, $red.Length)
        $e = @(Add-AndRead @{ Tag = 'hw'; Data = $red; Shape = @(16, 24); DataFormat = 'HW' })
        $e[0].Channels | Should -Be 1
        Get-FirstDifference $e[0].Decode().Pixels (Get-Channel (Get-FixtureImage 'rgb_chw' 0).Decode() 0) | Should -Be -1
    }

    It 'takes a byte[] as it is, but scales other numbers by 255 and clips them' {
        $bytes = [byte[]](0..255)
        $fromBytes = @(Add-AndRead @{ Tag = 'b'; Data = $bytes; Shape = @(1, 16, 16) })
        Get-FirstDifference $fromBytes[0].Decode().Pixels $bytes | Should -Be -1
        $fromInts = @(Add-AndRead @{ Tag = 'i'; Data = [int[]](0..255); Shape = @(1, 16, 16) })
        $expected = [byte[]]::new(256); for ($i = 1; $i -lt 256; $i++) { $expected[$i] = 255 }
        Get-FirstDifference $fromInts[0].Decode().Pixels $expected | Should -Be -1
        $fromFloats = @(Add-AndRead @{ Tag = 'f'; Data = @(-0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5, [double]::NaN); Shape = @(2, 4); DataFormat = 'HW' })
        Get-FirstDifference $fromFloats[0].Decode().Pixels ([byte[]](0, 0, 63, 127, 191, 255, 255, 0)) | Should -Be -1
    }

    It 'flattens nested arrays in order' {
        $e = @(Add-AndRead @{ Tag = 'n'; Data = @(@(0, 1), @(1, 0)); Shape = @(2, 2); DataFormat = 'HW' })
        Get-FirstDifference $e[0].Decode().Pixels ([byte[]](0, 255, 255, 0)) | Should -Be -1
    }
}

Describe 'Add-TbImage -PassThru' {
    It 'emits a TbImageEvent equal to what is read back' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = Add-TbImage -Writer $w -Tag 'pass' -Data $Kind.Rgb -Shape 3, 16, 24 -Step 7 -WallTime 1700000123.5 -PassThru
        Close-TbWriter $w
        $out | Should -BeOfType ([TbPowerShell.TbImageEvent])
        (Get-Command Add-TbImage).OutputType.Type | Should -Contain ([TbPowerShell.TbImageEvent])
        $out.Run | Should -BeExactly '.'
        $out.Tag | Should -BeExactly 'pass'
        $out.Step | Should -Be 7
        $out.WallTime.UnixSeconds | Should -Be 1700000123.5
        $out.Width | Should -Be 24
        $out.Height | Should -Be 16
        $out.Channels | Should -Be 3
        $out.Format | Should -BeExactly 'png'
        $out.File | Should -BeExactly $w.Path
        $read = @(Get-TbEvent -Type Image $dir)
        $read.Count | Should -Be 1
        Get-FirstDifference $read[0].Bytes $out.Bytes | Should -Be -1
        $read[0].Size | Should -Be $out.Size
    }

    It 'is silent without -PassThru' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = Add-TbImage -Writer $w -Tag 'quiet' -Data $Kind.Gray -Shape 16, 24 -DataFormat HW
        Close-TbWriter $w
        $out | Should -BeNullOrEmpty
    }

    It 'names the run written with -LogDir -Run' {
        $dir = New-TestDir
        $out = Add-TbImage -LogDir $dir -Run 'r1' -Tag 't' -Data $Kind.Gray -Shape 16, 24 -DataFormat HW -PassThru
        $out.Run | Should -BeExactly 'r1'
        (Get-TbEvent -Type Image $dir).Run | Should -BeExactly 'r1'
    }
}

Describe 'Add-TbImage from files and ImageSharp images' {
    BeforeAll {
        $files = Join-Path $TestDrive 'files'
        New-Item -ItemType Directory -Path $files | Out-Null
        # A PNG PyTorch wrote (RGBA) and one we write with ImageSharp (RGB).
        $pngA = Join-Path $files 'a.png'
        [System.IO.File]::WriteAllBytes($pngA, (Get-FixtureImage 'rgba_chw' 0).Bytes)
        $rgbBytes = [byte[]](0..44 | ForEach-Object { ($_ * 5) % 256 })
        $source = [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgb24]($rgbBytes, 5, 3)
        $pngB = Join-Path $files 'b[1].png'
        [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($source, $pngB)
        $bmp = Join-Path $files 'c.bmp'
        [SixLabors.ImageSharp.ImageExtensions]::SaveAsBmp($source, $bmp)
        $jpeg = Join-Path $files 'd.jpg'
        [SixLabors.ImageSharp.ImageExtensions]::SaveAsJpeg($source, $jpeg)
        $source.Dispose()
    }

    It '-Path stores a PNG byte for byte' {
        $e = @(Add-AndRead @{ Tag = 'png'; Path = $pngA })
        $e.Count | Should -Be 1
        Get-FirstDifference $e[0].Bytes ([System.IO.File]::ReadAllBytes($pngA)) | Should -Be -1
        $e[0].Width | Should -Be 24
        $e[0].Height | Should -Be 16
        $e[0].Channels | Should -Be 4
        $e[0].Format | Should -BeExactly 'png'
    }

    It '-Path re-encodes a BMP as a PNG with the same size and pixels' {
        $e = @(Add-AndRead @{ Tag = 'bmp'; Path = $bmp })
        $e.Count | Should -Be 1
        $e[0].Format | Should -BeExactly 'png'
        $e[0].Bytes[0..7] | Should -Be $PngSignature
        $e[0].Width | Should -Be 5
        $e[0].Height | Should -Be 3
        $e[0].Channels | Should -Be 3
        Get-FirstDifference $e[0].Decode().Pixels $rgbBytes | Should -Be -1
    }

    It '-Path re-encodes a 32-bit BMP with transparency as an RGBA PNG, alpha kept' {
        $rgba = [byte[]](10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 1, 2, 3, 64)
        $image = [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgba32]($rgba, 2, 2)
        $encoder = [SixLabors.ImageSharp.Formats.Bmp.BmpEncoder]::new()
        $encoder.BitsPerPixel = [SixLabors.ImageSharp.Formats.Bmp.BmpBitsPerPixel]::Pixel32
        $encoder.SupportTransparency = $true
        $bmp32 = Join-Path $TestDrive 'alpha.bmp'
        try { [SixLabors.ImageSharp.ImageExtensions]::SaveAsBmp($image, $bmp32, $encoder) }
        finally { $image.Dispose() }
        $e = @(Add-AndRead @{ Tag = 'bmp32'; Path = $bmp32 })
        $e[0].Format | Should -BeExactly 'png'
        $e[0].Channels | Should -Be 4
        Get-FirstDifference $e[0].Decode().Pixels $rgba | Should -Be -1
    }

    It '-Path re-encodes a JPEG as a PNG with the same size' {
        $e = @(Add-AndRead @{ Tag = 'jpeg'; Path = $jpeg })
        $e[0].Format | Should -BeExactly 'png'
        $e[0].Bytes[0..7] | Should -Be $PngSignature
        $e[0].Width | Should -Be 5
        $e[0].Height | Should -Be 3
        $e[0].Channels | Should -Be 3
        $identified = [SixLabors.ImageSharp.Image]::Identify([byte[]]$e[0].Bytes)
        $identified.Width | Should -Be 5
        $identified.Height | Should -Be 3
    }

    It '-Path with a wildcard adds every matching file, in name order' {
        $e = @(Add-AndRead @{ Tag = 'many'; Path = (Join-Path $files '*.png') })
        $e.Count | Should -Be 2
        Get-FirstDifference $e[0].Bytes ([System.IO.File]::ReadAllBytes($pngA)) | Should -Be -1
        Get-FirstDifference $e[1].Bytes ([System.IO.File]::ReadAllBytes($pngB)) | Should -Be -1
    }

    It 'Get-ChildItem *.png | Add-TbImage -Tag frames binds -LiteralPath by PSPath (brackets kept literally)' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Push-Location -LiteralPath $files
        try { Get-ChildItem *.png | Add-TbImage -Writer $w -Tag frames -ErrorAction Stop }
        finally { Pop-Location; Close-TbWriter $w }
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Count | Should -Be 2
        $e.Tag | Should -Be @('frames', 'frames')
        Get-FirstDifference $e[0].Bytes ([System.IO.File]::ReadAllBytes($pngA)) | Should -Be -1
        Get-FirstDifference $e[1].Bytes ([System.IO.File]::ReadAllBytes($pngB)) | Should -Be -1
        $e[1].Width | Should -Be 5
        $e[1].Height | Should -Be 3
    }

    It '-LiteralPath resolves a relative path against the PowerShell location' {
        $dir = New-TestDir
        Push-Location -LiteralPath $files
        try { Add-TbImage -LogDir $dir -Tag 'rel' -LiteralPath 'b[1].png' -ErrorAction Stop }
        finally { Pop-Location }
        Get-FirstDifference (Get-TbEvent -Type Image $dir).Bytes ([System.IO.File]::ReadAllBytes($pngB)) | Should -Be -1
    }

    It '-Image takes an ImageSharp <Pixel> image: <Channels> channel(s), pixels kept' -ForEach @(
        @{ Pixel = 'Rgb24'; Channels = 3 }
        @{ Pixel = 'Rgba32'; Channels = 4 }
        @{ Pixel = 'L8'; Channels = 1 }
    ) {
        $bytes = [byte[]](0..(4 * 2 * $Channels - 1) | ForEach-Object { ($_ * 7 + 3) % 256 })
        $image = switch ($Pixel) {
            'Rgb24' { [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgb24]($bytes, 4, 2) }
            'Rgba32' { [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgba32]($bytes, 4, 2) }
            'L8' { [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.L8]($bytes, 4, 2) }
        }
        try { $e = @(Add-AndRead @{ Tag = 'sharp'; Image = $image }) }
        finally { $image.Dispose() }
        $e.Count | Should -Be 1
        $e[0].Width | Should -Be 4
        $e[0].Height | Should -Be 2
        $e[0].Channels | Should -Be $Channels
        Get-FirstDifference $e[0].Decode().Pixels $bytes | Should -Be -1
    }
}

Describe 'Add-TbImage NCHW batches as a grid (torchvision make_grid)' {
    It '<N>×<C>×<H>×<W> with -NRow <NRow> -Padding <Padding> is <GridW>×<GridH>' -ForEach @(
        @{ N = 5; C = 1; H = 3; W = 4; NRow = 2; Padding = 1; GridW = 11; GridH = 13 }
        @{ N = 6; C = 3; H = 8; W = 8; NRow = 8; Padding = 2; GridW = 62; GridH = 12 }
        @{ N = 9; C = 3; H = 4; W = 4; NRow = 8; Padding = 3; GridW = 59; GridH = 17 }
        @{ N = 3; C = 4; H = 2; W = 2; NRow = 1; Padding = 0; GridW = 2; GridH = 6 }
        @{ N = 1; C = 3; H = 5; W = 7; NRow = 8; Padding = 2; GridW = 7; GridH = 5 }
    ) {
        # torchvision: xmaps = min(nrow, n), ymaps = ceil(n / xmaps), size = maps * (side + pad) + pad;
        # a single image is not padded.
        $xmaps = [Math]::Min($NRow, $N)
        $ymaps = [Math]::Ceiling($N / $xmaps)
        if ($N -gt 1) {
            $xmaps * ($W + $Padding) + $Padding | Should -Be $GridW
            $ymaps * ($H + $Padding) + $Padding | Should -Be $GridH
        }
        $data = [float[]]::new($N * $C * $H * $W)
        $e = @(Add-AndRead @{ Tag = 'grid'; Data = $data; Shape = @($N, $C, $H, $W); DataFormat = 'NCHW'; NRow = $NRow; Padding = $Padding })
        $e[0].Width | Should -Be $GridW
        $e[0].Height | Should -Be $GridH
        $e[0].Channels | Should -Be ([Math]::Max($C, 3))
    }

    It 'places image k at row k div NRow, column k mod NRow; padding and empty cells are -PadValue' {
        # Five grey 2×2 images, image k all k/4: 0, 63, 127, 191, 255 after ×255 in float32.
        $data = [float[]](0..4 | ForEach-Object { $v = $_ * 0.25; $v, $v, $v, $v })
        $e = @(Add-AndRead @{ Tag = 'grid'; Data = $data; Shape = @(5, 1, 2, 2); DataFormat = 'NCHW'; NRow = 2; Padding = 1; PadValue = 0.5 })
        $e[0].Width | Should -Be 7
        $e[0].Height | Should -Be 10
        $e[0].Channels | Should -Be 3
        $px = $e[0].Decode()
        $expected = 0, 63, 127, 191, 255
        for ($k = 0; $k -lt 5; $k++) {
            $top = [Math]::Floor($k / 2) * 3 + 1
            $left = ($k % 2) * 3 + 1
            foreach ($c in 0..2) {
                $px[$top, $left, $c] | Should -Be $expected[$k] -Because "image $k, channel $c (grey becomes RGB)"
                $px[($top + 1), ($left + 1), $c] | Should -Be $expected[$k]
            }
        }
        $px[0, 0, 0] | Should -Be 127 -Because 'padding is -PadValue 0.5'
        $px[3, 3, 1] | Should -Be 127
        $px[7, 4, 2] | Should -Be 127 -Because 'the sixth cell is empty'
    }

    It '<Name>' -ForEach @(
        @{ Name = 'without -Normalize values above 1 clip to 255'; Params = @{}; Row0 = @(0, 255, 255, 255); Row1 = @(255, 255, 255, 255) }
        @{ Name = '-Normalize maps the batch''s minimum and maximum to 0 and 1'; Params = @{ Normalize = $true }; Row0 = @(0, 31, 127, 159); Row1 = @(63, 127, 191, 255) }
        @{ Name = '-Normalize -ScaleEach normalises each image on its own'; Params = @{ Normalize = $true; ScaleEach = $true }; Row0 = @(0, 63, 0, 63); Row1 = @(127, 255, 127, 255) }
        @{ Name = '-Normalize -ValueRange 4,12 clamps to the range first'; Params = @{ Normalize = $true; ValueRange = @(4, 12) }; Row0 = @(0, 0, 127, 191); Row1 = @(0, 127, 255, 255) }
    ) {
        # Two grey 2×2 images side by side (-Padding 0): [0 2; 4 8] and [8 10; 12 16].
        $data = [float[]](0, 2, 4, 8, 8, 10, 12, 16)
        $parameters = @{ Tag = 'norm'; Data = $data; Shape = @(2, 1, 2, 2); DataFormat = 'NCHW'; Padding = 0 } + $Params
        $e = @(Add-AndRead $parameters)
        $e[0].Width | Should -Be 4
        $e[0].Height | Should -Be 2
        $px = $e[0].Decode()
        @(0..3 | ForEach-Object { $px[0, $_, 0] }) | Should -Be $Row0
        @(0..3 | ForEach-Object { $px[1, $_, 0] }) | Should -Be $Row1
    }

    It '-Normalize leaves the padding at -PadValue' {
        $data = [float[]](0, 2, 4, 8, 8, 10, 12, 16)
        $e = @(Add-AndRead @{ Tag = 'norm'; Data = $data; Shape = @(2, 1, 2, 2); DataFormat = 'NCHW'; Padding = 1; PadValue = 1; Normalize = $true })
        $e[0].Width | Should -Be 7
        $e[0].Height | Should -Be 4
        $px = $e[0].Decode()
        $px[0, 0, 0] | Should -Be 255
        $px[1, 3, 0] | Should -Be 255
        $px[1, 1, 0] | Should -Be 0
        $px[2, 5, 0] | Should -Be 255
    }
}

Describe 'Add-TbImage errors (non-terminating: the writer stays usable)' {
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbImage -Writer $w -Tag 'before' -Data $Kind.Gray -Shape 16, 24 -DataFormat HW -Step 1
    }
    AfterEach {
        Close-TbWriter $w
        # What was written before the error is still there.
        $kept = @(Get-TbEvent -Type Image $dir)
        $kept.Count | Should -Be 1
        $kept[0].Tag | Should -BeExactly 'before'
    }

    It '<Id> for <Name>' -ForEach @(
        @{ Id = 'SourceRequired'; Name = 'no image at all'; Params = @{}; Category = 'InvalidArgument'; Target = 't' }
        @{ Id = 'InvalidImageShape'; Name = 'a shape of the wrong rank'; Params = @{ Data = [float[]](1..6); Shape = @(2, 3); DataFormat = 'CHW' }; Category = 'InvalidArgument'; Target = @(2, 3) }
        @{ Id = 'InvalidImageShape'; Name = 'a data format with a bad letter'; Params = @{ Data = [float[]](1..6); Shape = @(1, 2, 3); DataFormat = 'CHX' }; Category = 'InvalidArgument'; Target = 'CHX' }
        @{ Id = 'InvalidImageShape'; Name = 'a data format with a letter twice'; Params = @{ Data = [float[]](1..6); Shape = @(1, 2, 3); DataFormat = 'HHW' }; Category = 'InvalidArgument'; Target = 'HHW' }
        @{ Id = 'InvalidImageShape'; Name = '-Data without -Shape'; Params = @{ Data = [float[]](1..6) }; Category = 'InvalidArgument'; Target = 'CHW' }
        @{ Id = 'InvalidImageShape'; Name = 'a dimension of 0'; Params = @{ Data = [float[]]@(); Shape = @(1, 0, 3) }; Category = 'InvalidArgument'; Target = @(1, 0, 3) }
        @{ Id = 'ShapeMismatch'; Name = '5 values for a 1×2×3 shape'; Params = @{ Data = [float[]](1..5); Shape = @(1, 2, 3) }; Category = 'InvalidArgument'; Target = @(1, 2, 3) }
        @{ Id = 'InvalidChannelCount'; Name = '2 channels'; Params = @{ Data = [float[]]::new(8); Shape = @(2, 2, 2) }; Category = 'InvalidArgument'; Target = 2 }
        @{ Id = 'InvalidChannelCount'; Name = '5 channels HWC'; Params = @{ Data = [byte[]]::new(20); Shape = @(2, 2, 5); DataFormat = 'HWC' }; Category = 'InvalidArgument'; Target = 5 }
        @{ Id = 'ImageTooLarge'; Name = 'an image 8193 pixels wide'; Params = @{ Data = [byte[]]::new(8193); Shape = @(1, 8193); DataFormat = 'HW' }; Category = 'LimitsExceeded'; Target = @(1, 8193) }
        @{ Id = 'ImageTooLarge'; Name = 'a grid 8195 pixels wide (2 × 4096 + 3 padding)'; Params = @{ Data = [float[]]::new(8192); Shape = @(2, 1, 1, 4096); DataFormat = 'NCHW'; NRow = 2; Padding = 1 }; Category = 'LimitsExceeded'; Target = @(3, 8195) }
        @{ Id = 'InvalidValue'; Name = 'a value that is not a number'; Params = @{ Data = @(0.5, 'x', 0.5, 0.5); Shape = @(2, 2); DataFormat = 'HW' }; Category = 'InvalidArgument'; Target = 'x' }
        @{ Id = 'EmptyTag'; Name = 'an empty tag'; Params = @{ Tag = ''; Data = [float[]](1..4); Shape = @(2, 2); DataFormat = 'HW' }; Category = 'InvalidArgument'; Target = '' }
    ) {
        $parameters = @{ Tag = 't' }
        foreach ($key in $Params.Keys) { $parameters[$key] = $Params[$key] }
        $out = Add-TbImage -Writer $w @parameters -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be $Category
        # The offending element or setting, never the whole array of pixels.
        $ev[0].TargetObject | Should -Be $Target
        $w.IsClosed | Should -BeFalse
    }

    It 'SourceRequired for two sources (-Path and -Data): the tag as target' {
        Add-TbImage -Writer $w -Tag 'two' -Path (Join-Path $TestDrive 'any.png') -Data ([float[]](1..4)) -Shape 2, 2 -DataFormat HW -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "SourceRequired,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'two'
    }

    It 'SourceRequired for two sources (-Image and -Data)' {
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(2, 2)
        try { Add-TbImage -Writer $w -Tag 'two' -Image $image -Data ([float[]](1..4)) -Shape 2, 2 -DataFormat HW -ErrorVariable ev -ErrorAction SilentlyContinue }
        finally { $image.Dispose() }
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "SourceRequired,$AddId"
    }

    It 'InvalidGridOption for -ValueRange with low >= high: InvalidArgument, the range as target' {
        Add-TbImage -Writer $w -Tag 'g' -Data ([float[]]::new(8)) -Shape 2, 1, 2, 2 -DataFormat NCHW -Normalize -ValueRange 1, 0 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidGridOption,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject.Item1 | Should -Be 1
        $ev[0].TargetObject.Item2 | Should -Be 0
    }

    It 'ImageUnreadable for a text file named x.png: InvalidData, the file as target' {
        $file = Join-Path $TestDrive 'x.png'
        Set-Content -LiteralPath $file -Value 'not an image'
        Add-TbImage -Writer $w -Tag 'bad' -Path $file -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "ImageUnreadable,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $ev[0].TargetObject | Should -BeExactly $file
    }

    It 'ImageTooLarge for a PNG file 8193 pixels wide: LimitsExceeded, the file as target' {
        $file = Join-Path $TestDrive 'wide.png'
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]]::new(8193, 1)
        try { [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, $file) }
        finally { $image.Dispose() }
        Add-TbImage -Writer $w -Tag 'wide' -LiteralPath $file -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "ImageTooLarge,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $ev[0].TargetObject | Should -BeExactly $file
    }

    It 'ImageTooLarge for an ImageSharp image 8193 pixels tall' {
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.L8]]::new(1, 8193)
        try { Add-TbImage -Writer $w -Tag 'tall' -Image $image -ErrorVariable ev -ErrorAction SilentlyContinue }
        finally { $image.Dispose() }
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "ImageTooLarge,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'PathNotFound for -<Parameter>: ObjectNotFound, the path as given as target' -ForEach @(
        @{ Parameter = 'Path'; Name = 'missing-*.png' }
        @{ Parameter = 'Path'; Name = 'missing.png' }
        @{ Parameter = 'LiteralPath'; Name = 'missing.png' }
    ) {
        $missing = Join-Path $TestDrive $Name
        $parameters = @{ $Parameter = $missing }
        Add-TbImage -Writer $w -Tag 'gone' @parameters -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $missing
    }
}

Describe 'Add-TbImage errors in a pipeline' {
    It 'writes an error per bad file and adds every good one before and after it' {
        $files = Join-Path $TestDrive 'mixed'
        New-Item -ItemType Directory -Path $files | Out-Null
        $good = Get-FixtureImage 'rgb_chw' 0
        [System.IO.File]::WriteAllBytes((Join-Path $files '1.png'), $good.Bytes)
        Set-Content -LiteralPath (Join-Path $files '2.png') -Value 'text'
        [System.IO.File]::WriteAllBytes((Join-Path $files '3.png'), $good.Bytes)
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try { Get-ChildItem -LiteralPath $files | Add-TbImage -Writer $w -Tag 'f' -ErrorVariable ev -ErrorAction SilentlyContinue }
        finally { Close-TbWriter $w }
        @($ev.FullyQualifiedErrorId) | Should -Be @("ImageUnreadable,$AddId")
        $ev[0].TargetObject | Should -BeExactly (Join-Path $files '2.png')
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Count | Should -Be 2
        foreach ($one in $e) { Get-FirstDifference $one.Bytes $good.Bytes | Should -Be -1 }
    }
}
