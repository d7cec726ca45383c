using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TbPowerShell.Storage.Tests;

/// <summary>
/// A storage server from the npm registry (tests/servers, installed by <c>npm ci</c>), started on a free loopback
/// port with a data folder of its own and stopped (the whole process tree) on dispose.
/// </summary>
public sealed class StoreServer : IDisposable
{
    private readonly Process _process;
    private readonly TempDir _data;

    private StoreServer(Process process, int port, TempDir data)
    {
        _process = process;
        Port = port;
        _data = data;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its data folder.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>The folder with tests/servers' node_modules/.bin.</summary>
    public static string BinDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string servers = Path.Combine(dir.FullName, "tests", "servers");
                if (File.Exists(Path.Combine(servers, "package.json")))
                {
                    string bin = Path.Combine(servers, "node_modules", ".bin");
                    return Directory.Exists(bin)
                        ? bin
                        : throw new InvalidOperationException($"The storage servers are not installed: run 'npm ci' in {servers} (build.ps1 Test does).");
                }
            }
            throw new InvalidOperationException("tests/servers/package.json not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Starts <paramref name="command"/> (a name in node_modules/.bin) with <paramref name="arguments"/>, where
    /// <c>{port}</c> and <c>{dir}</c> stand for the port and the data folder; returns once the port accepts connections.
    /// </summary>
    public static StoreServer Start(string command, string arguments, int port = 0, TimeSpan? timeout = null)
    {
        port = port == 0 ? FreePort() : port;
        var data = new TempDir();
        var info = new ProcessStartInfo(Path.Combine(BinDirectory, command), arguments.Replace("{port}", port.ToString()).Replace("{dir}", data.Path))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + command);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new StoreServer(process, port, data);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            if (process.HasExited)
            {
                server.Dispose();
                lock (output)
                {
                    throw new InvalidOperationException($"{command} exited with {process.ExitCode}: {output}");
                }
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        server.Dispose();
        throw new TimeoutException($"{command} did not listen on port {port} in time: {output}");
    }

    /// <summary>Stops the server (a dropped connection, for the tests that need one); dispose still cleans up.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // gone already
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _data.Dispose();
    }
}
