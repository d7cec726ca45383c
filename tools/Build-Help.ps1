<#
.SYNOPSIS
    Compiles the markdown help in docs/ into the files Get-Help reads.

.DESCRIPTION
    Reads every docs/<Verb-Noun>.md (platyPS markdown schema 2.0.0) and writes one MAML file with a
    command:command element per page, in the form platyPS's New-ExternalHelp produces, so that
    Get-Help -Full, -Examples and -Parameter work for the binary cmdlets. Every docs/about_*.md
    (platyPS about schema) is converted to plain text, about_<Name>.help.txt, in the folder of
    the MAML file.

    platyPS is not available here; keeping the markdown in its schema lets it take over later.

    A page that breaks the schema (no SYNOPSIS, DESCRIPTION or EXAMPLES, an example without code,
    a parameter without its metadata block, a syntax block naming a parameter that is not
    documented, ...) stops the build with an error naming the file: a broken page never ships.

.PARAMETER DocsPath
    The folder holding the markdown pages.

.PARAMETER OutputPath
    The MAML file to write, normally <module>/en-US/<Assembly>.dll-Help.xml. Its folder is created.

.EXAMPLE
    ./tools/Build-Help.ps1 -DocsPath ./docs -OutputPath ./out/TbPowerShell/en-US/TbPowerShell.dll-Help.xml
#>
param([string] $DocsPath, [string] $OutputPath)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$MsHelpNs = 'http://msdn.microsoft.com/mshelp'
$AboutWidth = 80

#region Markdown reading

function Split-FrontMatter {
    # Returns the YAML front matter (a hashtable of "key: value" lines) and the remaining lines.
    param([string[]] $Lines, [string] $File)
    $meta = [ordered]@{}
    if ($Lines.Count -eq 0 -or $Lines[0].Trim() -ne '---') {
        return @{ Meta = $meta; Body = $Lines }
    }
    $end = -1
    for ($i = 1; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i].Trim() -eq '---') { $end = $i; break }
        if ($Lines[$i] -match '^\s*([^:#][^:]*):\s*(.*)$') {
            $meta[$Matches[1].Trim()] = $Matches[2].Trim()
        }
    }
    if ($end -lt 0) { throw "${File}: the YAML front matter is not closed with '---'." }
    $body = if ($end + 1 -lt $Lines.Count) { $Lines[($end + 1)..($Lines.Count - 1)] } else { @() }
    return @{ Meta = $meta; Body = [string[]] $body }
}

function Split-Heading {
    # Splits lines at headings of exactly $Level '#' (outside fenced code). Returns the lines
    # before the first heading and a list of @{ Title; Lines }.
    param([string[]] $Lines, [int] $Level)
    $prefix = ('#' * $Level) + ' '
    $preamble = [System.Collections.Generic.List[string]]::new()
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($prefix)) {
            $current = [pscustomobject]@{ Title = $line.Substring($prefix.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $sections.Add($current)
            continue
        }
        if ($null -eq $current) { $preamble.Add($line) } else { $current.Lines.Add($line) }
    }
    return [pscustomobject]@{ Preamble = [string[]] $preamble.ToArray(); Sections = $sections.ToArray() }
}

function Get-MarkdownBlock {
    # Splits markdown lines into blocks: Code (fenced), Table, List (one block per item), Text.
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line.Trim() -eq '') { $i++; continue }
        if ($line -match '^\s*(```|~~~)\s*([\w-]*)') {
            $fence = $Matches[1]
            $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne $fence) {
                $code.Add($Lines[$i])
                $i++
            }
            if ($i -ge $Lines.Count) { throw "A fenced code block is not closed (it starts with '$line')." }
            $i++
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = $lang; Lines = [string[]] $code.ToArray() })
            continue
        }
        if ($line.TrimStart().StartsWith('|')) {
            $rows = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i].TrimStart().StartsWith('|')) {
                $rows.Add($Lines[$i].Trim())
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Lang = ''; Lines = [string[]] $rows.ToArray() })
            continue
        }
        if ($line -match '^(\s*)([-*]|\d+\.)\s+(.*)$') {
            $item = [System.Collections.Generic.List[string]]::new()
            $item.Add($line.Trim())
            $i++
            # Continuation lines: indented, not a new item, not blank.
            while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne '' -and $Lines[$i] -match '^\s+\S' -and
                $Lines[$i] -notmatch '^\s*([-*]|\d+\.)\s+' -and $Lines[$i] -notmatch '^\s*(```|~~~)') {
                $item.Add($Lines[$i].Trim())
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'List'; Lang = ''; Lines = [string[]] $item.ToArray() })
            continue
        }
        $text = [System.Collections.Generic.List[string]]::new()
        while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne '' -and $Lines[$i] -notmatch '^\s*(```|~~~)' -and
            -not $Lines[$i].TrimStart().StartsWith('|') -and $Lines[$i] -notmatch '^\s*([-*]|\d+\.)\s+') {
            $text.Add($Lines[$i].Trim())
            $i++
        }
        $blocks.Add([pscustomobject]@{ Kind = 'Text'; Lang = ''; Lines = [string[]] $text.ToArray() })
    }
    return , $blocks.ToArray()
}

function ConvertFrom-InlineMarkdown {
    # Plain text for Get-Help: drops emphasis markers, turns [text](url) into "text (url)".
    param([string] $Text)
    $t = $Text -replace '\*\*([^*]+)\*\*', '$1' -replace '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1'
    $t = [regex]::Replace($t, '\[([^\]]+)\]\(([^)]*)\)', {
            param($m)
            $label = $m.Groups[1].Value
            $url = $m.Groups[2].Value
            if ($url -eq '' -or $url -eq $label -or $url.EndsWith('.md')) { $label } else { "$label ($url)" }
        })
    return $t
}

function ConvertTo-Paragraph {
    # Markdown lines -> the paragraphs of a maml:description (one string each).
    param([string[]] $Lines)
    $paras = [System.Collections.Generic.List[string]]::new()
    foreach ($block in (Get-MarkdownBlock $Lines)) {
        switch ($block.Kind) {
            'Text' { $paras.Add((ConvertFrom-InlineMarkdown ($block.Lines -join ' '))) }
            'List' { $paras.Add((ConvertFrom-InlineMarkdown ($block.Lines -join ' '))) }
            'Table' {
                # Separator rows (|---|---|) carry no text.
                $rows = $block.Lines | Where-Object { $_ -notmatch '^\|[\s:|-]+\|$' } | ForEach-Object {
                    ($_.Trim('|').Split('|') | ForEach-Object { (ConvertFrom-InlineMarkdown $_.Trim()) }) -join ' | '
                }
                foreach ($row in $rows) { $paras.Add($row) }
            }
            # Get-Help keeps the line breaks of a paragraph (and trims its start).
            'Code' { $paras.Add($block.Lines -join "`n") }
        }
    }
    return , [string[]] $paras.ToArray()
}

function Read-ParameterMetadata {
    # Parses the ```yaml block of a parameter into a metadata object.
    param([string[]] $Lines, [string] $Where)
    $map = @{}
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { continue }
        if ($line -notmatch '^\s*([A-Za-z][A-Za-z ]*):\s*(.*)$') { throw "${Where}: cannot read the metadata line '$line'." }
        $map[$Matches[1].Trim()] = $Matches[2].Trim()
    }
    foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position', 'Accept pipeline input', 'Accept wildcard characters') {
        if (-not $map.ContainsKey($key)) { throw "${Where}: the metadata block has no '${key}:' line." }
    }
    $split = { param($v) if ([string]::IsNullOrWhiteSpace($v)) { , @() } else { , @($v.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) } }
    $required = $map['Required']
    if ($required -notin 'True', 'False') { throw "${Where}: 'Required: $required' is neither True nor False." }
    $globbing = $map['Accept wildcard characters']
    if ($globbing -notin 'True', 'False') { throw "${Where}: 'Accept wildcard characters: $globbing' is neither True nor False." }
    $position = $map['Position']
    if ($position -notmatch '^(\d+|Named)$') { throw "${Where}: 'Position: $position' is neither a number nor Named." }
    $pipeline = $map['Accept pipeline input']
    if ($pipeline -notmatch '^(False|True \((ByValue|ByPropertyName|ByValue, ByPropertyName)\))$') {
        throw "${Where}: 'Accept pipeline input: $pipeline' is not False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName)."
    }
    [pscustomobject]@{
        Type           = $map['Type']
        ParameterSets  = & $split $map['Parameter Sets']
        Aliases        = & $split ($map['Aliases'] ?? '')
        AcceptedValues = & $split ($map['Accepted values'] ?? '')
        Required       = $required -eq 'True'
        Position       = if ($position -eq 'Named') { 'named' } else { $position }
        DefaultValue   = if ([string]::IsNullOrWhiteSpace($map['Default value'])) { 'None' } else { $map['Default value'] }
        PipelineInput  = $pipeline
        Globbing       = $globbing -eq 'True'
    }
}

function Get-SectionMap {
    param([object[]] $Sections, [string] $File)
    $map = [ordered]@{}
    foreach ($s in $Sections) {
        $key = $s.Title.ToUpperInvariant()
        if ($map.Contains($key)) { throw "${File}: the section '## $($s.Title)' appears twice." }
        $map[$key] = $s
    }
    return $map
}

function Read-CommandPage {
    # Reads one docs/<Verb-Noun>.md into a model of the command's help; throws on a malformed page.
    param([System.IO.FileInfo] $File)
    $name = $File.BaseName
    $raw = [System.IO.File]::ReadAllText($File.FullName)
    $lines = [string[]] ($raw -split '\r?\n')
    $front = Split-FrontMatter $lines $File.Name
    foreach ($key in 'external help file', 'schema') {
        if (-not $front.Meta.Contains($key)) { throw "$($File.Name): the front matter has no '${key}:' line." }
    }
    if ($front.Meta['schema'] -ne '2.0.0') { throw "$($File.Name): schema '$($front.Meta['schema'])' is not 2.0.0." }

    $top = Split-Heading $front.Body 1
    if ($top.Sections.Count -ne 1) { throw "$($File.Name): expected exactly one '# $name' heading, found $($top.Sections.Count)." }
    if ($top.Sections[0].Title -cne $name) { throw "$($File.Name): the page is titled '$($top.Sections[0].Title)', not '$name'." }

    $sections = Get-SectionMap (Split-Heading ([string[]] $top.Sections[0].Lines) 2).Sections $File.Name
    $known = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
    foreach ($key in $sections.Keys) {
        if ($key -notin $known) { throw "$($File.Name): unknown section '## $key' (platyPS knows: $($known -join ', '))." }
    }
    foreach ($key in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.Contains($key)) { throw "$($File.Name): the required section '## $key' is missing." }
    }

    $synopsis = ConvertTo-Paragraph ([string[]] $sections['SYNOPSIS'].Lines)
    if ($synopsis.Count -eq 0) { throw "$($File.Name): the SYNOPSIS is empty." }
    $description = ConvertTo-Paragraph ([string[]] $sections['DESCRIPTION'].Lines)
    if ($description.Count -eq 0) { throw "$($File.Name): the DESCRIPTION is empty." }

    # SYNTAX: one fenced block per parameter set, under "### <Set>" (" (Default)" marks the default)
    # or, for a command with one set, a single block without a heading.
    $syntax = [System.Collections.Generic.List[object]]::new()
    $syntaxSplit = Split-Heading ([string[]] $sections['SYNTAX'].Lines) 3
    $syntaxParts = if ($syntaxSplit.Sections.Count -gt 0) { $syntaxSplit.Sections } else { @([pscustomobject]@{ Title = '(All)'; Lines = $syntaxSplit.Preamble }) }
    foreach ($part in $syntaxParts) {
        $code = @((Get-MarkdownBlock ([string[]] $part.Lines)).Where({ $_.Kind -eq 'Code' }))
        if ($code.Count -ne 1) { throw "$($File.Name): SYNTAX '$($part.Title)' must hold exactly one fenced block, found $($code.Count)." }
        $text = ($code[0].Lines | ForEach-Object { $_.Trim() }) -join ' '
        if (-not $text.StartsWith("$name ", [StringComparison]::Ordinal) -and $text -ne $name) {
            throw "$($File.Name): the syntax '$text' does not start with '$name'."
        }
        $setName = $part.Title -replace '\s*\(Default\)\s*$', ''
        $names = [string[]] @([regex]::Matches($text, '(?<=[\s\[])-(\w+)') | ForEach-Object { $_.Groups[1].Value })
        $syntax.Add([pscustomobject]@{ SetName = $setName; IsDefault = $part.Title -match '\(Default\)\s*$'; Text = $text; ParameterNames = $names })
    }

    $examples = [System.Collections.Generic.List[object]]::new()
    foreach ($ex in (Split-Heading ([string[]] $sections['EXAMPLES'].Lines) 3).Sections) {
        $blocks = Get-MarkdownBlock ([string[]] $ex.Lines)
        $first = -1
        for ($b = 0; $b -lt $blocks.Count; $b++) { if ($blocks[$b].Kind -eq 'Code') { $first = $b; break } }
        if ($first -lt 0) { throw "$($File.Name): the example '$($ex.Title)' has no code block." }
        $last = $first
        while ($last + 1 -lt $blocks.Count -and $blocks[$last + 1].Kind -eq 'Code' -and $blocks[$last + 1].Lang -in 'powershell', 'PowerShell', 'ps') { $last++ }
        $code = ($blocks[$first..$last] | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n"
        $remarkLines = [System.Collections.Generic.List[string]]::new()
        for ($b = 0; $b -lt $blocks.Count; $b++) {
            if ($b -ge $first -and $b -le $last) { continue }
            $block = $blocks[$b]
            if ($block.Kind -eq 'Code') { $remarkLines.Add('```'); $remarkLines.AddRange([string[]] $block.Lines); $remarkLines.Add('```') }
            else { $remarkLines.AddRange([string[]] $block.Lines) }
            $remarkLines.Add('')
        }
        $examples.Add([pscustomobject]@{ Title = $ex.Title; Code = $code; Remarks = ConvertTo-Paragraph ([string[]] $remarkLines.ToArray()) })
    }
    if ($examples.Count -eq 0) { throw "$($File.Name): EXAMPLES holds no '### Example' subsection." }

    $parameters = [System.Collections.Generic.List[object]]::new()
    foreach ($p in (Split-Heading ([string[]] $sections['PARAMETERS'].Lines) 3).Sections) {
        if ($p.Title -eq 'CommonParameters') { continue }
        if ($p.Title -notmatch '^-(\w+)$') { throw "$($File.Name): the parameter heading '### $($p.Title)' is not '### -Name'." }
        $pName = $Matches[1]
        $where = "$($File.Name) -$pName"
        $blocks = Get-MarkdownBlock ([string[]] $p.Lines)
        $meta = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Lang -eq 'yaml' } | ForEach-Object { Read-ParameterMetadata ([string[]] $_.Lines) $where })
        if ($meta.Count -eq 0) { throw ($where + ': no ```yaml metadata block.') }
        $descLines = [System.Collections.Generic.List[string]]::new()
        foreach ($b in $blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Lang -eq 'yaml') }) {
            if ($b.Kind -eq 'Code') { $descLines.Add('```'); $descLines.AddRange([string[]] $b.Lines); $descLines.Add('```') }
            else { $descLines.AddRange([string[]] $b.Lines) }
            $descLines.Add('')
        }
        $desc = ConvertTo-Paragraph ([string[]] $descLines.ToArray())
        if ($desc.Count -eq 0) { throw "${where}: the parameter has no description." }
        $parameters.Add([pscustomobject]@{ Name = $pName; Description = $desc; Metadata = $meta })
    }

    # Every parameter a syntax block names must be documented, in a matching parameter set.
    foreach ($s in $syntax) {
        foreach ($n in $s.ParameterNames) {
            $param = $parameters | Where-Object Name -EQ $n
            if (-not $param) { throw "$($File.Name): SYNTAX '$($s.SetName)' names -$n, which PARAMETERS does not document." }
            if (-not (Select-ParameterMetadata $param $s.SetName)) {
                throw "$($File.Name): -$n appears in SYNTAX '$($s.SetName)' but its metadata does not list that parameter set."
            }
        }
    }

    $typed = {
        param([string[]] $SectionLines)
        $list = [System.Collections.Generic.List[object]]::new()
        foreach ($t in (Split-Heading $SectionLines 3).Sections) {
            $list.Add([pscustomobject]@{ Type = $t.Title; Description = ConvertTo-Paragraph ([string[]] $t.Lines) })
        }
        , $list.ToArray()
    }
    $inputs = if ($sections.Contains('INPUTS')) { & $typed ([string[]] $sections['INPUTS'].Lines) } else { @() }
    $outputs = if ($sections.Contains('OUTPUTS')) { & $typed ([string[]] $sections['OUTPUTS'].Lines) } else { @() }
    $notes = if ($sections.Contains('NOTES')) { ConvertTo-Paragraph ([string[]] $sections['NOTES'].Lines) } else { [string[]] @() }

    $links = [System.Collections.Generic.List[object]]::new()
    if ($front.Meta.Contains('online version') -and $front.Meta['online version']) {
        $links.Add([pscustomobject]@{ Text = 'Online Version:'; Uri = $front.Meta['online version'] })
    }
    if ($sections.Contains('RELATED LINKS')) {
        foreach ($line in $sections['RELATED LINKS'].Lines) {
            if ($line.Trim() -eq '') { continue }
            if ($line -notmatch '^\s*(?:[-*]\s+)?\[([^\]]+)\]\(([^)]*)\)\s*$') { throw "$($File.Name): the related link '$line' is not '[text](url)'." }
            $uri = if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }
            $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $uri })
        }
    }

    $verb, $noun = $name.Split('-', 2)
    [pscustomobject]@{
        Name        = $name
        Verb        = $verb
        Noun        = $noun
        Synopsis    = $synopsis
        Description = $description
        Syntax      = $syntax.ToArray()
        Examples    = $examples.ToArray()
        Parameters  = $parameters.ToArray()
        Inputs      = $inputs
        Outputs     = $outputs
        Notes       = $notes
        Links       = $links.ToArray()
    }
}

function Select-ParameterMetadata {
    # The metadata block of $Parameter that applies to parameter set $SetName, or $null.
    param([object] $Parameter, [string] $SetName)
    foreach ($m in $Parameter.Metadata) {
        if ($m.ParameterSets -contains '(All)' -or $m.ParameterSets -contains $SetName -or $SetName -eq '(All)') { return $m }
    }
    return $null
}

#endregion

#region MAML writing

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    foreach ($p in $Paragraphs) {
        $Writer.WriteElementString('maml', 'para', $MamlNs, $p)
    }
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, [object] $Parameter, [object] $Metadata, [bool] $InSyntax)
    $isSwitch = $Metadata.Type -eq 'SwitchParameter'
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', $Metadata.Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Metadata.Type.EndsWith('[]').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $Metadata.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Metadata.PipelineInput)
    $Writer.WriteAttributeString('position', $Metadata.Position)
    $Writer.WriteAttributeString('aliases', $(if ($Metadata.Aliases.Count -gt 0) { $Metadata.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.Name)
    $Writer.WriteStartElement('maml', 'Description', $MamlNs)
    Write-Para $Writer $Parameter.Description
    $Writer.WriteEndElement()
    if ($InSyntax -and $Metadata.AcceptedValues.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $CommandNs)
        foreach ($v in $Metadata.AcceptedValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($v)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $isSwitch)) {
        # As platyPS: a switch has no value in the syntax.
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Metadata.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNs)
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Metadata.Type)
    $Writer.WriteElementString('maml', 'uri', $MamlNs, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $DevNs, $Metadata.DefaultValue)
    $Writer.WriteEndElement()
}

function Write-TypedList {
    param([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, [object[]] $Items)
    $Writer.WriteStartElement('command', $ListName, $CommandNs)
    foreach ($item in $Items) {
        $Writer.WriteStartElement('command', $ItemName, $CommandNs)
        $Writer.WriteStartElement('dev', 'type', $DevNs)
        $Writer.WriteElementString('maml', 'name', $MamlNs, $item.Type)
        $Writer.WriteEndElement()
        $Writer.WriteStartElement('maml', 'description', $MamlNs)
        Write-Para $Writer $item.Description
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Command {
    param([System.Xml.XmlWriter] $Writer, [object] $Help)
    $Writer.WriteStartElement('command', 'command', $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $DevNs)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, $MsHelpNs)

    $Writer.WriteStartElement('command', 'details', $CommandNs)
    $Writer.WriteElementString('command', 'name', $CommandNs, $Help.Name)
    $Writer.WriteElementString('command', 'verb', $CommandNs, $Help.Verb)
    $Writer.WriteElementString('command', 'noun', $CommandNs, $Help.Noun)
    $Writer.WriteStartElement('maml', 'description', $MamlNs)
    Write-Para $Writer $Help.Synopsis
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('maml', 'description', $MamlNs)
    Write-Para $Writer $Help.Description
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'syntax', $CommandNs)
    foreach ($s in $Help.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $Writer.WriteElementString('maml', 'name', $MamlNs, $Help.Name)
        # In the order of the markdown syntax block, which is Get-Command -Syntax's order.
        foreach ($n in $s.ParameterNames) {
            $param = $Help.Parameters | Where-Object Name -EQ $n
            Write-Parameter $Writer $param (Select-ParameterMetadata $param $s.SetName) $true
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($p in $Help.Parameters) {
        Write-Parameter $Writer $p $p.Metadata[0] $false
    }
    $Writer.WriteEndElement()

    Write-TypedList $Writer 'inputTypes' 'inputType' $Help.Inputs
    Write-TypedList $Writer 'returnValues' 'returnValue' $Help.Outputs

    $Writer.WriteStartElement('maml', 'alertSet', $MamlNs)
    $Writer.WriteStartElement('maml', 'alert', $MamlNs)
    Write-Para $Writer $Help.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $CommandNs)
    foreach ($ex in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $CommandNs)
        $dashes = '-' * [Math]::Max(4, [int]((64 - $ex.Title.Length) / 2))
        $Writer.WriteElementString('maml', 'title', $MamlNs, "$dashes $($ex.Title) $dashes")
        $Writer.WriteElementString('dev', 'code', $DevNs, $ex.Code)
        $Writer.WriteStartElement('dev', 'remarks', $DevNs)
        # The empty paragraph separates this example from the next title in Get-Help's view.
        Write-Para $Writer ([string[]] ($ex.Remarks + ''))
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('maml', 'relatedLinks', $MamlNs)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $MamlNs, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

#endregion

#region About topics

function Format-Wrapped {
    # Wraps $Text to $AboutWidth columns; the first line starts with $First, the others with $Rest.
    param([string] $Text, [string] $First, [string] $Rest)
    $out = [System.Collections.Generic.List[string]]::new()
    $line = $First
    $lineHasWord = $false
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($lineHasWord -and $line.Length + 1 + $word.Length -gt $AboutWidth) {
            $out.Add($line)
            $line = $Rest + $word
        }
        elseif ($lineHasWord) { $line += ' ' + $word }
        else { $line += $word }
        $lineHasWord = $true
    }
    if ($lineHasWord) { $out.Add($line) }
    return , [string[]] $out.ToArray()
}

function ConvertTo-AboutText {
    # platyPS's about conversion: the first heading becomes TOPIC, the second (the file name for
    # the help system) follows indented; level-1 headings in capitals; text indented 4 and
    # wrapped at 80 columns; code and tables kept as they are, indented.
    param([System.IO.FileInfo] $File)
    $lines = [string[]] ([System.IO.File]::ReadAllText($File.FullName) -split '\r?\n')
    $lines = (Split-FrontMatter $lines $File.Name).Body
    $out = [System.Collections.Generic.List[string]]::new()
    $headingCount = 0
    $seen = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $chunk = [System.Collections.Generic.List[string]]::new()
    $flush = {
        $blocks = Get-MarkdownBlock ([string[]] $chunk.ToArray())
        for ($i = 0; $i -lt $blocks.Count; $i++) {
            $block = $blocks[$i]
            switch ($block.Kind) {
                'Text' { $out.AddRange((Format-Wrapped (ConvertFrom-InlineMarkdown ($block.Lines -join ' ')) '    ' '    ')) }
                'List' {
                    $text = ConvertFrom-InlineMarkdown ($block.Lines -join ' ')
                    if ($text -match '^([-*]|\d+\.)\s+(.*)$') {
                        $marker = $Matches[1] -replace '^\*$', '-'
                        $out.AddRange((Format-Wrapped $Matches[2] "    $marker " ('    ' + (' ' * ($marker.Length + 1)))))
                    }
                }
                'Table' {
                    foreach ($row in $block.Lines) { $out.Add('    ' + (ConvertFrom-InlineMarkdown $row)) }
                }
                'Code' { foreach ($l in $block.Lines) { $out.Add(('    ' + $l).TrimEnd()) } }
            }
            # The items of one list stay together.
            if (-not ($block.Kind -eq 'List' -and $i + 1 -lt $blocks.Count -and $blocks[$i + 1].Kind -eq 'List')) { $out.Add('') }
        }
        $chunk.Clear()
    }
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#{1,6})\s+(.*)$') {
            & $flush
            $level = $Matches[1].Length
            $title = $Matches[2].Trim()
            $headingCount++
            if ($headingCount -eq 1) { $out.Add('TOPIC') }
            elseif ($headingCount -eq 2 -and $level -eq 2) {
                if ($title -ne "about_$($File.BaseName -replace '^about_', '')") {
                    throw "$($File.Name): the second heading must be the help-system name '$($File.BaseName)', not '$title'."
                }
                $out.Add("    $title"); $out.Add('')
            }
            elseif ($level -eq 1) { $out.Add($title.ToUpperInvariant()); [void] $seen.Add($title) }
            elseif ($level -eq 2) { $out.Add($title) }
            else { $out.Add('    ' + $title.ToUpperInvariant()) }
            continue
        }
        $chunk.Add($line)
    }
    & $flush
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if (-not $seen.Contains($required)) { throw "$($File.Name): the about topic has no '# $required' section." }
    }
    # No run of blank lines, no trailing blank lines.
    $text = (($out -join "`n") -replace "\n{3,}", "`n`n").TrimEnd() + "`n"
    return $text
}

#endregion

if ([string]::IsNullOrWhiteSpace($DocsPath)) { throw 'Give -DocsPath, the folder of the markdown help.' }
if ([string]::IsNullOrWhiteSpace($OutputPath)) { throw 'Give -OutputPath, the MAML file to write.' }
$DocsPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DocsPath)
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) { throw "The docs folder '$DocsPath' does not exist." }

$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File |
        Where-Object { $_.BaseName -match '^[A-Za-z]+-[A-Za-z0-9]+$' } |
        Sort-Object Name)
if ($pages.Count -eq 0) { throw "No <Verb-Noun>.md help page in '$DocsPath'." }
$helps = foreach ($page in $pages) { Read-CommandPage $page }

$outDir = Split-Path -Parent $OutputPath
[void] [System.IO.Directory]::CreateDirectory($outDir)
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($help in $helps) { Write-Command $writer $help }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

$abouts = @(Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' -File | Sort-Object Name)
foreach ($about in $abouts) {
    $target = Join-Path $outDir "$($about.BaseName).help.txt"
    [System.IO.File]::WriteAllText($target, (ConvertTo-AboutText $about), [System.Text.UTF8Encoding]::new($false))
}

Write-Host "Help: $($helps.Count) commands -> $OutputPath; $($abouts.Count) about topic(s)."
