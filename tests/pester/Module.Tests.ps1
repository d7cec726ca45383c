#Requires -Modules Pester
# The module's surface: what the manifest exports equals what the assembly implements, and every
# cmdlet follows the conventions of STYLE.md (approved verb, <Verb>Tb<Noun>Command, sealed, [OutputType]).

BeforeDiscovery {
    # The per-cmdlet tests are generated from the assembly, so it is loaded at discovery too.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $cmdletCases = @(
        (Get-Module TbPowerShell).ImplementingAssembly.GetTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).Count -gt 0 } |
            Sort-Object FullName |
            ForEach-Object { @{ Name = $_.FullName; Type = $_ } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $module = Get-Module TbPowerShell
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $module.ModuleBase 'TbPowerShell.psd1')
    $assembly = $module.ImplementingAssembly
    $cmdletTypes = @($assembly.GetTypes() | Where-Object {
            $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).Count -gt 0
        })
}

Describe 'The module manifest and the loaded module' {
    It 'loads the binary module from the built output' {
        $module.ModuleType | Should -Be 'Binary'
        $assembly.GetName().Name | Should -Be 'TbPowerShell'
        $module.Version | Should -Be ([version]$manifest.ModuleVersion)
    }

    It 'exports exactly the cmdlets the assembly implements, and the manifest lists exactly those' {
        $implemented = @($cmdletTypes | ForEach-Object {
                $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                "$($a.VerbName)-$($a.NounName)"
            } | Sort-Object)
        $exported = @((Get-Command -Module TbPowerShell -CommandType Cmdlet).Name | Sort-Object)
        $listed = @($manifest.CmdletsToExport | Sort-Object)

        $exported | Should -Be $implemented
        $listed | Should -Be $implemented
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $implemented
        (Get-Command -Module TbPowerShell -CommandType Function, Filter, Cmdlet).CommandType | Sort-Object -Unique | Should -Be 'Cmdlet'
    }

    It 'exports no functions or variables, and only the aliases the issues name' {
        $module.ExportedFunctions.Count | Should -Be 0
        @($module.ExportedAliases.Keys | Where-Object { $_ -notin @($manifest.AliasesToExport) }).Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
        @($manifest.FunctionsToExport).Count | Should -Be 0
        @($manifest.AliasesToExport | Where-Object { $_ -notin 'Add-TbHParams', 'Get-TbHParams' }).Count | Should -Be 0
        @($manifest.VariablesToExport).Count | Should -Be 0
    }

    It 'loads its format file' {
        $manifest.FormatsToProcess | Should -Be @('TbPowerShell.format.ps1xml')
        Test-Path -LiteralPath (Join-Path $module.ModuleBase 'TbPowerShell.format.ps1xml') | Should -BeTrue
        @(Get-FormatData -TypeName 'TbPowerShell.TbScalarEvent').Count | Should -Be 1
        @(Get-FormatData -TypeName 'TbPowerShell.TbWriter').Count | Should -Be 1
    }
}

Describe 'Cmdlet class <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $attribute = $Type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
    }

    It 'is named VerbTbNounCommand (Add-TbScalar: AddTbScalarCommand) in TbPowerShell.Commands' {
        $attribute.NounName | Should -BeLikeExactly 'Tb*'
        $Type.Name | Should -BeExactly "$($attribute.VerbName)$($attribute.NounName)Command"
        $Type.Namespace | Should -BeExactly 'TbPowerShell.Commands'
    }

    It 'is public and sealed' {
        $Type.IsPublic | Should -BeTrue
        $Type.IsSealed | Should -BeTrue
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $attribute.VerbName
    }

    It 'declares an [OutputType] naming public sealed types (of the module, FileInfo for cmdlets that write files, String for Show- cmdlets that draw text)' {
        $output = @($Type.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true))
        $output.Count | Should -BeGreaterThan 0
        foreach ($t in $output.Type) {
            $t.Type | Should -Not -BeNullOrEmpty
            $drawsText = $t.Type -eq [string] -and $attribute.VerbName -eq 'Show'
            if ($t.Type -ne [System.IO.FileInfo] -and -not $drawsText) {
                $t.Type.Assembly.GetName().Name | Should -BeLikeExactly 'TbPowerShell*'
            }
            $t.Type.IsPublic | Should -BeTrue
            $t.Type.IsSealed | Should -BeTrue
        }
    }
}
