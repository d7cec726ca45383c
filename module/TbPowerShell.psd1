@{
    RootModule           = 'TbPowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c7a8e-3f1d-4c7e-9a56-2d8e41f7c0b3'
    Author               = 'TbPowerShell contributors'
    CompanyName          = 'TbPowerShell'
    Copyright            = '(c) TbPowerShell contributors. MIT License.'
    Description          = 'Write, watch and read TensorBoard event files from PowerShell and .NET: scalars, images, audio, text and histograms written as PyTorch writes them, TorchSharp model hooks, and a streaming reader for TensorFlow, PyTorch, tensorboardX and TorchSharp runs.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('TbPowerShell.format.ps1xml')
    TypesToProcess       = @('TbPowerShell.types.ps1xml')
    # So [SixLabors.ImageSharp.Image] (for Add-TbImage -Image) and the demo model
    # ([TbPowerShell.Torch.Demo.TwoBranchNet]) resolve right after Import-Module. Loading the demo's
    # assembly loads neither TorchSharp nor libtorch: making a model does.
    RequiredAssemblies   = @('SixLabors.ImageSharp.dll', 'TbPowerShell.Demo.dll')
    CmdletsToExport      = @(
        'New-TbWriter'
        'Close-TbWriter'
        'Add-TbScalar'
        'Add-TbScalars'
        'Add-TbImage'
        'Add-TbAudio'
        'Add-TbText'
        'Add-TbHistogram'
        'Add-TbEvent'
        'Export-TbImageGrid'
        'Get-TbEvent'
        'Get-TbRun'
        'Get-TbTag'
        'Show-TbChart'
        'Save-TbMedia'
        'Test-TbEventFile'
        'Repair-TbEventFile'
        'Register-TbHook'
        'Get-TbHook'
        'Unregister-TbHook'
        'Add-TbModelHistogram'
        'Show-TbBoard'
        'Get-TbBoard'
        'Stop-TbBoard'
        'Export-TbReport'
        'Add-TbHyperparameter'
        'Get-TbHyperparameter'
        'Add-TbGraph'
        'Add-TbVideo'
        'Add-TbMesh'
        'Add-TbEmbedding'
        'Get-TbEmbedding'
        'Add-TbPrCurve'
        'Add-TbCustomScalarLayout'
        'Set-TbStorage'
        'Get-TbStorage'
        'Remove-TbStorage'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @(
        'Add-TbHParams'
        'Get-TbHParams'
    )
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('TensorBoard', 'MachineLearning', 'PyTorch', 'TorchSharp', 'Logging')
            ProjectUri = 'https://github.com/tbpowershell/TbPowerShell'
        }
    }
}
