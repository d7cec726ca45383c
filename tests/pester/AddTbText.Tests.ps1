#Requires -Modules Pester
# Add-TbText: the text PyTorch's add_text writes (tag + "/text_summary", markdown and unicode kept),
# strings piped one after another joined into one text, objects with other tags, steps or runs
# kept apart, and Get-TbEvent -Type Text reading TbTextEvent.Text back.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbTextCommand'

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "text$script:dirCounter"
    }

    # kind_text's texts, in the order it wrote them.
    $KindText = @(
        @{ Tag = 'plain'; Text = 'hello world'; Step = 0 }
        @{ Tag = 'markdown_table'; Text = "| a | b |`n|---|---|`n| 1 | 2 |`n| **x** | ``y`` |"; Step = 0 }
        @{ Tag = 'unicode'; Text = 'héllo wörld — 世界 🚀 ∑'; Step = 0 }
        @{ Tag = 'plain'; Text = "second step`nwith two lines"; Step = 1 }
        @{ Tag = 'empty'; Text = ''; Step = 0 }
    )
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Add-TbText writes what PyTorch''s add_text wrote (tests/fixtures/pytorch/text)' {
    It 'gives the same tags, steps, wall times and texts (markdown, unicode and empty text kept)' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            foreach ($t in $KindText) {
                Add-TbText -Writer $w -Tag $t.Tag -Text $t.Text -Step $t.Step -WallTime ($BaseWall + $t.Step) -ErrorAction Stop
            }
        }
        finally { Close-TbWriter $w }
        $ours = @(Get-TbEvent -Type Text $dir)
        $theirs = @(Get-TbEvent -Type Text -LiteralPath (Join-Path $PyTorchFixtures 'text'))
        $theirs.Count | Should -Be 5
        $ours.Count | Should -Be 5
        for ($i = 0; $i -lt 5; $i++) {
            $ours[$i].Tag | Should -BeExactly $theirs[$i].Tag
            $ours[$i].Tag | Should -BeExactly "$($KindText[$i].Tag)/text_summary"
            $ours[$i].Step | Should -Be $theirs[$i].Step
            $ours[$i].WallTime.UnixSeconds | Should -Be $theirs[$i].WallTime.UnixSeconds
            $ours[$i].Text | Should -BeExactly $theirs[$i].Text
            $ours[$i].Text | Should -BeExactly $KindText[$i].Text
            $ours[$i].Strings | Should -BeExactly $theirs[$i].Strings
            $ours[$i].Shape | Should -Be $theirs[$i].Shape
        }
    }
}

Describe 'Add-TbText' {
    It 'adds "/text_summary" to the tag and keeps the text as given' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag 'notes' -Text '# Title' -Step 2
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 1
        $e[0] | Should -BeOfType ([TbPowerShell.TbTextEvent])
        $e[0].Tag | Should -BeExactly 'notes/text_summary'
        $e[0].Text | Should -BeExactly '# Title'
        $e[0].Step | Should -Be 2
        "$($e[0])" | Should -BeExactly '# Title'
    }

    It 'joins strings piped one after another into one text: ''line1'', ''line2'' gives "line1`nline2"' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        'line1', 'line2' | Add-TbText -Writer $w -Tag notes
        Close-TbWriter $w
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 1
        $e[0].Tag | Should -BeExactly 'notes/text_summary'
        $e[0].Text | Should -BeExactly "line1`nline2"
    }

    It 'joins the elements of a -Text array the same way' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag 'arr' -Text 'a', '', 'c'
        (Get-TbEvent -Type Text $dir).Text | Should -BeExactly "a`n`nc"
    }

    It 'logs a markdown file read with Get-Content as one text, unicode kept' {
        $file = Join-Path $TestDrive 'notes.md'
        $lines = '# Résumé', '', '| k | v |', '|---|---|', '| 损失 | 0.5 |', '- 🚀 **done**'
        Set-Content -LiteralPath $file -Value $lines -Encoding utf8
        $dir = New-TestDir
        Get-Content -LiteralPath $file | Add-TbText -LogDir $dir -Tag 'readme'
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 1
        $e[0].Text | Should -BeExactly ($lines -join "`n")
    }

    It 'keeps objects with other tags, steps or runs apart (consecutive ones with the same keys are joined)' {
        $dir = New-TestDir
        @(
            [pscustomobject]@{ Tag = 'a'; Text = 'x'; Step = 1 }
            [pscustomobject]@{ Tag = 'a'; Text = 'y'; Step = 1 }
            [pscustomobject]@{ Tag = 'b'; Text = 'z'; Step = 1 }
            [pscustomobject]@{ Tag = 'a'; Text = 'w'; Step = 1 }
            [pscustomobject]@{ Tag = 'a'; Text = 'v'; Step = 2 }
            [pscustomobject]@{ Run = 'other'; Tag = 'a'; Text = 'u'; Step = 2 }
        ) | Add-TbText -LogDir $dir
        $e = @(Get-TbEvent -Type Text $dir)
        ($e | ForEach-Object { "$($_.Run)|$($_.Tag)|$($_.Step)|$($_.Text)" }) | Should -Be @(
            ".|a/text_summary|1|x`ny"
            '.|b/text_summary|1|z'
            '.|a/text_summary|1|w'
            '.|a/text_summary|2|v'
            'other|a/text_summary|2|u'
        )
    }

    It 'keeps objects with different tags as separate texts with -Writer' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        [pscustomobject]@{ Tag = 'first'; Text = 'one' }, [pscustomobject]@{ Tag = 'second'; Text = 'two' } | Add-TbText -Writer $w
        Close-TbWriter $w
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Tag | Should -Be @('first/text_summary', 'second/text_summary')
        $e.Text | Should -Be @('one', 'two')
    }

    It '-PassThru emits one TbTextEvent per text written' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $out = @('a', 'b' | Add-TbText -Writer $w -Tag 'p' -Step 3 -WallTime 1700000003.5 -PassThru)
        Close-TbWriter $w
        $out.Count | Should -Be 1
        $out[0] | Should -BeOfType ([TbPowerShell.TbTextEvent])
        (Get-Command Add-TbText).OutputType.Type | Should -Contain ([TbPowerShell.TbTextEvent])
        $out[0].Run | Should -BeExactly '.'
        $out[0].Tag | Should -BeExactly 'p/text_summary'
        $out[0].Step | Should -Be 3
        $out[0].WallTime.UnixSeconds | Should -Be 1700000003.5
        $out[0].Text | Should -BeExactly "a`nb"
        $out[0].File | Should -BeExactly $w.Path
        $read = Get-TbEvent -Type Text $dir
        $read.Text | Should -BeExactly $out[0].Text
        $read.Strings | Should -Be $out[0].Strings
        $read.Shape | Should -Be $out[0].Shape
    }

    It 'is silent without -PassThru' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag 'q' -Text 'quiet' | Should -BeNullOrEmpty
    }

    It 'Get-TbEvent emits no text unless asked: -Type Text gives TbTextEvent objects' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag 'q' -Text 'hidden'
        @(Get-TbEvent $dir).Count | Should -Be 0
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 1
        $e[0].GetType() | Should -Be ([TbPowerShell.TbTextEvent])
    }

    It 'EmptyTag for an empty tag: InvalidArgument, nothing written, other texts are' {
        $dir = New-TestDir
        [pscustomobject]@{ Tag = ''; Text = 'lost' }, [pscustomobject]@{ Tag = 'ok'; Text = 'kept' } |
            Add-TbText -LogDir $dir -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "EmptyTag,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject | Should -BeExactly ''
        (Get-TbEvent -Type Text $dir).Text | Should -BeExactly 'kept'
    }
}

Describe 'Add-TbText tables (a rank-2 text tensor, drawn as a table by TensorBoard)' {
    It 'writes a [string[,]] as a [rows, columns] tensor and reads it back with its shape' {
        $dir = New-TestDir
        $cells = [string[,]]::new(3, 2)
        $cells[0, 0] = 'epoch'; $cells[0, 1] = 'loss'
        $cells[1, 0] = '1'; $cells[1, 1] = '**0.5**'
        $cells[2, 0] = '2'; $cells[2, 1] = '0.25'
        Add-TbText -LogDir $dir -Tag results -Text $cells -Step 3
        $e = Get-TbEvent -Type Text $dir
        $e.Tag | Should -BeExactly 'results/text_summary'
        @($e.Shape) | Should -Be @(3, 2)
        @($e.Strings) | Should -Be @('epoch', 'loss', '1', '**0.5**', '2', '0.25')
        $e.Text | Should -BeExactly "epoch`tloss`n1`t**0.5**`n2`t0.25"
        ($e.Text | ConvertFrom-Csv -Delimiter "`t")[1].loss | Should -BeExactly '0.25'
    }

    It 'writes an array of equal-length rows as a table' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag t -Text @(@('a', 'b'), @('c', 'd'), @(1, 2.5)) -PassThru | ForEach-Object { @($_.Shape) | Should -Be @(3, 2) }
        $e = Get-TbEvent -Type Text $dir
        @($e.Shape) | Should -Be @(3, 2)
        @($e.Strings) | Should -Be @('a', 'b', 'c', 'd', '1', '2.5')
    }

    It 'keeps a 1-D array as lines joined into one text' {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag t -Text 'a', 'b'
        $e = Get-TbEvent -Type Text $dir
        @($e.Shape) | Should -Be @(1)
        $e.Text | Should -BeExactly "a`nb"
    }

    It 'a table piped between texts is a value of its own; the texts around it keep their order' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        try {
            'x', 'y' | Add-TbText -Writer $w -Tag t -Step 0
            Add-TbText -Writer $w -Tag tab -Text (, @('p', 'q')) -Step 0
        }
        finally { $w | Close-TbWriter }
        $e = @(Get-TbEvent -Type Text $dir)
        $e.Count | Should -Be 2
        $e[0].Text | Should -BeExactly "x`ny"
        @($e[1].Shape) | Should -Be @(1, 2)
    }

    It 'copies a table with Get-TbEvent | Add-TbEvent, shape kept' {
        $dir = New-TestDir
        $copy = New-TestDir
        Add-TbText -LogDir $dir -Tag t -Text @(@('a', 'b'), @('c', 'd'))
        Get-TbEvent -Type Text $dir | Add-TbEvent -LogDir $copy
        @((Get-TbEvent -Type Text $copy).Shape) | Should -Be @(2, 2)
    }

    It 'InvalidTable for rows of different lengths or an empty 2-D array: InvalidData, nothing written' -ForEach @(
        @{ Text = @(@('a', 'b'), @('c')) }
        @{ Text = [string[,]]::new(0, 2) }
    ) {
        $dir = New-TestDir
        Add-TbText -LogDir $dir -Tag t -Text $Text -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "InvalidTable,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
        @(Get-TbEvent -Type Text $dir).Count | Should -Be 0
    }
}
