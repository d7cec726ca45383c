#Requires -Modules Pester
# Get-TbEmbedding: PyTorch's embeddings (tests/fixtures/pytorch/embedding) and ours read back as objects with
# points, labels (as Import-Csv-like rows), header and sprite; -Tag and -Run filters; the pipeline forms;
# errors for unreadable files.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')
    $GetId = 'TbPowerShell.Commands.GetTbEmbeddingCommand'
    $Fixture = Join-Path $PyTorchFixtures 'embedding'
}

Describe 'Get-TbEmbedding reads PyTorch''s embeddings' {
    BeforeAll {
        $script:all = @(Get-TbEmbedding -LiteralPath $PyTorchFixtures)
        $script:e = @($all | Where-Object Run -EQ 'embedding')
    }

    It 'finds both embeddings of the embedding run, in the configuration''s order' {
        $e.Count | Should -Be 2
        $e.Tag | Should -Be 'with_sprite', 'multi_col'
        $e.Step | Should -Be 0, 1
        $e.Count | Should -Be 2
        $e[0].Count, $e[0].Dimension | Should -Be 25, 8
    }

    It 'gives the points of tensors.tsv' {
        $first = [IO.File]::ReadAllLines((Join-Path $Fixture '00000/with_sprite/tensors.tsv'))[0].Split("`t") |
            ForEach-Object { [double]::Parse($_, [cultureinfo]::InvariantCulture) }
        $e[0].Points[0] | Should -Be $first
        $e[1].Points[0][0] | Should -Be (2 * $first[0])
    }

    It 'gives single-column labels as Label and multi-column labels under their header' {
        $e[0].MetadataHeader | Should -BeNullOrEmpty
        $e[0].Metadata[3].Label | Should -BeExactly 'item_3'
        $e[1].MetadataHeader | Should -Be 'col_a', 'col_b'
        $e[1].Metadata[4].col_a, $e[1].Metadata[4].col_b | Should -Be 'a4', 'b1'
    }

    It 'gives the sprite''s path and one image''s size' {
        $e[0].SpritePath | Should -Be (Join-Path $Fixture '00000/with_sprite/sprite.png')
        $e[0].SpriteImageWidth, $e[0].SpriteImageHeight | Should -Be 8, 8
        $e[1].SpritePath | Should -BeNullOrEmpty
    }

    It 'expands its metadata into a CSV table' {
        $csv = Join-Path $TestDrive 'labels.csv'
        $e[1] | Select-Object -ExpandProperty Metadata | Export-Csv -LiteralPath $csv
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be 25
        $rows[24].col_a | Should -BeExactly 'a24'
    }

    It 'filters with -Tag and -Run, and reports a literal name that matched nothing' {
        @(Get-TbEmbedding $PyTorchFixtures -Tag multi*).Tag | Should -Be 'multi_col'
        @(Get-TbEmbedding $PyTorchFixtures -Run embedding -Tag with_sprite).Count | Should -Be 1
        $errs = $null
        Get-TbEmbedding $PyTorchFixtures -Tag nope -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "TagNotFound,$GetId"
    }

    It 'reads only labels with -NoPoints' {
        $n = @(Get-TbEmbedding $Fixture -NoPoints)
        $n[0].Count | Should -Be 0
        $n[0].Metadata.Count | Should -Be 25
    }

    It 'has a table view grouped by run' {
        $text = $e | Format-Table | Out-String -Width 200
        $text | Should -Match 'Run: embedding'
        $text | Should -Match 'with_sprite\s+0\s+25\s+8\s+Label\s+8x8'
        $text | Should -Match 'multi_col\s+1\s+25\s+8\s+col_a, col_b'
    }
}

Describe 'Get-TbEmbedding round trip' {
    It 'pipes an embedding it read into Add-TbEmbedding and reads the same back' {
        $dir = Join-Path $TestDrive 'copy'
        Get-TbEmbedding $Fixture -Tag multi_col | Add-TbEmbedding -LogDir $dir -Step 4
        $copy = @(Get-TbEmbedding $dir)
        $copy.Count | Should -Be 1
        $copy[0].Tag, $copy[0].Step, $copy[0].Run | Should -Be 'multi_col', 4, '.'
        [IO.File]::ReadAllText((Join-Path $dir '00004/multi_col/tensors.tsv')) |
            Should -BeExactly ([IO.File]::ReadAllText((Join-Path $Fixture '00001/multi_col/tensors.tsv')))
        [IO.File]::ReadAllText((Join-Path $dir '00004/multi_col/metadata.tsv')) |
            Should -BeExactly ([IO.File]::ReadAllText((Join-Path $Fixture '00001/multi_col/metadata.tsv')))
    }

    It 'names runs below the directory read' {
        $root = Join-Path $TestDrive 'sweep'
        Add-TbEmbedding -LogDir $root -Run a -Data @(, @(1, 2))
        Add-TbEmbedding -LogDir $root -Run b/c -Data @(, @(3, 4)) -Tag t
        (Get-TbEmbedding $root | Sort-Object Run).Run | Should -Be 'a', 'b/c'
    }
}

Describe 'Get-TbEmbedding errors' {
    It 'skips an embedding whose tensors.tsv does not parse: EmbeddingFileUnreadable, InvalidData, the file as target' {
        $dir = Join-Path $TestDrive 'broken'
        Add-TbEmbedding -LogDir $dir -Data @(, @(1)) -Tag good
        Add-TbEmbedding -LogDir $dir -Data @(, @(1)) -Tag bad
        $bad = Join-Path $dir '00000/bad/tensors.tsv'
        Set-Content -LiteralPath $bad -Value 'x'
        $errs = $null
        $read = @(Get-TbEmbedding $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
        $read.Tag | Should -Be 'good'
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "EmbeddingFileUnreadable,$GetId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].TargetObject | Should -Be $bad
    }

    It 'reports a projector_config.pbtxt that does not parse: ProjectorConfigUnreadable' {
        $dir = Join-Path $TestDrive 'badconfig'
        New-Item -ItemType Directory $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'projector_config.pbtxt') -Value 'embeddings {'
        $errs = $null
        Get-TbEmbedding $dir -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "ProjectorConfigUnreadable,$GetId"
    }
}
