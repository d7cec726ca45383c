#Requires -Modules Pester
# Get-Help for every exported cmdlet (MAML built from docs/*.md next to the dll) and the
# about_TbPowerShell topic. STYLE.md 11: every cmdlet has a help page with examples, at least one
# of them a pipeline.

BeforeDiscovery {
    # One block of tests per exported cmdlet, so the module is loaded at discovery too.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $cmdletCases = @((Get-Command -Module TbPowerShell).Name | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $module = Get-Module TbPowerShell
}

Describe 'Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $examples = @($help.examples.example | Where-Object { $_ -and "$($_.code)".Trim() })
    }

    It 'has a synopsis (not the generated syntax line)' {
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        "$($help.Synopsis)".Trim() | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        ($help.description.Text -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        $examples.Count | Should -BeGreaterOrEqual 1
    }

    It 'has an example that uses the pipeline' {
        @($examples | Where-Object { "$($_.code)" -match '\|' }).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'Help files' {
    It 'the MAML help file lies next to the dll' {
        Test-Path -LiteralPath (Join-Path $module.ModuleBase 'en-US/TbPowerShell.dll-Help.xml') | Should -BeTrue
    }
}

Describe 'about_TbPowerShell' {
    It 'ships with the module and is found by Get-Help' {
        # Checked first: Get-Help searching every module for a missing topic takes half a minute.
        Test-Path -LiteralPath (Join-Path $module.ModuleBase 'en-US/about_TbPowerShell.help.txt') | Should -BeTrue
        $topic = Get-Help about_TbPowerShell -ErrorAction SilentlyContinue
        $topic | Should -Not -BeNullOrEmpty
        "$topic" | Should -Match 'TbPowerShell'
    }
}
