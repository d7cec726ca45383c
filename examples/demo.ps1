<#
.SYNOPSIS
    The TbPowerShell demo: logs a few training curves, then reads them back as a table.
.DESCRIPTION
    Simulates three short "training runs" with different learning rates, logging loss, accuracy
    and learning rate per step the way a training loop would, then reads every value back with
    Get-TbEvent and prints a summary table. Open the result with `tensorboard --logdir <LogDir>`.
.EXAMPLE
    dotnet pwsh ./build.ps1 Demo
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/TbPowerShell/TbPowerShell.psd1'),
    [string] $LogDir = (Join-Path $PSScriptRoot '../runs/demo')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$LogDir = [System.IO.Path]::GetFullPath($LogDir)
Remove-Item $LogDir -Recurse -Force -ErrorAction SilentlyContinue

$steps = 200
foreach ($lr in 0.1, 0.03, 0.01) {
    $w = New-TbWriter -LogDir (Join-Path $LogDir "lr=$lr")
    try {
        $loss = 2.5
        for ($step = 0; $step -lt $steps; $step++) {
            # A noisy exponential decay, faster with a larger learning rate.
            $loss = $loss * (1 - $lr * 0.5) + 0.02 * [math]::Sin($step / 3.0) * $lr * 10
            $accuracy = 1 - [math]::Exp(-$step * $lr / 8)
            $w.GlobalStep = $step
            Add-TbScalar -Writer $w -Tag 'train/loss' -Value $loss
            Add-TbScalar -Writer $w -Tag 'train/accuracy' -Value $accuracy
            Add-TbScalar -Writer $w -Tag 'train/learning_rate' -Value ($lr * [math]::Pow(0.99, $step))
            if ($step % 20 -eq 0) {
                Write-Progress -Activity "Training (lr=$lr)" -Status "step $step" -PercentComplete ($step * 100 / $steps)
            }
        }
        Write-Progress -Activity "Training (lr=$lr)" -Completed
    }
    finally {
        Close-TbWriter $w
    }
}

$events = Get-TbEvent $LogDir
Write-Host "Logged $($events.Count) values under $LogDir"
$events |
    Group-Object Run, Tag |
    ForEach-Object {
        $last = $_.Group | Sort-Object Step | Select-Object -Last 1
        [pscustomobject]@{
            Run       = $last.Run
            Tag       = $last.Tag
            Values    = $_.Count
            LastStep  = $last.Step
            LastValue = [math]::Round($last.Value, 4)
        }
    } |
    Format-Table -AutoSize | Out-String | Write-Host

$csv = Join-Path $LogDir 'all-values.csv'
$events | Export-Csv -LiteralPath $csv
Write-Host "Every value as CSV: $csv"
Write-Host "Open the logs in TensorBoard:  tensorboard --logdir `"$LogDir`""
