#Requires -Modules Pester
# Add-TbVideo: frames written as an animated GIF in an image value, as PyTorch's add_video does
# (grid of N videos padded to a power of two, float32 × 255 truncated), read back by Get-TbEvent
# -Type Image (Format gif, Frames), saved by Save-TbMedia as .gif; every error with its id.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbVideoCommand'
    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "video$script:dirCounter"
    }

    function Get-GifDelays([byte[]] $Gif) {
        # The delay of every Graphic Control Extension (21 F9 04 packed delay-lo delay-hi ...), in 1/100 s.
        for ($i = 0; $i -lt $Gif.Length - 6; $i++) {
            if ($Gif[$i] -eq 0x21 -and $Gif[$i + 1] -eq 0xF9 -and $Gif[$i + 2] -eq 4) { $Gif[$i + 4] + 256 * $Gif[$i + 5] }
        }
    }
}

Describe 'Add-TbVideo writes what PyTorch''s add_video writes' {
    It 'two grey float videos of 2 frames: one row of two, frames decoded pixel for pixel' {
        # N=2, T=2, C=1, H=2, W=2; value i/16, so PyTorch's float32 × 255 is exact: trunc(i × 15.9375).
        $data = [float[]](0..15 | ForEach-Object { $_ / 16 })
        $dir = New-TestDir
        Add-TbVideo -LogDir $dir -Tag clip -Data $data -Shape 2, 2, 1, 2, 2 -Step 7 -WallTime ($BaseWall + 7)
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Count | Should -Be 1
        $e[0].Tag | Should -BeExactly 'clip'
        $e[0].Step | Should -Be 7
        $e[0].Format | Should -BeExactly 'gif'
        $e[0].Frames | Should -Be 2
        $e[0].Width | Should -Be 4
        $e[0].Height | Should -Be 2
        $e[0].Channels | Should -Be 1

        $frames = [TbPowerShell.Core.Imaging.GifVideo]::DecodeFrames($e[0].Bytes)
        $frames.Count | Should -Be 2
        foreach ($t in 0..1) {
            foreach ($y in 0..1) {
                foreach ($x in 0..3) {
                    $video = [math]::Floor($x / 2); $xx = $x % 2
                    $i = (($video * 2 + $t) * 2 + $y) * 2 + $xx      # N, T, C=1, H, W
                    $want = [math]::Truncate($i * 15.9375)
                    $pixel = ($y * 4 + $x) * 4
                    $frames[$t].Pixels[$pixel] | Should -Be $want -Because "frame $t, y $y, x $x"
                    $frames[$t].Pixels[$pixel + 1] | Should -Be $want
                    $frames[$t].Pixels[$pixel + 3] | Should -Be 255
                }
            }
        }
    }

    It 'a byte[] video of one RGB frame keeps its bytes; -Fps sets the delay; the GIF loops' {
        $bytes = [byte[]](0..11 | ForEach-Object { $_ * 20 })
        $dir = New-TestDir
        $out = Add-TbVideo -LogDir $dir -Tag rgb -Data $bytes -Shape 1, 3, 2, 2 -Fps 2 -PassThru
        $out | Should -BeOfType ([TbPowerShell.TbImageEvent])
        $out.Format | Should -BeExactly 'gif'
        $out.Frames | Should -Be 1
        $frame = [TbPowerShell.Core.Imaging.GifVideo]::DecodeFrames($out.Bytes)[0]
        foreach ($p in 0..3) {
            foreach ($c in 0..2) { $frame.Pixels[$p * 4 + $c] | Should -Be $bytes[$c * 4 + $p] }
        }
        @(Get-GifDelays $out.Bytes) | Should -Be @(50)
        (Get-TbEvent -Type Image $dir).Size | Should -Be $out.Size
    }

    It 'the default is 4 frames a second (a delay of 25/100 s), as PyTorch; the GIF loops forever' {
        $out = Add-TbVideo -LogDir (New-TestDir) -Tag d -Data ([float[]]::new(3 * 4)) -Shape 3, 1, 2, 2 -PassThru
        @(Get-GifDelays $out.Bytes) | Should -Be @(25, 25, 25)
        # NETSCAPE2.0 application extension: sub-block 03 01, then the loop count 0 (forever).
        $text = [System.Text.Encoding]::ASCII.GetString($out.Bytes)
        $at = $text.IndexOf('NETSCAPE2.0')
        $at | Should -BeGreaterThan 0
        $out.Bytes[($at + 11)..($at + 14)] | Should -Be @(3, 1, 0, 0)
    }

    It 'piped objects bind Tag, Step, Data and Shape' {
        $dir = New-TestDir
        1..3 | ForEach-Object { [pscustomobject]@{ Tag = 'p'; Step = $_; Data = [float[]]::new(8); Shape = @(2, 1, 2, 2) } } |
            Add-TbVideo -LogDir $dir
        $e = @(Get-TbEvent -Type Image $dir)
        $e.Step | Should -Be @(1, 2, 3)
        $e.Frames | Should -Be @(2, 2, 2)
    }

    It 'Save-TbMedia saves a video as a .gif file with the stored bytes' {
        $dir = New-TestDir
        $out = Add-TbVideo -LogDir $dir -Tag saved -Data ([float[]]::new(8)) -Shape 2, 1, 2, 2 -PassThru
        $dest = Join-Path $TestDrive 'saved'
        $file = Get-TbEvent -Type Image $dir | Save-TbMedia -Destination $dest -PassThru
        $file.Extension | Should -BeExactly '.gif'
        [System.IO.File]::ReadAllBytes($file.FullName) | Should -Be $out.Bytes
    }
}

Describe 'Add-TbVideo errors' {
    BeforeAll { $w = New-TbWriter -LogDir (Join-Path $TestDrive 'errors') }
    AfterAll { Close-TbWriter $w }

    It '<Id> (<Category>) for <Why>' -ForEach @(
        @{ Id = 'InvalidFrameRate'; Category = 'InvalidArgument'; Why = 'fps 0'; Params = @{ Data = [float[]]::new(4); Shape = @(1, 1, 2, 2); Fps = 0 }; Target = 0 }
        @{ Id = 'InvalidFrameRate'; Category = 'InvalidArgument'; Why = 'negative fps'; Params = @{ Data = [float[]]::new(4); Shape = @(1, 1, 2, 2); Fps = -3 }; Target = -3 }
        @{ Id = 'InvalidVideoShape'; Category = 'InvalidArgument'; Why = 'rank 3'; Params = @{ Data = [float[]]::new(4); Shape = @(1, 2, 2) }; Target = @(1, 2, 2) }
        @{ Id = 'InvalidVideoShape'; Category = 'InvalidArgument'; Why = 'a size of 0'; Params = @{ Data = [float[]]::new(4); Shape = @(0, 1, 2, 2) }; Target = @(0, 1, 2, 2) }
        @{ Id = 'ShapeMismatch'; Category = 'InvalidArgument'; Why = 'too few values'; Params = @{ Data = [float[]]::new(3); Shape = @(1, 1, 2, 2) }; Target = @(1, 1, 2, 2) }
        @{ Id = 'InvalidChannelCount'; Category = 'InvalidArgument'; Why = 'two channels'; Params = @{ Data = [float[]]::new(8); Shape = @(1, 2, 2, 2) }; Target = 2 }
        @{ Id = 'VideoTooLarge'; Category = 'LimitsExceeded'; Why = 'too many pixels (checked before the data)'; Params = @{ Data = [float[]]::new(1); Shape = @(1000, 1, 256, 256) }; Target = @(1000, 1, 256, 256) }
        @{ Id = 'VideoTooLarge'; Category = 'LimitsExceeded'; Why = 'a grid wider than 8192'; Params = @{ Data = [float[]]::new(1); Shape = @(3, 1, 1, 2, 4000) }; Target = @(3, 1, 1, 2, 4000) }
        @{ Id = 'InvalidValue'; Category = 'InvalidArgument'; Why = 'an element that is not a number'; Params = @{ Data = @(0.5, 'x', 0, 0); Shape = @(1, 1, 2, 2) }; Target = 'x' }
        @{ Id = 'EmptyTag'; Category = 'InvalidArgument'; Why = 'an empty tag'; Params = @{ Tag = ' '; Data = [float[]]::new(4); Shape = @(1, 1, 2, 2) }; Target = ' ' }
    ) {
        $parameters = @{ Tag = 'bad' }
        foreach ($key in $Params.Keys) { $parameters[$key] = $Params[$key] }
        $out = Add-TbVideo -Writer $w @parameters -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be $Category
        $ev[0].TargetObject | Should -Be $Target
        $w.IsClosed | Should -BeFalse
    }

    It 'InvalidVideoShape for an array without -Shape' {
        Add-TbVideo -Writer $w -Tag 'noshape' -Data ([float[]]::new(4)) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidVideoShape,$AddId"
    }

    It 'nothing is written by a refused video' {
        $dir = New-TestDir
        Add-TbVideo -LogDir $dir -Tag bad -Data ([float[]]::new(3)) -Shape 1, 1, 2, 2 -ErrorAction SilentlyContinue
        Add-TbVideo -LogDir $dir -Tag good -Data ([float[]]::new(4)) -Shape 1, 1, 2, 2
        (Get-TbEvent -Type Image $dir).Tag | Should -Be @('good')
    }
}
