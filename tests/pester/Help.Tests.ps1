#Requires -Modules Pester
# Get-Help for every exported cmdlet (MAML built from docs/*.md next to the dll) and the
# about_TbPowerShell topic. STYLE.md 11: every cmdlet has a help page with examples, at least one
# of them a pipeline into or out of that cmdlet (tools/PipelineExample.ps1 decides, and
# tools/Test-HelpCoverage.ps1 holds the markdown pages to the same rule).

BeforeDiscovery {
    # One block of tests per exported cmdlet, so the module is loaded at discovery too.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $cmdletCases = @((Get-Command -Module TbPowerShell -CommandType Cmdlet).Name | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot '../../tools/PipelineExample.ps1')
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

    It 'has an example that pipes into or out of <Name>' {
        @($examples | Where-Object { Test-PipelineExample "$($_.code)" $Name }).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'Test-PipelineExample: an example pipes into or out of a cmdlet' {
    It '<Expected> for <Why>' -ForEach @(
        @{ Expected = $true; Why = 'a pipeline out of it'; Code = 'Get-TbEvent ./runs | Export-Csv runs.csv'; Name = 'Get-TbEvent' }
        @{ Expected = $true; Why = 'a pipeline into it'; Code = 'Import-Csv runs.csv | Add-TbScalar -LogDir ./copy'; Name = 'Add-TbScalar' }
        @{ Expected = $true; Why = 'a pipeline over several lines'; Code = "1..3 | ForEach-Object {`n    [pscustomobject]@{ Tag = 't'; Value = `$_ }`n} |`n    Add-TbScalar -LogDir ./runs"; Name = 'Add-TbScalar' }
        @{ Expected = $true; Why = 'a pipeline inside a script block'; Code = '$w = New-TbWriter ./r; 1..3 | ForEach-Object { $_ | Add-TbHistogram -Writer $w -Tag t }'; Name = 'Add-TbHistogram' }
        @{ Expected = $true; Why = 'the name in another case'; Code = 'get-tbrun ./runs | Sort-Object Size'; Name = 'Get-TbRun' }
        @{ Expected = $true; Why = 'code followed by output lines'; Code = "Get-TbTag ./runs | Select-Object Tag`n`nTag`n---`nloss"; Name = 'Get-TbTag' }
        @{ Expected = $false; Why = 'a | in a string'; Code = "Get-TbEvent ./runs -Tag 'loss|accuracy'"; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'a | in a comment'; Code = 'Get-TbEvent ./runs  # | Export-Csv runs.csv'; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'a pipeline of other commands'; Code = "Get-TbRun ./runs | Format-Table`nGet-TbEvent ./runs"; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'the cmdlet inside a script block of a pipeline, itself not piped'; Code = '1..3 | ForEach-Object { Add-TbScalar -LogDir ./r -Tag t -Value $_ }'; Name = 'Add-TbScalar' }
        @{ Expected = $false; Why = 'the name as an argument in a pipeline'; Code = 'Get-Help Get-TbEvent -Full | Out-String'; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'the name in a string in a pipeline'; Code = "'Get-TbEvent' | Write-Output"; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'a longer name'; Code = 'Get-TbEventX ./runs | Out-Null'; Name = 'Get-TbEvent' }
        @{ Expected = $false; Why = 'no code'; Code = ''; Name = 'Get-TbEvent' }
    ) {
        Test-PipelineExample -Code $Code -CommandName $Name | Should -Be $Expected
    }
}

Describe 'tools/Test-HelpCoverage.ps1' {
    It 'finds docs/ in step with the module: syntax, parameters, examples' {
        $tool = Join-Path $PSScriptRoot '../../tools/Test-HelpCoverage.ps1'
        $docs = Join-Path $PSScriptRoot '../../docs'
        $run = Invoke-ChildPwsh "try { & $(ConvertTo-SingleQuoted $tool) -ModulePath $(ConvertTo-SingleQuoted $modulePath) -DocsPath $(ConvertTo-SingleQuoted $docs) } catch { `$_.Exception.Message; exit 1 }"
        $run.Output -join "`n" | Should -Not -Match 'does not match'
        $run.ExitCode | Should -Be 0
    }

    It 'reports a page whose only pipelines are in strings, comments or other commands' {
        $docs = Join-Path $TestDrive 'docs'
        Copy-Item -LiteralPath (Join-Path $PSScriptRoot '../../docs') -Destination $docs -Recurse
        $page = Join-Path $docs 'Add-TbScalar.md'
        $text = [System.IO.File]::ReadAllText($page)
        $start = $text.IndexOf("`n## EXAMPLES")
        $end = $text.IndexOf("`n## PARAMETERS")
        $fence = '```'
        $examples = @(
            '## EXAMPLES', '',
            '### Example 1: A bar in a string', "${fence}powershell", "Add-TbScalar -LogDir ./runs -Tag 'a|b' -Value 1", $fence, '',
            '### Example 2: A bar in a comment', "${fence}powershell", 'Add-TbScalar -LogDir ./runs -Tag a -Value 1  # | Out-Null', $fence, '',
            '### Example 3: A pipeline of other commands', "${fence}powershell", 'Get-TbEvent ./runs | Export-Csv runs.csv', 'Add-TbScalar -LogDir ./runs -Tag a -Value 1', $fence
        ) -join "`n"
        [System.IO.File]::WriteAllText($page, $text.Substring(0, $start + 1) + $examples + $text.Substring($end))

        $tool = Join-Path $PSScriptRoot '../../tools/Test-HelpCoverage.ps1'
        # In a fresh pwsh (the tool imports the module with -Force); it throws with one line a problem.
        $run = Invoke-ChildPwsh "try { & $(ConvertTo-SingleQuoted $tool) -ModulePath $(ConvertTo-SingleQuoted $modulePath) -DocsPath $(ConvertTo-SingleQuoted $docs) } catch { `$_.Exception.Message; exit 1 }"
        $run.ExitCode | Should -Be 1
        $pipeProblems = @($run.Output | Where-Object { $_ -like '*no example pipes*' } | ForEach-Object { $_ -replace '^- ', '' })
        $pipeProblems | Should -Be @('Add-TbScalar: no example pipes into or out of Add-TbScalar.')
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
