#Requires -Modules Pester
# Show-TbBoard, Get-TbBoard, Stop-TbBoard and Export-TbReport at the cmdlet level: the board object,
# the page and API answering with the token (and refusing without it), boards listed and stopped,
# the port freed, the browser opened only on a desktop, the named errors, and Remove-Module stopping
# boards. What the page draws is proved by the browser tests (tests/TbPowerShell.Board.BrowserTests).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $ModuleFile = [System.IO.Path]::GetFullPath($modulePath)
    $ScalarsMulti = Join-Path $FixtureRoot 'pytorch/scalars_multi'

    function Invoke-Board([TbPowerShell.TbBoard] $Board, [string] $PathAndQuery, [switch] $NoToken) {
        # The page and API as a browser reaches them: the loopback address and port in Host, the token in a header.
        $uri = "http://127.0.0.1:$($Board.Port)$PathAndQuery"
        $headers = @{}
        if (-not $NoToken) { $headers['X-Tb-Token'] = $Board.Server.Token }
        Invoke-WebRequest -Uri $uri -Headers $headers -SkipHttpErrorCheck -TimeoutSec 10
    }

    function Test-PortListening([int] $Port) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            $client.Connect([System.Net.IPAddress]::Loopback, $Port)
            $true
        }
        catch [System.Net.Sockets.SocketException] { $false }
        catch { if ($_.Exception.InnerException -is [System.Net.Sockets.SocketException]) { $false } else { throw } }
        finally { $client.Dispose() }
    }

    function New-ScalarRuns([string] $Root, [string[]] $Runs, [int] $Steps = 5) {
        foreach ($run in $Runs) {
            0..($Steps - 1) | ForEach-Object { [pscustomobject]@{ Tag = 'loss'; Step = $_; Value = 1 / ($_ + 1) } } |
                Add-TbScalar -LogDir (Join-Path $Root $run)
        }
    }
}

Describe 'Show-TbBoard -LogDir' {
    AfterEach { Stop-TbBoard -All }

    It 'returns a running board at once: its Url (with the token) serves the page, Port, LogDir, Runs and StartTime filled' {
        $before = [DateTimeOffset]::Now
        $board = Show-TbBoard $ScalarsMulti -NoBrowser
        $board | Should -BeOfType ([TbPowerShell.TbBoard])
        $board.IsRunning | Should -BeTrue
        $board.Port | Should -BeGreaterThan 0
        $board.Url.Host | Should -Be '127.0.0.1'
        $board.Url.Port | Should -Be $board.Port
        $board.Url.Query | Should -Be "?token=$($board.Server.Token)"
        $board.LogDir | Should -Be @([System.IO.Path]::GetFullPath($ScalarsMulti))
        $board.StartTime | Should -BeGreaterOrEqual $before.AddSeconds(-1)
        # scalars_multi: the root run and five sub-runs.
        $board.Runs | Should -Be 6

        $page = Invoke-WebRequest -Uri $board.Url -SkipHttpErrorCheck -TimeoutSec 10
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<html'
    }

    It 'refuses a request without the token (401)' {
        $board = Show-TbBoard $ScalarsMulti -NoBrowser
        (Invoke-Board $board '/api/runs' -NoToken).StatusCode | Should -Be 401
        (Invoke-Board $board '/api/runs').StatusCode | Should -Be 200
    }

    It 'defaults to the current location' {
        Push-Location $ScalarsMulti
        try {
            $board = Show-TbBoard -NoBrowser
        }
        finally {
            Pop-Location
        }
        $board.LogDir | Should -Be @([System.IO.Path]::GetFullPath($ScalarsMulti))
    }

    It 'serves several log directories and several boards at once, on different ports' {
        $a = Join-Path $TestDrive 'several/a'
        $b = Join-Path $TestDrive 'several/b'
        New-ScalarRuns $a 'r1', 'r2'
        New-ScalarRuns $b 'r3'
        $one = Show-TbBoard $a, $b -NoBrowser
        $two = Show-TbBoard $ScalarsMulti -NoBrowser
        $one.LogDir.Count | Should -Be 2
        $one.Runs | Should -Be 3
        $one.Port | Should -Not -Be $two.Port
        (Invoke-Board $one '/api/runs').StatusCode | Should -Be 200
        (Invoke-Board $two '/api/runs').StatusCode | Should -Be 200
    }

    It 'listens on the port given' {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $board = Show-TbBoard $ScalarsMulti -Port $port -NoBrowser
        $board.Port | Should -Be $port
        Test-PortListening $port | Should -BeTrue
    }

    It 'a missing log directory is the error PathNotFound, and no board starts' {
        $missing = Join-Path $TestDrive 'no-such-dir'
        $board = Show-TbBoard $missing -NoBrowser -ErrorVariable err -ErrorAction SilentlyContinue
        $board | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.ShowTbBoardCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be $missing
        @(Get-TbBoard).Count | Should -Be 0
    }

    It 'a missing directory among good ones is reported, and the others are shown' {
        $missing = Join-Path $TestDrive 'missing-among'
        $board = Show-TbBoard $ScalarsMulti, $missing -NoBrowser -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.ShowTbBoardCommand'
        $board.LogDir | Should -Be @([System.IO.Path]::GetFullPath($ScalarsMulti))
    }

    It 'a file instead of a directory is the error NotADirectory' {
        $file = (Get-EventFile $ScalarsMulti)[0].FullName
        Show-TbBoard $file -NoBrowser -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'NotADirectory,TbPowerShell.Commands.ShowTbBoardCommand'
        $err[0].TargetObject | Should -Be $file
    }

    It 'a port in use is the terminating error PortInUse, with the port as target' {
        $blocker = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $blocker.Start()
        try {
            $port = $blocker.LocalEndpoint.Port
            $caught = $null
            try { Show-TbBoard $ScalarsMulti -Port $port -NoBrowser -ErrorAction Stop } catch { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -Be 'PortInUse,TbPowerShell.Commands.ShowTbBoardCommand'
            $caught.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $caught.TargetObject | Should -Be $port
        }
        finally {
            $blocker.Stop()
        }
        @(Get-TbBoard).Count | Should -Be 0
    }
}

Describe 'Show-TbBoard with events from the pipeline' {
    AfterEach { Stop-TbBoard -All }

    It 'shows exactly the events piped in: their runs, tags and values' {
        $events = Get-TbEvent $ScalarsMulti -Run multi_sin, multi_cos | Where-Object Step -lt 10
        $board = $events | Show-TbBoard -NoBrowser
        $board.LogDir.Count | Should -Be 0
        $board.Runs | Should -Be 2
        $runs = (Invoke-Board $board '/api/runs').Content | ConvertFrom-Json
        @($runs.name | Sort-Object) | Should -Be @('multi_cos', 'multi_sin')
        $tags = (Invoke-Board $board '/api/tags').Content | ConvertFrom-Json
        $tag = @($tags | Where-Object kind -EQ 'scalar')[0]
        $sin = @($runs | Where-Object name -EQ 'multi_sin')[0]
        $series = ((Invoke-Board $board "/api/scalars?tag=$($tag.id)&runs=$($sin.id)").Content | ConvertFrom-Json).series[0]
        $expected = @($events | Where-Object { $_.Run -eq 'multi_sin' -and $_.Tag -eq $tag.name })
        @($series.step) | Should -Be @($expected.Step)
        @($series.value | ForEach-Object { [double]$_ }) | Should -Be @($expected.Value)
    }

    It 'shows piped images and text as their kinds, with the images served' {
        $board = Get-TbEvent (Join-Path $FixtureRoot 'pytorch/image') -Type Image -Tag rgb_chw | Show-TbBoard -NoBrowser
        $tags = (Invoke-Board $board '/api/tags').Content | ConvertFrom-Json
        @($tags | ForEach-Object { "$($_.name):$($_.kind)" }) | Should -Be @('rgb_chw:image')
        $runs = (Invoke-Board $board '/api/runs').Content | ConvertFrom-Json
        $images = (Invoke-Board $board "/api/images?run=$($runs[0].id)&tag=$($tags[0].id)").Content | ConvertFrom-Json
        @($images.step) | Should -Be @(0, 1)
        $media = Invoke-Board $board "/api/media/$($images[0].media)"
        $media.StatusCode | Should -Be 200
        $media.Headers['Content-Type'] | Should -Be 'image/png'
    }

    It 'takes -InputObject as well as the pipeline' {
        $events = Get-TbEvent $ScalarsMulti -Run multi_lin
        $board = Show-TbBoard -InputObject $events -NoBrowser
        $board.Runs | Should -Be 1
    }

    It 'takes smoothed scalars and shows their values as logged' {
        $board = Get-TbEvent $ScalarsMulti -Run multi_lin -Smoothing 0.9 | Show-TbBoard -NoBrowser
        $board.Runs | Should -Be 1
    }

    It 'a pipeline that brings nothing is the error EmptyData, and no board starts' {
        $board = Get-TbEvent $ScalarsMulti | Where-Object Step -lt 0 | Show-TbBoard -NoBrowser -ErrorVariable err -ErrorAction SilentlyContinue
        $board | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'EmptyData,TbPowerShell.Commands.ShowTbBoardCommand'
        @(Get-TbBoard).Count | Should -Be 0
    }

    It 'an object that is not an event is the error UnsupportedInput, with the object as target; the events are shown' {
        $events = @(Get-TbEvent $ScalarsMulti -Run multi_lin) + @(42)
        $board = $events | Show-TbBoard -NoBrowser -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'UnsupportedInput,TbPowerShell.Commands.ShowTbBoardCommand'
        $err[0].TargetObject | Should -Be 42
        $board.Runs | Should -Be 1
    }

    It 'directories piped in are log directories' {
        $board = Get-Item $ScalarsMulti | Show-TbBoard -NoBrowser
        $board.LogDir | Should -Be @([System.IO.Path]::GetFullPath($ScalarsMulti))
    }
}

Describe 'Show-TbBoard opens the browser only on a desktop' {
    AfterEach { Stop-TbBoard -All }

    BeforeAll {
        $saved = @{ DISPLAY = $env:DISPLAY; WAYLAND_DISPLAY = $env:WAYLAND_DISPLAY; BROWSER = $env:BROWSER }
        $opened = Join-Path $TestDrive 'opened.txt'
        $fakeBrowser = Join-Path $TestDrive 'fake-browser.sh'
        Set-Content -LiteralPath $fakeBrowser -Value "#!/bin/sh`nprintf '%s' `"`$1`" > '$opened'"
        if (-not $IsWindows) { chmod +x $fakeBrowser }
    }
    AfterAll {
        foreach ($name in $saved.Keys) { Set-Item "env:$name" -Value $saved[$name] }
    }
    BeforeEach {
        Remove-Item -LiteralPath $opened -ErrorAction SilentlyContinue
        $env:BROWSER = $fakeBrowser
    }

    It 'runs $env:BROWSER with the Url when there is a display' -Skip:(-not $IsLinux) {
        $env:DISPLAY = ':99'
        $board = Show-TbBoard $ScalarsMulti
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Test-Path -LiteralPath $opened) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 100
        Get-Content -LiteralPath $opened -Raw | Should -Be $board.Url.AbsoluteUri
    }

    It 'opens nothing without a display (DISPLAY and WAYLAND_DISPLAY unset), and says so in the verbose stream' -Skip:(-not $IsLinux) {
        $env:DISPLAY = $null
        $env:WAYLAND_DISPLAY = $null
        $verbose = Show-TbBoard $ScalarsMulti -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        Start-Sleep -Milliseconds 500
        Test-Path -LiteralPath $opened | Should -BeFalse
        "$verbose" | Should -Match 'No browser opened'
    }

    It 'opens nothing with -NoBrowser' -Skip:(-not $IsLinux) {
        $env:DISPLAY = ':99'
        $null = Show-TbBoard $ScalarsMulti -NoBrowser
        Start-Sleep -Milliseconds 500
        Test-Path -LiteralPath $opened | Should -BeFalse
    }
}

Describe 'Get-TbBoard and Stop-TbBoard' {
    AfterEach { Stop-TbBoard -All }

    It 'Get-TbBoard lists the running boards, the same objects Show-TbBoard returned' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $two = Show-TbBoard $ScalarsMulti -NoBrowser
        $listed = @(Get-TbBoard)
        $listed.Count | Should -Be 2
        [object]::ReferenceEquals($listed[0], $one) | Should -BeTrue
        [object]::ReferenceEquals($listed[1], $two) | Should -BeTrue
        $two.Id | Should -BeGreaterThan $one.Id
        (Get-TbBoard -Id $two.Id).Port | Should -Be $two.Port
    }

    It 'Stop-TbBoard from the pipeline stops that board and frees its port; the others go on' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $two = Show-TbBoard $ScalarsMulti -NoBrowser
        $one | Stop-TbBoard
        $one.IsRunning | Should -BeFalse
        Test-PortListening $one.Port | Should -BeFalse
        @(Get-TbBoard).Id | Should -Be @($two.Id)
        (Invoke-Board $two '/api/runs').StatusCode | Should -Be 200
    }

    It 'Stop-TbBoard -Id stops by id; -PassThru emits the board stopped' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $stopped = Stop-TbBoard -Id $one.Id -PassThru
        [object]::ReferenceEquals($stopped, $one) | Should -BeTrue
        $one.IsRunning | Should -BeFalse
    }

    It 'Stop-TbBoard -All stops every board' {
        $null = Show-TbBoard $ScalarsMulti -NoBrowser
        $null = Show-TbBoard $ScalarsMulti -NoBrowser
        Stop-TbBoard -All
        @(Get-TbBoard).Count | Should -Be 0
    }

    It 'Get-TbBoard | Stop-TbBoard stops them all' {
        $null = Show-TbBoard $ScalarsMulti -NoBrowser
        Get-TbBoard | Stop-TbBoard
        @(Get-TbBoard).Count | Should -Be 0
    }

    It 'Stopping a board twice does nothing the second time' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $one | Stop-TbBoard
        { $one | Stop-TbBoard -ErrorAction Stop } | Should -Not -Throw
    }

    It 'Stop-TbBoard -WhatIf stops nothing' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $one | Stop-TbBoard -WhatIf
        $one.IsRunning | Should -BeTrue
    }

    It 'an unknown id is the error BoardNotFound (Get-TbBoard and Stop-TbBoard)' {
        Get-TbBoard -Id 999999 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'BoardNotFound,TbPowerShell.Commands.GetTbBoardCommand'
        $err[0].TargetObject | Should -Be 999999
        Stop-TbBoard -Id 999999 -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Be 'BoardNotFound,TbPowerShell.Commands.StopTbBoardCommand'
    }

    It 'Stop-TbBoard with no board, id or -All is refused (it never stops everything by accident)' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $run = Invoke-ChildPwsh "Import-Module $(ConvertTo-SingleQuoted $ModuleFile); `$b = Show-TbBoard $(ConvertTo-SingleQuoted $ScalarsMulti) -NoBrowser; try { Stop-TbBoard -ErrorAction Stop } catch { 'refused' }; `$b.IsRunning"
        $run.Output | Should -Contain 'refused'
        $run.Output[-1] | Should -Be 'True'
        $one.IsRunning | Should -BeTrue
    }

    It 'the default view is a table with the id, state, runs and Url' {
        $one = Show-TbBoard $ScalarsMulti -NoBrowser
        $text = $one | Out-String -Width 400
        $text | Should -Match 'Id\s+State\s+Runs\s+StartTime\s+LogDir\s+Url'
        $text | Should -Match ([regex]::Escape($one.Url.AbsoluteUri))
        $text | Should -Match 'Running'
    }
}

Describe 'Remove-Module stops the boards' {
    AfterEach { Stop-TbBoard -All }

    It 'the port is free once the module is removed' {
        $run = Invoke-ChildPwsh @"
Import-Module $(ConvertTo-SingleQuoted $ModuleFile)
`$b = Show-TbBoard $(ConvertTo-SingleQuoted $ScalarsMulti) -NoBrowser
`$port = `$b.Port
`$server = `$b.Server
Remove-Module TbPowerShell
"running=`$(`$server.IsRunning)"
`$client = [System.Net.Sockets.TcpClient]::new()
try { `$client.Connect([System.Net.IPAddress]::Loopback, `$port); 'listening' } catch { 'closed' } finally { `$client.Dispose() }
"@
        $run.Output | Should -Contain 'running=False'
        $run.Output | Should -Contain 'closed'
    }
}

Describe 'Export-TbReport' {
    AfterEach { Stop-TbBoard -All }

    It 'writes one self-contained HTML file with the runs inside; -PassThru emits it' {
        $path = Join-Path $TestDrive 'report/report.html'
        $file = Export-TbReport $ScalarsMulti -Path $path -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $path
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -Match 'tb-report'
        $html | Should -Match 'multi_sin'
        $html | Should -Not -Match '(src|href)="/'
        @(Get-ChildItem (Split-Path $path) -Force).Count | Should -Be 1
    }

    It 'titles the page with -Title' {
        $path = Join-Path $TestDrive 'titled.html'
        Export-TbReport $ScalarsMulti -Path $path -Title 'Sweep of 7 December'
        Get-Content -LiteralPath $path -Raw | Should -Match '<title>Sweep of 7 December</title>'
    }

    It 'keeps only the runs and tags asked for' {
        $path = Join-Path $TestDrive 'only.html'
        Export-TbReport $ScalarsMulti -Path $path -Run multi_sin
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -Match 'multi_sin'
        $html | Should -Not -Match 'multi_cos'
    }

    It 'matches -Run and -Tag as Get-TbEvent does: wildcards, letter case ignored' {
        $path = Join-Path $TestDrive 'wild.html'
        Export-TbReport $ScalarsMulti -Path $path -Run 'MULTI_S*'
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -Match 'multi_sin'
        $html | Should -Not -Match 'multi_cos'
        $runs = @(Get-TbRun $ScalarsMulti -Run 'MULTI_S*').Run
        $runs | Should -Contain 'multi_sin'
        $tags = @(Get-TbTag $ScalarsMulti).Tag | Sort-Object -Unique
        $first = $tags[0]
        Export-TbReport $ScalarsMulti -Path $path -Tag ($first.ToUpperInvariant().Substring(0, [Math]::Min(3, $first.Length)) + '*') -Force
        $data = [regex]::Match((Get-Content -LiteralPath $path -Raw), 'id="tb-report">(.*?)</script>', 'Singleline').Groups[1].Value | ConvertFrom-Json
        @($data.tags.name) | Should -Be @($tags | Where-Object { $_ -like ($first.Substring(0, [Math]::Min(3, $first.Length)) + '*') })
    }

    It 'overwrites by default; -NoClobber refuses with FileExists and leaves the file' {
        $path = Join-Path $TestDrive 'clobber.html'
        Set-Content -LiteralPath $path -Value 'old'
        $caught = $null
        try { Export-TbReport $ScalarsMulti -Path $path -NoClobber -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'FileExists,TbPowerShell.Commands.ExportTbReportCommand'
        $caught.TargetObject | Should -Be $path
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'old'
        Export-TbReport $ScalarsMulti -Path $path
        Get-Content -LiteralPath $path -Raw | Should -Match 'tb-report'
    }

    It 'a missing log directory is the error PathNotFound, and no file is written' {
        $path = Join-Path $TestDrive 'missing.html'
        Export-TbReport (Join-Path $TestDrive 'nowhere') -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,TbPowerShell.Commands.ExportTbReportCommand'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It '-WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'whatif.html'
        Export-TbReport $ScalarsMulti -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }
}
