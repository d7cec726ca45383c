using System.Text;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Storage.Tests.Rest;

/// <summary>
/// The projector's files (Add-TbEmbedding, Get-TbEmbedding) in an object store: written as whole objects with the
/// same bytes as on disk, found by one listing, read back equal to what the same calls read from a local folder.
/// </summary>
public sealed class EmbeddingsOverStoreTests() : MountedStoreTest("emb")
{
    /// <summary>Two embeddings: one with multi-column labels and a sprite, one with only points.</summary>
    internal static IEnumerable<ProjectorData> Embeddings()
    {
        int n = 6;
        var values = Enumerable.Range(0, n * 3).Select(i => Math.Sin(i) * 10 + i / 7.0).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)[$"p{i}", i % 2 == 0 ? "even" : "odd"]).ToList();
        var images = Enumerable.Range(0, n * 3 * 4 * 4).Select(i => (byte)(i * 7)).ToArray();
        var sprite = SpriteSheet.Make(images, n, 3, 4, 4);
        yield return new ProjectorData("words", 3, values, n, 3, labels, ["name", "parity"], sprite, 4, 4);
        yield return new ProjectorData("plain", 10, [1, 2, 3, 4, 5.5, -6], 3, 2);
    }

    /// <summary>Every file below a local folder, by '/'-separated relative name.</summary>
    private static SortedDictionary<string, byte[]> LocalFiles(string folder) =>
        new(Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>Every object below a store folder, by relative name.</summary>
    private SortedDictionary<string, byte[]> StoreObjects(string folder) =>
        new(_store.List(StoreUri.Parse(folder)).ToDictionary(e => StoreUri.Parse(folder).RelativeNameOf(e.Location)!, e => _store.BytesOf(e.Location)),
            StringComparer.Ordinal);

    [Fact]
    public void Embeddings_written_to_a_store_are_byte_for_byte_the_files_written_to_disk()
    {
        string local = _dir.Sub("run");
        string remote = _bucket.Combine("exp/run").ToString();
        foreach (var data in Embeddings())
        {
            var onDisk = ProjectorWriter.Write(local, data);
            var inStore = ProjectorWriter.Write(remote, data);
            Assert.False(inStore.Replaced);
            Assert.Equal(remote + "/" + ProjectorConfig.FileName, inStore.ConfigPath);
            Assert.Equal(remote + "/" + data.Folder, inStore.Folder);
            Assert.Equal(Path.GetRelativePath(local, onDisk.Folder).Replace('\\', '/'), data.Folder);
        }

        var files = LocalFiles(local);
        var objects = StoreObjects(remote);
        Assert.Equal(files.Keys, objects.Keys);
        Assert.Equal(5, objects.Count); // config; tensors, metadata, sprite; tensors; and nothing else (no temporary object)
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, objects[name]);
        }
        // The configuration holds both entries: the second writer read the first one's and added to it.
        string config = Encoding.UTF8.GetString(objects[ProjectorConfig.FileName]);
        Assert.Contains("words:00003", config);
        Assert.Contains("plain:00010", config);
    }

    [Fact]
    public void Embeddings_in_a_store_are_found_by_listing_and_read_back_equal_to_the_local_ones()
    {
        foreach (string run in new[] { "b", "a/seed=1" })
        {
            foreach (var data in Embeddings())
            {
                ProjectorWriter.Write(Path.Combine(_dir.Path, run), data);
                ProjectorWriter.Write(_bucket.Combine("exp").Combine(run).ToString(), data);
            }
        }
        // A file of that name elsewhere is not a run's configuration; other objects are not either.
        LogLocation.WriteAllBytes(_bucket.Combine("exp/b/notes.txt").ToString(), "x"u8.ToArray());
        string root = _bucket.Combine("exp").ToString();

        int readsBefore = _store.Reads;
        var runs = ProjectorReader.FindRuns(root);
        Assert.Equal(readsBefore, _store.Reads); // a listing, no object read
        Assert.Equal(["a/seed=1", "b"], runs.Select(r => r.Run));
        Assert.Equal([root + "/a/seed=1", root + "/b"], runs.Select(r => r.Directory));
        Assert.Equal(runs.Select(r => r.Run), ProjectorReader.FindRuns(_dir.Path).Select(r => r.Run));

        foreach (var (run, dir) in runs)
        {
            var fromStore = ProjectorReader.ReadRun(run, dir, readPoints: true, (f, e) => Assert.Fail($"{f}: {e.Message}"));
            var fromDisk = ProjectorReader.ReadRun(run, Path.Combine(_dir.Path, run), readPoints: true, null);
            Assert.Equal(2, fromStore.Count);
            for (int i = 0; i < 2; i++)
            {
                var s = fromStore[i];
                var d = fromDisk[i];
                Assert.Equal((d.Run, d.Index, d.TensorName, d.Tag, d.Step, d.Dimension), (s.Run, s.Index, s.TensorName, s.Tag, s.Step, s.Dimension));
                Assert.Equal(d.Points, s.Points);
                Assert.Equal(d.Metadata, s.Metadata);
                Assert.Equal(d.MetadataHeader, s.MetadataHeader);
                Assert.Equal((d.SpriteImageWidth, d.SpriteImageHeight), (s.SpriteImageWidth, s.SpriteImageHeight));
                Assert.Equal(dir, s.RunDirectory);
                Assert.Equal(dir + "/" + ProjectorTsv.Folder(d.Tag, d.Step) + "/" + ProjectorTsv.TensorsFile, s.TensorPath);
                Assert.Equal(d.SpritePath is null, s.SpritePath is null);
                if (s.SpritePath is not null)
                {
                    Assert.Equal(File.ReadAllBytes(d.SpritePath!), LogLocation.ReadAllBytes(s.SpritePath));
                }
            }
        }
    }

    [Fact]
    public void Writing_the_same_embedding_again_in_a_store_says_it_replaced_the_folder()
    {
        string run = _bucket.Combine("again").ToString();
        var data = Embeddings().Last();
        Assert.False(ProjectorWriter.Write(run, data).Replaced);
        Assert.True(ProjectorWriter.Write(run, data).Replaced);
        Assert.Single(ProjectorReader.ReadRun(".", run, readPoints: false, null)); // one entry of that name, as on disk
        string local = _dir.Sub("again");
        ProjectorWriter.Write(local, data);
        ProjectorWriter.Write(local, data);
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, ProjectorConfig.FileName)), LogLocation.ReadAllBytes(run + "/" + ProjectorConfig.FileName));
    }

    [Fact]
    public void A_run_folder_without_configuration_in_a_store_has_no_embeddings_and_no_error()
    {
        var errors = new List<string>();
        Assert.Empty(ProjectorReader.ReadRun(".", _bucket.Combine("none").ToString(), true, (f, _) => errors.Add(f)));
        Assert.Empty(ProjectorReader.FindRuns(_bucket.ToString()));
        Assert.Empty(errors);
    }

    [Fact]
    public void Paths_of_a_store_configuration_that_lead_out_of_the_run_folder_are_refused_and_reported()
    {
        string run = _bucket.Combine("exp/run").ToString();
        string other = _bucket.Combine("exp/secret").ToString();
        LogLocation.WriteAllBytes(other + "/tensors.tsv", "1\t2\n"u8.ToArray());
        LogLocation.WriteAllBytes(run + "/own/tensors.tsv", "3\t4\n5\t6\n"u8.ToArray());
        LogLocation.WriteAllBytes(run + "/" + ProjectorConfig.FileName, Encoding.UTF8.GetBytes("""
            embeddings {
              tensor_name: "out:00000"
              tensor_path: "../secret/tensors.tsv"
            }
            embeddings {
              tensor_name: "rooted:00000"
              tensor_path: "/exp/secret/tensors.tsv"
            }
            embeddings {
              tensor_name: "labels_out:00000"
              tensor_path: "./own/tensors.tsv"
              metadata_path: "own/../../secret/tensors.tsv"
            }
            """));
        var errors = new List<(string File, Exception Error)>();
        var read = ProjectorReader.ReadRun(".", run, readPoints: true, (f, e) => errors.Add((f, e)));

        // The two whose points would come from outside are skipped; the third keeps its points, not the labels.
        var only = Assert.Single(read);
        Assert.Equal("labels_out", only.Tag);
        Assert.Equal([[3.0, 4.0], [5.0, 6.0]], only.Points);
        Assert.Empty(only.Metadata);
        Assert.Null(only.MetadataPath);
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal(run + "/" + ProjectorConfig.FileName, e.File));
        Assert.All(errors, e => Assert.IsType<InvalidDataException>(e.Error));
        Assert.Contains("../secret/tensors.tsv", errors[0].Error.Message);
        Assert.Contains("leads out", errors[0].Error.Message);
    }

    [Fact]
    public void A_store_configuration_may_name_files_by_their_own_store_location()
    {
        string run = _bucket.Combine("abs").ToString();
        string tensors = _bucket.Combine("shared/tensors.tsv").ToString();
        LogLocation.WriteAllBytes(tensors, "1\t2\t3\n"u8.ToArray());
        LogLocation.WriteAllBytes(run + "/" + ProjectorConfig.FileName,
            Encoding.UTF8.GetBytes($"embeddings {{\n  tensor_name: \"t:00001\"\n  tensor_path: \"{tensors}\"\n}}\n"));
        var e = Assert.Single(ProjectorReader.ReadRun(".", run, readPoints: true, (f, x) => Assert.Fail(x.Message)));
        Assert.Equal(tensors, e.TensorPath);
        Assert.Equal([[1.0, 2.0, 3.0]], e.Points);
    }

    [Fact]
    public void An_unparsable_configuration_in_a_store_is_left_as_it_is_and_nothing_is_written()
    {
        string run = _bucket.Combine("bad").ToString();
        string config = run + "/" + ProjectorConfig.FileName;
        byte[] broken = "embeddings { tensor_name: \"x\" "u8.ToArray();
        LogLocation.WriteAllBytes(config, broken);
        var e = Assert.Throws<ProjectorConfigException>(() => ProjectorWriter.Write(run, Embeddings().Last()));
        Assert.Equal(config, e.Path);
        Assert.Equal(broken, LogLocation.ReadAllBytes(config));
        Assert.Single(_store.List(StoreUri.Parse(run)));

        var errors = new List<string>();
        Assert.Empty(ProjectorReader.ReadRun(".", run, true, (f, _) => errors.Add(f)));
        Assert.Equal([config], errors);
    }

    [Fact]
    public void A_missing_bucket_fails_the_listing_and_the_writer_with_the_stores_error()
    {
        _store.ContainerMissing = true;
        string run = _bucket.Combine("x").ToString();
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.Throws<StoreException>(() => ProjectorReader.FindRuns(run)).Kind);
        var e = Assert.ThrowsAny<IOException>(() => ProjectorWriter.Write(run, Embeddings().Last()));
        Assert.Equal(StoreErrorKind.ContainerNotFound, Assert.IsType<StoreException>(e).Kind);
    }

    [Fact]
    public void A_lost_connection_while_writing_the_files_leaves_the_configuration_as_it_was()
    {
        string run = _bucket.Combine("drop").ToString();
        var data = Embeddings().ToList();
        ProjectorWriter.Write(run, data[1]);
        byte[] before = LogLocation.ReadAllBytes(run + "/" + ProjectorConfig.FileName);
        _store.FailNext = 1; // the first upload of the second embedding (its metadata)
        Assert.Equal(StoreErrorKind.Unreachable, Assert.IsType<StoreException>(Assert.ThrowsAny<IOException>(() => ProjectorWriter.Write(run, data[0]))).Kind);
        Assert.Equal(before, LogLocation.ReadAllBytes(run + "/" + ProjectorConfig.FileName));
        Assert.Single(ProjectorReader.ReadRun(".", run, true, null));
    }
}
