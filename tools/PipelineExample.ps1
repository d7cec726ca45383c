<#
.SYNOPSIS
    Defines Test-PipelineExample: does an example's code pipe into or out of a given command?

.DESCRIPTION
    Dot-source it (tools/Test-HelpCoverage.ps1 and tests/pester/Help.Tests.ps1 do). The code is
    parsed as PowerShell, so a '|' or the command's name inside a string, a comment or an argument
    does not count: only a pipeline of two or more commands in which the command is one of them,
    at any depth (inside a script block too).

.EXAMPLE
    . ./tools/PipelineExample.ps1
    Test-PipelineExample -Code 'Get-TbEvent ./runs | Export-Csv runs.csv' -CommandName Get-TbEvent
    True
#>

function Test-PipelineExample {
    [OutputType([bool])]
    param(
        # The example's code (output lines that do not parse are passed over).
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $Code,
        # The command that must take the pipeline's input or give its output.
        [Parameter(Mandatory)] [string] $CommandName
    )
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
    $pipelines = $ast.FindAll({
            param($node)
            $node -is [System.Management.Automation.Language.PipelineAst] -and $node.PipelineElements.Count -gt 1
        }, $true)
    foreach ($pipeline in $pipelines) {
        foreach ($element in $pipeline.PipelineElements) {
            if ($element -is [System.Management.Automation.Language.CommandAst] -and $element.GetCommandName() -eq $CommandName) {
                return $true
            }
        }
    }
    return $false
}
