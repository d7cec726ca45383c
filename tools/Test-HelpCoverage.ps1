<#
.SYNOPSIS
    Checks that the markdown help in docs/ matches the cmdlets of the built module.

.DESCRIPTION
    Imports the module and compares, for every exported cmdlet, its docs/<Verb-Noun>.md page with
    what PowerShell knows about the cmdlet:

      - every cmdlet has a page, and every page has a cmdlet;
      - each SYNTAX block equals `Get-Command <cmdlet> -Syntax` for its parameter set (the
        `### <Set>` headings name the sets, `(Default)` marks the default one);
      - every parameter (common parameters excluded, -WhatIf and -Confirm included) is
        documented, and no other;
      - each parameter's metadata block gives the real type, parameter sets, aliases, required,
        position and pipeline input, and for an enum the accepted values;
      - every page has at least three examples, at least one of them a pipeline into or out of
        the page's cmdlet (Test-PipelineExample: a '|' in a string or comment, or a pipeline of
        other commands, does not count).

    Throws with the list of every mismatch found; prints one summary line when all is well.
    Run it in a fresh pwsh: it imports the module with -Force.

.PARAMETER ModulePath
    The module manifest to check, e.g. ./out/TbPowerShell/TbPowerShell.psd1.

.PARAMETER DocsPath
    The folder of the markdown pages, e.g. ./docs.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./tools/Test-HelpCoverage.ps1 -ModulePath ./out/TbPowerShell/TbPowerShell.psd1 -DocsPath ./docs
#>
param([string] $ModulePath, [string] $DocsPath)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if ([string]::IsNullOrWhiteSpace($ModulePath)) { throw 'Give -ModulePath, the module manifest to check.' }
if ([string]::IsNullOrWhiteSpace($DocsPath)) { throw 'Give -DocsPath, the folder of the markdown help.' }
$DocsPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DocsPath)
if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) { throw "The docs folder '$DocsPath' does not exist." }

. (Join-Path $PSScriptRoot 'PipelineExample.ps1')

$module = Import-Module $ModulePath -Force -PassThru
# -WhatIf and -Confirm are documented like any other parameter, as platyPS documents them: they
# appear in the syntax, and Build-Help requires every parameter of the syntax to be documented.
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'
$problems = [System.Collections.Generic.List[string]]::new()

function Get-FriendlyTypeName {
    # The type as the pages write it: Int64 for long and long?, String[] for string[].
    param([type] $Type)
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
    return $Type.Name
}

function Get-Section {
    # The lines under "$Prefix<title>" headings (outside code fences), as an ordered map title -> lines.
    param([string[]] $Lines, [string] $Prefix)
    $map = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix.TrimEnd() + '#')) {
            $current = $line.Substring($Prefix.Length).Trim()
            $map[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $map[$current].Add($line) }
    }
    return $map
}

function Get-Fenced {
    # The fenced code blocks of $Lines as @{ Lang; Text }.
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $lang = $null
    $body = $null
    foreach ($line in $Lines) {
        if ($null -eq $body -and $line -match '^\s*```\s*([\w-]*)\s*$') {
            $lang = $Matches[1]
            $body = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $body -and $line.Trim() -eq '```') {
            $blocks.Add([pscustomobject]@{ Lang = $lang; Text = $body -join "`n" })
            $body = $null
        }
        elseif ($null -ne $body) { $body.Add($line) }
    }
    return $blocks.ToArray()
}

function ConvertTo-Normalized([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File | Where-Object BaseName -NotLike 'about_*')
foreach ($page in $pages) {
    if ($page.BaseName -notin $cmdlets.Name) { $problems.Add("$($page.Name): no cmdlet $($page.BaseName) in the module (extra page).") }
}

foreach ($cmd in $cmdlets) {
    $page = Join-Path $DocsPath "$($cmd.Name).md"
    if (-not (Test-Path -LiteralPath $page)) { $problems.Add("$($cmd.Name): no help page $page (missing page)."); continue }
    $lines = [string[]] ([System.IO.File]::ReadAllText($page) -split '\r?\n')
    $sections = Get-Section $lines '## '
    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.Contains($required)) { $problems.Add("$($cmd.Name): no '## $required' section.") }
    }
    if (-not ($sections.Contains('SYNTAX') -and $sections.Contains('PARAMETERS'))) { continue }

    # --- SYNTAX against Get-Command -Syntax, set by set.
    $sets = @($cmd.ParameterSets)
    $bySet = Get-Section ([string[]] $sections['SYNTAX']) '### '
    if ($sets.Count -eq 1) {
        $blocks = @(Get-Fenced ([string[]] $sections['SYNTAX']))
        $documented = @{ $sets[0].Name = $blocks }
        if ($bySet.Count -gt 0) { $problems.Add("$($cmd.Name): SYNTAX has set headings, but the cmdlet has one parameter set.") }
    }
    else {
        $documented = @{}
        foreach ($title in $bySet.Keys) {
            $setName = $title -replace '\s*\(Default\)\s*$', ''
            $set = $sets | Where-Object Name -EQ $setName
            if (-not $set) { $problems.Add("$($cmd.Name): SYNTAX documents a parameter set '$setName' the cmdlet does not have (extra set)."); continue }
            if ($set.IsDefault -ne ($title -match '\(Default\)\s*$')) {
                $problems.Add("$($cmd.Name): SYNTAX '### $title': '(Default)' must mark exactly the default set, which is '$(($sets | Where-Object IsDefault).Name)'.")
            }
            $documented[$setName] = @(Get-Fenced ([string[]] $bySet[$title]))
        }
        $order = @($bySet.Keys | ForEach-Object { $_ -replace '\s*\(Default\)\s*$', '' })
        $expectedOrder = @($sets.Name | Where-Object { $_ -in $order })
        if (($order -join ',') -ne ($expectedOrder -join ',')) {
            $problems.Add("$($cmd.Name): SYNTAX lists the sets as $($order -join ', '); Get-Command -Syntax lists $($sets.Name -join ', ').")
        }
    }
    foreach ($set in $sets) {
        $expected = ConvertTo-Normalized "$($cmd.Name) $set"
        if (-not $documented.ContainsKey($set.Name)) { $problems.Add("$($cmd.Name): SYNTAX does not document the parameter set '$($set.Name)': $expected"); continue }
        $blocks = @($documented[$set.Name])
        if ($blocks.Count -ne 1) { $problems.Add("$($cmd.Name): SYNTAX of set '$($set.Name)' must be one fenced block, found $($blocks.Count)."); continue }
        $actual = ConvertTo-Normalized $blocks[0].Text
        if ($actual -cne $expected) {
            $problems.Add("$($cmd.Name): SYNTAX of set '$($set.Name)' differs from Get-Command -Syntax.`n    doc:  $actual`n    real: $expected")
        }
    }

    # --- PARAMETERS against the cmdlet's parameters.
    $realParams = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $commonParameters })
    $docParams = Get-Section ([string[]] $sections['PARAMETERS']) '### '
    $docNames = @($docParams.Keys | Where-Object { $_ -ne 'CommonParameters' } | ForEach-Object { $_ -replace '^-', '' })
    foreach ($p in $realParams) {
        if ($p.Name -notin $docNames) { $problems.Add("$($cmd.Name): the parameter -$($p.Name) is not documented (missing parameter).") }
    }
    foreach ($n in $docNames) {
        if ($n -notin $realParams.Name) { $problems.Add("$($cmd.Name): -$n is documented but the cmdlet has no such parameter (extra parameter).") }
    }

    foreach ($p in $realParams | Where-Object { $_.Name -in $docNames }) {
        $where = "$($cmd.Name) -$($p.Name)"
        $yamlBlocks = @(Get-Fenced ([string[]] $docParams["-$($p.Name)"]) | Where-Object Lang -EQ 'yaml')
        if ($yamlBlocks.Count -eq 0) { $problems.Add($where + ': no ```yaml metadata block.'); continue }
        $allSets = @($sets.Name)
        $realSets = @($sets | Where-Object { $_.Parameters.Name -contains $p.Name } | ForEach-Object Name)
        $coveredSets = [System.Collections.Generic.List[string]]::new()
        foreach ($block in $yamlBlocks) {
            $meta = @{}
            foreach ($line in $block.Text -split "`n") {
                if ($line -match '^\s*([A-Za-z][A-Za-z ]*):\s*(.*)$') { $meta[$Matches[1].Trim()] = $Matches[2].Trim() }
            }
            $expectedType = Get-FriendlyTypeName $p.ParameterType
            if ($meta['Type'] -cne $expectedType) { $problems.Add("${where}: Type is '$($meta['Type'])', the parameter's type is $expectedType.") }

            $setsText = [string] $meta['Parameter Sets']
            $namedSets = @($setsText.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
            if ($namedSets -contains '(All)') {
                if ($realSets.Count -ne $allSets.Count) { $problems.Add("${where}: Parameter Sets is (All), but the parameter is only in $($realSets -join ', ').") }
                $namedSets = $realSets
            }
            foreach ($s in $namedSets) {
                if ($s -notin $realSets) { $problems.Add("${where}: Parameter Sets names '$s', a set the parameter is not in (it is in $($realSets -join ', '))."); continue }
                $coveredSets.Add($s)
                $set = $sets | Where-Object Name -EQ $s
                $real = $set.Parameters | Where-Object Name -EQ $p.Name
                $required = if ($real.IsMandatory) { 'True' } else { 'False' }
                if ($meta['Required'] -cne $required) { $problems.Add("${where} (set $s): Required is '$($meta['Required'])', really $required.") }
                $position = if ($real.Position -lt 0) { 'Named' } else { [string] $real.Position }
                if ($meta['Position'] -cne $position) { $problems.Add("${where} (set $s): Position is '$($meta['Position'])', really $position.") }
                $how = @()
                if ($real.ValueFromPipeline) { $how += 'ByValue' }
                if ($real.ValueFromPipelineByPropertyName) { $how += 'ByPropertyName' }
                $pipeline = if ($how) { "True ($($how -join ', '))" } else { 'False' }
                if ($meta['Accept pipeline input'] -cne $pipeline) { $problems.Add("${where} (set $s): Accept pipeline input is '$($meta['Accept pipeline input'])', really $pipeline.") }
            }
            $docAliases = @(([string] $meta['Aliases']).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Sort-Object)
            $realAliases = @($p.Aliases | Sort-Object)
            if (($docAliases -join ',') -ne ($realAliases -join ',')) { $problems.Add("${where}: Aliases are '$($docAliases -join ', ')', really '$($realAliases -join ', ')'.") }
            $enumType = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType
            if ($enumType.IsEnum) {
                $docValues = @(([string] $meta['Accepted values']).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
                $realValues = [string[]] [Enum]::GetNames($enumType)
                if (($docValues -join ',') -ne ($realValues -join ',')) { $problems.Add("${where}: Accepted values are '$($docValues -join ', ')', really '$($realValues -join ', ')'.") }
            }
        }
        foreach ($s in $realSets) {
            if ($s -notin $coveredSets) { $problems.Add("${where}: no metadata block covers the parameter set '$s'.") }
        }
    }

    # --- EXAMPLES: at least three, one a pipeline into or out of the cmdlet.
    if ($sections.Contains('EXAMPLES')) {
        $examples = Get-Section ([string[]] $sections['EXAMPLES']) '### '
        if ($examples.Count -lt 3) { $problems.Add("$($cmd.Name): $($examples.Count) example(s); at least 3 are expected.") }
        $pipelines = @($examples.Values | Where-Object {
                @(Get-Fenced ([string[]] $_) | Where-Object { $_.Lang -eq 'powershell' -and (Test-PipelineExample $_.Text $cmd.Name) }).Count -gt 0
            })
        if ($pipelines.Count -eq 0) { $problems.Add("$($cmd.Name): no example pipes into or out of $($cmd.Name).") }
    }
}

if ($problems.Count -gt 0) {
    throw "The help does not match the module ($($problems.Count) problem(s)):`n- " + ($problems -join "`n- ")
}
Write-Host "Help coverage: $($cmdlets.Count) cmdlets, syntax and parameters match the pages in $DocsPath."
