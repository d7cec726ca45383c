#Requires -Modules Pester
# Model graphs: Add-TbGraph on the demo model (traced with an input, and in containment order
# without), read back with Get-TbEvent -Type Graph; PyTorch's graph fixture read as TensorBoard
# reads it; written back with Add-TbEvent; the errors with exact ids.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Building a demo model loads TorchSharp and libtorch (PowerShell cannot name [TorchSharp.torch] before).
    [TbPowerShell.Torch.Demo.Determinism]::Seed(1234)
    $script:model = [TbPowerShell.Torch.Demo.TwoBranchNet]::new(4)

    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "graph$script:dirCounter"
    }

    function Get-TerminatingError([scriptblock] $Script) {
        try { & $Script; $null }
        catch { $_ }
    }

    $script:PyTorchGraph = Get-Content (Join-Path $FixtureRoot 'pytorch.raw.jsonl') |
        ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { $_.run -eq 'graph' -and $_.kind -in 'graph', 'run_metadata' }
}

AfterAll {
    [TbPowerShell.TbWriter]::OpenWriters | Where-Object { $_.LogDir.StartsWith("$TestDrive") } | Close-TbWriter
}

Describe 'Reading graphs' {
    It 'reads PyTorch''s graph as TensorBoard does: 9 nodes, the names in order' {
        $expected = $PyTorchGraph | Where-Object kind -EQ 'graph'
        $g = @(Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Graph)
        $g.Count | Should -Be 2
        $g[0] | Should -BeOfType ([TbPowerShell.TbGraphEvent])
        $g[0].Tag | Should -Be '__run_graph__'
        $g[0].Content | Should -Be 'GraphDef'
        $g[0].NodeCount | Should -Be $expected.value.nodes
        $g[0].NodeNames | Should -Be $expected.value.node_names
        $g[0].Length | Should -Be $expected.value.bytes
        $g[0].Step | Should -Be 0
        (Get-DoubleBits $g[0].WallTime.UnixSeconds) | Should -Be (Get-DoubleBits $expected.wall_time)
        $fc1 = $g[0].Nodes | Where-Object Name -EQ 'Net/Linear[fc1]/31'
        $fc1.Op | Should -Be 'aten::linear'
        $fc1.Inputs | Should -Be @('input/x', 'Net/Linear[fc1]/weight/weight.1', 'Net/Linear[fc1]/bias/bias.1')
        $fc1.Attribute('_output_shapes') | Should -Be '[[1,3]]'
    }

    It 'reads the tagged run metadata under its tag, with its size and devices' {
        $expected = $PyTorchGraph | Where-Object kind -EQ 'run_metadata'
        $m = Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Graph -Tag step1
        $m.Tag | Should -Be $expected.tag
        $m.Content | Should -Be 'RunMetadata'
        $m.Length | Should -Be $expected.value.bytes
        $m.Devices | Should -Be '/device:CPU:0'
        $m.NodeCount | Should -Be 0
    }

    It 'gives graphs only for -Type Graph or All, never as tensors' {
        @(Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Tensor).Count | Should -Be 0
        @(Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type All | Where-Object { $_ -is [TbPowerShell.TbGraphEvent] }).Count | Should -Be 2
    }

    It 'shows a graph in a table with its node count and first names' {
        $text = Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Graph | Out-String -Width 200
        $text | Should -Match '__run_graph__\s+0\s+GraphDef\s+9\s+input/x, output/output\.1, Net/Linear\[fc1\]/bias/bias\.1'
        $text | Should -Match 'step1\s+0\s+RunMetadata\s+0\s+/device:CPU:0'
    }

    It 'writes a graph back with Add-TbEvent byte for byte' {
        $dir = New-TestDir
        Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Graph | Add-TbEvent -LogDir $dir
        $copy = @(Get-TbEvent $dir -Type Graph)
        $orig = @(Get-TbEvent (Join-Path $FixtureRoot 'pytorch/graph') -Type Graph)
        $copy.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $copy[$i].Tag | Should -Be $orig[$i].Tag
            [Convert]::ToBase64String($copy[$i].Bytes) | Should -Be ([Convert]::ToBase64String($orig[$i].Bytes))
        }
    }
}

Describe 'Add-TbGraph' {
    It 'traces the model with -Input: scopes, leaf nodes, parameter nodes, IO nodes, edges and shapes' {
        $dir = New-TestDir
        $x = [TorchSharp.torch]::zeros([long[]](2, 1, 16, 16))
        $out = Add-TbGraph -Module $model -Input $x -LogDir $dir -Run traced -PassThru
        $read = Get-TbEvent $dir -Type Graph
        $read.Run | Should -Be 'traced'
        $out.Run | Should -Be 'traced'
        $read.NodeNames | Should -Be $out.NodeNames
        $read.Step | Should -Be 0
        $nodes = @{}; foreach ($n in $read.Nodes) { $nodes[$n.Name] = $n }

        $nodes['input/input'].Op | Should -Be 'IO Node'
        $nodes['input/input'].OutputShapes[0] | Should -Be @(2, 1, 16, 16)
        $conv = $nodes['TwoBranchNet/Sequential[stem]/Conv2d[conv]/forward']
        $conv.Op | Should -Be 'Conv2d'
        $conv.Inputs | Should -Be @('input/input', 'TwoBranchNet/Sequential[stem]/Conv2d[conv]/weight/weight', 'TwoBranchNet/Sequential[stem]/Conv2d[conv]/bias/bias')
        $conv.Attribute('weight') | Should -Be '[8,1,3,3]'
        $conv.OutputShapes[0] | Should -Be @(2, 8, 16, 16)
        $nodes['TwoBranchNet/Sequential[stem]/Conv2d[conv]/weight/weight'].Op | Should -Be 'prim::GetAttr'
        $nodes['output/output.1'].Inputs | Should -Be 'TwoBranchNet/Sequential[head]/Linear[fc]/forward'
        $nodes['output/output.1'].OutputShapes[0] | Should -Be @(2, 4)
        $nodes['TwoBranchNet/Sequential[fuse]/Conv2d[conv]/forward'].Inputs[0] | Should -Be 'TwoBranchNet/functional'

        # The caller's input and the model are left as they were.
        $x.shape | Should -Be @(2, 1, 16, 16)
        $model.training | Should -BeTrue
        $x.Dispose()
    }

    It 'chains the leaves in containment order without -Input, for every model from the pipeline' {
        $dir = New-TestDir
        $w = New-TbWriter -LogDir $dir
        $model, [TbPowerShell.Torch.Demo.ModelWrapper]::new($model) | Add-TbGraph -Writer $w -Step 5
        Close-TbWriter $w
        $g = @(Get-TbEvent $dir -Type Graph)
        $g.Count | Should -Be 2
        $g.Step | Should -Be @(5, 5)
        $leaves = @($g[0].Nodes | Where-Object Op -NE 'prim::GetAttr')
        $leaves[0].Name | Should -Be 'TwoBranchNet/Sequential[stem]/Conv2d[conv]/forward'
        $leaves[1].Inputs[0] | Should -Be $leaves[0].Name
        $leaves[-1].Name | Should -Be 'TwoBranchNet/Sequential[head]/Linear[fc]/forward'
        @($g[0].Nodes | Where-Object { $_.Name -like 'input/*' -or $_.Name -like 'output/*' }).Count | Should -Be 0
        $g[1].NodeNames[0] | Should -BeLike 'ModelWrapper/TwoBranchNet`[module`]/*'
        $g[1].NodeCount | Should -Be $g[0].NodeCount
    }

    It 'writes a model without parameters with a warning' {
        $dir = New-TestDir
        $relu = [TorchSharp.torch+nn]::ReLU($false)
        $x = [TorchSharp.torch]::ones([long[]](3))
        $g = Add-TbGraph $relu $x -LogDir $dir -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*no parameters*'
        $g.NodeNames | Should -Be @('input/tensor', 'output/output.1', 'ReLU/forward')
        (Get-TbEvent $dir -Type Graph).NodeCount | Should -Be 3
        $x.Dispose()
    }

    It 'reports a forward call that throws as GraphForwardFailed naming the module, and writes nothing' {
        $dir = New-TestDir
        $wrong = [TorchSharp.torch]::zeros([long[]](1, 3, 16, 16))
        Add-TbGraph $model $wrong -LogDir $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GraphForwardFailed,TbPowerShell.Commands.AddTbGraphCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -BeLike "*'stem.conv' (Conv2d, TwoBranchNet/Sequential``[stem``]/Conv2d``[conv``])*"
        $errs[0].TargetObject | Should -Be $model
        @(Get-TbEvent $dir -Type Graph).Count | Should -Be 0
        $model.training | Should -BeTrue
        $wrong.Dispose()
    }

    It 'rejects what is not a module as NotAModule and goes on with the next input' {
        $dir = New-TestDir
        'not a model', $model | Add-TbGraph -LogDir $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NotAModule,TbPowerShell.Commands.AddTbGraphCommand'
        $errs[0].TargetObject | Should -Be 'not a model'
        @(Get-TbEvent $dir -Type Graph).Count | Should -Be 1
    }

    It 'rejects an -Input that is not a tensor as GraphInputInvalid (terminating)' {
        $err = Get-TerminatingError { Add-TbGraph $model -Input 1, 2 -LogDir (New-TestDir) }
        $err.FullyQualifiedErrorId | Should -Be 'GraphInputInvalid,TbPowerShell.Commands.AddTbGraphCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 1
    }

    It 'rejects more tensors than the model takes as GraphInputInvalid' {
        $a = [TorchSharp.torch]::zeros([long[]](1, 1, 16, 16))
        Add-TbGraph $model -Input $a, $a -LogDir (New-TestDir) -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GraphInputInvalid,TbPowerShell.Commands.AddTbGraphCommand'
        $errs[0].Exception.Message | Should -BeLike '*2 tensor*'
        $a.Dispose()
    }

    It 'rejects a closed writer as WriterClosed and a run outside the log directory as InvalidRun' {
        $w = New-TbWriter -LogDir (New-TestDir)
        Close-TbWriter $w
        (Get-TerminatingError { Add-TbGraph $model -Writer $w }).FullyQualifiedErrorId | Should -Be 'WriterClosed,TbPowerShell.Commands.AddTbGraphCommand'
        (Get-TerminatingError { Add-TbGraph $model -LogDir (New-TestDir) -Run '../out' }).FullyQualifiedErrorId | Should -Be 'InvalidRun,TbPowerShell.Commands.AddTbGraphCommand'
    }
}
