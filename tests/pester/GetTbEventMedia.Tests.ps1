#Requires -Modules Pester
# Get-TbEvent -Type on the PyTorch fixtures: images, audio, text, histograms and other tensors
# give what TensorBoard's own loader read (pytorch.raw.jsonl): counts per run, tags, steps, types,
# encoded bytes (sha256) and summary numbers; and their CSV columns.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $Expected = @(Read-ExpectedMedia)
    $All = @(Get-TbEvent -Type All -LiteralPath $PyTorchFixtures)

    function Get-EventKey([object[]] $Events) {
        @($Events | ForEach-Object { '{0}|{1}|{2}' -f $_.Run, $_.Tag, $_.Step } | Sort-Object)
    }

    function Get-RunCount([object[]] $Events) {
        @($Events | Group-Object Run | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count })
    }
}

Describe 'Get-TbEvent -Type <Type> on tests/fixtures/pytorch' -ForEach @(
    @{ Type = 'Image'; Kinds = @('image'); Class = 'TbImageEvent'; Runs = @('image=6') }
    @{ Type = 'Audio'; Kinds = @('audio'); Class = 'TbAudioEvent'; Runs = @('audio=2') }
    @{ Type = 'Text'; Kinds = @('text'); Class = 'TbTextEvent'; Runs = @('text=5') }
    @{ Type = 'Histogram'; Kinds = @('histogram'); Class = 'TbHistogramEvent'; Runs = @('histogram=9') }
    @{ Type = 'Hyperparameter'; Kinds = @('hparams'); Class = 'TbHyperparameterEvent'; Runs = @('hparams/trial0=3', 'hparams/trial1=3') }
    @{ Type = 'PrCurve'; Kinds = @('pr_curve'); Class = 'TbPrCurveEvent'; Runs = @('pr_curve=3') }
    @{ Type = 'Layout'; Kinds = @('custom_scalars'); Class = 'TbLayoutEvent'; Runs = @('custom_scalars=1') }
) {
    BeforeAll {
        $events = @(Get-TbEvent -Type $Type $PyTorchFixtures)
        $reference = @($Expected | Where-Object Kind -In $Kinds)
    }

    It 'gives the runs and counts TensorBoard read' {
        Get-RunCount $events | Should -Be $Runs
        Get-RunCount $events | Should -Be (Get-RunCount $reference)
    }

    It 'gives the same tags and steps' {
        Get-EventKey $events | Should -Be (Get-EventKey $reference)
    }

    It 'emits only <Class> objects, a declared output type' {
        @($events | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique) | Should -Be @($Class)
        (Get-Command Get-TbEvent).OutputType.Type.Name | Should -Contain $Class
    }

    It 'gives the same events as -Type All' {
        $fromAll = @($All | Where-Object { $_.GetType().Name -eq $Class })
        Get-EventKey $fromAll | Should -Be (Get-EventKey $events)
    }
}

Describe 'Get-TbEvent media values equal what TensorBoard read' {
    It 'images: sha256 of Bytes, size, width, height and channels' {
        $images = @(Get-TbEvent -Type Image -LiteralPath (Join-Path $PyTorchFixtures 'image'))
        $reference = @($Expected | Where-Object Kind -EQ 'image')
        $images.Count | Should -Be 6
        for ($i = 0; $i -lt 6; $i++) {
            $images[$i].Tag | Should -BeExactly $reference[$i].Tag
            Get-Sha256Hex $images[$i].Bytes | Should -BeExactly $reference[$i].Sha256 -Because $reference[$i].Tag
            $images[$i].Size | Should -Be $reference[$i].Bytes
            $images[$i].Width | Should -Be $reference[$i].Width
            $images[$i].Height | Should -Be $reference[$i].Height
            $images[$i].Channels | Should -Be $reference[$i].Channels
            $images[$i].Format | Should -BeExactly 'png'
        }
    }

    It 'audio: sha256 of Bytes, sample rate, channels, frames, duration' {
        $clips = @(Get-TbEvent -Type Audio -LiteralPath (Join-Path $PyTorchFixtures 'audio'))
        $reference = @($Expected | Where-Object Kind -EQ 'audio')
        $clips.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            Get-Sha256Hex $clips[$i].Bytes | Should -BeExactly $reference[$i].Sha256
            $clips[$i].Size | Should -Be $reference[$i].Bytes
            $clips[$i].SampleRate | Should -Be $reference[$i].SampleRate
            $clips[$i].Channels | Should -Be $reference[$i].Channels
            $clips[$i].Frames | Should -Be $reference[$i].Frames
            $clips[$i].Duration | Should -Be ([timespan]::FromSeconds($reference[$i].Frames / $reference[$i].SampleRate))
            $clips[$i].ContentType | Should -BeExactly 'audio/wav'
        }
    }

    It 'text: the strings' {
        $texts = @(Get-TbEvent -Type Text -LiteralPath (Join-Path $PyTorchFixtures 'text'))
        $texts.Text | Should -BeExactly @($Expected | Where-Object Kind -EQ 'text').Text
    }

    It 'histograms: Min, Max, Count, Sum and SumSquares' {
        $histograms = @(Get-TbEvent -Type Histogram -LiteralPath (Join-Path $PyTorchFixtures 'histogram'))
        $reference = @($Expected | Where-Object Kind -EQ 'histogram')
        $histograms.Count | Should -Be 9
        for ($i = 0; $i -lt 9; $i++) {
            foreach ($name in 'Min', 'Max', 'Count', 'Sum', 'SumSquares') {
                Get-DoubleBits $histograms[$i].$name | Should -Be (Get-DoubleBits $reference[$i].$name) -Because "$name of $($reference[$i].Tag) step $($reference[$i].Step)"
            }
            ($histograms[$i].Buckets | Measure-Object Count -Sum).Sum | Should -Be $reference[$i].Count
        }
    }

    It 'tensors: none from the PyTorch fixtures, as every plugin they use has a kind of its own' {
        # PR curves, hparams, meshes and custom-scalars layouts each have a -Type; -Type Tensor is for other plugins.
        @(Get-TbEvent -Type Tensor $PyTorchFixtures).Count | Should -Be 0
        @($Expected | Where-Object Kind -In 'pr_curve', 'hparams', 'mesh', 'custom_scalars').Count | Should -BeGreaterThan 0
    }
}

Describe 'Get-TbEvent -Type with several types' {
    It '-Type Image,Audio gives the 6 images and 2 clips, and nothing else' {
        $e = @(Get-TbEvent -Type Image, Audio $PyTorchFixtures)
        $e.Count | Should -Be 8
        @($e | Where-Object { $_ -is [TbPowerShell.TbImageEvent] }).Count | Should -Be 6
        @($e | Where-Object { $_ -is [TbPowerShell.TbAudioEvent] }).Count | Should -Be 2
        Get-EventKey $e | Should -Be (Get-EventKey @($Expected | Where-Object Kind -In 'image', 'audio'))
    }

    It '-Type All adds every scalar to the media values' {
        $scalars = @(Read-ExpectedScalar)
        # The three mesh values of the mesh run's one event are one TbMeshEvent (-2); the graph run's graph and
        # tagged run metadata are events of their own, which Read-ExpectedMedia leaves out (+2).
        $All.Count | Should -Be ($scalars.Count + $Expected.Count - 2 + 2)
        @($All | Where-Object { $_ -is [TbPowerShell.TbGraphEvent] }).Count | Should -Be 2
        @($All | Where-Object { $_ -is [TbPowerShell.TbMeshEvent] }).Count | Should -Be 1
        @($All | Where-Object { $_ -is [TbPowerShell.TbScalarEvent] }).Count | Should -Be $scalars.Count
    }

    It 'the default (Scalar) emits no media' {
        @(Get-TbEvent $PyTorchFixtures | Where-Object { $_ -isnot [TbPowerShell.TbScalarEvent] }).Count | Should -Be 0
    }

    It '-Tag filters media values too' {
        $e = @(Get-TbEvent -Type Image $PyTorchFixtures -Tag 'rgb*')
        ($e | ForEach-Object { "$($_.Tag)@$($_.Step)" }) | Should -Be @('rgb_chw@0', 'rgba_chw@0', 'rgb_hwc_uint8@0', 'rgb_chw@1')
    }
}

Describe 'Get-TbEvent media | Export-Csv' {
    It 'image events give the columns Run,Tag,Step,WallTime,Width,Height,Channels,Format,Size,Frames (no Bytes)' {
        $csv = Join-Path $TestDrive 'images.csv'
        Get-TbEvent -Type Image $PyTorchFixtures | Export-Csv -LiteralPath $csv -UseQuotes AsNeeded
        $lines = @(Get-Content -LiteralPath $csv)
        $lines[0] | Should -BeExactly 'Run,Tag,Step,WallTime,Width,Height,Channels,Format,Size,Frames'
        $lines.Count | Should -Be 7
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows[0].Run | Should -BeExactly 'image'
        $rows[0].Tag | Should -BeExactly 'gray_hw'
        $rows.Size | Should -Be @($Expected | Where-Object Kind -EQ 'image' | ForEach-Object { "$($_.Bytes)" })
        $rows.Width | Should -Be @('24', '24', '24', '24', '24', '48')
        $rows.Format | Sort-Object -Unique | Should -Be 'png'
    }

    It 'histogram events give the summary numbers, not the buckets' {
        $csv = Join-Path $TestDrive 'histograms.csv'
        Get-TbEvent -Type Histogram $PyTorchFixtures | Export-Csv -LiteralPath $csv -UseQuotes AsNeeded
        $lines = @(Get-Content -LiteralPath $csv)
        $lines[0] | Should -BeExactly 'Run,Tag,Step,WallTime,Min,Max,Count,Sum,SumSquares,Mean'
        $raw = @(Import-Csv -LiteralPath $csv | Where-Object Tag -EQ 'raw')
        $raw.Count | Should -Be 1
        [double]$raw[0].Min | Should -Be -1
        [double]$raw[0].Max | Should -Be 3
        [double]$raw[0].Count | Should -Be 10
        [double]$raw[0].Sum | Should -Be 7
        [double]$raw[0].SumSquares | Should -Be 19
        [double]$raw[0].Mean | Should -Be 0.7
    }

    It 'audio and text events keep their hidden bytes and strings out of the CSV' {
        (Get-TbEvent -Type Audio $PyTorchFixtures | ConvertTo-Csv -UseQuotes AsNeeded)[0] |
            Should -BeExactly 'Run,Tag,Step,WallTime,SampleRate,Channels,Frames,ContentType,Size,Duration'
        (Get-TbEvent -Type Text $PyTorchFixtures | ConvertTo-Csv -UseQuotes AsNeeded)[0] |
            Should -BeExactly 'Run,Tag,Step,WallTime,Text'
    }
}
