using System.Diagnostics;
using Google.Protobuf;
using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests;

/// <summary>Enumerates an <see cref="EventFollower"/> on its own thread and keeps what it produced.</summary>
internal sealed class FollowRecorder : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FollowItem> _items = new();
    private readonly Thread _thread;
    private Exception? _failure;

    public FollowRecorder(IEnumerable<FollowTarget> targets, EventFollowerOptions options)
    {
        var follower = new EventFollower(targets, options, _stop.Token);
        _thread = new Thread(() =>
        {
            try
            {
                foreach (var item in follower)
                {
                    lock (_items)
                    {
                        _items.Add(item);
                    }
                }
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }) { IsBackground = true, Name = "follower under test" };
        _thread.Start();
    }

    public FollowRecorder(string root, TimeSpan? poll = null, bool watcher = false)
        : this(new[] { FollowTarget.Directory(root) }, Options(poll, watcher))
    {
    }

    public static EventFollowerOptions Options(TimeSpan? poll = null, bool watcher = false) =>
        new() { PollInterval = poll ?? TimeSpan.FromMilliseconds(40), WakeOnChange = watcher };

    public List<FollowItem> Items
    {
        get
        {
            lock (_items)
            {
                return _items.ToList();
            }
        }
    }

    public List<FollowItem> Scalars => Items.Where(i => i.Kind == ReadItemKind.Scalar).ToList();

    public int Count(ReadItemKind kind)
    {
        lock (_items)
        {
            return _items.Count(i => i.Kind == kind);
        }
    }

    /// <summary>Waits (up to a generous limit, so a slow machine never fails it) until the condition holds.</summary>
    public void WaitUntil(Func<FollowRecorder, bool> condition, string what, int seconds = 60)
    {
        bool met = Poll.Until(() => _failure is not null || condition(this), TimeSpan.FromSeconds(seconds));
        Assert.Null(_failure);
        Assert.True(met, $"the follower did not produce {what} within {seconds} s; it produced {Items.Count} items: " +
                         string.Join(", ", Items.TakeLast(5)));
    }

    public void WaitCaughtUp() => WaitUntil(r => r.Count(ReadItemKind.CaughtUp) == 1, "the caught-up item");

    /// <summary>Cancels and asserts the enumeration ended (well before any poll interval would have).</summary>
    public void Stop()
    {
        _stop.Cancel();
        Assert.True(_thread.Join(TimeSpan.FromSeconds(10)), "the follower did not end after cancellation");
        Assert.Null(_failure);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

/// <summary>Event records framed by hand, for files written in pieces.</summary>
internal static class HandFramed
{
    public static byte[] Framed(Event e)
    {
        byte[] payload = e.ToByteArray();
        var record = new byte[payload.Length + TfRecord.Overhead];
        TfRecord.Write(payload, record);
        return record;
    }

    public static byte[] FileVersion() => Framed(new Event { WallTime = 1_700_000_000, FileVersion = "brain.Event:2" });

    public static byte[] Scalar(string tag, long step, float value) => Framed(new Event
    {
        WallTime = 1_700_000_000 + step,
        Step = step,
        Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } },
    });

    /// <summary>Appends bytes and makes them visible to readers at once.</summary>
    public static void Append(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
    }
}

/// <summary>Runs the crash-writer child program (built with the tests, copied to crashwriter/).</summary>
internal static class CrashWriter
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "crashwriter", "TbPowerShell.CrashWriter.dll");

    /// <summary>The dotnet host running the tests (the SDK's, when the SDK started us).</summary>
    public static string DotnetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }
            string? self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                return self;
            }
            return "dotnet";
        }
    }

    public static Process Start(params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"the crash writer was not built beside the tests ('{DllPath}')");
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException("the crash writer did not start");
    }
}
