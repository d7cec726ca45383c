#Requires -Modules Pester
# Get-TbEvent -Wait: follows runs while writers append (new values, new files, new runs), each value
# exactly once and in file order, -Tail then follow, smoothing across new values, and stops promptly
# (Stop, as Ctrl+C does, and Select-Object -First).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $ModuleFullPath = (Get-Module TbPowerShell).Path

    function Start-Follower([string] $Script) {
        # Runs $Script in a runspace of its own (as another console would), collecting its output.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleFullPath'; $Script")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $handle }
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt $Seconds) { return $false }
            Start-Sleep -Milliseconds 50
        }
        $true
    }

    function Stop-Follower($Follower) {
        # Stop() is what Ctrl+C does to a pipeline; it must return promptly.
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $Follower.PowerShell.Stop()
        $clock.Stop()
        $Follower.PowerShell.Dispose()
        $clock.Elapsed
    }
}

Describe 'Get-TbEvent -Wait' {
    It 'emits what exists, then each new value exactly once, in order, from new files and new runs too' {
        $root = Join-Path $TestDrive 'live'
        $w = New-TbWriter -LogDir (Join-Path $root 'a') -FlushInterval 0.05
        foreach ($s in 0..9) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        $w.Flush()
        $f = Start-Follower "Get-TbEvent -Wait '$root' -Tag loss"
        try {
            Wait-Until { $f.Output.Count -ge 10 } | Should -BeTrue
            # Appended values, in several flushes.
            foreach ($s in 10..999) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s; if ($s % 97 -eq 0) { $w.Flush() } }
            Add-TbScalar -Writer $w -Tag other -Value 1 -Step 0
            Close-TbWriter $w
            # A second file in the same run, and a new run.
            $w2 = New-TbWriter -LogDir (Join-Path $root 'a') -FlushInterval 0.05
            foreach ($s in 1000..1499) { Add-TbScalar -Writer $w2 -Tag loss -Value $s -Step $s }
            Close-TbWriter $w2
            $w3 = New-TbWriter -LogDir (Join-Path $root 'b/eval') -FlushInterval 0.05
            foreach ($s in 0..199) { Add-TbScalar -Writer $w3 -Tag loss -Value (-$s) -Step $s }
            Close-TbWriter $w3
            Wait-Until { $f.Output.Count -ge 1700 } | Should -BeTrue
            Start-Sleep -Milliseconds 1200   # two more polls: nothing may come twice
        }
        finally {
            $stopTime = Stop-Follower $f
        }
        $stopTime.TotalSeconds | Should -BeLessThan 5
        $out = @($f.Output)
        $out.Count | Should -Be 1700
        @($out | Where-Object Run -eq 'a' | ForEach-Object Step) | Should -Be @(0..1499)
        @($out | Where-Object Run -eq 'b/eval' | ForEach-Object Value) | Should -Be @(0..199 | ForEach-Object { - $_ })
        @($out.Tag | Sort-Object -Unique) | Should -Be @('loss')
        @($out | Where-Object Run -eq 'a' | ForEach-Object File | Select-Object -Unique).Count | Should -Be 2
    }

    It 'reads a record that was half-written when last read once it is complete' {
        $dir = Join-Path $TestDrive 'half'
        $w = New-TbWriter -LogDir $dir
        Add-TbScalar -Writer $w -Tag loss -Value 1 -Step 1
        Add-TbScalar -Writer $w -Tag loss -Value 2 -Step 2
        Close-TbWriter $w
        $file = (Get-EventFile $dir)[0].FullName
        $bytes = [IO.File]::ReadAllBytes($file)
        # Cut inside the last record, then follow; then write the rest of it.
        $cut = $bytes.Length - 7
        [IO.File]::WriteAllBytes($file, $bytes[0..($cut - 1)])
        $f = Start-Follower "Get-TbEvent -Wait '$dir'"
        try {
            Wait-Until { $f.Output.Count -ge 1 } | Should -BeTrue
            Start-Sleep -Milliseconds 700
            $f.Output.Count | Should -Be 1
            $stream = [IO.File]::Open($file, 'Append', 'Write', 'ReadWrite')
            $stream.Write($bytes, $cut, $bytes.Length - $cut)
            $stream.Dispose()
            Wait-Until { $f.Output.Count -ge 2 } | Should -BeTrue
            Start-Sleep -Milliseconds 700
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output.Value) | Should -Be @(1, 2)
        $f.PowerShell.Streams.Error.Count | Should -Be 0
    }

    It 'reads a file again from its start when it got shorter, with a warning' {
        $dir = Join-Path $TestDrive 'shrink'
        $w = New-TbWriter -LogDir $dir
        foreach ($s in 0..4) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        Close-TbWriter $w
        $file = (Get-EventFile $dir)[0].FullName
        $f = Start-Follower "Get-TbEvent -Wait '$dir'"
        try {
            Wait-Until { $f.Output.Count -ge 5 } | Should -BeTrue
            # Replace the file with a shorter one holding other values.
            $tmp = Join-Path $TestDrive 'shrink-new'
            $w2 = New-TbWriter -LogDir $tmp
            Add-TbScalar -Writer $w2 -Tag loss -Value 42 -Step 0
            Close-TbWriter $w2
            [IO.File]::WriteAllBytes($file, [IO.File]::ReadAllBytes((Get-EventFile $tmp)[0].FullName))
            Wait-Until { $f.Output.Count -ge 6 } | Should -BeTrue
            $warnings = $f.PowerShell.Streams.Warning
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output.Value) | Should -Be @(0, 1, 2, 3, 4, 42)
        @($warnings).Count | Should -BeGreaterOrEqual 1
        "$($warnings[0])" | Should -BeLike "*$([IO.Path]::GetFileName($file))*"
    }

    It 'reads a file renamed over by another of the same length again from its start, with a warning naming it' {
        $dir = Join-Path $TestDrive 'renamed'
        $w = New-TbWriter -LogDir $dir
        foreach ($s in 0..9) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        Close-TbWriter $w
        $file = (Get-EventFile $dir)[0].FullName
        # The same tags, steps and count, other values: a file of the same length.
        $other = Join-Path $TestDrive 'renamed-other'
        $w2 = New-TbWriter -LogDir $other
        foreach ($s in 0..9) { Add-TbScalar -Writer $w2 -Tag loss -Value (100 + $s) -Step $s }
        Close-TbWriter $w2
        $replacement = (Get-EventFile $other)[0].FullName
        (Get-Item $replacement).Length | Should -Be (Get-Item $file).Length
        $f = Start-Follower "Get-TbEvent -Wait '$dir'"
        try {
            Wait-Until { $f.Output.Count -ge 10 } | Should -BeTrue
            Move-Item -LiteralPath $replacement -Destination $file -Force
            Wait-Until { $f.Output.Count -ge 20 } | Should -BeTrue
            Start-Sleep -Milliseconds 1200   # two more polls: nothing may come twice
            $warnings = @($f.PowerShell.Streams.Warning)
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output.Value) | Should -Be @(0..9 + 100..109)
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*$([IO.Path]::GetFileName($file))*read again from the start*"
        $f.PowerShell.Streams.Error.Count | Should -Be 0
    }

    It 'reads a file deleted and made again longer from its start, with a warning naming it' {
        $dir = Join-Path $TestDrive 'remade'
        $w = New-TbWriter -LogDir $dir
        foreach ($s in 0..9) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        Close-TbWriter $w
        $file = (Get-EventFile $dir)[0].FullName
        $other = Join-Path $TestDrive 'remade-other'
        $w2 = New-TbWriter -LogDir $other
        foreach ($s in 0..14) { Add-TbScalar -Writer $w2 -Tag loss -Value (100 + $s) -Step $s }
        Close-TbWriter $w2
        $bytes = [IO.File]::ReadAllBytes((Get-EventFile $other)[0].FullName)
        $f = Start-Follower "Get-TbEvent -Wait '$dir'"
        try {
            Wait-Until { $f.Output.Count -ge 10 } | Should -BeTrue
            Remove-Item -LiteralPath $file
            [IO.File]::WriteAllBytes($file, $bytes)
            Wait-Until { $f.Output.Count -ge 25 } | Should -BeTrue
            Start-Sleep -Milliseconds 1200
            $warnings = @($f.PowerShell.Streams.Warning)
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output.Value) | Should -Be @(0..9 + 100..114)
        $warnings.Count | Should -BeGreaterOrEqual 1
        "$($warnings[0])" | Should -BeLike "*$([IO.Path]::GetFileName($file))*read again from the start*"
        $f.PowerShell.Streams.Error.Count | Should -Be 0
    }

    It 'gives the last N values of each tag first with -Tail, then every new value' {
        $dir = Join-Path $TestDrive 'tail'
        $w = New-TbWriter -LogDir $dir -FlushInterval 0.05
        foreach ($s in 0..49) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s; Add-TbScalar -Writer $w -Tag acc -Value (100 + $s) -Step $s }
        $w.Flush()
        $f = Start-Follower "Get-TbEvent -Wait '$dir' -Tail 2"
        try {
            Wait-Until { $f.Output.Count -ge 4 } | Should -BeTrue
            Add-TbScalar -Writer $w -Tag loss -Value 50 -Step 50
            Close-TbWriter $w
            Wait-Until { $f.Output.Count -ge 5 } | Should -BeTrue
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output | ForEach-Object { "$($_.Tag)@$($_.Step)" }) | Should -Be @('loss@48', 'acc@48', 'loss@49', 'acc@49', 'loss@50')
    }

    It 'goes on smoothing new values as the dashboard would' {
        $dir = Join-Path $TestDrive 'smooth'
        $w = New-TbWriter -LogDir $dir -FlushInterval 0.05
        foreach ($s in 0..2) { Add-TbScalar -Writer $w -Tag x -Value 1 -Step $s }   # constant so far: drawn raw
        $w.Flush()
        $f = Start-Follower "Get-TbEvent -Wait '$dir' -Smoothing 0.5"
        try {
            Wait-Until { $f.Output.Count -ge 3 } | Should -BeTrue
            Add-TbScalar -Writer $w -Tag x -Value 3 -Step 3
            Close-TbWriter $w
            Wait-Until { $f.Output.Count -ge 4 } | Should -BeTrue
        }
        finally {
            $null = Stop-Follower $f
        }
        @($f.Output | Select-Object -First 3 | ForEach-Object Smoothed) | Should -Be @(1, 1, 1)
        # The EMA ran over all four values: last = 0.5^4*0 + ... ; debiased by 1 - 0.5^4.
        $last = 0.0; foreach ($v in 1, 1, 1, 3) { $last = $last * 0.5 + 0.5 * $v }
        $f.Output[3].Smoothed | Should -Be ($last / (1 - [Math]::Pow(0.5, 4)))
        # A finished file read without -Wait gives the same figure for the last value.
        (Get-TbEvent $dir -Smoothing 0.5)[3].Smoothed | Should -Be $f.Output[3].Smoothed
    }

    It 'ends when Select-Object -First has enough' {
        $dir = Join-Path $TestDrive 'first'
        $w = New-TbWriter -LogDir $dir
        foreach ($s in 0..9) { Add-TbScalar -Writer $w -Tag loss -Value $s -Step $s }
        Close-TbWriter $w
        $f = Start-Follower "Get-TbEvent -Wait '$dir' | Select-Object -First 3 | ForEach-Object { `$_.Value * 10 }"
        $f.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue
        @($f.Output) | Should -Be @(0, 10, 20)
        $f.PowerShell.Dispose()
    }

    It 'refuses -Pivot with -Wait' {
        { Get-TbEvent $TestDrive -Wait -Pivot } | Should -Throw -ErrorId 'IncompatibleParameters,TbPowerShell.Commands.GetTbEventCommand'
    }
}
