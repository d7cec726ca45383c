using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.Azure;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>Event files as append blobs: blocks, idempotent and conditional appends, rolling, and a server lost mid-write.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureWriterTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<byte[]> ReadAll(IObjectStore store, StoreUri file)
    {
        var entry = store.Stat(file)!;
        var bytes = new byte[entry.Length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = await store.ReadAsync(file, read, bytes.AsMemory(read, (int)Math.Min(4 * MiB, bytes.Length - read)));
            Assert.True(n > 0);
            read += n;
        }
        return bytes;
    }

    [Fact]
    public void The_write_policy_fills_4_MiB_blocks_every_2_seconds_at_most_and_rolls_before_the_block_limit()
    {
        var policy = azurite.Store.WritePolicy;
        Assert.Equal(4 * MiB, policy.UploadBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.UploadInterval);
        Assert.Equal(1L << 30, policy.RollBytes);
        Assert.Equal(49_000, policy.MaxAppends);
        Assert.Equal(4 * MiB, policy.MaxAppendBytes);
        Assert.True(policy.MaxAppends < 50_000); // Azure's blocks per append blob
    }

    [Fact]
    public void A_request_gets_10_seconds_plus_time_for_its_body_at_128_KiB_per_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), SizedTimeoutPolicy.TimeoutFor(0));
        Assert.Equal(TimeSpan.FromSeconds(42), SizedTimeoutPolicy.TimeoutFor(4 * MiB));
    }

    [Fact]
    public async Task An_append_over_4_MiB_goes_in_blocks_of_4_MiB_and_is_read_back_whole()
    {
        var file = azurite.NewFolder().Combine("big");
        var data = Bytes(9 * MiB + 17, 1);
        using var writer = azurite.Store.CreateWriter(file);
        writer.Append(data);
        Assert.Equal(3, writer.Appends);
        Assert.Equal(data.Length, writer.Length);
        Assert.Equal(data, await ReadAll(azurite.Store, file));
    }

    [Fact]
    public async Task An_append_whose_response_was_lost_is_not_written_twice()
    {
        var file = azurite.NewFolder().Combine("events.out.tfevents.1");
        var first = Bytes(3000, 2);
        var second = Bytes(2000, 3);
        using var writer = azurite.Store.CreateWriter(file);
        writer.Append(first);

        // The same append again from a writer that never saw the first one's answer (Length still 0).
        using var retry = azurite.Store.ResumeWriter(file, length: 0, appends: 0);
        retry.Append(first);
        Assert.Equal(1, retry.Recovered);
        Assert.Equal(first.Length, retry.Length);
        Assert.Equal(1, retry.Appends);
        Assert.Equal(first, await ReadAll(azurite.Store, file));

        retry.Append(second); // and it writes on from there
        Assert.Equal(first.Concat(second).ToArray(), await ReadAll(azurite.Store, file));
        Assert.Equal(2, retry.Appends);
    }

    [Fact]
    public async Task When_an_append_blocks_response_is_lost_on_the_wire_the_SDKs_retry_finds_it_done_and_writes_nothing_twice()
    {
        // A server of its own: the shared one should not see connections dropped under it.
        using var server = AzuriteFixture.StartServer();
        new BlobContainerClient(AzuriteFixture.ConnectionStringOf(AzuriteFixture.EndpointOf(server), AzuriteFixture.Key), "lost").Create();
        var root = StoreUri.Parse($"az://{AzuriteFixture.Account}/lost");
        using var direct = new AzureObjectStore(root, new StoreSettings { Endpoint = AzuriteFixture.EndpointOf(server), SasToken = AzuriteFixture.Sas(AccountSasPermissions.All) });
        using var proxy = new ResponseDroppingProxy(server.Port);
        var settings = new StoreSettings { Endpoint = new Uri($"http://127.0.0.1:{proxy.Port}/{AzuriteFixture.Account}"), SasToken = AzuriteFixture.Sas(AccountSasPermissions.All) };
        using var store = new AzureObjectStore(root, settings);
        var file = root.Combine("run/events.out.tfevents.lost");
        var first = Bytes(3000, 13);
        var second = Bytes(7000, 14);
        using var writer = store.CreateWriter(file);
        writer.Append(first);

        proxy.DropNextResponseTo("comp=appendblock");
        writer.Append(second); // in the blob, answer lost; the retry meets AppendPositionConditionNotMet
        Assert.Equal(1, proxy.Dropped);
        Assert.Equal(1, ((AzureAppendWriter)writer).Recovered);
        Assert.Equal(10_000, writer.Length);
        Assert.Equal(2, writer.Appends);
        Assert.Equal(first.Concat(second).ToArray(), await ReadAll(direct, file));
        for (int i = 0; i < 5; i++) // again and again: each lost answer recovered, the server unharmed
        {
            proxy.DropNextResponseTo("comp=appendblock");
            writer.Append(second);
            Assert.NotNull(direct.Stat(file));
        }
        Assert.Equal(6, ((AzureAppendWriter)writer).Recovered);
        Assert.Equal(first.Length + 6 * second.Length, (await ReadAll(direct, file)).Length);
    }

    [Fact]
    public async Task An_append_of_several_blocks_that_got_partly_in_resumes_after_the_blocks_already_there()
    {
        var file = azurite.NewFolder().Combine("partial");
        var data = Bytes(6 * MiB, 4);
        using (var writer = azurite.Store.CreateWriter(file))
        {
            writer.Append(data.AsMemory(0, 4 * MiB)); // the first block landed, then the connection broke
        }
        using var retry = azurite.Store.ResumeWriter(file, length: 0, appends: 0);
        retry.Append(data);
        Assert.Equal(data.Length, retry.Length);
        Assert.Equal(1, retry.Recovered);
        Assert.Equal(2, retry.Appends);
        Assert.Equal(data, await ReadAll(azurite.Store, file));
    }

    [Fact]
    public async Task Another_writers_bytes_at_the_position_are_a_conflict_and_stay_as_they_are()
    {
        var file = azurite.NewFolder().Combine("two-writers");
        var mine = Bytes(1000, 5);
        using var writer = azurite.Store.CreateWriter(file);
        writer.Append(mine);

        using var other = azurite.Store.ResumeWriter(file, length: 0, appends: 0);
        var e = Assert.Throws<StoreException>(() => other.Append(Bytes(1000, 6)));
        Assert.Equal(StoreErrorKind.Conflict, e.Kind);
        Assert.Contains(file.ToString(), e.Message);
        Assert.Equal(0, other.Length);
        Assert.Equal(mine, await ReadAll(azurite.Store, file));

        using var longer = azurite.Store.ResumeWriter(file, length: 0, appends: 0); // ours, but more than was there: still ours
        longer.Append(mine.Concat(Bytes(10, 7)).ToArray());
        Assert.Equal(1010, longer.Length);
        Assert.Equal(StoreErrorKind.Conflict, Assert.Throws<StoreException>(() => writer.Append(new byte[] { 1 })).Kind); // the first writer is behind now
    }

    [Fact]
    public void A_new_writer_replaces_an_object_of_the_same_name_on_its_first_append()
    {
        var file = azurite.NewFolder().Combine("again");
        azurite.Store.Upload(file, Bytes(500, 8)); // a block blob
        using var writer = azurite.Store.CreateWriter(file);
        Assert.Equal(500, azurite.Store.Stat(file)!.Length); // nothing happens before the first append
        writer.Append(new byte[] { 1, 2, 3 });
        Assert.Equal(3, azurite.Store.Stat(file)!.Length);
    }

    [Fact]
    public void A_write_stream_reports_Full_when_its_append_blob_reaches_MaxAppends_less_one()
    {
        var policy = AzureObjectStore.DefaultWritePolicy with { MaxAppends = 5 };
        using var store = new AzureObjectStore(azurite.Root, azurite.Settings, policy);
        var file = azurite.NewFolder().Combine("events.out.tfevents.roll");
        using var stream = new StoreWriteStream(store, file);
        for (int i = 1; i <= 4; i++)
        {
            Assert.False(stream.Full);
            stream.Write(Bytes(100, i));
            stream.FlushToStore();
        }
        Assert.True(stream.Full);
        Assert.Equal(400, stream.Durable);
        Assert.Equal(400, store.Stat(file)!.Length);
    }

    [Fact]
    public void A_write_stream_sends_what_waited_the_upload_interval_and_holds_less_than_a_block_until_then()
    {
        var policy = AzureObjectStore.DefaultWritePolicy with { UploadInterval = TimeSpan.FromMilliseconds(300) };
        using var store = new AzureObjectStore(azurite.Root, azurite.Settings, policy);
        var file = azurite.NewFolder().Combine("timed");
        using var stream = new StoreWriteStream(store, file);
        stream.Write(Bytes(1000, 9));
        stream.Flush();
        Assert.Null(store.Stat(file)); // not created before there is something to send
        Thread.Sleep(400);
        stream.Flush();
        Assert.Equal(1000, store.Stat(file)!.Length);

        stream.Write(Bytes(4 * MiB, 10)); // a full block goes at once
        stream.Flush();
        Assert.Equal(1000 + 4 * MiB, store.Stat(file)!.Length);
    }

    [Fact]
    public void When_the_server_is_killed_mid_write_the_next_append_is_Unreachable_within_seconds_and_nothing_is_counted()
    {
        using var server = AzuriteFixture.StartServer();
        var endpoint = AzuriteFixture.EndpointOf(server);
        new BlobContainerClient(AzuriteFixture.ConnectionStringOf(endpoint, AzuriteFixture.Key), "lost").Create();
        var settings = new StoreSettings { Endpoint = endpoint, SasToken = AzuriteFixture.Sas(AccountSasPermissions.All) };
        var root = StoreUri.Parse($"az://{AzuriteFixture.Account}/lost");
        using var store = new AzureObjectStore(root, settings);
        var file = root.Combine("run/events.out.tfevents.1");
        var stream = new StoreWriteStream(store, file); // not disposed: with bytes unsent and no server, disposing throws
        stream.Write(Bytes(5000, 11));
        stream.FlushToStore();
        Assert.Equal(5000, stream.Durable);

        server.Kill();
        stream.Write(Bytes(3000, 12));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<StoreException>(() => stream.FlushToStore());
        clock.Stop();
        Assert.Equal(StoreErrorKind.Unreachable, e.Kind);
        Assert.Contains($"127.0.0.1:{server.Port}", e.Message);
        Assert.Contains(file.ToString(), e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}, without the backoff");
        Assert.Equal(5000, stream.Durable);
        Assert.Equal(3000, stream.Unsent); // kept for the next flush

        var list = Assert.Throws<StoreException>(() => store.List(root).ToList());
        Assert.Equal(StoreErrorKind.Unreachable, list.Kind);

        // Ctrl+C stops the retries at once, as a cancellation rather than a store error.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        clock.Restart();
        Assert.ThrowsAny<OperationCanceledException>(() => stream.FlushToStore(cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancelled after {clock.Elapsed}");
        Assert.Equal(3000, stream.Unsent);
        Assert.Equal(Bytes(3000, 12), stream.TakeUnsent()); // what a writer giving up on the store saves elsewhere
        stream.Dispose();
    }
}
