#Requires -Modules Pester
# Add-TbMesh: kind_mesh's inputs (make_fixtures.py) give the meshes PyTorch's add_mesh wrote
# (tests/fixtures/pytorch/mesh), read back by Get-TbEvent -Type Mesh as one TbMeshEvent per mesh
# and step; configs as Python's json.dumps; a pipeline copy; every error with its id.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'MediaTestHelpers.ps1')

    $AddId = 'TbPowerShell.Commands.AddTbMeshCommand'
    $MeshFixture = Join-Path $PyTorchFixtures 'mesh'
    $script:dirCounter = 0
    function New-TestDir {
        $script:dirCounter++
        Join-Path $TestDrive "mesh$script:dirCounter"
    }

    # kind_mesh's inputs.
    $Vertices = @(, @(@(1, 1, 1), @(-1, -1, 1), @(1, -1, -1), @(-1, 1, -1)))
    $Colors = @(, @(@(255, 0, 0), @(0, 255, 0), @(0, 0, 255), @(255, 0, 255)))
    $Faces = @(, @(@(0, 2, 3), @(0, 3, 1), @(0, 1, 2), @(1, 3, 2)))

    function Get-Flat([double[,,]] $Array) { $Array | ForEach-Object { $_ } }
}

Describe 'Get-TbEvent -Type Mesh reads PyTorch''s mesh' {
    It 'one TbMeshEvent groups tetra_VERTEX, tetra_FACE and tetra_COLOR' {
        $m = @(Get-TbEvent -Type Mesh $MeshFixture)
        $m.Count | Should -Be 1
        $m[0] | Should -BeOfType ([TbPowerShell.TbMeshEvent])
        $m[0].Tag | Should -BeExactly 'tetra'
        $m[0].Step | Should -Be 0
        $m[0].BatchSize | Should -Be 1
        $m[0].VertexCount | Should -Be 4
        $m[0].FaceCount | Should -Be 4
        $m[0].JsonConfig | Should -BeExactly '{}'
        $m[0].Vertices.GetType().Name | Should -Be 'Double[,,]'
        $m[0].Vertices[0, 1, 0] | Should -Be -1
        $m[0].Faces[0, 3, 1] | Should -Be 3
        $m[0].Colors[0, 3, 2] | Should -Be 255
        Get-Flat $m[0].Vertices | Should -Be @(1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1)
        Get-Flat $m[0].Faces | Should -Be @(0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2)
        Get-Flat $m[0].Colors | Should -Be @(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 255)
    }

    It 'the mesh tags are no longer tensors; Get-TbTag calls them Mesh' {
        @(Get-TbEvent -Type Tensor $MeshFixture) | Should -BeNullOrEmpty
        $tags = @(Get-TbTag $MeshFixture)
        $tags.Tag | Sort-Object | Should -Be @('tetra_COLOR', 'tetra_FACE', 'tetra_VERTEX')
        $tags.Type | Select-Object -Unique | Should -Be 'Mesh'
    }

    It 'has a table view' {
        $text = Get-TbEvent -Type Mesh $MeshFixture | Out-String
        $text | Should -Match 'Vertices'
        $text | Should -Match 'tetra\s+0\s'
    }
}

Describe 'Add-TbMesh writes what PyTorch''s add_mesh writes' {
    It 'kind_mesh''s inputs read back equal to the fixture' {
        $dir = New-TestDir
        Add-TbMesh -LogDir $dir -Tag tetra -Vertex $Vertices -Face $Faces -Color $Colors -Step 0
        $ours = @(Get-TbEvent -Type Mesh $dir)
        $theirs = @(Get-TbEvent -Type Mesh $MeshFixture)
        $ours.Count | Should -Be 1
        foreach ($p in 'Tag', 'Step', 'BatchSize', 'VertexCount', 'FaceCount', 'JsonConfig') { $ours[0].$p | Should -Be $theirs[0].$p }
        foreach ($p in 'Vertices', 'Faces', 'Colors') { Get-Flat $ours[0].$p | Should -Be (Get-Flat $theirs[0].$p) }
        # The stored tags are PyTorch's.
        (Get-TbTag $dir).Tag | Sort-Object | Should -Be @('tetra_COLOR', 'tetra_FACE', 'tetra_VERTEX')
    }

    It 'N × 3 rows, a flat list and a [double[,,]] make the same mesh' {
        $dir = New-TestDir
        $cube = [double[,,]]::new(1, 2, 3)
        $cube[0, 1, 2] = 5
        Add-TbMesh -LogDir $dir -Tag a -Vertex @(@(0, 0, 0), @(0, 0, 5)) -Step 1
        Add-TbMesh -LogDir $dir -Tag b -Vertex @(0, 0, 0, 0, 0, 5) -Step 1
        Add-TbMesh -LogDir $dir -Tag c -Vertex $cube -Step 1
        $m = @(Get-TbEvent -Type Mesh $dir)
        $m.Tag | Should -Be @('a', 'b', 'c')
        foreach ($mesh in $m) {
            Get-Flat $mesh.Vertices | Should -Be @(0, 0, 0, 0, 0, 5)
            $mesh.FaceCount | Should -Be 0
            $mesh.Colors | Should -BeNullOrEmpty
        }
    }

    It '-Config is stored as Python''s json.dumps(sort_keys=True) and read back as a hashtable' {
        $config = @{ material = @{ cls = 'MeshStandardMaterial'; roughness = 1 }; camera = @{ cls = 'PerspectiveCamera'; fov = 75.0 } }
        $out = Add-TbMesh -LogDir (New-TestDir) -Tag cfg -Vertex @(@(0, 0, 0)) -Config $config -PassThru
        $out.JsonConfig | Should -BeExactly '{"camera": {"cls": "PerspectiveCamera", "fov": 75.0}, "material": {"cls": "MeshStandardMaterial", "roughness": 1}}'
        $out.Config.camera.fov | Should -Be 75
        $out.Config.material.cls | Should -BeExactly 'MeshStandardMaterial'
    }

    It 'a mesh piped from Get-TbEvent is copied (Vertices, Faces, Colors, Config bind by name)' {
        $dir = New-TestDir
        Get-TbEvent -Type Mesh $MeshFixture | Add-TbMesh -LogDir $dir
        $copy = @(Get-TbEvent -Type Mesh $dir)
        $original = @(Get-TbEvent -Type Mesh $MeshFixture)
        $copy.Count | Should -Be 1
        $copy[0].WallTime.UnixSeconds | Should -Be $original[0].WallTime.UnixSeconds
        foreach ($p in 'Vertices', 'Faces', 'Colors') { Get-Flat $copy[0].$p | Should -Be (Get-Flat $original[0].$p) }
    }

    It 'Add-TbEvent rewrites a mesh as one event' {
        $dir = New-TestDir
        Get-TbEvent -Type Mesh $MeshFixture | Add-TbEvent -LogDir $dir
        $copy = @(Get-TbEvent -Type Mesh $dir)
        $copy.Count | Should -Be 1
        $copy[0].FaceCount | Should -Be 4
        $copy[0].Colors | Should -Not -BeNullOrEmpty
    }
}

Describe 'Add-TbMesh errors' {
    BeforeAll { $w = New-TbWriter -LogDir (Join-Path $TestDrive 'errors') }
    AfterAll { Close-TbWriter $w }

    It '<Id> for <Why>' -ForEach @(
        @{ Id = 'InvalidMeshShape'; Why = 'rows of two numbers'; Params = @{ Vertex = @(@(0, 0), @(1, 1)) }; Target = @(1, 2, 2) }
        @{ Id = 'InvalidMeshShape'; Why = 'ragged rows'; Params = @{ Vertex = @(@(0, 0, 0), @(1, 1)) } }
        @{ Id = 'MeshShapeMismatch'; Why = 'faces of another batch'; Params = @{ Vertex = @(@(0, 0, 0), @(1, 1, 1), @(2, 2, 2)); Face = @(@(, @(0, 1, 2)), @(, @(0, 1, 2))) }; Target = @(2, 1, 3) }
        @{ Id = 'MeshShapeMismatch'; Why = 'a colour too few'; Params = @{ Vertex = @(@(0, 0, 0), @(1, 1, 1)); Color = @(, @(1, 2, 3)) }; Target = @(1, 1, 3) }
        @{ Id = 'FaceIndexOutOfRange'; Why = 'a face naming vertex 3 of 3'; Params = @{ Vertex = @(@(0, 0, 0), @(1, 1, 1), @(2, 2, 2)); Face = @(, @(0, 1, 3)) }; Target = 3 }
        @{ Id = 'FaceIndexOutOfRange'; Why = 'a fractional index'; Params = @{ Vertex = @(@(0, 0, 0), @(1, 1, 1), @(2, 2, 2)); Face = @(, @(0, 1.5, 2)) }; Target = 1.5 }
        @{ Id = 'ColorOutOfRange'; Why = 'a colour of 256'; Params = @{ Vertex = @(, @(0, 0, 0)); Color = @(, @(0, 256, 0)) }; Target = 256 }
        @{ Id = 'InvalidMeshConfig'; Why = 'an object in the config'; Params = @{ Vertex = @(, @(0, 0, 0)); Config = @{ camera = [System.IO.FileInfo]::new('/x') } } }
        @{ Id = 'InvalidValue'; Why = 'a vertex that is not a number'; Params = @{ Vertex = @(, @(0, 'x', 0)) }; Target = 'x' }
        @{ Id = 'EmptyTag'; Why = 'an empty tag'; Params = @{ Tag = ''; Vertex = @(, @(0, 0, 0)) }; Target = '' }
    ) {
        $parameters = @{ Tag = 'bad' }
        foreach ($key in $Params.Keys) { $parameters[$key] = $Params[$key] }
        $out = Add-TbMesh -Writer $w @parameters -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$AddId"
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        if ($null -ne $Target) { $ev[0].TargetObject | Should -Be $Target }
        $w.IsClosed | Should -BeFalse
    }
}
