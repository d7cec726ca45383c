#Requires -Modules Pester
# Add-TbAudio: float samples become the 16-bit PCM WAV PyTorch's add_audio writes (byte for byte
# for the fixture's clips), channels, sample rates, -Clip, WAV files stored as they are,
# TbAudioEvent's properties and every error with its id, category and target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbAudioCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "audio$script:dirCounter"
    }

    function Add-AndRead {
        # Adds one clip through a fresh writer and returns the audio events read back.
        param([hashtable] $Parameters)
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try { Add-TbAudio -Writer $w @Parameters -ErrorAction Stop }
        finally { Close-TbWriter $w }
        Get-TbEvent -Type Audio $dir
    }

    function Read-WavHeader([byte[]] $Wav) {
        # The canonical 44-byte header PyTorch (Python's wave module) writes, and the samples after it.
        [pscustomobject]@{
            Riff          = [System.Text.Encoding]::ASCII.GetString($Wav, 0, 4)
            RiffSize      = [BitConverter]::ToUInt32($Wav, 4)
            Wave          = [System.Text.Encoding]::ASCII.GetString($Wav, 8, 8)
            FmtSize       = [BitConverter]::ToUInt32($Wav, 16)
            AudioFormat   = [BitConverter]::ToUInt16($Wav, 20)
            Channels      = [BitConverter]::ToUInt16($Wav, 22)
            SampleRate    = [BitConverter]::ToUInt32($Wav, 24)
            ByteRate      = [BitConverter]::ToUInt32($Wav, 28)
            BlockAlign    = [BitConverter]::ToUInt16($Wav, 32)
            BitsPerSample = [BitConverter]::ToUInt16($Wav, 34)
            Data          = [System.Text.Encoding]::ASCII.GetString($Wav, 36, 4)
            DataSize      = [BitConverter]::ToUInt32($Wav, 40)
            Samples       = @(for ($p = 44; $p -lt $Wav.Length; $p += 2) { [BitConverter]::ToInt16($Wav, $p) })
        }
    }

    # kind_audio's clips: t = arange(4000) / 16000, computed in float64, stored as float32.
    $Sine440 = [float[]]::new(4000)
    $Chirp = [float[]]::new(4000)
    for ($i = 0; $i -lt 4000; $i++) {
        $t = $i / 16000
        $Sine440[$i] = [float](0.5 * [Math]::Sin(2 * [Math]::PI * 440 * $t))
        $Chirp[$i] = [float][Math]::Clamp([Math]::Sin(2 * [Math]::PI * (200 + 2000 * $t) * $t), -1.0, 1.0)
    }
    $Expected = @(Read-ExpectedMedia | Where-Object Kind -EQ 'audio')
    $FixtureAudio = @(Get-TbEvent -Type Audio -LiteralPath (Join-Path $PyTorchFixtures 'audio'))
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbAudio writes PyTorch''s WAV bytes (tests/fixtures/pytorch/audio)' {
    It '<Tag>: the same bytes (sha256 of pytorch.raw.jsonl) and properties' -ForEach @(
        @{ Tag = 'sine440'; Step = 0; Clip = 'Sine440' }
        @{ Tag = 'chirp_full_scale'; Step = 1; Clip = 'Chirp' }
    ) {
        $samples = Get-Variable -Name $Clip -ValueOnly
        $e = @(Add-AndRead @{ Tag = $Tag; Data = $samples; SampleRate = 16000; Step = $Step; WallTime = $BaseWall + $Step })
        $e.Count | Should -Be 1
        $reference = @($Expected | Where-Object Tag -EQ $Tag)
        $reference.Count | Should -Be 1
        Get-Sha256Hex $e[0].Bytes | Should -BeExactly $reference[0].Sha256
        $e[0].Size | Should -Be $reference[0].Bytes
        $fixture = @($FixtureAudio | Where-Object Tag -EQ $Tag)[0]
        Get-FirstDifference $e[0].Bytes $fixture.Bytes | Should -Be -1
        foreach ($name in 'Tag', 'Step', 'SampleRate', 'Channels', 'Frames', 'ContentType', 'Size', 'Duration') {
            $e[0].$name | Should -Be $fixture.$name -Because "the fixture's $name"
        }
        $e[0].WallTime.UnixSeconds | Should -Be $fixture.WallTime.UnixSeconds
    }
}

Describe 'Add-TbAudio -Data' {
    It 'writes mono 16-bit PCM: samples × 32767 in float32, truncated toward zero' {
        $e = @(Add-AndRead @{ Tag = 'mono'; Data = @(0, 0.5, -0.5, 1, -1, 0.25, -0.25); SampleRate = 8000 })
        $e[0].SampleRate | Should -Be 8000
        $e[0].Channels | Should -Be 1
        $e[0].Frames | Should -Be 7
        $e[0].ContentType | Should -BeExactly 'audio/wav'
        $e[0].Size | Should -Be (44 + 14)
        $e[0].Duration | Should -Be ([timespan]::FromSeconds(7 / 8000))
        $h = Read-WavHeader $e[0].Bytes
        $h.Riff | Should -BeExactly 'RIFF'
        $h.RiffSize | Should -Be (36 + 14)
        $h.Wave | Should -BeExactly 'WAVEfmt '
        $h.FmtSize | Should -Be 16
        $h.AudioFormat | Should -Be 1
        $h.Channels | Should -Be 1
        $h.SampleRate | Should -Be 8000
        $h.ByteRate | Should -Be 16000
        $h.BlockAlign | Should -Be 2
        $h.BitsPerSample | Should -Be 16
        $h.Data | Should -BeExactly 'data'
        $h.DataSize | Should -Be 14
        $h.Samples | Should -Be @(0, 16383, -16383, 32767, -32767, 8191, -8191)
    }

    It 'interleaves -Channels 2 given channel after channel' {
        # Left 0, 0.5, 1; right -1, -0.5, 0.
        $e = @(Add-AndRead @{ Tag = 'stereo'; Data = [float[]](0, 0.5, 1, -1, -0.5, 0); Channels = 2; SampleRate = 22050 })
        $e[0].Channels | Should -Be 2
        $e[0].Frames | Should -Be 3
        $e[0].SampleRate | Should -Be 22050
        $e[0].Duration | Should -Be ([timespan]::FromSeconds(3 / 22050))
        $h = Read-WavHeader $e[0].Bytes
        $h.Channels | Should -Be 2
        $h.ByteRate | Should -Be (22050 * 4)
        $h.BlockAlign | Should -Be 4
        $h.DataSize | Should -Be 12
        $h.Samples | Should -Be @(0, -32767, 16383, -16383, 32767, 0)
    }

    It 'uses 44100 Hz by default, as PyTorch' {
        $e = @(Add-AndRead @{ Tag = 'default'; Data = [float[]]::new(441) })
        $e[0].SampleRate | Should -Be 44100
        $e[0].Duration | Should -Be ([timespan]::FromMilliseconds(10))
    }

    It '-SampleRate <Rate>, an end of the accepted range, is written into the WAV header' -ForEach @(
        @{ Rate = 1 }
        @{ Rate = 1000000 }
    ) {
        $e = @(Add-AndRead @{ Tag = 'rate'; Data = @(0.5, -0.5); SampleRate = $Rate })
        $e[0].SampleRate | Should -Be $Rate
        $h = Read-WavHeader $e[0].Bytes
        $h.SampleRate | Should -Be $Rate
        $h.ByteRate | Should -Be (2 * $Rate)
    }

    It '-Clip clips samples outside [-1, 1] with a warning' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try { Add-TbAudio -Writer $w -Tag 'loud' -Data @(0.5, 1.5, -2, 1) -Clip -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop }
        finally { Close-TbWriter $w }
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeExactly "Audio 'loud' has samples outside [-1, 1]; they were clipped."
        (Read-WavHeader (Get-TbEvent -Type Audio $dir).Bytes).Samples | Should -Be @(16383, 32767, -32767, 32767)
    }

    It '-Clip without samples out of range gives no warning' {
        $dir = New-TestDir
        Add-TbAudio -LogDir $dir -Tag 'quiet' -Data @(0.5, -1, 1) -Clip -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 0
        @(Get-TbEvent -Type Audio $dir).Count | Should -Be 1
    }

    It '-PassThru emits the TbAudioEvent read back' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = Add-TbAudio -Writer $w -Tag 'pass' -Data $Sine440 -SampleRate 16000 -Step 4 -WallTime 1700000004.25 -PassThru
        Close-TbWriter $w
        $out | Should -BeOfType ([TbPowerShell.TbAudioEvent])
        (Get-Command Add-TbAudio).OutputType.Type | Should -Contain ([TbPowerShell.TbAudioEvent])
        $out.Run | Should -BeExactly '.'
        $out.File | Should -BeExactly $w.Path
        $read = @(Get-TbEvent -Type Audio $dir)
        $read.Count | Should -Be 1
        foreach ($name in 'Run', 'Tag', 'Step', 'SampleRate', 'Channels', 'Frames', 'ContentType', 'Size', 'Duration', 'File') {
            $out.$name | Should -Be $read[0].$name -Because "$name as read back"
        }
        $out.WallTime.UnixSeconds | Should -Be 1700000004.25
        $out.Frames | Should -Be 4000
        $out.Duration | Should -Be ([timespan]::FromSeconds(0.25))
        Get-FirstDifference $out.Bytes $read[0].Bytes | Should -Be -1
    }
}

Describe 'Add-TbAudio -LiteralPath' {
    BeforeAll {
        # A 16-bit stereo WAV at 22050 Hz with a LIST chunk before the data: 5 frames.
        $stream = [System.IO.MemoryStream]::new()
        $writer = [System.IO.BinaryWriter]::new($stream)
        $list = [System.Text.Encoding]::ASCII.GetBytes('INFOISFT')
        $writer.Write([System.Text.Encoding]::ASCII.GetBytes('RIFF'))
        $writer.Write([uint32](4 + 24 + 8 + $list.Length + 8 + 20))
        $writer.Write([System.Text.Encoding]::ASCII.GetBytes('WAVEfmt '))
        $writer.Write([uint32]16); $writer.Write([uint16]1); $writer.Write([uint16]2)
        $writer.Write([uint32]22050); $writer.Write([uint32](22050 * 4)); $writer.Write([uint16]4); $writer.Write([uint16]16)
        $writer.Write([System.Text.Encoding]::ASCII.GetBytes('LIST')); $writer.Write([uint32]$list.Length); $writer.Write($list)
        $writer.Write([System.Text.Encoding]::ASCII.GetBytes('data')); $writer.Write([uint32]20)
        foreach ($s in 1..10) { $writer.Write([int16]($s * 1000)) }
        $writer.Flush()
        $WavBytes = $stream.ToArray()
        $writer.Dispose()
        $wavDir = Join-Path $TestDrive 'wav'
        New-Item -ItemType Directory -Path $wavDir | Out-Null
        $WavFile = Join-Path $wavDir 'clip[1].wav'
        [System.IO.File]::WriteAllBytes($WavFile, $WavBytes)
        [System.IO.File]::WriteAllBytes((Join-Path $wavDir 'fixture.wav'), $FixtureAudio[0].Bytes)
    }

    It 'stores a WAV file byte for byte and reads its format from the header' {
        $e = @(Add-AndRead @{ Tag = 'file'; LiteralPath = $WavFile })
        $e.Count | Should -Be 1
        Get-FirstDifference $e[0].Bytes $WavBytes | Should -Be -1
        $e[0].SampleRate | Should -Be 22050
        $e[0].Channels | Should -Be 2
        $e[0].Frames | Should -Be 5
        $e[0].ContentType | Should -BeExactly 'audio/wav'
        $e[0].Duration | Should -Be ([timespan]::FromSeconds(5 / 22050))
    }

    It 'Get-ChildItem *.wav | Add-TbAudio binds -LiteralPath by PSPath' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Push-Location -LiteralPath $wavDir
        try { Get-ChildItem *.wav | Add-TbAudio -Writer $w -Tag 'clips' -ErrorAction Stop }
        finally { Pop-Location; Close-TbWriter $w }
        $e = @(Get-TbEvent -Type Audio $dir)
        $e.Count | Should -Be 2
        Get-FirstDifference $e[0].Bytes $WavBytes | Should -Be -1
        Get-FirstDifference $e[1].Bytes $FixtureAudio[0].Bytes | Should -Be -1
        $e[1].Frames | Should -Be 4000
        $e[1].SampleRate | Should -Be 16000
    }
}

Describe 'Add-TbAudio errors (non-terminating: the writer stays usable)' {
    BeforeEach {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        Add-TbAudio -Writer $w -Tag 'before' -Data @(0.1, 0.2) -Step 1
    }
    AfterEach {
        $w.IsClosed | Should -BeFalse
        Close-TbWriter $w
        # What was written before the error is still there, and nothing else.
        $kept = @(Get-TbEvent -Type Audio $dir)
        $kept.Count | Should -Be 1
        $kept[0].Tag | Should -BeExactly 'before'
    }

    It 'AudioOutOfRange for a sample above 1 without -Clip: InvalidData, the sample as target' {
        Add-TbAudio -Writer $w -Tag 'loud' -Data @(0.5, 1.5, 0) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "AudioOutOfRange,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $ev[0].TargetObject | Should -Be 1.5
        "$($ev[0])" | Should -Match '-Clip'
    }

    It 'AudioOutOfRange for a sample below -1' {
        Add-TbAudio -Writer $w -Tag 'loud' -Data @(-1.25) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "AudioOutOfRange,$AddId"
        $ev[0].TargetObject | Should -Be -1.25
    }

    It 'InvalidAudio for a NaN sample: InvalidArgument, the sample as target' {
        Add-TbAudio -Writer $w -Tag 'nan' -Data @(0, [double]::NaN) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAudio,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        [double]::IsNaN($ev[0].TargetObject) | Should -BeTrue
    }

    It 'InvalidAudio for 5 samples in 2 channels: the sample count as target' {
        Add-TbAudio -Writer $w -Tag 'odd' -Data @(0, 0, 0, 0, 0) -Channels 2 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAudio,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -Be 5
    }

    It 'InvalidAudio for a file that is not a WAV: InvalidArgument, the path as target' {
        $file = Join-Path $TestDrive 'notes.wav'
        Set-Content -LiteralPath $file -Value 'not audio'
        Add-TbAudio -Writer $w -Tag 'text' -LiteralPath $file -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAudio,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $file
    }

    It 'EmptyData for no samples: InvalidArgument, the data as target' {
        Add-TbAudio -Writer $w -Tag 'empty' -Data @() -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyData,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @($ev[0].TargetObject).Count | Should -Be 0
    }

    It 'SourceRequired for <Name>: InvalidArgument, the tag as target' -ForEach @(
        @{ Name = 'no clip'; Params = @{} }
        @{ Name = '-Data and -LiteralPath'; Params = @{ Data = @(0.5); LiteralPath = 'any.wav' } }
    ) {
        Add-TbAudio -Writer $w -Tag 'src' @Params -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "SourceRequired,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly 'src'
    }

    It 'PathNotFound for a missing -LiteralPath: ObjectNotFound, the path as target' {
        $missing = Join-Path $TestDrive 'missing.wav'
        Add-TbAudio -Writer $w -Tag 'gone' -LiteralPath $missing -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "PathNotFound,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $missing
    }

    It 'InvalidValue for a sample that is not a number: InvalidArgument' {
        Add-TbAudio -Writer $w -Tag 'word' -Data @(0.5, 'loud') -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidValue,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'EmptyTag for an empty tag' {
        Add-TbAudio -Writer $w -Tag '' -Data @(0.5) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].TargetObject | Should -BeExactly ''
    }

    It '-SampleRate <Rate> (outside 1 to 1,000,000) is refused before anything is written: ParameterArgumentValidationError on -SampleRate, InvalidData' -ForEach @(
        @{ Rate = 0 }
        @{ Rate = 1000001 }
    ) {
        $err = Get-TerminatingError { Add-TbAudio -Writer $w -Tag 'rate' -Data @(0.5) -SampleRate $Rate }
        $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentValidationError,$AddId"
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.ParameterName | Should -BeExactly 'SampleRate'
    }

    It 'InvalidAudio for a piped WAV file whose header gives a sample rate of 0: InvalidArgument, its path as target' {
        $wav = [byte[]]::new(48)
        [System.Text.Encoding]::ASCII.GetBytes('RIFF').CopyTo($wav, 0)
        [BitConverter]::GetBytes([uint32]40).CopyTo($wav, 4)
        [System.Text.Encoding]::ASCII.GetBytes('WAVEfmt ').CopyTo($wav, 8)
        [BitConverter]::GetBytes([uint32]16).CopyTo($wav, 16)
        [BitConverter]::GetBytes([uint16]1).CopyTo($wav, 20)  # PCM
        [BitConverter]::GetBytes([uint16]1).CopyTo($wav, 22)  # mono
        # Bytes 24-31 (sample rate, byte rate) stay 0.
        [BitConverter]::GetBytes([uint16]2).CopyTo($wav, 32)
        [BitConverter]::GetBytes([uint16]16).CopyTo($wav, 34)
        [System.Text.Encoding]::ASCII.GetBytes('data').CopyTo($wav, 36)
        [BitConverter]::GetBytes([uint32]4).CopyTo($wav, 40)
        $file = Join-Path $TestDrive 'rate0.wav'
        [System.IO.File]::WriteAllBytes($file, $wav)
        $item = Get-Item -LiteralPath $file
        $item | Add-TbAudio -Writer $w -Tag 'rate0' -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidAudio,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly $item.PSPath
    }
}
