<#
.SYNOPSIS
    Target 20: reading and writing log directories in object stores (s3rver and Azurite on loopback, from tests/servers).
.DESCRIPTION
    (a) Writes 50 runs x 200 thousand scalars on disk with the core writer and uploads the same files to each store, then
        reads the whole log directory with the core's reader (RunReader.Read: runs in parallel, scalars counted on the
        calling thread) from disk, from each store with reads overlapping (4 ranged GETs of 4 MiB in flight per object,
        runs in parallel), and from each store one request at a time (1 GET in flight, one run at a time).
    (b) Writes 1 million scalars with the core writer (TbWriter.AddScalar, then Close) to disk and to each store.
    Median of 3, interleaved. Settings (environment): TBBENCH_STORE_RUNS (50), TBBENCH_STORE_SCALARS (200000),
    TBBENCH_STORE_WRITE (1000000), TBBENCH_STORE_LATENCY_MS (20: the reads are also timed through a loopback proxy that holds each
    request that long, as a store across a network would). Needs Node.js and tests/servers installed (npm ci; build.ps1 Test does it).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Storage.bench.ps1
#>
param([string] $ModulePath)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$null = Import-BenchModule $ModulePath
. (Join-Path $PSScriptRoot '../tests/pester/StoreServers.ps1')

$runCount = Get-BenchSetting TBBENCH_STORE_RUNS 50
$latency = Get-BenchSetting TBBENCH_STORE_LATENCY_MS 20
$perRun = Get-BenchSetting TBBENCH_STORE_SCALARS 200000
$writeCount = Get-BenchSetting TBBENCH_STORE_WRITE 1000000

$references = @([TbPowerShell.TbWriter].Assembly.Location) + @(
    [System.Threading.Tasks.Parallel], [System.Collections.Generic.List[int]], [System.Collections.Concurrent.Partitioner], [System.Collections.Concurrent.ConcurrentDictionary[int,int]], [System.IO.File], [System.Console], [System.Threading.Interlocked] |
        ForEach-Object { $_.Assembly.Location }) + @('System.Runtime', 'netstandard', 'System.Threading', 'System.Collections', 'System.Collections.Concurrent', 'System.Threading.Tasks.Parallel', 'System.Net.Sockets', 'System.Net.Primitives', 'System.Memory') | Select-Object -Unique
Add-Type -IgnoreWarnings -WarningAction SilentlyContinue -ReferencedAssemblies $references -TypeDefinition @'
using System;
using System.IO;
using System.Threading.Tasks;
using TbPowerShell;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Storage;

/// <summary>A TCP proxy on loopback that holds every request for a while before passing it on: a store across a network.</summary>
public sealed class DelayProxy : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly System.Threading.CancellationTokenSource _stop = new();
    private readonly int _target;
    private readonly int _delay;

    public DelayProxy(int targetPort, int delayMilliseconds)
    {
        _target = targetPort;
        _delay = delayMilliseconds;
        _listener.Start();
        Port = ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;
        Task.Run(AcceptLoop);
    }

    public int Port { get; }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            System.Net.Sockets.TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); } catch { return; }
            _ = Handle(client);
        }
    }

    private async Task Handle(System.Net.Sockets.TcpClient client)
    {
        using var server = new System.Net.Sockets.TcpClient();
        try
        {
            await server.ConnectAsync(System.Net.IPAddress.Loopback, _target);
            var up = Pump(client.GetStream(), server.GetStream(), _delay);
            var down = Pump(server.GetStream(), client.GetStream(), 0);
            await Task.WhenAny(up, down);
        }
        catch { }
        finally { client.Dispose(); }
    }

    private static async Task Pump(Stream from, Stream to, int delay)
    {
        var buffer = new byte[81920];
        int n;
        while ((n = await from.ReadAsync(buffer)) > 0)
        {
            if (delay > 0) await Task.Delay(delay);
            await to.WriteAsync(buffer.AsMemory(0, n));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}

public static class StoreBench
{
    /// <summary>Reads every run below root; returns the scalars read.</summary>
    public static long Read(string root, int parallelism)
    {
        var reader = new RunReader(LogDirectory.FindRuns(root), new RunReadOptions { MaxDegreeOfParallelism = parallelism });
        long scalars = 0;
        foreach (var item in reader.Read())
        {
            if (item.Kind == ReadItemKind.Scalar) scalars++;
            else if (item.Kind is ReadItemKind.Unreadable or ReadItemKind.Damaged) throw new IOException(item.File + ": " + item.Kind + " " + item.Exception?.Message);
        }
        return scalars;
    }

    /// <summary>Writes count scalars (four tags a step) to one new event file in dir, and closes it.</summary>
    public static void Write(string dir, long count)
    {
        string[] tags = { "train/loss", "train/accuracy", "train/learning_rate", "eval/loss" };
        double start = TbTimestamp.Now.UnixSeconds;
        using var writer = new TbWriter(dir);
        for (long i = 0; i < count; i++)
        {
            writer.AddScalar(tags[i & 3], 1.0 / (1 + (i >> 2)), i >> 2, new TbTimestamp(start + i * 1e-3));
        }
    }

    /// <summary>Uploads every file below localRoot to the same relative names below storeRoot, 8 at a time.</summary>
    public static long Upload(string localRoot, string storeRoot)
    {
        var files = Directory.GetFiles(localRoot, "*", SearchOption.AllDirectories);
        long bytes = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, file =>
        {
            var content = File.ReadAllBytes(file);
            LogLocation.WriteAllBytes(LogLocation.Combine(storeRoot, Path.GetRelativePath(localRoot, file).Replace('\\', '/')), content);
            System.Threading.Interlocked.Add(ref bytes, content.Length);
        });
        return bytes;
    }
}
'@

$scratch = New-ScratchDirectory 'storage'
$servers = @()
$proxies = @()
try {
    $servers = @((Start-StoreServer s3 -Container 'tbps-bench'), (Start-StoreServer az -Container 'tbps-bench'))
    # The data: one run written, copied into $runCount runs on disk, uploaded to each store.
    $local = Join-Path $scratch 'runs'
    $first = Write-ScalarRun (Join-Path $local 'run000') $perRun
    for ($r = 1; $r -lt $runCount; $r++) {
        $dir = Join-Path $local ('run{0:D3}' -f $r)
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item $first $dir
    }
    $bytes = 0
    $uploadClock = [Diagnostics.Stopwatch]::StartNew()
    foreach ($server in $servers) { $bytes = [StoreBench]::Upload($local, "$($server.Root)/read") }
    $uploadClock.Stop()
    $total = $runCount * $perRun
    $mb = $bytes / 1MB

    $cases = @(@{ Name = 'disk'; Body = { if ([StoreBench]::Read($local, [Environment]::ProcessorCount) -ne $total) { throw 'disk: wrong count' } } })
    $proxies = @()
    foreach ($server in $servers) {
        $root = "$($server.Root)/read"
        # The same server straight, and behind a proxy that holds each request $latency ms (a store across a network).
        $proxy = [DelayProxy]::new($server.Port, $latency)
        $proxies += $proxy
        if ($server.Kind -eq 's3') {
            $direct = @{ Endpoint = $server.Endpoint }
            $far = @{ Endpoint = "http://127.0.0.1:$($proxy.Port)" }
        }
        else {
            $variable = "TBPS_AZURITE_FAR_$($server.Port)"
            Set-Item "env:$variable" ((Get-Item "env:TBPS_AZURITE_$($server.Port)").Value -replace ":$($server.Port)/", ":$($proxy.Port)/")
            $direct = @{ ConnectionStringVariable = "TBPS_AZURITE_$($server.Port)" }
            $far = @{ ConnectionStringVariable = $variable }
        }
        foreach ($where in @(@{ Name = ''; Settings = $direct }, @{ Name = '-far'; Settings = $far })) {
            $settings = $where.Settings
            $prefix = $server.Root
            $cases += @{ Name = "$($server.Kind)$($where.Name)"; Before = { Set-TbStorage $prefix @settings -ReadsInFlight 4 }.GetNewClosure()
                Body = { if ([StoreBench]::Read($root, [Environment]::ProcessorCount * 4) -ne $total) { throw 'wrong count' } }.GetNewClosure() }
            $cases += @{ Name = "$($server.Kind)$($where.Name)-serial"; Before = { Set-TbStorage $prefix @settings -ReadsInFlight 1 }.GetNewClosure()
                Body = { if ([StoreBench]::Read($root, 1) -ne $total) { throw 'wrong count' } }.GetNewClosure() }
        }
    }
    $read = Measure-Interleaved -Cases $cases -Repetitions 3
    $disk = (Get-Median $read['disk']).TotalSeconds
    foreach ($server in $servers) {
        foreach ($where in '', '-far') {
            $kind = "$($server.Kind)$where"
            $store = (Get-Median $read[$kind]).TotalSeconds
            $serialTime = (Get-Median $read["$kind-serial"]).TotalSeconds
            $label = if ($where) { "$($server.Kind) (+$latency ms a request)" } else { "$($server.Kind) (loopback)" }
            Write-BenchLine '{0} read of {1} runs x {2:N0} scalars ({3:0} MB): {4:0.00} s = {5} scalars/s, {6:0} MB/s; {7} faster than one request at a time ({8:0.00} s); {9} the time from disk ({10:0.00} s): figures to report' `
                @($label, $runCount, $perRun, $mb, $store, (Format-Rate ($total / $store)), ($mb / $store), (Format-Ratio ($serialTime / $store)), $serialTime, (Format-Ratio ($store / $disk)), $disk)
        }
    }
    Write-BenchLine -Detail 'overlapped: 4 ranged GETs of 4 MiB in flight per object, {0} runs read at once; one at a time: 1 GET in flight, one run at a time; +{3} ms: a loopback proxy holds each request that long (a store across a network); on loopback a node server on this 2-core machine is the limit, not latency; upload of the data to both stores took {1:0.0} s; load average {2}' `
        @(([Environment]::ProcessorCount * 4), $uploadClock.Elapsed.TotalSeconds, (Get-LoadAverage), $latency)

    # (b) writing, to each store straight (the reads left the settings of their last case)
    foreach ($server in $servers) {
        if ($server.Kind -eq 's3') { Set-TbStorage $server.Root -Endpoint $server.Endpoint }
        else { Set-TbStorage $server.Root -ConnectionStringVariable "TBPS_AZURITE_$($server.Port)" }
    }
    $n = 0
    $writeCases = @(@{ Name = 'disk'; Body = { $script:n++; [StoreBench]::Write((Join-Path $scratch "w$script:n"), $writeCount) } })
    foreach ($server in $servers) {
        $root = $server.Root
        $writeCases += @{ Name = $server.Kind; Body = { $script:n++; [StoreBench]::Write("$root/write/w$script:n", $writeCount) }.GetNewClosure() }
    }
    $write = Measure-Interleaved -Cases $writeCases -Repetitions 3
    $diskWrite = (Get-Median $write['disk']).TotalSeconds
    foreach ($server in $servers) {
        $t = (Get-Median $write[$server.Kind]).TotalSeconds
        Write-BenchLine '{0} write of {1:N0} scalars (TbWriter.AddScalar, then Close: everything in the store): {2:0.00} s = {3} scalars/s; {4} the time to disk ({5:0.00} s, fsync included): figures to report' `
            @($server.Kind, $writeCount, $t, (Format-Rate ($writeCount / $t)), (Format-Ratio ($t / $diskWrite)), $diskWrite)
    }
    Write-BenchLine -Detail 'S3: the object is uploaded whole every 4 MiB (new file at 8 MiB); Azure: 4 MiB append blocks; median of 3, load average {0}' @((Get-LoadAverage))
}
finally {
    foreach ($proxy in @($proxies)) { if ($proxy) { $proxy.Dispose() } }
    foreach ($server in $servers) { Stop-StoreServer $server }
    Remove-ScratchDirectory $scratch
}
