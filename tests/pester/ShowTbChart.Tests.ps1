#Requires -Modules Pester
# Show-TbChart: a chart of real event files drawn to known characters, -Smoothing drawing the series
# Get-TbEvent -Smoothing emits, sizes honoured, errors with stable ids; and Get-TbTag's Sparkline.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Exact characters need no colour codes whatever the test host supports.
    $savedRendering = $PSStyle.OutputRendering
    $PSStyle.OutputRendering = 'PlainText'

    $logDir = Join-Path $TestDrive 'runs'
    $zigzag = New-TbWriter -LogDir (Join-Path $logDir 'a')
    0, 3, 1, 2 | ForEach-Object -Begin { $step = 0 } -Process { Add-TbScalar -Writer $zigzag -Tag z -Value $_ -Step ($step++) }
    Close-TbWriter $zigzag

    $crossing = Join-Path $TestDrive 'crossing'
    $up = New-TbWriter -LogDir (Join-Path $crossing 'run1')
    $down = New-TbWriter -LogDir (Join-Path $crossing 'run2')
    Add-TbScalar -Writer $up -Tag loss -Value 0 -Step 0
    Add-TbScalar -Writer $up -Tag loss -Value 1 -Step 1
    Add-TbScalar -Writer $down -Tag loss -Value 1 -Step 0
    Add-TbScalar -Writer $down -Tag loss -Value 0 -Step 1
    Close-TbWriter $up
    Close-TbWriter $down

    $noisy = Join-Path $TestDrive 'noisy'
    $random = [Random]::new(7)
    $writer = New-TbWriter -LogDir (Join-Path $noisy 'train')
    for ($i = 0; $i -lt 300; $i++) {
        Add-TbScalar -Writer $writer -Tag loss -Value ([math]::Exp(-$i / 80) + $random.NextDouble() / 4) -Step ($i * 10)
        Add-TbText -Writer $writer -Tag notes -Text "step $i" -Step ($i * 10)
    }
    Close-TbWriter $writer
}

AfterAll {
    $PSStyle.OutputRendering = $savedRendering
}

Describe 'Show-TbChart' {
    It 'draws a known series to known braille characters, as strings on the pipeline' {
        $lines = @(Show-TbChart $logDir -Tag z -Width 16 -Height 4)

        $lines | ForEach-Object { $_ | Should -BeOfType ([string]) }
        $lines | Should -Be @(
            '3.00 ┤ ⢀⡴⠛⢦⣀  ⣀⡤'
            '0.00 ┤⡴⠋   ⠈⠓⠋⠁'
            '     └┬────────┬'
            '      0        3'
            '━━ a/z'
        )
    }

    It 'takes the log directory as -LogDir too, as the issue names it (an alias of -Path, also on Get-TbEvent, Get-TbRun, Get-TbTag)' {
        $byName = @(Show-TbChart -LogDir $logDir -Tag z -Width 16 -Height 4)
        $byName | Should -Be @(Show-TbChart $logDir -Tag z -Width 16 -Height 4)
        @(Get-TbEvent -LogDir $logDir -Tag z).Count | Should -Be @(Get-TbEvent $logDir -Tag z).Count
        (Get-TbRun -LogDir $logDir).Name | Should -Be (Get-TbRun $logDir).Name
        (Get-TbTag -LogDir $logDir).Tag | Should -Be (Get-TbTag $logDir).Tag
    }

    It 'draws several runs with a marker each in ASCII' {
        $lines = @(Show-TbChart $crossing -Tag loss -Width 16 -Height 4 -Ascii)

        $lines | Should -Be @(
            '1.00 ++++++*****'
            '0.00 +****++++++'
            '     ++--------+'
            '      0        1'
            '** run1/loss'
            '++ run2/loss'
        )
    }

    It 'colours each series with ANSI when the host supports VT and $PSStyle.OutputRendering allows it' {
        if (-not $Host.UI.SupportsVirtualTerminal) {
            Set-ItResult -Skipped -Because 'this host does not support virtual-terminal sequences'
            return
        }
        $PSStyle.OutputRendering = 'Ansi'
        try {
            $lines = @(Show-TbChart $crossing -Tag loss -Width 16 -Height 4)
        }
        finally {
            $PSStyle.OutputRendering = 'PlainText'
        }

        $lines[-2] | Should -BeExactly "`e[33m━━`e[0m run1/loss"
        $lines[-1] | Should -BeExactly "`e[34m━━`e[0m run2/loss"
        $lines[0] | Should -Match ([regex]::Escape("`e[34m"))
    }

    It 'can be redirected to a file and read back unchanged' {
        $file = Join-Path $TestDrive 'chart.txt'
        Show-TbChart $logDir -Tag z -Width 16 -Height 4 > $file

        Get-Content -LiteralPath $file -Encoding utf8 | Should -Be @(Show-TbChart $logDir -Tag z -Width 16 -Height 4)
    }

    It 'with -Smoothing draws exactly the series Get-TbEvent -Smoothing emits' {
        $events = @(Get-TbEvent $noisy -Tag loss -Smoothing 0.8)
        $series = [TbPowerShell.Core.Analysis.ChartSeries]::new('train/loss',
            [double[]]@($events.Step), [double[]]@($events.Smoothed))
        $options = [TbPowerShell.Core.Analysis.ChartOptions]@{ Width = 70; Height = 15 }
        $expected = @([TbPowerShell.Core.Analysis.BrailleChart]::Draw([TbPowerShell.Core.Analysis.ChartSeries[]]@($series), $options))

        $smoothed = @(Show-TbChart $noisy -Tag loss -Smoothing 0.8 -Width 70 -Height 15)

        $smoothed | Should -Be $expected
        $raw = @(Show-TbChart $noisy -Tag loss -Width 70 -Height 15)
        ($raw -join "`n") | Should -Not -Be ($smoothed -join "`n")
    }

    It 'honours -Width and -Height: <Width> x <Height>' -ForEach @(
        @{ Width = 40; Height = 8 }, @{ Width = 100; Height = 25 }
    ) {
        $lines = @(Show-TbChart $noisy -Tag loss -Width $Width -Height $Height)

        $lines.Count | Should -Be ($Height + 1)
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $Width }
        $lines[$Height - 2].Length | Should -Be $Width
    }

    It 'takes its width from the host window, 80 when there is none' {
        $window = try { $Host.UI.RawUI.WindowSize.Width } catch { 0 }
        $expected = if ($window -gt 0) { $window } else { 80 }

        $lines = @(Show-TbChart $noisy -Tag loss -Height 6)

        $lines[4].Length | Should -Be $expected
    }

    It 'reports a missing path as PathNotFound' {
        $lines = @(Show-TbChart (Join-Path $TestDrive 'missing') -Tag loss -ErrorVariable err -ErrorAction SilentlyContinue)

        $lines.Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.ShowTbChartCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a tag with no scalar series as TagNotFound and draws the others' {
        $lines = @(Show-TbChart $noisy -Tag loss, nothing*, notes* -Width 40 -Height 6 -ErrorVariable err -ErrorAction SilentlyContinue)

        $err.Count | Should -Be 2
        $err | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'TagNotFound,TbPowerShell.Commands.ShowTbChartCommand'
            $_.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        $err.TargetObject | Should -Be @('nothing*', 'notes*')
        $lines[-1] | Should -Be '━━ train/loss'
    }

    It 'needs -Tag' {
        { Show-TbChart $noisy -ErrorAction Stop } | Should -Throw -ErrorId 'TagRequired,TbPowerShell.Commands.ShowTbChartCommand'
    }

    It 'refuses a width that leaves no room for the plot' {
        { Show-TbChart $noisy -Tag loss -Width 10 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,TbPowerShell.Commands.ShowTbChartCommand'
    }
}

Describe 'Get-TbTag sparklines' {
    It 'gives scalars a sparkline of their series and other types none' {
        $tags = @(Get-TbTag $noisy)

        $sparkline = ($tags | Where-Object Tag -eq loss).Sparkline
        $sparkline | Should -Match '^[▁▂▃▄▅▆▇█]{9,16}$'
        # A falling loss: its first block well above its last.
        $levels = '▁▂▃▄▅▆▇█'
        $levels.IndexOf($sparkline[0]) | Should -BeGreaterThan ($levels.IndexOf($sparkline[-1]) + 3)
        ($tags | Where-Object Type -ne Scalar).Sparkline | Should -Be ''
    }

    It 'draws a known series exactly' {
        (Get-TbTag $logDir).Sparkline | Should -Be '▁█▃▆'
    }

    It 'shows the sparkline in the default table' {
        $table = Get-TbTag $logDir | Out-String -Width 200

        $table | Should -Match 'Sparkline'
        $table | Should -Match '▁█▃▆'
    }
}
