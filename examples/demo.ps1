<#
.SYNOPSIS
    The TbPowerShell demo: trains a small TorchSharp CNN for about a minute and logs what a
    training script logs, then reads the run back.
.DESCRIPTION
    No download: the data are synthetic 16×16 images of four shapes (bars, a diagonal, a cross).
    The model has an HRNet-like two-branch stage, so Register-TbHook shows one feature-map grid
    per branch. The run logs:
      - train/loss, train/accuracy, val/accuracy and train/learning_rate (Add-TbScalar),
      - a grid of sample inputs (Add-TbImage with an NCHW tensor),
      - feature maps of the stem, both stage branches and the fuse layer (Register-TbHook),
      - activation statistics of the classifier and the gradient of a branch (Register-TbHook),
      - weight and gradient histograms of every parameter (Add-TbModelHistogram),
      - the run's configuration as a markdown table (Add-TbText),
      - the model's graph, traced from one forward call (Add-TbGraph),
      - the configuration as hyperparameters with the final validation accuracy as their metric
        (Add-TbHyperparameter: TensorBoard's HParams dashboard, the board's HParams tab).
    It ends by printing the log directory, a table read back with Get-TbEvent, and the commands
    that open the logs in TensorBoard and in the module's own board (Show-TbBoard).
.PARAMETER Seconds
    Roughly how long to train. Default 60.
.EXAMPLE
    dotnet pwsh ./build.ps1 Demo
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/TbPowerShell/TbPowerShell.psd1'),
    [string] $LogDir = (Join-Path $PSScriptRoot '../runs/demo'),
    [double] $Seconds = 60
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$LogDir = [System.IO.Path]::GetFullPath($LogDir)
Remove-Item $LogDir -Recurse -Force -ErrorAction SilentlyContinue

$config = [ordered]@{
    model         = 'TwoBranchNet (stem, two-branch stage, fuse, head)'
    data          = 'ShapesDataset: 4096 train + 512 validation images, 16x16'
    batch_size    = 64
    learning_rate = 0.05
    optimizer     = 'SGD, momentum 0.9'
    seconds       = $Seconds
}
$batch = $config.batch_size

# Building the model is the first torch feature used: this is where libtorch loads.
[TbPowerShell.Torch.Demo.Determinism]::Seed(1234)
[TbPowerShell.Torch.Demo.Determinism]::UseThreads(1)
$model = [TbPowerShell.Torch.Demo.TwoBranchNet]::new(4)
$train = [TbPowerShell.Torch.Demo.ShapesDataset]::new(4096, 1)
$val = [TbPowerShell.Torch.Demo.ShapesDataset]::new(512, 2)
$trainer = [TbPowerShell.Torch.Demo.Trainer]::new($model, $config.learning_rate)

$w = New-TbWriter -LogDir $LogDir
try {
    Add-TbText -Writer $w -Tag config -Step 0 -Text (
        @('| setting | value |', '|---|---|') + ($config.GetEnumerator() | ForEach-Object { "| $($_.Key) | $($_.Value) |" }))
    $samples = $val.Images(0, 32)
    Add-TbImage -Writer $w -Tag inputs -Data $samples -DataFormat NCHW -Step 0
    $samples.Dispose()
    $one = $val.Images(0, 1)
    Add-TbGraph -Writer $w -Module $model -Input $one
    $one.Dispose()

    $hooks = @(
        Register-TbHook -Module $model -Name 'stem', 'stage', 'fuse' -Writer $w -Log FeatureMap -Every 50
        Register-TbHook -Module $model -Name 'head.fc' -Writer $w -Log Histogram, Stats -Every 50
        Register-TbHook -Module $model -Name 'stage.branch1' -Writer $w -Kind Gradient -Every 50
    )
    Write-Host "Hooked: $(($hooks.Name | Sort-Object -Unique) -join ', ')"

    $valX = $val.Images(0, 512); $valY = $val.Labels(0, 512)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $step = 0
    $batches = [int]($train.Count / $batch)
    while ($clock.Elapsed.TotalSeconds -lt $Seconds) {
        $epoch = [math]::Floor($step / $batches)
        $i = ($step % $batches) * $batch
        $w.GlobalStep = $step
        $x = $train.Images($i, $batch); $y = $train.Labels($i, $batch)
        $r = $trainer.Step($x, $y)
        $x.Dispose(); $y.Dispose()
        Add-TbScalar -Writer $w -Tag train/loss -Value $r.Loss
        Add-TbScalar -Writer $w -Tag train/accuracy -Value $r.Accuracy
        if ($step % 50 -eq 0) {
            Add-TbScalar -Writer $w -Tag train/learning_rate -Value $trainer.LearningRate
            Add-TbScalar -Writer $w -Tag val/accuracy -Value $trainer.Evaluate($valX, $valY)
            Add-TbModelHistogram -Module $model -Writer $w -Gradient
            $pct = [math]::Min(100, [int](100 * $clock.Elapsed.TotalSeconds / $Seconds))
            Write-Progress -Activity 'Training TwoBranchNet' -Status ("epoch {0}, step {1}, loss {2:N3}, accuracy {3:P0}" -f $epoch, $step, $r.Loss, $r.Accuracy) -PercentComplete $pct
        }
        $step++
    }
    Write-Progress -Activity 'Training TwoBranchNet' -Completed
    $w.GlobalStep = $step
    $accuracy = $trainer.Evaluate($valX, $valY)
    Add-TbScalar -Writer $w -Tag val/accuracy -Value $accuracy
    $valX.Dispose(); $valY.Dispose()
    $hparams = [ordered]@{ batch_size = $config.batch_size; learning_rate = $config.learning_rate; optimizer = $config.optimizer }
    Add-TbHyperparameter -Writer $w -Hyperparameter $hparams -Metric @{ 'hparam/val_accuracy' = $accuracy } -Step $step
    Write-Host ("Trained {0} steps in {1:N0} s" -f $step, $clock.Elapsed.TotalSeconds)
}
finally {
    Close-TbWriter $w
}

Write-Host "Logs: $LogDir"
Get-TbEvent $LogDir -Type All |
    Group-Object { $_.GetType().Name -replace '^Tb|Event$' }, Tag |
    ForEach-Object {
        $last = $_.Group[-1]
        [pscustomobject]@{
            Kind     = $_.Values[0]
            Tag      = $_.Values[1]
            Values   = $_.Count
            LastStep = $last.Step
            Last     = switch ($last) {
                { $_ -is [TbPowerShell.TbScalarEvent] } { '{0:N4}' -f $_.Value }
                { $_ -is [TbPowerShell.TbImageEvent] } { '{0}x{1} png' -f $_.Width, $_.Height }
                { $_ -is [TbPowerShell.TbHistogramEvent] } { '{0} values' -f $_.Count }
                { $_ -is [TbPowerShell.TbGraphEvent] } { '{0} nodes' -f $_.NodeCount }
                { $_ -is [TbPowerShell.TbHyperparameterEvent] } { $_.Summary }
                default { '' }
            }
        }
    } |
    Sort-Object Kind, Tag |
    Format-Table -AutoSize | Out-String -Width 120 | Write-Host
Write-Host "Open the logs in TensorBoard:  tensorboard --logdir `"$LogDir`""
Write-Host "or, with no Python, in the browser:  Import-Module `"$([IO.Path]::GetFullPath($ModulePath))`"; Show-TbBoard `"$LogDir`""
