<#
.SYNOPSIS
    Runs the Pester suite in this (child) pwsh and writes NUnit results; build.ps1 calls it.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterPath -Force
# The tests import the module under test from here.
$env:TBPOWERSHELL_MODULE = $ModulePath
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $config
exit $result.FailedCount
