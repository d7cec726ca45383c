#Requires -Modules Pester
# Add-TbCustomScalarLayout: PyTorch's add_custom_scalars dictionary and chart rows give the fixture's layout
# byte for byte; Get-TbEvent -Type Layout reads categories and charts; Add-TbScalars -SingleRun's charts share
# the run's layout; every error id.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbCustomScalarLayoutCommand'
    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "layout$script:dirCounter"
    }
    $FixtureDir = Join-Path $PyTorchFixtures 'custom_scalars'

    # make_fixtures.py's LAYOUT.
    $PyTorchLayout = [ordered]@{
        Taiwan = [ordered]@{ twse = @('Multiline', @('twse/0050', 'twse/2330')) }
        USA    = [ordered]@{
            dow    = @('Margin', @('dow/aaa', 'dow/bbb', 'dow/ccc'))
            nasdaq = @('Margin', @('nasdaq/aaa', 'nasdaq/bbb', 'nasdaq/ccc'))
        }
    }

    function Get-LayoutBytes([string] $Directory) {
        # The layout proto of the last custom_scalars__config__ value, parsed by hand: Event.summary(5) -> Value(1)
        # -> tag(1) / tensor(8) -> string_val(8).
        $last = $null
        foreach ($file in Get-EventFile $Directory) {
            foreach ($record in Read-TfRecord -Path $file.FullName) {
                $summary = Get-ProtoFieldValue @(ConvertFrom-ProtoField $record.Payload) 5
                if ($null -eq $summary) { continue }
                foreach ($value in @(ConvertFrom-ProtoField $summary | Where-Object Field -EQ 1)) {
                    $fields = @(ConvertFrom-ProtoField $value.Value)
                    $tag = [Text.Encoding]::UTF8.GetString((Get-ProtoFieldValue $fields 1))
                    if ($tag -ne 'custom_scalars__config__') { continue }
                    $last = Get-ProtoFieldValue @(ConvertFrom-ProtoField (Get-ProtoFieldValue $fields 8)) 8
                }
            }
        }
        , $last
    }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbCustomScalarLayout writes what PyTorch''s add_custom_scalars wrote' {
    It 'from PyTorch''s dictionary: the same layout bytes' {
        $dir = New-TestDir
        Add-TbCustomScalarLayout -LogDir $dir -Layout $PyTorchLayout
        $theirs = Get-LayoutBytes $FixtureDir
        $theirs.Length | Should -BeGreaterThan 50
        [Convert]::ToBase64String((Get-LayoutBytes $dir)) | Should -BeExactly ([Convert]::ToBase64String($theirs))
        (Get-TbEvent -Type Layout $dir).Step | Should -Be 0
    }

    It 'from chart rows piped in: the same layout bytes' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Category = 'Taiwan'; Title = 'twse'; Multiline = 'twse/0050', 'twse/2330' }
            [pscustomobject]@{ Category = 'USA'; Title = 'dow'; Margin = 'dow/aaa', 'dow/bbb', 'dow/ccc' }
            [pscustomobject]@{ Category = 'USA'; Title = 'nasdaq'; Margin = 'nasdaq/aaa', 'nasdaq/bbb', 'nasdaq/ccc' }
        ) | Add-TbCustomScalarLayout -LogDir $dir
        [Convert]::ToBase64String((Get-LayoutBytes $dir)) | Should -BeExactly ([Convert]::ToBase64String((Get-LayoutBytes $FixtureDir)))
    }

    It 'takes a plain hashtable''s categories and charts in sorted order' {
        $dir = New-TestDir
        Add-TbCustomScalarLayout -LogDir $dir @{ b = @{ y = @('Multiline', @('y/.*')); x = @('Multiline', @('x/.*')) }; a = @{ z = @('Margin', @('v', 'l', 'u')) } }
        $e = Get-TbEvent -Type Layout $dir
        @($e.Categories.Title) | Should -Be @('a', 'b')
        @($e.Charts.Title) | Should -Be @('z', 'x', 'y')
    }
}

Describe 'Get-TbEvent -Type Layout' {
    It 'reads PyTorch''s layout as categories and charts' {
        $e = @(Get-TbEvent -Type Layout -LiteralPath $FixtureDir)
        $e.Count | Should -Be 1
        $e[0] | Should -BeOfType ([TbPowerShell.TbLayoutEvent])
        $e[0].Tag | Should -BeExactly 'custom_scalars__config__'
        @($e[0].Categories.Title) | Should -Be @('Taiwan', 'USA')
        @($e[0].Charts | ForEach-Object { "$($_.Category)/$($_.Title)/$($_.Kind)" }) | Should -Be @('Taiwan/twse/Multiline', 'USA/dow/Margin', 'USA/nasdaq/Margin')
        @($e[0].Charts[0].Tags) | Should -Be @('twse/0050', 'twse/2330')
        $e[0].Charts[2].Margins[0].Upper | Should -BeExactly 'nasdaq/ccc'
        @(Get-TbEvent -Type Tensor -LiteralPath $FixtureDir).Count | Should -Be 0
    }

    It 'copies a layout with Get-TbEvent | Add-TbEvent' {
        $dir = New-TestDir
        Get-TbEvent -Type Layout -LiteralPath $FixtureDir | Add-TbEvent -LogDir $dir
        [Convert]::ToBase64String((Get-LayoutBytes $dir)) | Should -BeExactly ([Convert]::ToBase64String((Get-LayoutBytes $FixtureDir)))
    }
}

Describe 'Add-TbScalars -SingleRun and Add-TbCustomScalarLayout share the run''s layout' {
    It 'keeps the grouped charts after the user''s categories, whichever comes first' {
        $dir = New-TestDir
        Add-TbScalars -LogDir $dir -Tag loss -Value @{ train = 1; val = 2 } -SingleRun -Step 0
        Add-TbCustomScalarLayout -LogDir $dir -Layout $PyTorchLayout
        Add-TbScalars -LogDir $dir -Tag acc -Value @{ train = 1 } -SingleRun -Step 1
        $last = @(Get-TbEvent -Type Layout $dir)[-1]
        @($last.Categories.Title) | Should -Be @('Taiwan', 'USA', 'Grouped scalars')
        @($last.Categories[2].Charts.Title) | Should -Be @('loss', 'acc')
    }
}

Describe 'Add-TbCustomScalarLayout errors' {
    BeforeEach { $dir = New-TestDir }

    It '<Name> is a terminating InvalidLayout' -ForEach @(
        @{ Name = 'a margin chart of two tags'; Layout = @{ c = @{ m = @('Margin', @('a', 'b')) } } }
        @{ Name = 'an unknown chart kind'; Layout = @{ c = @{ m = @('Pie', @('a')) } } }
        @{ Name = 'a category that is not a dictionary'; Layout = @{ c = 'x' } }
        @{ Name = 'an empty layout'; Layout = @{} }
    ) {
        $err = Get-TerminatingError { Add-TbCustomScalarLayout -LogDir $dir -Layout $Layout }
        $err.FullyQualifiedErrorId | Should -BeExactly "InvalidLayout,$AddId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-EventFile $dir).Count | Should -Be 0
    }

    It 'a chart row with both -Multiline and -Margin writes nothing' {
        Add-TbCustomScalarLayout -LogDir $dir -Category c -Title t -Multiline 'a' -Margin 'a', 'b', 'c' -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidLayout,$AddId"
        @(Get-TbEvent -Type Layout $dir).Count | Should -Be 0
    }

    It 'a call with neither a layout nor a chart is an error' {
        Add-TbCustomScalarLayout -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidLayout,$AddId"
    }
}
