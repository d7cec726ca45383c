<#
.SYNOPSIS
    Refreshes the pinned copy of uPlot that the board page loads (src/TbPowerShell.Board/web/vendor).
.DESCRIPTION
    Downloads the package tarball of the given uPlot version from the npm registry, checks it against
    the registry's sha512 integrity value, and copies dist/uPlot.iife.min.js, dist/uPlot.min.css and
    LICENSE into web/vendor, writing the version to web/vendor/VERSION. Nothing else is kept.
.EXAMPLE
    ./tools/Update-UPlot.ps1
    ./tools/Update-UPlot.ps1 -Version 1.6.32
#>
[CmdletBinding()]
param(
    [string] $Version = '1.6.32',
    [string] $Registry = 'https://registry.npmjs.org'
)
$ErrorActionPreference = 'Stop'
$vendor = Join-Path $PSScriptRoot '../src/TbPowerShell.Board/web/vendor'
$work = Join-Path ([IO.Path]::GetTempPath()) ("uplot-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $meta = Invoke-RestMethod -Uri "$Registry/uplot/$Version"
    $tarball = Join-Path $work 'uplot.tgz'
    Invoke-WebRequest -Uri $meta.dist.tarball -OutFile $tarball
    $expected = $meta.dist.integrity
    if ($expected -notlike 'sha512-*') { throw "The registry gave no sha512 integrity for uplot@${Version}: '$expected'." }
    $sha = [Security.Cryptography.SHA512]::Create()
    try {
        $bytes = [IO.File]::ReadAllBytes($tarball)
        $actual = 'sha512-' + [Convert]::ToBase64String($sha.ComputeHash($bytes))
    } finally { $sha.Dispose() }
    if ($actual -ne $expected) { throw "uplot@$Version tarball integrity mismatch: expected $expected, got $actual." }
    tar -xzf $tarball -C $work
    if ($LASTEXITCODE -ne 0) { throw "tar could not unpack $tarball." }
    $package = Join-Path $work 'package'
    New-Item -ItemType Directory -Force -Path $vendor | Out-Null
    Copy-Item (Join-Path $package 'dist/uPlot.iife.min.js') $vendor -Force
    Copy-Item (Join-Path $package 'dist/uPlot.min.css') $vendor -Force
    Copy-Item (Join-Path $package 'LICENSE') $vendor -Force
    Set-Content -Path (Join-Path $vendor 'VERSION') -Value $Version -NoNewline:$false
    Write-Host "uPlot $Version copied to $((Resolve-Path $vendor).Path)"
} finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
