using System.Security.Cryptography;
using System.Net.Sockets;
using TbPowerShell.Board.Http;

namespace TbPowerShell.Board;

/// <summary>
/// A running board: a loopback-only HTTP server showing log directories (live) or values given up front. It
/// listens before anything is parsed; runs are read lazily and cached, and grown files are read again on a poll.
/// </summary>
public sealed class BoardServer : IDisposable
{
    private static readonly object RunningGate = new();
    private static readonly List<BoardServer> RunningBoards = [];
    private static int _exitHooked;

    /// <summary>The thread pool's floor while boards run (see <see cref="Start"/>).</summary>
    private const int MinPoolThreads = 16;

    private readonly ListenerHttpServer _http;
    private readonly BoardRoutes _routes;
    private int _stopped;

    private BoardServer(BoardOptions options)
    {
        Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        LogDirs = options.Data is null ? options.LogDirs.Select(TbPowerShell.Core.Storage.LogLocation.Full).ToList() : [];
        StartTime = DateTimeOffset.Now;
        Store = new BoardStore(options, LogDirs);
        _routes = new BoardRoutes(Store, Token, StartTime);
        _http = ListenerHttpServer.Start(options.Port, WebAssets.ContentSecurityPolicy(), _routes.Handle, Store.Activity);
        Port = _http.Port;
        Url = new Uri($"http://127.0.0.1:{Port}/?token={Token}");
    }

    internal BoardStore Store { get; }

    /// <summary>The page's address, token included: <c>http://127.0.0.1:&lt;port&gt;/?token=&lt;token&gt;</c>.</summary>
    public Uri Url { get; }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The secret every request must carry (query, cookie <c>tb_token</c>, or header <c>X-Tb-Token</c>).</summary>
    public string Token { get; }

    /// <summary>The log directories shown (full paths); empty for a board over pipeline values.</summary>
    public IReadOnlyList<string> LogDirs { get; }

    /// <summary>When the board started.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>Runs known so far (from the directory scan, or the values given).</summary>
    public int RunCount => Store.RunCount;

    /// <summary>True until <see cref="Stop"/>.</summary>
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    /// <summary>The addresses listened on (the IPv4 loopback address).</summary>
    public IReadOnlyList<System.Net.IPEndPoint> EndPoints => _http.EndPoints;

    /// <summary>Every running board of this process.</summary>
    public static IReadOnlyList<BoardServer> Running
    {
        get { lock (RunningGate) return [.. RunningBoards]; }
    }

    /// <summary>
    /// Starts a board and returns as soon as it listens (before any event file is parsed). A port in use throws
    /// <see cref="SocketException"/> (<see cref="SocketError.AddressAlreadyInUse"/>); a missing log directory
    /// throws <see cref="DirectoryNotFoundException"/>.
    /// </summary>
    public static BoardServer Start(BoardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Data is null)
        {
            foreach (var dir in options.LogDirs)
            {
                if (!TbPowerShell.Core.Storage.LogLocation.FolderExists(dir)) throw new DirectoryNotFoundException($"Log directory not found: {dir}");
            }
        }
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            // A board's requests wait on reads (a card waits for its runs): with the pool's floor at the core count, a
            // page's dozen parallel requests on a small machine queue behind them for the pool's slow growth.
            ThreadPool.GetMinThreads(out var workers, out var io);
            if (workers < MinPoolThreads) ThreadPool.SetMinThreads(MinPoolThreads, io);
        }
        var server = new BoardServer(options);
        lock (RunningGate) RunningBoards.Add(server);
        server.Store.StartPolling();
        return server;
    }

    /// <summary>Stops listening, closes connections and the poll; the port is free when this returns. Idempotent.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        lock (RunningGate) RunningBoards.Remove(this);
        _http.Dispose();
        Store.Dispose();
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    /// <summary>Stops every running board (module removal, process exit).</summary>
    public static void StopAll()
    {
        foreach (var board in Running) board.Stop();
    }
}
