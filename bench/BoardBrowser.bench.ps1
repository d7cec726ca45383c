<#
.SYNOPSIS
    Targets of issue 12 seen from the user's side: Show-TbBoard returns in < 1 s on 100 runs x 100 k
    scalars; the page draws its first chart < 1 s after it opens; that card (100 runs) redraws in < 100 ms.
.DESCRIPTION
    Runs the browser benchmark of tests/TbPowerShell.Board.BrowserTests (Category=Bench, enabled by
    TB_BROWSER_BENCH=1) in a headless Chromium: it writes 100 runs x 100 k scalars (one tag) to a
    scratch folder, starts a BoardServer, opens the page and reads window.tbDebug.firstChartDrawn
    (performance.now() of the first uPlot draw, counted from the page's navigation; a preview of the
    runs still being read when they are large) and window.tbDebug.completeChartDrawn (the same chart
    from whole runs), then times five
    redraws of the card from its loaded series, to the next animation frame (median). The baseline is
    the same on 1 run x 1 k points, in the same run.
    Then it times Show-TbBoard -NoBrowser on the same folder through the module (5 calls, median,
    each board stopped), against Show-TbBoard on the 1-run folder.
    The browser needs /usr/bin/chromium, CHROMIUM_PATH or Playwright's own Chromium.
    Where the time went is in out/bench/board-browser-timeline.txt: each request's span (ms from the page's start)
    with the server's own Server-Timing (queue, app), and the page's performance marks (start, lists, the first
    card's request and answer, chart data, first chart). TB_BENCH_TRACE=1 adds a Chrome trace and TB_BENCH_PROFILE=1
    a V8 CPU profile of the large case, both in out/bench (open them in DevTools' Performance panel).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/BoardBrowser.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$ModulePath = Import-BenchModule $ModulePath

$root = Join-Path ([IO.Path]::GetTempPath()) ('tbps-bench-' + [guid]::NewGuid().ToString('N'))
$project = Join-Path $PSScriptRoot '../tests/TbPowerShell.Board.BrowserTests/TbPowerShell.Board.BrowserTests.csproj'
$figures = Join-Path $PSScriptRoot '../out/bench/board-browser.txt'
try {
    Remove-Item -LiteralPath $figures -ErrorAction SilentlyContinue
    $env:TB_BROWSER_BENCH = '1'
    $env:TB_BENCH_LOGDIR = Join-Path $root 'runs'
    $log = & dotnet test $project -c Release --nologo --filter 'Category=Bench' 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $figures)) {
        $log | Select-Object -Last 30 | ForEach-Object { Write-Host "    $_" }
        throw "The browser benchmark failed (exit code $LASTEXITCODE)."
    }
    $f = @{}
    foreach ($line in Get-Content -LiteralPath $figures) {
        $name, $value = $line -split '=', 2
        $f[$name] = [double]::Parse($value, $Invariant)
    }
    $verdict = { param($value, $target) if ($value -lt $target) { 'PASS' } else { 'MISS' } }
    Write-BenchLine '15 first chart drawn after the page opens, {0} runs x {1} points: {2} ms (target < 1000 ms) {3}; baseline 1 run x 1 k: {4} ms ({5})' @(
        $f['runs'], (Format-Rate $f['points-per-run']), (Format-Number $f['first-chart-ms']), (& $verdict $f['first-chart-ms'] 1000),
        (Format-Number $f['baseline-first-chart-ms']), (Format-Ratio ($f['first-chart-ms'] / [math]::Max(1, $f['baseline-first-chart-ms']))))
    Write-BenchLine 'the same chart complete (every run read whole; the first one drawn is a preview of the runs still being read): {0} ms; baseline 1 run: {1} ms' @(
        (Format-Number $f['complete-chart-ms']), (Format-Number $f['baseline-complete-chart-ms'])) -Detail
    Write-BenchLine '15 card of {0} runs redrawn (smoothing, groups, uPlot, to the next frame): {1} ms (target < 100 ms) {2}; baseline 1 run: {3} ms ({4})' @(
        $f['runs'], (Format-Number $f['redraw-ms'] '0.0'), (& $verdict $f['redraw-ms'] 100),
        (Format-Number $f['baseline-redraw-ms'] '0.0'), (Format-Ratio ($f['redraw-ms'] / [math]::Max(0.1, $f['baseline-redraw-ms']))))
    Write-BenchLine 'points drawn: {0}; the page''s own data-draw-ms of its first render: {1} ms; BoardServer.Start in the test process: {2} ms; logs written in {3} s; load average {4}' @(
        $f['points-drawn'], (Format-Number $f['page-draw-ms'] '0.0'), (Format-Number $f['start-ms']), (Format-Number $f['written-s'] '0.0'), (Get-LoadAverage)) -Detail

    # Show-TbBoard through the module, on the same folder and on a 1-run folder.
    $small = Join-Path $root 'small'
    0..999 | ForEach-Object { [pscustomobject]@{ Tag = 'train/loss'; Step = $_; Value = 1 / ($_ + 1) } } | Add-TbScalar -LogDir (Join-Path $small 'run000')
    $times = Measure-Interleaved -Repetitions 5 -Cases @(
        @{ Name = 'large'; Body = { Show-TbBoard $env:TB_BENCH_LOGDIR -NoBrowser | Stop-TbBoard } }
        @{ Name = 'small'; Body = { Show-TbBoard $small -NoBrowser | Stop-TbBoard } }
    )
    $large = (Get-Median $times['large']).TotalMilliseconds
    $base = (Get-Median $times['small']).TotalMilliseconds
    Write-BenchLine '15 Show-TbBoard returns, 100 runs x 100 k scalars: {0} ms (target < 1000 ms) {1}; baseline 1 run: {2} ms ({3})' @(
        (Format-Number $large), (& $verdict $large 1000), (Format-Number $base), (Format-Ratio ($large / [math]::Max(0.1, $base))))
}
finally {
    Remove-Item Env:TB_BROWSER_BENCH, Env:TB_BENCH_LOGDIR -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}
