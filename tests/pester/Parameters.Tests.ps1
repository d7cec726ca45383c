#Requires -Modules Pester
# Parameter sets, positions, mandatory flags and pipeline binding as the cmdlets declare them.
# Scripts and the CSV round trip rely on these; the behaviour behind them is tested per cmdlet.

BeforeDiscovery {
    # The cases below name the module's types, so it is loaded at discovery too.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $Named = [int]::MinValue
}

BeforeAll {
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
        @{ Command = 'Add-TbScalars'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbImage'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbAudio'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbText'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbHistogram'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbPrCurve'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Add-TbCustomScalarLayout'; Sets = @('LogDir', 'Writer'); Default = 'Writer' }
        @{ Command = 'Save-TbMedia'; Sets = @('__AllParameterSets'); Default = $null }
        @{ Command = 'Export-TbImageGrid'; Sets = @('__AllParameterSets'); Default = $null }
    ) {
        $cmd = Get-Command $Command
        @($cmd.ParameterSets.Name | Sort-Object) | Should -Be $Sets
        if ($Default) { $cmd.DefaultParameterSet | Should -BeExactly $Default }
    }
}

Describe 'Parameter <Command> -<Parameter> in set <Set>' -ForEach @(
    # Add-TbScalar: each piped object binds whole, by value, to -InputObject and the cmdlet reads its Tag, Value, Step,
    # WallTime and Run (issue 13: binding by property name was the bottleneck). The data parameters take the command
    # line only (a script block runs per input), so they are typed object and not mandatory: a call without input
    # that lacks -Tag or -Value gets MissingMandatoryParameter from the cmdlet.
    @{ Command = 'Add-TbScalar'; Parameter = 'Writer'; Set = 'Writer'; Type = [TbPowerShell.TbWriter]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'LogDir'; Set = 'LogDir'; Type = [string]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'InputObject'; Set = '__AllParameterSets'; Type = [psobject]; Mandatory = $false; Position = $Named; ByValue = $true; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'Tag'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = 0; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'Value'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = 1; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'Step'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'WallTime'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbScalar'; Parameter = 'Run'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
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
    # Add-TbScalars: a dictionary of series by property name (one row per step).
    @{ Command = 'Add-TbScalars'; Parameter = 'Tag'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $true; Position = 0; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbScalars'; Parameter = 'Value'; Set = '__AllParameterSets'; Type = [System.Collections.IDictionary]; Mandatory = $true; Position = 1; ByValue = $false; ByName = $true }
    # Add-TbImage: Get-ChildItem *.png | Add-TbImage binds -LiteralPath by PSPath.
    @{ Command = 'Add-TbImage'; Parameter = 'LiteralPath'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    # Add-TbImage -Writer $w -Tag t ./a.png: the file is positional; rows bind Data (or Value), Shape and DataFormat by name.
    @{ Command = 'Add-TbImage'; Parameter = 'Path'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = 1; ByValue = $false; ByName = $false }
    @{ Command = 'Add-TbImage'; Parameter = 'Data'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbImage'; Parameter = 'Shape'; Set = '__AllParameterSets'; Type = [int[]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbImage'; Parameter = 'DataFormat'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    # Add-TbAudio: WAV files by PSPath too.
    @{ Command = 'Add-TbAudio'; Parameter = 'LiteralPath'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    # The samples are positional after the tag, as the values of Add-TbHistogram; rows bind Data (or Value), SampleRate and Channels by name.
    @{ Command = 'Add-TbAudio'; Parameter = 'Data'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = 1; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbAudio'; Parameter = 'SampleRate'; Set = '__AllParameterSets'; Type = [int]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    @{ Command = 'Add-TbAudio'; Parameter = 'Channels'; Set = '__AllParameterSets'; Type = [int]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $true }
    # Add-TbText: strings by value (Get-Content | Add-TbText) and by property name.
    @{ Command = 'Add-TbText'; Parameter = 'Text'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $true; Position = 1; ByValue = $true; ByName = $true }
    # Add-TbHistogram: numbers by value ($weights | Add-TbHistogram).
    @{ Command = 'Add-TbHistogram'; Parameter = 'Data'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $false; Position = 1; ByValue = $true; ByName = $true }
    # Save-TbMedia: events by value (Get-TbEvent -Type Image | Save-TbMedia .\out).
    @{ Command = 'Save-TbMedia'; Parameter = 'InputObject'; Set = '__AllParameterSets'; Type = [psobject]; Mandatory = $true; Position = $Named; ByValue = $true; ByName = $false }
    @{ Command = 'Save-TbMedia'; Parameter = 'Destination'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $true; Position = 0; ByValue = $false; ByName = $false }
    # Export-TbImageGrid: the file by position, the batch by name.
    @{ Command = 'Export-TbImageGrid'; Parameter = 'Path'; Set = '__AllParameterSets'; Type = [string]; Mandatory = $true; Position = 0; ByValue = $false; ByName = $false }
    @{ Command = 'Export-TbImageGrid'; Parameter = 'Data'; Set = '__AllParameterSets'; Type = [object]; Mandatory = $true; Position = $Named; ByValue = $false; ByName = $false }
    @{ Command = 'Export-TbImageGrid'; Parameter = 'Shape'; Set = '__AllParameterSets'; Type = [int[]]; Mandatory = $false; Position = $Named; ByValue = $false; ByName = $false }
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
    It '<Command> -LiteralPath has the aliases PSPath and LP' -ForEach @(
        @{ Command = 'Get-TbEvent' }
        @{ Command = 'Add-TbImage' }
        @{ Command = 'Add-TbAudio' }
    ) {
        $aliases = (Get-Command $Command).Parameters['LiteralPath'].Aliases
        $aliases | Should -Contain 'PSPath'
        $aliases | Should -Contain 'LP'
    }
}

Describe 'Common parameters of the media cmdlets' {
    It '<Command> has -Writer (set Writer), -LogDir (set LogDir), -Step, -WallTime and -Run by property name, and -PassThru' -ForEach @(
        @{ Command = 'Add-TbScalars' }
        @{ Command = 'Add-TbImage' }
        @{ Command = 'Add-TbAudio' }
        @{ Command = 'Add-TbText' }
        @{ Command = 'Add-TbHistogram' }
        @{ Command = 'Add-TbPrCurve' }
        @{ Command = 'Add-TbCustomScalarLayout' }
    ) {
        $parameters = (Get-Command $Command).Parameters
        $parameters['Writer'].ParameterSets.Keys | Should -Be @('Writer')
        $parameters['Writer'].ParameterSets['Writer'].IsMandatory | Should -BeTrue
        $parameters['LogDir'].ParameterSets.Keys | Should -Be @('LogDir')
        $parameters['LogDir'].ParameterSets['LogDir'].IsMandatory | Should -BeTrue
        foreach ($name in 'Step', 'WallTime', 'Run') {
            $parameters[$name].ParameterSets['__AllParameterSets'].ValueFromPipelineByPropertyName | Should -BeTrue -Because "-$name"
        }
        $parameters['Step'].ParameterType | Should -Be ([Nullable[long]])
        $parameters['PassThru'].ParameterType | Should -Be ([switch])
    }

    It '<Command> supports -WhatIf and -Confirm' -ForEach @(
        @{ Command = 'Save-TbMedia' }
        @{ Command = 'Export-TbImageGrid' }
    ) {
        (Get-Command $Command).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command $Command).Parameters.Keys | Should -Contain 'Confirm'
    }
}
