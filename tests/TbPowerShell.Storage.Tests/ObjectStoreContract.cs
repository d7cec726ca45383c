using System.Text;
using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> does, the same tests for the in-memory store, s3rver and Azurite:
/// a derived class gives the store and a fresh folder per test.
/// </summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }

    /// <summary>A folder no other test uses, in a container that exists.</summary>
    protected abstract StoreUri NewFolder();

    /// <summary>A location in a container that does not exist.</summary>
    protected abstract StoreUri MissingContainer { get; }

    /// <summary>The store to ask about <see cref="MissingContainer"/> (a client of that container, where stores are per container).</summary>
    protected virtual IObjectStore StoreForMissing => Store;

    /// <summary>How many objects the listing test makes (over one page of the store's listing).</summary>
    protected virtual int ManyObjects => 1200;

    private static byte[] Bytes(int count, int seed = 1)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Upload_then_stat_and_ranged_reads_give_the_bytes()
    {
        var file = NewFolder().Combine("a.bin");
        var content = Bytes(100_000);
        Store.Upload(file, content);

        var entry = Store.Stat(file);
        Assert.NotNull(entry);
        Assert.Equal(content.Length, entry!.Length);

        var middle = new byte[1000];
        Assert.Equal(1000, await Store.ReadAsync(file, 50_000, middle));
        Assert.Equal(content.AsSpan(50_000, 1000).ToArray(), middle);

        var tail = new byte[1000];
        Assert.Equal(500, await Store.ReadAsync(file, 99_500, tail));
        Assert.Equal(content.AsSpan(99_500, 500).ToArray(), tail.AsSpan(0, 500).ToArray());
    }

    [Fact]
    public void Stat_of_a_missing_object_is_null()
    {
        Assert.Null(Store.Stat(NewFolder().Combine("nothing-here")));
    }

    [Fact]
    public void Listing_gives_the_objects_below_the_folder_in_key_order_and_not_its_namesakes()
    {
        var root = NewFolder();
        Store.Upload(root.Combine("run1/b"), Encoding.UTF8.GetBytes("bb"));
        Store.Upload(root.Combine("run1/a"), Encoding.UTF8.GetBytes("a"));
        Store.Upload(root.Combine("run1/sub/c"), Encoding.UTF8.GetBytes("ccc"));
        Store.Upload(root.Combine("run10/d"), Encoding.UTF8.GetBytes("dddd"));

        var listed = Store.List(root.Combine("run1")).ToList();
        Assert.Equal(["run1/a", "run1/b", "run1/sub/c"], listed.Select(e => root.RelativeNameOf(e.Location)!).ToArray());
        Assert.Equal([1L, 2L, 3L], listed.Select(e => e.Length).ToArray());
        Assert.Equal(4, Store.List(root).Count());
    }

    [Fact]
    public void Listing_pages_through_many_objects()
    {
        var root = NewFolder();
        var payload = new byte[] { 1 };
        Parallel.For(0, ManyObjects, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => Store.Upload(root.Combine($"run/{i:D5}"), payload));
        var keys = Store.List(root).Select(e => e.Location.Name).ToList();
        Assert.Equal(ManyObjects, keys.Count);
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Each_append_is_in_the_store_when_it_returns()
    {
        var file = NewFolder().Combine("events.out.tfevents.1");
        var first = Bytes(3000, 1);
        var second = Bytes(5000, 2);
        using var writer = Store.CreateWriter(file);
        writer.Append(first);
        Assert.Equal(3000, Store.Stat(file)!.Length);
        writer.Append(second);
        Assert.Equal(8000, Store.Stat(file)!.Length);
        Assert.Equal(8000, writer.Length);
        Assert.Equal(2, writer.Appends);

        var back = new byte[8000];
        Assert.Equal(8000, await Store.ReadAsync(file, 0, back));
        Assert.Equal(first.Concat(second).ToArray(), back);
    }

    [Fact]
    public void A_read_stream_reads_an_object_with_reads_in_flight_and_sees_it_grow()
    {
        var file = NewFolder().Combine("grow");
        var first = Bytes(40_000, 3);
        using var writer = Store.CreateWriter(file);
        writer.Append(first);

        var settings = new StoreSettings { ReadBlockBytes = 4096, ReadsInFlight = 4 };
        using var stream = new StoreReadStream(Store, file, Store.Stat(file)!.Length, settings);
        var read = new MemoryStream();
        stream.CopyTo(read, 7000);
        Assert.Equal(first, read.ToArray());
        Assert.True(stream.Requests >= 10);

        var second = Bytes(10_000, 4);
        writer.Append(second);
        Assert.Equal(0, stream.Read(new byte[10])); // the length seen when opened
        Assert.Equal(50_000, stream.Refresh());
        var rest = new byte[10_000];
        stream.ReadExactly(rest);
        Assert.Equal(second, rest);

        stream.Position = 39_990;
        var across = new byte[20];
        stream.ReadExactly(across);
        Assert.Equal(first.AsSpan(39_990).ToArray().Concat(second.AsSpan(0, 10).ToArray()).ToArray(), across);
    }

    [Fact]
    public void A_write_stream_holds_bytes_until_a_flush_sends_them_and_can_cut_unsent_bytes()
    {
        var file = NewFolder().Combine("buffered");
        using var stream = new StoreWriteStream(Store, file);
        stream.Write(Bytes(100, 5));
        stream.Flush(); // below the upload threshold, not yet due: nothing sent
        Assert.Equal(0, stream.Durable);
        Assert.Equal(100, stream.Unsent);

        stream.Write(Bytes(50, 6));
        stream.SetLength(100); // the last write withdrawn
        stream.FlushToStore();
        Assert.Equal(100, stream.Durable);
        Assert.Equal(0, stream.Unsent);
        Assert.Equal(100, Store.Stat(file)!.Length);
        Assert.Throws<NotSupportedException>(() => stream.SetLength(50)); // sent bytes stay
    }

    [Fact]
    public void A_missing_container_is_named()
    {
        var missing = MissingContainer;
        var e = Assert.Throws<StoreException>(() => StoreForMissing.List(missing).ToList());
        Assert.Equal(StoreErrorKind.ContainerNotFound, e.Kind);
        using var writer = StoreForMissing.CreateWriter(missing.Combine("f"));
        var w = Assert.Throws<StoreException>(() => writer.Append(new byte[] { 1, 2, 3 }));
        Assert.Equal(StoreErrorKind.ContainerNotFound, w.Kind);
    }

    [Fact]
    public void Delete_removes_the_object()
    {
        var file = NewFolder().Combine("gone");
        Store.Upload(file, new byte[] { 1 });
        Store.Delete(file);
        Assert.Null(Store.Stat(file));
        Store.Delete(file); // twice is nothing
    }
}

public sealed class MemoryObjectStoreContract : ObjectStoreContract
{
    private readonly MemoryObjectStore _store = new();
    private readonly MemoryObjectStore _missing = new() { ContainerMissing = true };

    protected override IObjectStore Store => _store;

    protected override StoreUri NewFolder() => StoreUri.Parse($"s3://memory-bucket/{Guid.NewGuid():N}");

    protected override StoreUri MissingContainer => StoreUri.Parse("s3://missing-bucket/x");

    // One store plays both: the contract asks this store about a container it is told is missing.
    protected override IObjectStore StoreForMissing => _missing;
}

public sealed class StoreUriTests
{
    [Theory]
    [InlineData("s3://bucket", "s3", null, "bucket", "")]
    [InlineData("S3://bucket/a/b/", "s3", null, "bucket", "a/b")]
    [InlineData("s3://my.bucket//runs//x", "s3", null, "my.bucket", "runs/x")]
    [InlineData("az://acct/cont", "az", "acct", "cont", "")]
    [InlineData("az://acct/cont/exp/run=1", "az", "acct", "cont", "exp/run=1")]
    public void Parses_scheme_account_container_and_key(string text, string scheme, string? account, string container, string key)
    {
        var uri = StoreUri.Parse(text);
        Assert.Equal((scheme, account, container, key), (uri.Scheme, uri.Account, uri.Container, uri.Key));
        Assert.Equal(uri, StoreUri.Parse(uri.ToString()));
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://ab")]
    [InlineData("s3://Bad_Bucket")]
    [InlineData("az://acct")]
    [InlineData("az://acct/UPPER")]
    [InlineData("s3://bucket/../x")]
    [InlineData("s3://bucket/x?sig=1")]
    [InlineData("/local/path")]
    public void Refuses_what_is_not_a_valid_location(string text)
    {
        Assert.False(StoreUri.TryParse(text, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Combines_relative_names_ignoring_dots_and_refusing_parent_segments()
    {
        var root = StoreUri.Parse("s3://bucket/exp");
        Assert.Equal("s3://bucket/exp/a/b", root.Combine("./a//b/").ToString());
        Assert.Equal(root, root.Combine("."));
        Assert.Throws<ArgumentException>(() => root.Combine("a/../../x"));
        Assert.Equal("a/b", root.RelativeNameOf(root.Combine("a/b")));
        Assert.Equal(".", root.RelativeNameOf(root));
        Assert.Null(root.RelativeNameOf(StoreUri.Parse("s3://bucket/expX/a")));
        Assert.Null(root.RelativeNameOf(StoreUri.Parse("s3://other/exp/a")));
    }

    [Fact]
    public void The_run_itself_and_its_sub_runs_resolve_inside_a_store_folder_and_climbing_out_is_refused()
    {
        const string root = "s3://bucket/exp";
        Assert.Equal(root, TbPowerShell.Core.Records.ContainedPath.Resolve(root, ".", out _));
        Assert.Equal(root + "/a/b", TbPowerShell.Core.Records.ContainedPath.Resolve(root, "a\\b", out _));
        Assert.Null(TbPowerShell.Core.Records.ContainedPath.Resolve(root, "../x", out string? reason));
        Assert.NotNull(reason);
    }
}
