using TbPowerShell.Core.Model;
using TbPowerShell.Core.Repair;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Storage.Tests.Rest;

/// <summary>
/// Test-TbEventFile's check and Repair-TbEventFile's repair of event files that are objects in a store: the same
/// reports and the same repaired bytes as for the same file on disk, copies uploaded whole, in-place repairs only
/// after the backup object is written.
/// </summary>
public sealed class RepairOverStoreTests() : MountedStoreTest("repair")
{
    private const string Name = "events.out.tfevents.1700000000.host.1.0";
    /// <summary>An event file of 60 scalars with one record's data damaged in the middle and its last record cut short.</summary>
    private byte[] DamagedFile()
    {
        string run = _dir.Sub("written");
        string path;
        using (var writer = new TbWriter(run))
        {
            for (int step = 0; step < 60; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
            path = writer.Path;
        }
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        return bytes[..^3];
    }

    private string Local(string folder, byte[] bytes)
    {
        string path = _dir.Sub(folder, Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Remote(string folder, byte[] bytes)
    {
        string uri = _bucket.Combine(folder).Combine(Name).ToString();
        LogLocation.WriteAllBytes(uri, bytes);
        return uri;
    }

    [Fact]
    public void The_health_of_a_store_object_is_the_health_of_the_same_file_on_disk()
    {
        byte[] damaged = DamagedFile();
        var onDisk = EventFileHealth.Check(Local("run", damaged));
        string uri = Remote("run", damaged);
        var inStore = EventFileHealth.Check(uri);
        Assert.Equal(uri, inStore.Path);
        Assert.Equal((onDisk.Length, onDisk.IntactRecords), (inStore.Length, inStore.IntactRecords));
        Assert.Equal(onDisk.Regions, inStore.Regions);
        Assert.Equal(2, inStore.Regions.Count);
        Assert.Equal(DamageKind.TruncatedTail, inStore.Regions[^1].Kind);
    }

    [Fact]
    public void A_repaired_copy_of_a_store_object_in_the_store_is_the_repaired_copy_of_the_same_file_on_disk()
    {
        byte[] damaged = DamagedFile();
        var onDisk = EventFileRepair.CopyTo(Local("run", damaged), _dir.Sub("fixed", Name));
        string source = Remote("run", damaged);
        string destination = _bucket.Combine("fixed").Combine(Name).ToString();

        var inStore = EventFileRepair.CopyTo(source, destination);

        byte[] expected = File.ReadAllBytes(_dir.Sub("fixed", Name));
        Assert.Equal(expected, LogLocation.ReadAllBytes(destination));
        Assert.Equal(damaged, LogLocation.ReadAllBytes(source)); // the source is only read
        Assert.Equal((RepairOutcome.Repaired, onDisk.RecordsKept, onDisk.BytesRemoved), (inStore.Outcome, inStore.RecordsKept, inStore.BytesRemoved));
        Assert.Equal((source, destination), (inStore.Source, inStore.Destination));
        Assert.Null(inStore.BackupPath);
        Assert.True(EventFileHealth.Check(destination).IsHealthy);
        // One object written, nothing else beside it.
        Assert.Equal([destination], _store.List(_bucket.Combine("fixed")).Select(e => e.Location.ToString()));
    }

    [Fact]
    public void A_store_object_repairs_to_a_local_folder_and_a_local_file_to_a_store_with_the_same_bytes()
    {
        byte[] damaged = DamagedFile();
        string localSource = Local("run", damaged);
        EventFileRepair.CopyTo(localSource, _dir.Sub("expected", Name));
        byte[] expected = File.ReadAllBytes(_dir.Sub("expected", Name));

        EventFileRepair.CopyTo(Remote("run", damaged), _dir.Sub("from-store", Name));
        Assert.Equal(expected, File.ReadAllBytes(_dir.Sub("from-store", Name)));
        Assert.Equal([_dir.Sub("from-store", Name)], Directory.GetFiles(_dir.Sub("from-store")));

        string up = _bucket.Combine("from-disk").Combine(Name).ToString();
        EventFileRepair.CopyTo(localSource, up);
        Assert.Equal(expected, LogLocation.ReadAllBytes(up));
    }

    [Fact]
    public void A_copy_to_an_existing_object_needs_overwrite_and_never_goes_to_its_own_folder()
    {
        byte[] damaged = DamagedFile();
        string source = Remote("run", damaged);
        string destination = Remote("fixed", [1, 2, 3]);
        Assert.Throws<IOException>(() => EventFileRepair.CopyTo(source, destination));
        Assert.Equal([1, 2, 3], LogLocation.ReadAllBytes(destination));
        EventFileRepair.CopyTo(source, destination, overwrite: true);
        Assert.True(EventFileHealth.Check(destination).IsHealthy);

        string beside = _bucket.Combine("run").Combine("events.out.tfevents.2.host.1.0").ToString();
        Assert.Throws<ArgumentException>(() => EventFileRepair.CopyTo(source, beside));
        Assert.False(LogLocation.FileExists(beside));
    }

    [Fact]
    public void An_in_place_repair_in_a_store_writes_the_backup_object_then_uploads_the_repaired_bytes_over_the_object()
    {
        byte[] damaged = DamagedFile();
        string local = Local("run", damaged);
        EventFileRepair.InPlace(local, EventFileRepair.NewBackupPath(local));
        byte[] expected = File.ReadAllBytes(local);

        string source = Remote("run", damaged);
        string backup = EventFileRepair.NewBackupPath(source);
        Assert.Equal(_bucket.Combine("run").Combine("events.out.tfbackup.1700000000.host.1.0").ToString(), backup);
        var result = EventFileRepair.InPlace(source, backup);

        Assert.Equal(expected, LogLocation.ReadAllBytes(source));
        Assert.Equal(damaged, LogLocation.ReadAllBytes(backup));
        Assert.True(result.InPlace);
        Assert.Equal((source, source, backup), (result.Source, result.Destination, result.BackupPath));
        // The run still reads as one event file (the backup is not one), with every intact record.
        var runs = Core.Reading.LogDirectory.FindRuns(_bucket.ToString());
        Assert.Equal([source], Assert.Single(runs).Files);

        // A second backup of the same name goes beside the first, never over it.
        Assert.Equal(backup + ".1", EventFileRepair.NewBackupPath(source));
    }

    [Fact]
    public void An_in_place_repair_of_a_store_object_may_keep_its_backup_in_a_local_folder_and_a_local_file_its_backup_in_a_store()
    {
        byte[] damaged = DamagedFile();
        string source = Remote("run", damaged);
        string localBackup = EventFileRepair.NewBackupPath(source, _dir.Sub("backups"));
        Assert.Equal(_dir.Sub("backups", "events.out.tfbackup.1700000000.host.1.0"), localBackup);
        EventFileRepair.InPlace(source, localBackup);
        Assert.Equal(damaged, File.ReadAllBytes(localBackup));
        Assert.True(EventFileHealth.Check(source).IsHealthy);

        string local = Local("other", damaged);
        string storeBackup = EventFileRepair.NewBackupPath(local, _bucket.Combine("backups").ToString());
        Assert.Equal(_bucket.Combine("backups/events.out.tfbackup.1700000000.host.1.0").ToString(), storeBackup);
    }

    [Fact]
    public void A_healthy_store_object_is_left_alone_and_gets_no_backup()
    {
        byte[] damaged = DamagedFile();
        string source = Remote("run", damaged);
        string fixedUri = _bucket.Combine("fixed").Combine(Name).ToString();
        EventFileRepair.CopyTo(source, fixedUri);
        byte[] healthy = LogLocation.ReadAllBytes(fixedUri);
        var written = LogLocation.Stat(fixedUri)!.Value.LastWrite;

        string backup = EventFileRepair.NewBackupPath(fixedUri);
        var result = EventFileRepair.InPlace(fixedUri, backup);
        Assert.Equal(RepairOutcome.AlreadyHealthy, result.Outcome);
        Assert.False(LogLocation.FileExists(backup));
        Assert.Equal(healthy, LogLocation.ReadAllBytes(fixedUri));
        Assert.Equal(written, LogLocation.Stat(fixedUri)!.Value.LastWrite);
    }

    [Fact]
    public void An_in_place_repair_refuses_an_existing_backup_object_and_a_backup_named_as_an_event_file()
    {
        byte[] damaged = DamagedFile();
        string source = Remote("run", damaged);
        string taken = Remote("backups", [9]);
        LogLocation.WriteAllBytes(taken.Replace("tfevents", "tfbackup"), new byte[] { 9 });
        Assert.Throws<IOException>(() => EventFileRepair.InPlace(source, taken.Replace("tfevents", "tfbackup")));
        Assert.Throws<ArgumentException>(() => EventFileRepair.InPlace(source, taken));
        Assert.Equal(damaged, LogLocation.ReadAllBytes(source));
        Assert.Equal([9], LogLocation.ReadAllBytes(taken.Replace("tfevents", "tfbackup")));
    }

    [Fact]
    public void A_lost_connection_while_writing_the_backup_leaves_the_store_object_as_it_was()
    {
        byte[] damaged = DamagedFile();
        string source = Remote("run", damaged);
        string backup = EventFileRepair.NewBackupPath(source);
        _store.FailNext = 1;
        var e = Assert.ThrowsAny<IOException>(() => EventFileRepair.InPlace(source, backup));
        Assert.Equal(StoreErrorKind.Unreachable, Assert.IsType<StoreException>(e).Kind);
        Assert.Equal(damaged, LogLocation.ReadAllBytes(source));
        Assert.False(LogLocation.FileExists(backup));
    }
}
