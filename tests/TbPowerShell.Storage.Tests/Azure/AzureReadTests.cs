using TbPowerShell.Core.Storage;

namespace TbPowerShell.Storage.Tests.Azure;

/// <summary>Ranged reads from Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureReadTests(AzuriteFixture azurite)
{
    [Fact]
    public void Ranged_reads_with_four_in_flight_over_a_20_MB_blob_give_its_bytes()
    {
        var file = azurite.NewFolder().Combine("events.out.tfevents.big");
        var content = new byte[20_000_000];
        new Random(20).NextBytes(content);
        azurite.Store.Upload(file, content); // over 8 MiB: uploaded in blocks

        var settings = new StoreSettings { ReadBlockBytes = 1024 * 1024, ReadsInFlight = 4 };
        using var stream = new StoreReadStream(azurite.Store, file, azurite.Store.Stat(file)!.Length, settings);
        var back = new MemoryStream();
        stream.CopyTo(back, 300_000);
        Assert.Equal(content.Length, back.Length);
        Assert.True(content.AsSpan().SequenceEqual(back.ToArray()));
        Assert.Equal(20, stream.Requests); // 19 whole MiB and the rest
    }

    [Fact]
    public async Task A_read_at_or_past_the_end_or_of_an_empty_blob_gives_nothing()
    {
        var folder = azurite.NewFolder();
        azurite.Store.Upload(folder.Combine("ten"), new byte[10]);
        azurite.Store.Upload(folder.Combine("empty"), Array.Empty<byte>());
        var buffer = new byte[100];
        Assert.Equal(0, await azurite.Store.ReadAsync(folder.Combine("ten"), 10, buffer));
        Assert.Equal(0, await azurite.Store.ReadAsync(folder.Combine("ten"), 50, buffer));
        Assert.Equal(0, await azurite.Store.ReadAsync(folder.Combine("empty"), 0, buffer));
        Assert.Equal(10, await azurite.Store.ReadAsync(folder.Combine("ten"), 0, buffer));
    }

    [Fact]
    public async Task Reading_a_missing_blob_is_NotFound_and_a_missing_container_is_named_for_every_call()
    {
        var e = await Assert.ThrowsAsync<StoreException>(() => azurite.Store.ReadAsync(azurite.NewFolder().Combine("none"), 0, new byte[10]));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);

        using var missing = new TbPowerShell.Storage.Azure.AzureObjectStore(StoreUri.Parse("az://devstoreaccount1/not-there"), azurite.Settings);
        var file = StoreUri.Parse("az://devstoreaccount1/not-there/run/a");
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => missing.Stat(file)).Kind);
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => missing.Upload(file, new byte[1])).Kind);
        var read = await Assert.ThrowsAsync<StoreException>(() => missing.ReadAsync(file, 0, new byte[1]));
        Assert.Equal(StoreErrorKind.ContainerNotFound, read.Kind);
        Assert.Contains("'not-there'", read.Message);
        missing.Delete(file); // nothing to delete is nothing
    }

    [Fact]
    public async Task An_upload_replaces_the_whole_object()
    {
        var file = azurite.NewFolder().Combine("twice");
        azurite.Store.Upload(file, new byte[] { 1, 2, 3, 4, 5 });
        azurite.Store.Upload(file, new byte[] { 9, 8 });
        var back = new byte[10];
        Assert.Equal(2, await azurite.Store.ReadAsync(file, 0, back));
        Assert.Equal(new byte[] { 9, 8 }, back[..2]);
        Assert.Equal(2, azurite.Store.Stat(file)!.Length);
    }

    [Fact]
    public void A_store_refuses_locations_of_another_container()
    {
        Assert.Throws<ArgumentException>(() => azurite.Store.Stat(StoreUri.Parse("az://devstoreaccount1/other/x")));
        Assert.Throws<ArgumentException>(() => azurite.Store.Stat(StoreUri.Parse("az://otheraccount/tbps/x")));
    }
}
