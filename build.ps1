<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks TbPowerShell.

.DESCRIPTION
    Tasks (run in the order given):
      Build  (default) builds the C# projects and lays out the importable module in
             ./out/TbPowerShell: the binaries (with the demo model of ./examples/TbPowerShell.Demo),
             the manifest, the format file and the Get-Help file compiled from ./docs.
      Test   builds, then runs every test suite (xunit for the core and the board, the board
             page's browser tests in a headless Chromium (the system's, else Playwright's own,
             installed first), Pester for the cmdlets in a child pwsh against the built module)
             and prints, as its very last line,
             "N passed, N failed" summed over all suites. Exits non-zero on any failure.
      Demo   builds, then runs the main job: ./examples/demo.ps1 logs a few training curves
             under ./runs and reads them back as a table.
      Bench  builds, then runs the benchmarks in ./bench; each prints its ratio against a
             baseline measured in the same run.
      Clean  removes ./out and the bin/obj folders.

    Needs only the .NET SDK: run it as `dotnet tool restore; dotnet pwsh ./build.ps1 <Task>`.
    Pester is restored from NuGet (tests/tools/Pester.csproj), not from a gallery.

.PARAMETER Task
    The tasks to run: Build, Test, Demo, Bench, Clean.

.PARAMETER Configuration
    The .NET build configuration. Default: Release.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1
    Builds the module; then `Import-Module ./out/TbPowerShell/TbPowerShell.psd1` works.

.EXAMPLE
    dotnet pwsh ./build.ps1 Test
    Runs every suite; the last line reads like "142 passed, 0 failed".

.EXAMPLE
    dotnet pwsh ./build.ps1 Demo
    Logs a short run to ./runs/demo and prints it back with Get-TbEvent.

.EXAMPLE
    dotnet pwsh ./build.ps1 Clean Build Bench
    Rebuilds from scratch and prints the benchmark ratios.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0, ValueFromRemainingArguments)]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
# Tasks may come as `Clean Build`, `Clean,Build` or (from a POSIX shell) `Clean, Build`.
$Task = @($Task | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ })
$known = 'Build', 'Test', 'Demo', 'Bench', 'Clean'
foreach ($t in $Task) {
    if ($t -notin $known) { throw "Unknown task '$t'. Tasks: $($known -join ', ')." }
}
$env:NO_COLOR = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$PSStyle.OutputRendering = 'PlainText'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'TbPowerShell'
$ResultsDir = Join-Path $Out 'test-results'
# A child pwsh of the same version as this one (pwsh runs as a .NET local tool).
$PwshDll = Join-Path $PSHOME 'pwsh.dll'
$Dotnet = [Environment]::ProcessPath

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh, so the module under test is loaded from out/ and nothing leaks.
    param([string[]] $Arguments)
    if (Test-Path $PwshDll) {
        & $Dotnet $PwshDll -NoProfile -NonInteractive @Arguments
    }
    else {
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive @Arguments
    }
}

function Invoke-Build {
    Write-Host "== Build ($Configuration)"
    Invoke-Native 'dotnet publish' {
        # RID-specific, so libtorch's natives sit flat next to TorchSharp.dll: pwsh ignores the module's deps.json.
        dotnet publish (Join-Path $Root 'src/TbPowerShell/TbPowerShell.csproj') -c $Configuration -o $ModuleOut -r linux-x64 --self-contained false --nologo -v quiet -p:GenerateDocumentationFile=true
    }
    # The board (Show-TbBoard, Export-TbReport) and its libraries come with the module's references.
    foreach ($dll in 'TbPowerShell.Board.dll', 'Markdig.dll', 'HtmlSanitizer.dll', 'AngleSharp.dll', 'AngleSharp.Css.dll') {
        if (-not (Test-Path (Join-Path $ModuleOut $dll))) { throw "The build did not lay out $dll in $ModuleOut." }
    }
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Force
    # The object-store providers, each with its SDK in a folder of its own (storage/<scheme>): the core loads one in a
    # load context of its own on the first s3:// or az:// location, so Import-Module loads no SDK, and another version
    # of AWSSDK.Core or Azure.Core in the session (AWS.Tools, Az) does not clash with ours.
    foreach ($provider in @(@{ Project = 'src/TbPowerShell.Storage.S3/TbPowerShell.Storage.S3.csproj'; Scheme = 's3' },
                            @{ Project = 'src/TbPowerShell.Storage.Azure/TbPowerShell.Storage.Azure.csproj'; Scheme = 'az' })) {
        $project = Join-Path $Root $provider.Project
        if (-not (Test-Path $project)) { continue }
        $folder = Join-Path $ModuleOut "storage/$($provider.Scheme)"
        Invoke-Native "dotnet publish ($($provider.Scheme) provider)" {
            dotnet publish $project -c $Configuration -o $folder --nologo -v quiet
        }
        if (Test-Path (Join-Path $folder 'TbPowerShell.Core.dll')) { throw "The $($provider.Scheme) provider carries its own TbPowerShell.Core.dll: it must use the module's." }
    }
    # The demo model goes beside the module, whose manifest loads it on import: only its own files,
    # as TorchSharp and libtorch's natives come with the module (and only the module's are patched).
    $demoDll = Invoke-Native 'dotnet build (the demo model)' {
        dotnet build (Join-Path $Root 'examples/TbPowerShell.Demo/TbPowerShell.Demo.csproj') -c $Configuration --nologo -v quiet -t:Build -getProperty:TargetPath
    }
    $demoDll = @($demoDll)[-1].Trim()
    foreach ($extension in '.dll', '.pdb', '.xml') {
        Copy-Item ([IO.Path]::ChangeExtension($demoDll, $extension)) $ModuleOut -Force
    }
    $helpScript = Join-Path $Root 'tools/Build-Help.ps1'
    & $helpScript -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $ModuleOut 'en-US/TbPowerShell.dll-Help.xml')
    Write-Host "Module laid out in $ModuleOut"
}

function Initialize-Chromium([string] $Project) {
    # The browser tests drive the system's Chromium (CHROMIUM_PATH, else /usr/bin/chromium, which
    # .ci/run installs from Debian); without one, Playwright's own Chromium is installed once by the
    # package's script (this needs the network Playwright downloads from).
    if ($env:CHROMIUM_PATH -or (Test-Path /usr/bin/chromium)) { return }
    Write-Host '== No system Chromium: installing Playwright''s'
    Invoke-Native 'dotnet build (browser tests)' { dotnet build $Project -c $Configuration --nologo -v quiet }
    $script = Get-ChildItem (Join-Path (Split-Path $Project) "bin/$Configuration") -Recurse -Filter 'playwright.ps1' | Select-Object -First 1
    if (-not $script) { Write-Warning 'playwright.ps1 not found beside the browser tests; they will fail to start a browser.'; return }
    Invoke-Pwsh @('-File', $script.FullName, 'install', 'chromium')
    if ($LASTEXITCODE -ne 0) { Write-Warning "playwright install chromium failed (exit code $LASTEXITCODE); the browser tests will fail." }
}

function Get-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content -LiteralPath $Path -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted }
}

function Initialize-StoreServers {
    # The storage tests start Azurite and s3rver from tests/servers (npm ci from the committed lockfile).
    $servers = Join-Path $Root 'tests/servers'
    $marker = Join-Path $servers 'node_modules/.package-lock.json'
    if ((Test-Path $marker) -and (Get-Item $marker).LastWriteTimeUtc -ge (Get-Item (Join-Path $servers 'package-lock.json')).LastWriteTimeUtc) { return }
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) {
        Write-Warning 'npm is not installed: the object-storage tests need Node.js and npm to start Azurite and s3rver, and will fail.'
        return
    }
    Write-Host '== npm ci (storage test servers)'
    Invoke-Native 'npm ci (tests/servers)' { npm ci --prefix $servers --no-audit --no-fund --loglevel=error }
}

function Invoke-Test {
    $suites = [System.Collections.Generic.List[object]]::new()
    Initialize-StoreServers
    Remove-Item $ResultsDir -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $ResultsDir | Out-Null

    # Every *.Tests project, then the browser tests of the board page (a Chromium is found or installed first).
    $projects = @(Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter '*.Tests.csproj') +
        @(Get-Item (Join-Path $Root 'tests/TbPowerShell.Board.BrowserTests/TbPowerShell.Board.BrowserTests.csproj'))
    foreach ($project in $projects) {
        if ($project.BaseName -eq 'TbPowerShell.Board.BrowserTests') { Initialize-Chromium $project.FullName }
        Write-Host "== xunit: $($project.BaseName)"
        $trx = Join-Path $ResultsDir "$($project.BaseName).trx"
        dotnet test $project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
        if (Test-Path $trx) {
            $suites.Add([pscustomobject]@{ Name = $project.BaseName; Counts = Get-TrxCounts $trx })
        }
        else {
            # The run did not even produce results (build failure): count it as one failure.
            $suites.Add([pscustomobject]@{ Name = $project.BaseName; Counts = [pscustomobject]@{ Passed = 0; Failed = 1 } })
        }
    }

    Write-Host '== Pester'
    Invoke-Native 'restoring Pester' { dotnet restore (Join-Path $Root 'tests/tools/Pester.csproj') --nologo -v quiet }
    # Other versions of AWSSDK.Core and Azure.Core, for the test that loads them before the module (as Az and AWS.Tools do).
    Invoke-Native 'restoring the conflicting SDKs' { dotnet restore (Join-Path $Root 'tests/tools/ConflictingSdks.csproj') --nologo -v quiet }
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Join-Path $packages.Trim() 'pester/6.2.0/tools/Pester.psd1'
    $pesterXml = Join-Path $ResultsDir 'pester.xml'
    $runner = Join-Path $Root 'tests/Invoke-PesterSuite.ps1'
    Invoke-Pwsh @('-File', $runner, '-PesterPath', $pester, '-TestPath', (Join-Path $Root 'tests/pester'), '-ResultPath', $pesterXml, '-ModulePath', (Join-Path $ModuleOut 'TbPowerShell.psd1'))
    if (Test-Path $pesterXml) {
        [xml] $nunit = Get-Content -LiteralPath $pesterXml -Raw
        $r = $nunit.'test-results'
        $failed = [int]$r.failures + [int]$r.errors + [int]$r.invalid
        $passed = [int]$r.total - $failed - [int]$r.'not-run' - [int]$r.skipped - [int]$r.ignored - [int]$r.inconclusive
        $suites.Add([pscustomobject]@{ Name = 'Pester'; Counts = [pscustomobject]@{ Passed = $passed; Failed = $failed } })
    }
    else {
        $suites.Add([pscustomobject]@{ Name = 'Pester'; Counts = [pscustomobject]@{ Passed = 0; Failed = 1 } })
    }

    Write-Host ''
    foreach ($s in $suites) { Write-Host ("{0,-28} {1,5} passed, {2,3} failed" -f $s.Name, $s.Counts.Passed, $s.Counts.Failed) }
    $passedTotal = ($suites.Counts | Measure-Object Passed -Sum).Sum
    $failedTotal = ($suites.Counts | Measure-Object Failed -Sum).Sum
    $script:TestFailures = $failedTotal
    # The closing line CI reads: keep it last.
    Write-Host "$passedTotal passed, $failedTotal failed"
}

function Invoke-Demo {
    Write-Host '== Demo'
    Invoke-Pwsh @('-File', (Join-Path $Root 'examples/demo.ps1'), '-ModulePath', (Join-Path $ModuleOut 'TbPowerShell.psd1'), '-LogDir', (Join-Path $Root 'runs/demo'))
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    Write-Host '== Bench'
    Invoke-Native 'core benchmarks' { dotnet run -c Release --project (Join-Path $Root 'bench/TbPowerShell.Bench/TbPowerShell.Bench.csproj') }
    foreach ($script in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.bench.ps1' | Sort-Object Name) {
        Invoke-Pwsh @('-File', $script.FullName, '-ModulePath', (Join-Path $ModuleOut 'TbPowerShell.psd1'))
        if ($LASTEXITCODE -ne 0) { throw "$($script.Name) failed (exit code $LASTEXITCODE)." }
    }
}

function Invoke-Clean {
    Write-Host '== Clean'
    Remove-Item $Out -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

$script:TestFailures = 0
Push-Location $Root
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Build' { Invoke-Build }
            'Test' { Invoke-Build; Invoke-Test }
            'Demo' { Invoke-Build; Invoke-Demo }
            'Bench' { Invoke-Build; Invoke-Bench }
            'Clean' { Invoke-Clean }
        }
    }
}
finally {
    Pop-Location
}
if ($script:TestFailures -gt 0) { exit 1 }
exit 0
