#Requires -Modules Pester
# Tab completion of -Run and -Tag through TabExpansion2: names from the runs below the -Path typed (or the
# session's current location, not the process's), matching the prefix, quoted and wildcard-escaped.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $Pytorch = Join-Path $FixtureRoot 'pytorch'

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    $Root = Join-Path ([System.IO.Path]::GetTempPath()) ("tbps-completion-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $Root | Out-Null
    Copy-Item (Join-Path $Pytorch 'image') (Join-Path $Root 'image') -Recurse
    Copy-Item (Join-Path $Pytorch 'scalars') (Join-Path $Root 'my run') -Recurse
    Copy-Item (Join-Path $Pytorch 'text') (Join-Path $Root 'lr[0.1]') -Recurse
}

AfterAll {
    Remove-Item -LiteralPath $Root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Completing -Run' {
    It 'offers the runs below -Path that start with what was typed (<Command>)' -ForEach @(
        @{ Command = 'Get-TbEvent' }, @{ Command = 'Get-TbRun' }, @{ Command = 'Get-TbTag' }
    ) {
        Get-Completion "$Command $Pytorch -Run scalars_multi/multi_" |
            Should -Be @('scalars_multi/multi_cos', 'scalars_multi/multi_lin', 'scalars_multi/multi_sin')
        Get-Completion "$Command -Path $Pytorch -Run HPAR" | Should -Be @('hparams', 'hparams/trial0', 'hparams/trial1')
    }

    It 'uses the session''s current location when no path is given, not the process''s' {
        Push-Location $Root
        try {
            [System.Environment]::CurrentDirectory | Should -Not -Be $Root
            Get-Completion 'Get-TbRun -Run ' | Should -Be @('image', "'lr``[0.1``]'", "'my run'")
            Get-Completion 'Get-TbEvent ./image -Run ' | Should -Be @('.')
        }
        finally { Pop-Location }
    }

    It 'quotes names with spaces and escapes wildcard characters, and the result selects the run' {
        Get-Completion "Get-TbRun -LiteralPath $Root -Run my" | Should -Be @("'my run'")
        $escaped = Get-Completion "Get-TbRun -LiteralPath $Root -Run lr"
        $escaped | Should -Be @("'lr``[0.1``]'")
        $run = Invoke-Expression "Get-TbRun -LiteralPath '$Root' -Run $escaped"
        $run.Run | Should -Be 'lr[0.1]'
    }

    It 'accepts wildcards in what was typed and a typed opening quote' {
        Get-Completion "Get-TbRun $Pytorch -Run *inner_b" | Should -Be @('scalars_multi/group_inner_b')
        Get-Completion "Get-TbRun -LiteralPath $Root -Run 'my" | Should -Be @("'my run'")
    }

    It 'names runs below a wildcard path as the cmdlets do' {
        Get-Completion "Get-TbEvent $Pytorch/scalars_m* -Run " | Select-Object -First 1 | Should -Be 'scalars_multi'
    }
}

Describe 'Completing -Tag' {
    It 'offers the tags of the runs below -Path, limited by -Run (<Command>)' -ForEach @(
        @{ Command = 'Get-TbEvent' }, @{ Command = 'Get-TbRun' }, @{ Command = 'Get-TbTag' }
    ) {
        Get-Completion "$Command $Pytorch -Run image -Tag rgb_" | Should -Be @('rgb_chw', 'rgb_hwc_uint8')
        Get-Completion "$Command $Pytorch -Run text -Tag " |
            Should -Be @('empty/text_summary', 'markdown_table/text_summary', 'plain/text_summary', 'unicode/text_summary')
    }

    It 'quotes tags with spaces and other characters, and the result selects the tag' {
        $completion = Get-Completion "Get-TbTag $Pytorch -Run scalars -Tag unicode"
        $completion | Should -Be @("'unicode/Ω/损失 ü'")
        (Invoke-Expression "Get-TbTag '$Pytorch' -Run scalars -Tag $completion").Tag | Should -Be 'unicode/Ω/损失 ü'
    }

    It 'sees a tag added to a file after an earlier completion' {
        $dir = Join-Path $Root 'growing'
        $w = New-TbWriter $dir
        Add-TbScalar -Writer $w -Tag first -Value 1 -Step 0
        $w.Flush()
        Get-Completion "Get-TbTag $dir -Tag " | Should -Be @('first')
        Add-TbScalar -Writer $w -Tag second -Value 2 -Step 1
        Close-TbWriter $w
        Get-Completion "Get-TbTag $dir -Tag " | Should -Be @('first', 'second')
    }
}
