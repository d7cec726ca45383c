#Requires -Modules Pester
# The event objects of Get-TbEvent as PowerShell shows them, one type at a time: the CSV header
# (Export-Csv and ConvertTo-Csv take their columns from PowerShell's property order), the
# properties of Select-Object * and Format-List *, the members ConvertTo-Json writes (hidden ones
# included, in declaration order), the hidden properties, the table view and ToString.
# PowerShell lists a class's own properties before those it inherits, so these pins are what keeps
# Run, Tag, Step and WallTime first now that the types share a base class; the values were measured
# on the types before they had one.

BeforeDiscovery {
    $typeCases = @(
        @{
            Type    = 'TbScalarEvent'; Folder = 'scalars'
            Csv     = '"Run","Tag","Step","WallTime","Value"'
            Json    = 'Run,Tag,Step,WallTime,Value,File'
            Hidden  = 'File,Timestamp'
            Columns = 'Tag Step WallTime Value'
            Text    = '. loss @0 = 1'
        }
        @{
            Type    = 'TbSmoothedScalarEvent'; Folder = 'scalars'
            Csv     = '"Run","Tag","Step","WallTime","Value","Smoothed"'
            Json    = 'Run,Tag,Step,WallTime,Value,Smoothed,File'
            Hidden  = 'File,Timestamp'
            Columns = 'Tag Step WallTime Value Smoothed'
            Text    = '. loss @0 = 1 (smoothed 1)'
        }
        @{
            Type    = 'TbImageEvent'; Folder = 'image'
            Csv     = '"Run","Tag","Step","WallTime","Width","Height","Channels","Format","Size","Frames"'
            # The bytes go to JSON once, as base64 (BytesBase64); Bytes stays the byte array everywhere else.
            Json    = 'Run,Tag,Step,WallTime,Width,Height,Channels,Format,Size,Frames,BytesBase64,Sample,File'
            Hidden  = 'Bytes,BytesBase64,File,Sample,Timestamp'
            Columns = 'Tag Step WallTime Width Height Channels Format Size'
            Text    = '. gray_hw @0: 24x16 png'
        }
        @{
            Type    = 'TbAudioEvent'; Folder = 'audio'
            Csv     = '"Run","Tag","Step","WallTime","SampleRate","Channels","Frames","ContentType","Size","Duration"'
            Json    = 'Run,Tag,Step,WallTime,SampleRate,Channels,Frames,ContentType,Size,BytesBase64,Sample,Label,File,Duration'
            Hidden  = 'Bytes,BytesBase64,File,Label,Sample,Timestamp'
            Columns = 'Tag Step WallTime SampleRate Channels Frames Duration'
            Text    = '. sine440 @0: 4000 frames at 16000 Hz'
        }
        @{
            Type    = 'TbTextEvent'; Folder = 'text'
            Csv     = '"Run","Tag","Step","WallTime","Text"'
            Json    = 'Run,Tag,Step,WallTime,Text,Strings,Shape,File'
            Hidden  = 'File,Shape,Strings,Timestamp'
            Columns = 'Tag Step WallTime Text'
            Text    = 'hello world'
        }
        @{
            Type    = 'TbHistogramEvent'; Folder = 'histogram'
            Csv     = '"Run","Tag","Step","WallTime","Min","Max","Count","Sum","SumSquares","Mean"'
            Json    = 'Run,Tag,Step,WallTime,Min,Max,Count,Sum,SumSquares,Buckets,File,Mean'
            Hidden  = 'Buckets,CountValue,File,Timestamp'
            Columns = 'Tag Step WallTime Count Min Max Mean Buckets'
            Text    = '. normal @0: 1000 values in [-3.5635166606247353, 2.7638440798495663]'
        }
        @{
            # PR curves are TbPrCurveEvent now: the mesh fixture's first tensor stands for every other tensor.
            # No plugin of the PyTorch fixtures is a plain tensor any more: a run of an unmodelled plugin is written.
            Type    = 'TbTensorEvent'; Folder = 'tensor'
            Csv     = '"Run","Tag","Step","WallTime","Plugin","DType","Shape"'
            Json    = 'Run,Tag,Step,WallTime,Plugin,DType,Shape,Dimensions,Values,StringBytes,PluginContent,RawTensor,File'
            Hidden  = 'Dimensions,File,PluginContent,RawTensor,StringBytes,Timestamp,Values'
            Columns = 'Tag Step WallTime Plugin DType Shape'
            Text    = '. points @0: myplugin DT_FLOAT[1,4,3]'
        }
        @{
            Type    = 'TbPrCurveEvent'; Folder = 'pr_curve'
            Csv     = '"Run","Tag","Step","WallTime","NumThresholds","Rows"'
            Json    = 'Run,Tag,Step,WallTime,NumThresholds,Rows,TruePositive,FalsePositive,TrueNegative,FalseNegative,Precision,Recall,File'
            Hidden  = 'FalseNegative,FalsePositive,File,Precision,Recall,Timestamp,TrueNegative,TruePositive'
            Columns = 'Tag Step WallTime Thresholds Positives Negatives P@0.5 R@0.5'
            Text    = '. pr @0: PR curve of 127 thresholds'
        }
        @{
            Type    = 'TbLayoutEvent'; Folder = 'custom_scalars'
            Csv     = '"Run","Tag","Step","WallTime","Categories","Charts"'
            Json    = 'Run,Tag,Step,WallTime,Categories,Charts,File'
            Hidden  = 'File,Timestamp'
            Columns = 'Step WallTime Categories Charts'
            Text    = '. custom_scalars__config__ @0: 2 categories, 3 charts'
        }
        @{
            Type    = 'TbGraphEvent'; Folder = 'graph'
            Csv     = '"Run","Tag","Step","WallTime","Content","NodeCount","NodeNames","Producer","Devices","Length"'
            Json    = 'Run,Tag,Step,WallTime,Content,NodeCount,NodeNames,Nodes,Producer,Devices,Length,Bytes,File'
            Hidden  = 'Bytes,File,Nodes,Timestamp'
            Columns = 'Tag Step Content NodeCount NodeNames'
            Text    = '. __run_graph__ @0: GraphDef (9 nodes)'
        }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-FirstEvent([string] $Type, [string] $Folder) {
        # The first value of one fixture run, read as $Type (a smoothed scalar with -Smoothing).
        $run = Join-Path $FixtureRoot "pytorch/$Folder"
        if ($Folder -eq 'tensor') {
            # A tensor of a plugin the module does not model: what -Type Tensor is for.
            $run = Join-Path $TestDrive 'tensor'
            if (-not (Test-Path $run)) {
                $record = [TbPowerShell.Core.Model.TensorRecord]::new('points', 0, 1700000000, 'myplugin', 'DT_FLOAT', [long[]](1, 4, 3), [double[]](1..12), $null, [byte[]]@(1, 2))
                $w = [TbPowerShell.TbWriter]::new($run)
                try { $w.AddValue([TbPowerShell.Core.Summaries.RecordEncoder]::Encode([TbPowerShell.Core.Model.ValueRecord]$record), 0, [TbPowerShell.TbTimestamp]::new(1700000000)) }
                finally { $w.Close() }
            }
        }
        $read = if ($Type -eq 'TbSmoothedScalarEvent') { Get-TbEvent -LiteralPath $run -Smoothing 0.6 } else { Get-TbEvent -LiteralPath $run -Type All }
        @($read)[0]
    }
}

Describe 'TbPowerShell.<Type> as PowerShell shows it' -ForEach $typeCases {
    BeforeAll {
        $e = Get-FirstEvent $Type $Folder
        $visible = @(($Csv -replace '"', '') -split ',')
    }

    It 'is the type TbPowerShell.<Type>, sealed' {
        $e.GetType().FullName | Should -BeExactly "TbPowerShell.$Type"
        $e.GetType().IsSealed | Should -BeTrue
        $e.PSObject.TypeNames[0] | Should -BeExactly "TbPowerShell.$Type"
    }

    It 'ConvertTo-Csv writes the header <Csv>' {
        @($e | ConvertTo-Csv)[0] | Should -BeExactly $Csv
    }

    It 'Select-Object * and Format-List * list the CSV columns, in that order' {
        @($e.PSObject.Properties.Name) | Should -BeExactly $visible
        @(($e | Select-Object *).PSObject.Properties.Name) | Should -BeExactly $visible
        $listed = @(($e | Format-List * | Out-String -Width 500) -split '\r?\n' | Where-Object { $_ -match '^(\w+)\s+: ' } | ForEach-Object { $Matches[1] })
        $listed | Should -BeExactly $visible
    }

    It 'ConvertTo-Json writes the members <Json>, in that order' {
        $written = $e | ConvertTo-Json -Depth 1 -Compress -WarningAction SilentlyContinue
        $document = [System.Text.Json.JsonDocument]::Parse($written)
        try { @($document.RootElement.EnumerateObject() | ForEach-Object Name) -join ',' | Should -BeExactly $Json }
        finally { $document.Dispose() }
    }

    It 'ConvertTo-Json writes WallTime as one ISO 8601 string, the CSV''s text, while PowerShell reads the exact timestamp' {
        $doc = $e | ConvertTo-Json -Depth 1 -Compress -WarningAction SilentlyContinue | ConvertFrom-Json -DateKind String
        $doc.WallTime | Should -BeOfType [string]
        $doc.WallTime | Should -BeExactly $e.WallTime.ToString()
        $doc.WallTime | Should -BeExactly (($e | ConvertTo-Csv)[1] -split '","')[3]
        $e.WallTime | Should -BeOfType [TbPowerShell.TbTimestamp]
        $e.WallTime | Should -Be $e.Timestamp
        $e.Timestamp.UnixSeconds | Should -Be ([TbPowerShell.TbTimestamp]::Parse($doc.WallTime).UnixSeconds)
    }

    It 'hides <Hidden> from Get-Member and CSV, and still reads them' {
        $shown = @(($e | Get-Member -MemberType Property).Name)
        $all = @(($e | Get-Member -MemberType Property -Force).Name)
        $shown | Should -BeExactly @($visible | Sort-Object)
        @($all | Where-Object { $_ -notin $shown }) -join ',' | Should -BeExactly $Hidden
        foreach ($name in $Hidden -split ',') {
            { $null = $e.$name } | Should -Not -Throw
        }
        $e.File | Should -BeLike "*$([System.IO.Path]::DirectorySeparatorChar)$Folder$([System.IO.Path]::DirectorySeparatorChar)*tfevents*"
    }

    It 'the default table shows the columns <Columns>, grouped by run' {
        $lines = @(($e | Format-Table | Out-String -Width 500) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0].Trim() | Should -BeExactly 'Run: .'
        ($lines[1].Trim() -replace '\s+', ' ') | Should -BeExactly $Columns
    }

    It 'ToString gives <Text>' {
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::InvariantCulture
            $e.ToString() | Should -BeExactly $Text
        }
        finally { [cultureinfo]::CurrentCulture = $culture }
    }
}
