using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.S3;

namespace TbPowerShell.Storage.Tests.S3;

/// <summary>What the S3 provider does beyond the contract, against s3rver: credentials, missing buckets, lost connections, parallel ranged reads.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ProviderTests(S3Server server)
{
    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private StoreUri NewFolder() => server.Root.Combine(Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_profile_with_a_key_the_server_does_not_know_is_access_denied_and_says_how_to_give_credentials()
    {
        // s3rver checks the access key id of a V4 signature (InvalidAccessKeyId) but not the signature itself.
        using var store = server.Open(settings: new StoreSettings { Profile = S3Server.StrangerProfile });
        var file = NewFolder().Combine("denied");

        var upload = Assert.Throws<StoreException>(() => store.Upload(file, new byte[] { 1 }));
        Assert.Equal(StoreErrorKind.AccessDenied, upload.Kind);
        Assert.Contains("AWS_ACCESS_KEY_ID", upload.Message);
        Assert.Contains("Set-TbStorage -Profile", upload.Message);
        Assert.Contains(server.Endpoint.ToString().TrimEnd('/'), upload.Message);
        Assert.DoesNotContain("wrong-secret", upload.ToString());

        Assert.Equal(StoreErrorKind.AccessDenied, Assert.Throws<StoreException>(() => store.List(file.Parent!).ToList()).Kind);
        Assert.Equal(StoreErrorKind.AccessDenied, Assert.Throws<StoreException>(() => store.Stat(file)).Kind);
    }

    [Fact]
    public async Task A_named_profile_is_used_instead_of_the_environment()
    {
        using var store = server.Open(settings: new StoreSettings { Profile = S3Server.GoodProfile });
        var file = NewFolder().Combine("by-profile");
        store.Upload(file, new byte[] { 7, 8, 9 });
        var back = new byte[3];
        Assert.Equal(3, await store.ReadAsync(file, 0, back));
        Assert.Equal(new byte[] { 7, 8, 9 }, back);
        Assert.Equal(S3Server.GoodProfile, store.Connection.Profile);
    }

    [Fact]
    public void A_profile_that_does_not_exist_is_access_denied_naming_it()
    {
        var e = Assert.Throws<StoreException>(() => server.Open(settings: new StoreSettings { Profile = "no-such-profile" }));
        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        Assert.Contains("'no-such-profile'", e.Message);
    }

    [Fact]
    public async Task A_missing_bucket_is_ContainerNotFound_for_list_stat_append_and_read()
    {
        using var store = server.Open("no-such-bucket");
        var file = StoreUri.Parse("s3://no-such-bucket/run/events");

        var list = Assert.Throws<StoreException>(() => store.List(file.Parent!).ToList());
        Assert.Equal(StoreErrorKind.ContainerNotFound, list.Kind);
        Assert.Contains("'no-such-bucket'", list.Message);
        Assert.Contains(server.Endpoint.ToString().TrimEnd('/'), list.Message);

        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => store.Stat(file)).Kind);
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => store.Stat(file)).Kind); // not cached as existing

        using var writer = store.CreateWriter(file);
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => writer.Append(new byte[] { 1 })).Kind);
        Assert.Equal(0, writer.Length);
        Assert.Equal(0, writer.Appends);

        var read = await Assert.ThrowsAsync<StoreException>(() => store.ReadAsync(file, 0, new byte[10]));
        Assert.Equal(StoreErrorKind.ContainerNotFound, read.Kind);
    }

    [Fact]
    public async Task Reads_at_or_past_the_end_give_zero_and_a_missing_object_is_NotFound()
    {
        var folder = NewFolder();
        var file = folder.Combine("ten");
        server.Store.Upload(file, Bytes(10, 1));
        Assert.Equal(0, await server.Store.ReadAsync(file, 10, new byte[5]));
        Assert.Equal(0, await server.Store.ReadAsync(file, 1000, new byte[5]));
        Assert.Equal(3, await server.Store.ReadAsync(file, 7, new byte[5]));

        // An empty object is seen by its length, not read: s3rver 3.7.1 answers a range of one with a broken 206
        // (Content-Length 1, no body), where S3 answers 416.
        var empty = folder.Combine("empty");
        server.Store.Upload(empty, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(0, server.Store.Stat(empty)!.Length);

        var missing = await Assert.ThrowsAsync<StoreException>(() => server.Store.ReadAsync(folder.Combine("missing"), 0, new byte[5]));
        Assert.Equal(StoreErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task Four_ranged_reads_in_flight_over_a_20_MB_object_give_its_bytes()
    {
        var file = NewFolder().Combine("big");
        var content = Bytes(20 * 1000 * 1000, 2);
        server.Store.Upload(file, content);

        var settings = new StoreSettings { ReadBlockBytes = 1024 * 1024, ReadsInFlight = 4 };
        using (var stream = new StoreReadStream(server.Store, file, server.Store.Stat(file)!.Length, settings))
        {
            var read = new MemoryStream();
            stream.CopyTo(read, 300_000);
            Assert.Equal(content.Length, read.Length);
            Assert.True(content.AsSpan().SequenceEqual(read.GetBuffer().AsSpan(0, (int)read.Length)));
            Assert.True(stream.Requests >= 20, $"{stream.Requests} requests");
        }

        // And four raw ranged GETs at a time, uneven blocks, the last one short.
        const int block = 3_000_001;
        var back = new byte[content.Length];
        using var gate = new SemaphoreSlim(4);
        var reads = Enumerable.Range(0, (content.Length + block - 1) / block).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                long offset = (long)i * block;
                int want = (int)Math.Min(block, content.Length - offset);
                var buffer = new byte[block];
                int n = await server.Store.ReadAsync(file, offset, buffer);
                Assert.Equal(want, n);
                buffer.AsSpan(0, n).CopyTo(back.AsSpan((int)offset));
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(reads);
        Assert.True(content.AsSpan().SequenceEqual(back));
    }

    [Fact]
    public async Task A_server_killed_mid_write_makes_the_next_append_unreachable_within_seconds_and_loses_nothing_appended()
    {
        using var own = S3Server.StartOn(0);
        int port = own.Port;
        var file = own.Root.Combine("run/events.out.tfevents.1");
        var first = Bytes(50_000, 3);
        var second = Bytes(20_000, 4);
        using var writer = own.Store.CreateWriter(file);
        writer.Append(first);
        own.Kill();

        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<StoreException>(() => writer.Append(second));
        clock.Stop();
        Assert.Equal(StoreErrorKind.Unreachable, e.Kind);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(first.Length, writer.Length);
        Assert.Equal(1, writer.Appends);

        // A server back on the port (empty: a new data folder) gets the whole object from the next append.
        using var again = S3Server.StartOn(port);
        writer.Append(second);
        Assert.Equal(first.Length + second.Length, writer.Length);
        Assert.Equal(2, writer.Appends);
        var back = new byte[first.Length + second.Length];
        Assert.Equal(back.Length, await again.Store.ReadAsync(file, 0, back));
        Assert.Equal(first.Concat(second).ToArray(), back);
    }

    [Fact]
    public void An_endpoint_nothing_listens_on_is_unreachable_within_seconds_naming_it()
    {
        int port = StoreServer.FreePort();
        using var store = (S3ObjectStore)new S3StoreProvider().Open(server.Root, new StoreSettings { Endpoint = new Uri($"http://127.0.0.1:{port}") });
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<StoreException>(() => store.List(server.Root).ToList());
        Assert.Equal(StoreErrorKind.Unreachable, e.Kind);
        Assert.Contains($"http://127.0.0.1:{port}", e.Message);
        Assert.Contains("connection refused", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_drops_every_connection_is_tried_with_backoff_then_unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int accepted = 0;
        var dropping = Task.Run(() =>
        {
            try
            {
                while (true)
                {
                    using var socket = listener.AcceptSocket();
                    socket.ReceiveTimeout = 5000;
                    if (socket.Receive(new byte[4096]) > 0) // a request came: drop it unanswered
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    socket.LingerState = new LingerOption(true, 0); // close with a reset
                }
            }
            catch (SocketException)
            {
                // stopped
            }
        });
        try
        {
            var endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
            using var store = (S3ObjectStore)new S3StoreProvider().Open(server.Root, new StoreSettings { Endpoint = endpoint });
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<StoreException>(() => store.Upload(server.Root.Combine("dropped"), new byte[100]));
            Assert.Equal(StoreErrorKind.Unreachable, e.Kind);
            // Every attempt of the SDK reached the server (the HTTP handler may resend a dropped request within one attempt too).
            Assert.True(Volatile.Read(ref accepted) >= store.Connection.Attempts, $"{accepted} requests for {store.Connection.Attempts} attempts");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        }
        finally
        {
            listener.Stop();
            await dropping.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
