#Requires -Modules Pester
# Parameter sets, positions, mandatory flags and pipeline binding as the cmdlets declare them.
# Scripts and the CSV round trip rely on these; the behaviour behind them is tested per cmdlet.

BeforeDiscovery {
    # The cases below name the module's types, so it is loaded at discovery too.
    $modulePath = $env:TBPOWERSHELL_MODULE
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/TbPowerShell/TbPowerShell.psd1' }
    Import-Module $modulePath -ErrorAction Stop
    $Named = [int]::MinValue
}

BeforeAll {
    $modulePath = $env:TBPOWERSHELL_MODULE
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/TbPowerShell/TbPowerShell.psd1' }
    Import-Module $modulePath -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-ParameterSetMetadata([string] $Command, [string] $Parameter, [string] $Set) {
        $p = (Get-Command $Command).Parameters[$Parameter]
        if ($null -eq $p) { throw "$Command has no parameter $Parameter" }
        $p.ParameterSets[$Set]
    }
}

Describe 'Parameter sets' {
    It '<Command> has the parameter sets <Sets> (default <Default>)' -ForEach @(
        @{ Command = 'Add-TbScalar'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Get-TbEvent'; Sets = @('LiteralPath', 'Path'); Default = 'Path' }
        @{ Command = 'New-TbWriter'; Sets = @('__AllParameterSets'); Default = $null }
        @{ Command = 'Close-TbWriter'; Sets = @('__AllParameterSets'); Default = $null }
    ) {
        $cmd = Get-Command $Command
        @($cmd.ParameterSets.Name | Sort-Object) | Should -Be $Sets
        if ($Default) { $cmd.DefaultParameterSet | Should -BeExactly $Default }
    }
}

Describe 'Parameter <Command> -<Parameter> in set <Set>' -ForEach @(
    # Add-TbScalar: the data parameters bind by property name (Import-Csv, Get-TbEvent output).
    @{ Command = 'Add-TbScalar'; Parameter = 'Writer'; Set = 'Writer'; Type = [TbPowerShell.TbWriter]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'LogDir'; Set = 'LogDir'; Type = [string]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'Tag'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $true; Position = 0; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalar'; Parameter = 'Value'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $true; Position = 1; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalar'; Parameter = 'Step'; Set = '__AllParameterSets'; Type = [Nullable[long]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalar'; Parameter = 'WallTime'; Set = '__AllParameterSets'; Type = [Nullable[TbPowerShell.TbTimestamp]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalar'; Parameter = 'Run'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalar'; Parameter = 'PassThru'; Set = '__AllParameterSets'; Type = [switch]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    # Get-TbEvent: -Path binds strings by value, -LiteralPath binds Get-ChildItem output by PSPath.
    @{ Command = 'Get-TbEvent'; Parameter = 'Path'; Set = 'Path'; Type = [string[]]; Mandatory = $false; Position = 0; ByValue = $true; ByName = $false }
    @{ Command = 'Get-TbEvent'; Parameter = 'LiteralPath'; Set = 'LiteralPath'; Type = [string[]]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Get-TbEvent'; Parameter = 'Tag'; Set = '__AllParameterSets'; Type = [string[]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Get-TbEvent'; Parameter = 'Run'; Set = '__AllParameterSets'; Type = [string[]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Get-TbEvent'; Parameter = 'Type'; Set = '__AllParameterSets'; Type = [TbPowerShell.TbEventType[]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    # Close-TbWriter takes writers from the pipeline.
    @{ Command = 'Close-TbWriter'; Parameter = 'Writer'; Set = '__AllParameterSets'; Type = [TbPowerShell.TbWriter[]]; Mandatory = $true; Position = 0; ByValue = $true; ByName = $false }
    @{ Command = 'Close-TbWriter'; Parameter = 'PassThru'; Set = '__AllParameterSets'; Type = [switch]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    # New-TbWriter: a log directory by value or by property name.
    @{ Command = 'New-TbWriter'; Parameter = 'LogDir'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = 0; ByValue = $true; ByName = $true }
    @{ Command = 'New-TbWriter'; Parameter = 'Comment'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'New-TbWriter'; Parameter = 'FlushInterval'; Set = '__AllParameterSets'; Type = [Nullable[timespan]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'New-TbWriter'; Parameter = 'MaxQueue'; Set = '__AllParameterSets'; Type = [Nullable[int]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'New-TbWriter'; Parameter = 'FilenameSuffix'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'New-TbWriter'; Parameter = 'PurgeStep'; Set = '__AllParameterSets'; Type = [Nullable[long]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'New-TbWriter'; Parameter = 'GlobalStep'; Set = '__AllParameterSets'; Type = [long]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
) {
    It 'has the declared type, position, mandatory flag and pipeline binding' {
        (Get-Command $Command).Parameters[$Parameter].ParameterType | Should -Be $Type
        $set = Get-ParameterSetMetadata $Command $Parameter $Set
        $set | Should -Not -BeNullOrEmpty
        $set.IsMandatory | Should -Be $Mandatory
        $set.Position | Should -Be $Position
        $set.ValueFromPipeline | Should -Be $ByValue
        $set.ValueFromPipelineByPropertyName | Should -Be $ByName
    }
}

Describe 'Parameters that belong to one set only' {
    It 'Add-TbScalar -Writer is not in the LogDir set and -LogDir is not in the Writer set' {
        (Get-Command Add-TbScalar).Parameters['Writer'].ParameterSets.Keys | Should -Be @('Writer')
        (Get-Command Add-TbScalar).Parameters['LogDir'].ParameterSets.Keys | Should -Be @('LogDir')
    }

    It 'Get-TbEvent -Path and -LiteralPath exclude each other' {
        (Get-Command Get-TbEvent).Parameters['Path'].ParameterSets.Keys | Should -Be @('Path')
        (Get-Command Get-TbEvent).Parameters['LiteralPath'].ParameterSets.Keys | Should -Be @('LiteralPath')
    }
}

Describe 'Aliases' {
    It 'Get-TbEvent -LiteralPath has the aliases PSPath and LP' {
        $aliases = (Get-Command Get-TbEvent).Parameters['LiteralPath'].Aliases
        $aliases | Should -Contain 'PSPath'
        $aliases | Should -Contain 'LP'
    }
}
