<#
.SYNOPSIS
    Helpers for the media suites (images, audio, text, histograms): dot-source in BeforeAll, after
    importing the module and TestHelpers.ps1.
.DESCRIPTION
    The inputs of the reference writer's kinds (make_fixtures.py: kind_image, kind_audio, ...)
    rebuilt in PowerShell with numpy's arithmetic, so what the module writes for them can be
    compared with what PyTorch wrote into tests/fixtures/pytorch.
#>

$PyTorchFixtures = Join-Path $FixtureRoot 'pytorch'
# make_fixtures.py's BASE_WALL: wall time of step s is BASE_WALL + s.
$BaseWall = 1700000000.0

# ImageSharp is loaded with the module but only when first needed: resolve a type that names it,
# so [SixLabors.ImageSharp.Image] works in the tests.
$null = (Get-Command Add-TbImage).Parameters['Image'].ParameterType

function Get-TerminatingError([scriptblock] $Script) {
    # The error record a terminating error throws, or $null.
    try { & $Script; $null }
    catch { $_ }
}

function Get-Sha256Hex([byte[]] $Bytes) {
    [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function Get-FirstDifference([byte[]] $Actual, [byte[]] $Expected) {
    # -1 when equal, else the first index that differs (or the shorter length).
    $n = [Math]::Min($Actual.Length, $Expected.Length)
    for ($i = 0; $i -lt $n; $i++) {
        if ($Actual[$i] -ne $Expected[$i]) { return $i }
    }
    if ($Actual.Length -ne $Expected.Length) { return $n }
    -1
}

function Read-ExpectedMedia {
    <#
    .SYNOPSIS
        The image, audio, text, histogram and tensor values of pytorch.raw.jsonl: run, kind, plugin,
        tag, step, and per kind what TensorBoard's loader read (sha256 and size of encoded images
        and clips, their sizes; texts; histogram summary numbers).
    #>
    param([string] $Path = (Join-Path $FixtureRoot 'pytorch.raw.jsonl'))
    foreach ($line in [System.IO.File]::ReadLines($Path)) {
        $doc = [System.Text.Json.JsonDocument]::Parse($line)
        try {
            $root = $doc.RootElement
            $kind = $root.GetProperty('kind').GetString()
            if ($kind -in 'file_version', 'scalar', 'session_log', 'graph', 'run_metadata', 'projector') { continue }
            $value = $root.GetProperty('value')
            $item = [ordered]@{
                Run    = $root.GetProperty('run').GetString()
                Kind   = $kind
                Plugin = $root.GetProperty('plugin').GetString()
                Tag    = $root.GetProperty('tag').GetString()
                Step   = $root.GetProperty('step').GetInt64()
            }
            switch ($kind) {
                'image' {
                    $item.Sha256 = $value.GetProperty('sha256').GetString()
                    $item.Bytes = $value.GetProperty('bytes').GetInt32()
                    $item.Width = $value.GetProperty('width').GetInt32()
                    $item.Height = $value.GetProperty('height').GetInt32()
                    $item.Channels = $value.GetProperty('colorspace').GetInt32()
                }
                'audio' {
                    $item.Sha256 = $value.GetProperty('sha256').GetString()
                    $item.Bytes = $value.GetProperty('bytes').GetInt32()
                    $item.SampleRate = $value.GetProperty('sample_rate').GetDouble()
                    $item.Channels = $value.GetProperty('num_channels').GetInt32()
                    $item.Frames = $value.GetProperty('length_frames').GetInt64()
                }
                'text' {
                    $item.Text = ($value.GetProperty('strings').EnumerateArray() | ForEach-Object { $_.GetString() }) -join "`n"
                }
                'histogram' {
                    $item.Count = $value.GetProperty('num').GetDouble()
                    $item.Min = $value.GetProperty('min').GetDouble()
                    $item.Max = $value.GetProperty('max').GetDouble()
                    $item.Sum = $value.GetProperty('sum').GetDouble()
                    $item.SumSquares = $value.GetProperty('sum_squares').GetDouble()
                }
            }
            [pscustomobject]$item
        }
        finally {
            $doc.Dispose()
        }
    }
}

function Get-MersenneWords([uint32] $Seed, [int] $Count) {
    # numpy's RandomState(Seed) MT19937 output words (as Get-NumpyUniform draws them).
    [uint64] $mask32 = 4294967295; [uint64] $upper = 2147483648; [uint64] $lower = 2147483647
    [uint64] $matrixA = 2567483615; [uint64] $temperB = 2636928640; [uint64] $temperC = 4022730752
    $state = [uint64[]]::new(624)
    $state[0] = $Seed
    for ($i = 1; $i -lt 624; $i++) {
        $prev = $state[$i - 1]
        $state[$i] = ([uint64]1812433253 * ($prev -bxor ($prev -shr 30)) + [uint64]$i) -band $mask32
    }
    $words = [uint64[]]::new($Count)
    $index = 624
    for ($n = 0; $n -lt $Count; $n++) {
        if ($index -ge 624) {
            for ($k = 0; $k -lt 624; $k++) {
                $y = ($state[$k] -band $upper) -bor ($state[($k + 1) % 624] -band $lower)
                $v = $state[($k + 397) % 624] -bxor ($y -shr 1)
                if ($y -band 1) { $v = $v -bxor $matrixA }
                $state[$k] = $v
            }
            $index = 0
        }
        $y = $state[$index++]
        $y = $y -bxor ($y -shr 11)
        $y = $y -bxor (($y -shl 7) -band $temperB)
        $y = $y -bxor (($y -shl 15) -band $temperC)
        $words[$n] = ($y -bxor ($y -shr 18)) -band $mask32
    }
    , $words
}

function Get-NumpyUniform {
    <#
    .SYNOPSIS
        numpy's legacy np.random.RandomState(Seed).uniform(0, 1, Count): each double made of two MT19937 draws
        (Get-MersenneWords) as ((a >> 5) * 2^26 + (b >> 6)) / 2^53.
    #>
    param([uint32] $Seed, [int] $Count)
    $words = Get-MersenneWords $Seed (2 * $Count)
    $result = [double[]]::new($Count)
    for ($i = 0; $i -lt $Count; $i++) {
        $result[$i] = (($words[2 * $i] -shr 5) * 67108864.0 + ($words[2 * $i + 1] -shr 6)) / 9007199254740992.0
    }
    , $result
}

function Get-KindImageInput {
    <#
    .SYNOPSIS
        kind_image's arrays (H = 16, Wd = 24): Gray (HW uint8), Rgb and Rgba (CHW float32),
        RgbInverse ((1 - rgb) as float32), Hwc (HWC uint8) and Batch (6×3×8×8 float32 from
        RandomState(1234).uniform), each computed in float64 and then cast as numpy does.
    #>
    $height = 16
    $width = 24
    $plane = $height * $width
    $gray = [byte[]]::new($plane)
    $rgb = [float[]]::new(3 * $plane)
    $rgba = [float[]]::new(4 * $plane)
    $inverse = [float[]]::new(3 * $plane)
    $hwc = [byte[]]::new(3 * $plane)
    for ($y = 0; $y -lt $height; $y++) {
        for ($x = 0; $x -lt $width; $x++) {
            $i = $y * $width + $x
            $gray[$i] = [byte](($x * 10 + $y * 3) % 256)
            $channels = [double[]]@(($x / ($width - 1)), ($y / ($height - 1)), 0.5)
            for ($c = 0; $c -lt 3; $c++) {
                $rgb[$c * $plane + $i] = [float]$channels[$c]
                $rgba[$c * $plane + $i] = [float]$channels[$c]
                $inverse[$c * $plane + $i] = [float](1.0 - $channels[$c])
                # (rgb.transpose(1, 2, 0) * 255).astype(uint8): float64 product, truncated.
                $hwc[$i * 3 + $c] = [byte][Math]::Truncate($channels[$c] * 255)
            }
            $rgba[3 * $plane + $i] = [float]($x / ($width - 1))
        }
    }
    $uniform = Get-NumpyUniform -Seed 1234 -Count (6 * 3 * 8 * 8)
    $batch = [float[]]::new($uniform.Length)
    for ($i = 0; $i -lt $uniform.Length; $i++) { $batch[$i] = [float]$uniform[$i] }
    [pscustomobject]@{
        Height     = $height
        Width      = $width
        Gray       = $gray
        Rgb        = $rgb
        Rgba       = $rgba
        RgbInverse = $inverse
        Hwc        = $hwc
        Batch      = $batch
    }
}
