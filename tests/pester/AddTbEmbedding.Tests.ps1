#Requires -Modules Pester
# Add-TbEmbedding: the projector files PyTorch's add_embedding wrote for make_fixtures.py's kind_embedding
# (tests/fixtures/pytorch/embedding) come out byte for byte (tensors.tsv, metadata.tsv, projector_config.pbtxt)
# and the sprite decodes to the same pixels; every input form (2-D arrays, rows, objects as metadata, grey and
# float images) and every error id with its category and target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbEmbeddingCommand'
    $Fixture = Join-Path $PyTorchFixtures 'embedding'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "emb$script:dirCounter"
    }

    function Read-FixtureMatrix([string] $RelativePath) {
        # The rows of a fixture tensors.tsv: Python's repr of float32 values, read back to the same doubles.
        $rows = foreach ($line in [IO.File]::ReadAllLines((Join-Path $Fixture $RelativePath))) {
            , [double[]]($line.Split("`t") | ForEach-Object { [double]::Parse($_, [cultureinfo]::InvariantCulture) })
        }
        , @($rows)
    }

    function Read-Pixels([string] $Path) {
        # RGB bytes row by row (the indexer: PowerShell cannot pass the Span that CopyPixelDataTo takes).
        $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]($Path)
        try {
            $bytes = [byte[]]::new($image.Width * $image.Height * 3)
            for ($y = 0; $y -lt $image.Height; $y++) {
                for ($x = 0; $x -lt $image.Width; $x++) {
                    $p = $image[$x, $y]
                    $i = ($y * $image.Width + $x) * 3
                    $bytes[$i] = $p.R; $bytes[$i + 1] = $p.G; $bytes[$i + 2] = $p.B
                }
            }
            [pscustomobject]@{ Width = $image.Width; Height = $image.Height; Pixels = $bytes }
        }
        finally { $image.Dispose() }
    }

    function Get-FixtureLabelImages {
        # The 25 label images (3 x 8 x 8) cut back out of PyTorch's 5 x 5 sprite, as bytes (N, C, H, W).
        $sprite = Read-Pixels (Join-Path $Fixture '00000/with_sprite/sprite.png')
        $images = [byte[]]::new(25 * 3 * 8 * 8)
        for ($n = 0; $n -lt 25; $n++) {
            $top = [math]::Floor($n / 5) * 8; $left = ($n % 5) * 8
            for ($c = 0; $c -lt 3; $c++) {
                for ($y = 0; $y -lt 8; $y++) {
                    for ($x = 0; $x -lt 8; $x++) {
                        $images[(($n * 3 + $c) * 8 + $y) * 8 + $x] = $sprite.Pixels[((($top + $y) * 40) + $left + $x) * 3 + $c]
                    }
                }
            }
        }
        , $images
    }

    function Get-AddError([scriptblock] $Script) {
        # The non-terminating errors of a call, whatever the caller's preference.
        $ErrorActionPreference = 'Continue'
        @(& $Script 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    }
}

Describe 'Add-TbEmbedding writes what PyTorch''s add_embedding wrote (tests/fixtures/pytorch/embedding)' {
    BeforeAll {
        $script:dir = New-TestDir
        $matrix = Read-FixtureMatrix '00000/with_sprite/tensors.tsv'
        $labels = 0..24 | ForEach-Object { "item_$_" }
        $multi = 0..24 | ForEach-Object { , @("a$_", "b$($_ % 3)") }
        $doubled = Read-FixtureMatrix '00001/multi_col/tensors.tsv'
        Add-TbEmbedding -LogDir $dir -Data $matrix -Metadata $labels -LabelImage (Get-FixtureLabelImages) -LabelImageShape 25, 3, 8, 8 -Step 0 -Tag with_sprite
        Add-TbEmbedding -LogDir $dir -Data $doubled -Metadata $multi -MetadataHeader col_a, col_b -Step 1 -Tag multi_col
    }

    It '<_> equals the fixture byte for byte' -ForEach @(
        'projector_config.pbtxt', '00000/with_sprite/tensors.tsv', '00000/with_sprite/metadata.tsv',
        '00001/multi_col/tensors.tsv', '00001/multi_col/metadata.tsv'
    ) {
        $ours = [IO.File]::ReadAllBytes((Join-Path $dir $_))
        $theirs = [IO.File]::ReadAllBytes((Join-Path $Fixture $_))
        Get-FirstDifference $ours $theirs | Should -Be -1
        $ours.Length | Should -Be $theirs.Length
    }

    It 'the sprite decodes to the fixture sprite''s pixels' {
        $ours = Read-Pixels (Join-Path $dir '00000/with_sprite/sprite.png')
        $theirs = Read-Pixels (Join-Path $Fixture '00000/with_sprite/sprite.png')
        $ours.Width, $ours.Height | Should -Be 40, 40
        Get-FirstDifference $ours.Pixels $theirs.Pixels | Should -Be -1
    }

    It 'the event file holds only its file_version record, as PyTorch''s does' {
        $records = @(Read-TfRecord (Get-EventFile $dir)[0].FullName)
        $records.Count | Should -Be 1
    }
}

Describe 'Add-TbEmbedding input forms' {
    It 'takes a 2-D array, defaults the tag to "default" and the step to the writer''s, and emits the embedding with -PassThru' {
        $dir = New-TestDir
        $m = [double[,]]::new(2, 3)
        $m[0, 0] = 1; $m[0, 1] = 0.5; $m[0, 2] = 1e-5; $m[1, 0] = -2; $m[1, 1] = 3; $m[1, 2] = 100
        $w = New-TbWriter -LogDir $dir
        try {
            $w.GlobalStep = 7
            $e = Add-TbEmbedding -Writer $w -Data $m -PassThru
        }
        finally { Close-TbWriter $w }
        $e | Should -BeOfType ([TbPowerShell.TbEmbedding])
        $e.Tag, $e.Step, $e.Count, $e.Dimension | Should -Be 'default', 7, 2, 3
        [IO.File]::ReadAllText((Join-Path $dir '00007/default/tensors.tsv')) | Should -BeExactly "1.0`t0.5`t1e-05`n-2.0`t3.0`t100.0`n"
        $e.Points[1] | Should -Be @(-2, 3, 100)
    }

    It 'takes Import-Csv rows as metadata with their property names as the header, and encodes / in the folder' {
        $dir = New-TestDir
        $rows = @('name,kind', 'x,1', 'y,2') | ConvertFrom-Csv
        Add-TbEmbedding -LogDir $dir -Tag 'a/b' -Data @(@(1, 2), @(3, 4)) -Metadata $rows
        [IO.File]::ReadAllText((Join-Path $dir '00000/a%2fb/metadata.tsv')) | Should -BeExactly "name`tkind`nx`t1`ny`t2`n"
        [IO.File]::ReadAllText((Join-Path $dir 'projector_config.pbtxt')) | Should -Match 'tensor_name: "a/b:00000"'
    }

    It 'writes numbers and booleans in metadata as Python''s str() does' {
        $dir = New-TestDir
        Add-TbEmbedding -LogDir $dir -Data @(@(1), @(2), @(3)) -Metadata 1.5, $true, 7
        [IO.File]::ReadAllText((Join-Path $dir '00000/default/metadata.tsv')) | Should -BeExactly "1.5`nTrue`n7`n"
    }

    It 'packs grey float images (N x H x W) into an RGB sprite, scaled by 255 and truncated' {
        $dir = New-TestDir
        $images = @((, @(0.0, 0.5)), (, @(1.0, 0.999)), (, @(0.2, 2.0)))   # 3 images of 1 x 2
        Add-TbEmbedding -LogDir $dir -Data @(@(1), @(2), @(3)) -LabelImage $images
        $sprite = Read-Pixels (Join-Path $dir '00000/default/sprite.png')
        $sprite.Width, $sprite.Height | Should -Be 4, 4
        $sprite.Pixels[0..11] | Should -Be @(0, 0, 0, 127, 127, 127, 255, 255, 255, 254, 254, 254)
        $sprite.Pixels[(4 * 3)..(4 * 3 + 5)] | Should -Be @(51, 51, 51, 255, 255, 255)
        [IO.File]::ReadAllText((Join-Path $dir 'projector_config.pbtxt')) | Should -Match 'single_image_dim: 2\n    single_image_dim: 1'
    }

    It 'appends to a projector_config.pbtxt PyTorch wrote, keeping its embeddings' {
        $dir = New-TestDir
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item (Join-Path $Fixture 'projector_config.pbtxt') $dir
        Add-TbEmbedding -LogDir $dir -Data @(, @(1, 2)) -Tag later -Step 3
        $text = [IO.File]::ReadAllText((Join-Path $dir 'projector_config.pbtxt'))
        $text.StartsWith([IO.File]::ReadAllText((Join-Path $Fixture 'projector_config.pbtxt'))) | Should -BeTrue
        ([regex]::Matches($text, 'embeddings \{')).Count | Should -Be 3
    }

    It 'warns when the same tag and step is written again, and keeps one entry' {
        $dir = New-TestDir
        Add-TbEmbedding -LogDir $dir -Data @(, @(1))
        $warnings = @(Add-TbEmbedding -LogDir $dir -Data @(, @(2)) 3>&1)
        $warnings.Count | Should -Be 1
        ([regex]::Matches([IO.File]::ReadAllText((Join-Path $dir 'projector_config.pbtxt')), 'embeddings \{')).Count | Should -Be 1
    }
}

Describe 'Add-TbEmbedding errors' {
    It '<Name>: <Id>' -ForEach @(
        @{ Name = 'an empty matrix'; Id = 'EmptyEmbedding'; Parameters = @{ Data = @() } }
        @{ Name = 'rows of no numbers'; Id = 'EmptyEmbedding'; Parameters = @{ Data = @(, [double[]]@()) } }
        @{ Name = 'ragged rows'; Id = 'RaggedEmbedding'; Parameters = @{ Data = @(@(1, 2), @(3)) } }
        @{ Name = 'a flat array'; Id = 'RaggedEmbedding'; Parameters = @{ Data = @(1, 2, 3) } }
        @{ Name = 'a NaN coordinate'; Id = 'EmbeddingValueNotFinite'; Parameters = @{ Data = @(, @(1, [double]::NaN)) } }
        @{ Name = 'a word in the data'; Id = 'InvalidValue'; Parameters = @{ Data = @(, @(1, 'x')) } }
        @{ Name = 'two labels for one point'; Id = 'MetadataCountMismatch'; Parameters = @{ Data = @(, @(1)); Metadata = 'a', 'b' } }
        @{ Name = 'a header on one column'; Id = 'MetadataHeaderMismatch'; Parameters = @{ Data = @(, @(1)); Metadata = @('a'); MetadataHeader = 'h' } }
        @{ Name = 'two columns without a header'; Id = 'MetadataHeaderMismatch'; Parameters = @{ Data = @(, @(1)); Metadata = @(, @('a', 'b')) } }
        @{ Name = 'a header of three for two columns'; Id = 'MetadataShapeMismatch'; Parameters = @{ Data = @(, @(1)); Metadata = @(, @('a', 'b')); MetadataHeader = 'x', 'y', 'z' } }
        @{ Name = 'a label with a tab'; Id = 'InvalidMetadataLabel'; Parameters = @{ Data = @(, @(1)); Metadata = @("a`tb") } }
        @{ Name = 'two images for one point'; Id = 'LabelImageCountMismatch'; Parameters = @{ Data = @(, @(1)); LabelImage = [float[]]::new(2 * 3 * 2 * 2); LabelImageShape = 2, 3, 2, 2 } }
        @{ Name = 'four-channel images'; Id = 'InvalidChannelCount'; Parameters = @{ Data = @(, @(1)); LabelImage = [float[]]::new(4); LabelImageShape = 1, 4, 1, 1 } }
        @{ Name = 'images of the wrong size'; Id = 'ShapeMismatch'; Parameters = @{ Data = @(, @(1)); LabelImage = [float[]]::new(5); LabelImageShape = 1, 1, 2, 2 } }
        @{ Name = 'an empty tag'; Id = 'EmptyTag'; Parameters = @{ Data = @(, @(1)); Tag = ' ' } }
    ) {
        $dir = New-TestDir
        $errs = Get-AddError { Add-TbEmbedding -LogDir $dir @Parameters }
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path (Join-Path $dir 'projector_config.pbtxt') | Should -BeFalse
    }

    It 'names the offending row, label or count as the target' {
        $dir = New-TestDir
        (Get-AddError { Add-TbEmbedding -LogDir $dir -Data @(@(1, 2), @(3)) })[0].TargetObject | Should -Be @(3)
        (Get-AddError { Add-TbEmbedding -LogDir $dir -Data @(, @(1)) -Metadata @("a`tb") })[0].TargetObject | Should -BeExactly "a`tb"
        (Get-AddError { Add-TbEmbedding -LogDir $dir -Data @(, @(1)) -Metadata 'a', 'b' })[0].TargetObject | Should -Be 2
    }

    It 'leaves a projector_config.pbtxt that does not parse alone: ProjectorConfigUnreadable, InvalidData' {
        $dir = New-TestDir
        New-Item -ItemType Directory $dir | Out-Null
        $config = Join-Path $dir 'projector_config.pbtxt'
        Set-Content -LiteralPath $config -Value 'embeddings {' -NoNewline
        $errs = Get-AddError { Add-TbEmbedding -LogDir $dir -Data @(, @(1)) }
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "ProjectorConfigUnreadable,$AddId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].TargetObject | Should -Be $config
        Get-Content -LiteralPath $config -Raw | Should -BeExactly 'embeddings {'
        Test-Path (Join-Path $dir '00000') | Should -BeFalse
    }
}

Describe 'Add-TbEmbedding takes TorchSharp tensors' {
    BeforeAll {
        # The demo model's seed loads TorchSharp and libtorch (PowerShell cannot name [TorchSharp.torch] before).
        [TbPowerShell.Torch.Demo.Determinism]::Seed(1)
    }

    It 'writes a float tensor of rank 2 as rows, and packs float and uint8 image tensors as the arrays' {
        $dir = New-TestDir
        $points = [TorchSharp.torch]::tensor([float[]](0.5, 1, 2, 3, 4, 1e-5)).reshape([long[]](3, 2))
        $grey = [TorchSharp.torch]::tensor([float[]](0, 0.5, 1)).reshape([long[]](3, 1, 1, 1))
        $bytes = [TorchSharp.torch]::tensor([byte[]](0, 128, 255)).reshape([long[]](3, 1, 1, 1))
        try {
            Add-TbEmbedding -LogDir $dir -Data $points -LabelImage $grey -Tag f
            Add-TbEmbedding -LogDir $dir -Data $points -LabelImage $bytes -Tag b
        }
        finally { $points.Dispose(); $grey.Dispose(); $bytes.Dispose() }
        [IO.File]::ReadAllText((Join-Path $dir '00000/f/tensors.tsv')) | Should -BeExactly "0.5`t1.0`n2.0`t3.0`n4.0`t9.999999747378752e-06`n"
        (Read-Pixels (Join-Path $dir '00000/f/sprite.png')).Pixels[0..8] | Should -Be @(0, 0, 0, 127, 127, 127, 255, 255, 255)
        (Read-Pixels (Join-Path $dir '00000/b/sprite.png')).Pixels[0..8] | Should -Be @(0, 0, 0, 128, 128, 128, 255, 255, 255)
    }

    It 'refuses a tensor that is not a matrix: RaggedEmbedding' {
        $flat = [TorchSharp.torch]::tensor([float[]](1, 2, 3))
        try { $errs = Get-AddError { Add-TbEmbedding -LogDir (New-TestDir) -Data $flat } }
        finally { $flat.Dispose() }
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "RaggedEmbedding,$AddId"
    }
}
