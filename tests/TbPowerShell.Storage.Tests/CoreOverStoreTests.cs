using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Storage.Tests;

/// <summary>
/// The writer and the reader over an object store (an in-memory one mounted for a bucket of its own), through the
/// same calls that write and read local folders: the core does not know where the bytes live.
/// </summary>
public sealed class CoreOverStoreTests : IDisposable
{
    private readonly StoreUri _bucket = StoreUri.Parse($"s3://core-{Guid.NewGuid():N}"[..40]);
    private readonly MemoryObjectStore _store;

    public CoreOverStoreTests() : this(null)
    {
    }

    private CoreOverStoreTests(StoreWritePolicy? policy)
    {
        _store = new MemoryObjectStore(policy);
        ObjectStores.Mount(_bucket, _store);
    }

    public void Dispose() => ObjectStores.Unmount(_bucket);

    private static List<(string Run, string Tag, long Step, double Value)> ReadScalars(string root) =>
        new RunReader(LogDirectory.FindRuns(root)).ReadSequentially()
            .Where(i => i.Kind == ReadItemKind.Scalar)
            .Select(i => (i.Run.Name, i.Scalar.Tag, i.Scalar.Step, i.Scalar.Value))
            .ToList();

    [Fact]
    public void Runs_written_to_a_store_are_found_and_read_back_like_folders()
    {
        string root = _bucket.Combine("exp").ToString();
        foreach (string run in new[] { "b", "a/seed=1" })
        {
            using var writer = new TbWriter(LogLocation.Combine(root, run));
            for (int step = 0; step < 100; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
        }

        var runs = LogDirectory.FindRuns(root);
        Assert.Equal(["a/seed=1", "b"], runs.Select(r => r.Name).ToArray());
        Assert.All(runs, r => Assert.StartsWith(root + "/", r.Directory));
        Assert.All(runs, r => Assert.Single(r.Files));
        Assert.All(runs, r => Assert.True(r.TotalBytes > 100 * 20));

        var scalars = ReadScalars(root);
        Assert.Equal(200, scalars.Count);
        Assert.Equal((double)(float)(1.0 / 50), scalars.Single(s => s.Run == "b" && s.Step == 49).Value);
    }

    [Fact]
    public void A_new_writer_puts_its_file_in_the_store_at_once_and_flush_sends_what_waits()
    {
        string run = _bucket.Combine("open").ToString();
        using var writer = new TbWriter(run, new TbWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        Assert.StartsWith(run + "/events.out.tfevents.", writer.Path);
        long header = LogLocation.Length(writer.Path);
        Assert.True(header > 0); // the file_version record

        writer.AddScalar("x", 1, 0);
        Assert.Equal(header, LogLocation.Length(writer.Path)); // waits: below the upload size, not yet due
        writer.Flush();
        Assert.True(LogLocation.Length(writer.Path) > header);
        Assert.Single(ReadScalars(run));
    }

    [Fact]
    public void A_missing_bucket_fails_the_writer_at_creation_naming_the_folder()
    {
        _store.ContainerMissing = true;
        string run = _bucket.Combine("nope").ToString();
        var e = Assert.Throws<TbWriterCreateException>(() => new TbWriter(run));
        Assert.Equal(run, e.Path);
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.IsType<StoreException>(e.InnerException).Kind);
    }

    [Fact]
    public void A_failed_send_loses_nothing_and_is_reported_at_the_next_call()
    {
        string run = _bucket.Combine("flaky").ToString();
        using var writer = new TbWriter(run, new TbWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        for (int i = 0; i < 10; i++)
        {
            writer.AddScalar("v", i, i);
        }
        _store.FailNext = 1;
        var e = Assert.Throws<TbWriterException>(writer.Flush);
        Assert.IsType<StoreException>(e.InnerException);
        writer.Flush(); // the retry sends everything once
        writer.Close();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), ReadScalars(run).Select(s => s.Value));
    }

    [Fact]
    public void A_full_object_rolls_to_a_new_file_that_sorts_after_it()
    {
        var bucket = StoreUri.Parse($"s3://roll-{Guid.NewGuid():N}"[..40]);
        var store = new MemoryObjectStore(new StoreWritePolicy(UploadBytes: 1, UploadInterval: TimeSpan.Zero, RollBytes: 2000, MaxAppends: 50_000));
        ObjectStores.Mount(bucket, store);
        try
        {
            string run = bucket.Combine("r").ToString();
            using (var writer = new TbWriter(run, new TbWriterOptions { MaxQueue = 10 }))
            {
                for (int i = 0; i < 1000; i++)
                {
                    writer.AddScalar("v", i, i);
                    if (i % 10 == 9)
                    {
                        writer.Flush(); // batches of 10 records: the roll is checked after each
                    }
                }
            }
            var files = LogDirectory.FindRuns(run).Single().Files;
            Assert.True(files.Count > 5, $"{files.Count} files");
            // Each file but the last was closed because it was full; names sort in the order written (the reader's order).
            Assert.All(files.SkipLast(1), f => Assert.True(LogLocation.Length(f) >= 2000));
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), ReadScalars(run).Select(s => s.Step));
        }
        finally
        {
            ObjectStores.Unmount(bucket);
        }
    }

    [Fact]
    public void When_the_store_stays_down_the_last_close_saves_every_unsent_record_locally()
    {
        string run = _bucket.Combine("down").ToString();
        var writer = new TbWriter(run, new TbWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        for (int i = 0; i < 25; i++)
        {
            writer.AddScalar("v", i, i);
        }
        _store.FailNext = int.MaxValue;
        Assert.ThrowsAny<IOException>(writer.Close);
        var outcomes = TbWriter.CloseAll();
        _store.FailNext = 0;
        string? recovered = Directory.EnumerateFiles(EventFileWriter.RecoveryTempFolder(run), "*.recovered*").SingleOrDefault();
        Assert.NotNull(recovered);
        try
        {
            var values = new RunReader([new EventRun(".", Path.GetDirectoryName(recovered)!, [recovered!])]).ReadSequentially()
                .Where(i => i.Kind == ReadItemKind.Scalar).Select(i => i.Scalar.Value).ToList();
            Assert.Equal(Enumerable.Range(0, 25).Select(i => (double)i), values);
        }
        finally
        {
            Directory.Delete(EventFileWriter.RecoveryTempFolder(run), recursive: true);
        }
    }

    [Fact]
    public async Task A_follower_sees_points_written_to_a_store_and_reads_each_byte_once()
    {
        string root = _bucket.Combine("live").ToString();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var follower = new EventFollower(root, new EventFollowerOptions { PollInterval = TimeSpan.FromMilliseconds(20), StorePollInterval = TimeSpan.FromMilliseconds(50) }, cancel.Token);
        var reading = Task.Run(() =>
        {
            foreach (var item in follower)
            {
                if (item.Kind == ReadItemKind.Scalar)
                {
                    seen.Enqueue(item.Scalar.Step);
                }
            }
        });

        using (var writer = new TbWriter(LogLocation.Combine(root, "run")))
        {
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 40; i++)
                {
                    writer.AddScalar("loss", i, round * 40 + i);
                }
                writer.Flush();
                var until = DateTime.UtcNow.AddSeconds(10);
                while (seen.Count < (round + 1) * 40 && DateTime.UtcNow < until)
                {
                    Thread.Sleep(10);
                }
                Assert.Equal((round + 1) * 40, seen.Count);
            }
        }
        cancel.Cancel();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), seen);
        var file = LogDirectory.FindRuns(root).Single().Files.Single();
        Assert.Equal(LogLocation.Length(file), Interlocked.Read(ref _store.BytesRead)); // each byte fetched once, however many looks
    }
}

/// <summary>A read waiting on a store that does not answer stops when the reader is cancelled (Ctrl+C), not when the store gives up.</summary>
public sealed class StoreReadCancellationTests
{
    private sealed class SilentStore(MemoryObjectStore inner) : IObjectStore
    {
        public StoreWritePolicy WritePolicy => inner.WritePolicy;
        public IEnumerable<StoreEntry> List(StoreUri folder, CancellationToken cancellation = default) => inner.List(folder, cancellation);
        public StoreEntry? Stat(StoreUri location, CancellationToken cancellation = default) => inner.Stat(location, cancellation);
        public async Task<int> ReadAsync(StoreUri location, long offset, Memory<byte> buffer, CancellationToken cancellation = default)
        {
            await Task.Delay(TimeSpan.FromMinutes(5), cancellation); // a store that never answers, but honours cancellation
            return 0;
        }
        public IObjectWriter CreateWriter(StoreUri location) => inner.CreateWriter(location);
        public void Upload(StoreUri location, ReadOnlyMemory<byte> content, CancellationToken cancellation = default) => inner.Upload(location, content, cancellation);
        public void Delete(StoreUri location, CancellationToken cancellation = default) => inner.Delete(location, cancellation);
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Cancelling_the_reader_stops_a_read_that_waits_for_the_store()
    {
        var bucket = StoreUri.Parse($"s3://silent-{Guid.NewGuid():N}"[..40]);
        var memory = new MemoryObjectStore();
        var file = bucket.Combine("run/events.out.tfevents.1");
        memory.Upload(file, new byte[1000]);
        ObjectStores.Mount(bucket, new SilentStore(memory));
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                using var reader = new EventFileReader(file.ToString(), cancellation: cancel.Token);
                reader.Next();
            });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        }
        finally
        {
            ObjectStores.Unmount(bucket);
        }
    }
}
