using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>
/// A TCP proxy on a free loopback port in front of a server that, when told to, lets one request whose head contains a
/// marker through and then drops the connection instead of passing the server's answer back: a request that succeeded
/// whose response was lost, the case idempotent appends exist for.
/// </summary>
public sealed class ResponseDroppingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private string? _marker;
    private int _dropped;

    /// <summary>Starts forwarding to 127.0.0.1:<paramref name="upstreamPort"/>.</summary>
    public ResponseDroppingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Responses dropped so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Drops the response to the next request whose bytes contain <paramref name="marker"/> (e.g. <c>comp=appendblock</c>).</summary>
    public void DropNextResponseTo(string marker) => Volatile.Write(ref _marker, marker);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            var toServer = client.GetStream();
            var fromServer = upstream.GetStream();
            var drop = new TaskCompletionSource();
            var back = Quietly(async () =>
            {
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = await fromServer.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (drop.Task.IsCompleted)
                    {
                        return; // the server answered the marked request: the answer goes nowhere
                    }
                    await toServer.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                }
            });
            var forward = Quietly(async () =>
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await toServer.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    string? marker = Volatile.Read(ref _marker);
                    if (marker is not null && Encoding.ASCII.GetString(buffer, 0, read).Contains(marker, StringComparison.Ordinal)
                        && Interlocked.CompareExchange(ref _marker, null, marker) == marker)
                    {
                        drop.TrySetResult();
                        Interlocked.Increment(ref _dropped);
                    }
                    await fromServer.WriteAsync(buffer.AsMemory(0, read), _stop.Token); // the rest of the body follows, until the answer comes
                }
            });
            // Either side closing ends the connection; so does the marked request's answer (dropped by the return in back).
            await Task.WhenAny(forward, back);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // a connection ended
        }
    }

    // One direction of a connection; it ends when either socket closes.
    private static Task Quietly(Func<Task> pump) => Task.Run(async () =>
    {
        try
        {
            await pump();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the connection ended
        }
    });

    /// <summary>Stops listening; connections end.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
