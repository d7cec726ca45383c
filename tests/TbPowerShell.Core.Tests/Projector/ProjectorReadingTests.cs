using System.Security.Cryptography;
using System.Text.Json;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Core.Tests.Projector;

public sealed class ProjectorReadingTests
{
    private static JsonElement RawProjectorEntry()
    {
        foreach (string line in File.ReadLines(Fixtures.Path("pytorch.raw.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("kind").GetString() == "projector" && doc.RootElement.GetProperty("run").GetString() == "embedding")
            {
                return doc.RootElement.GetProperty("value").Clone();
            }
        }
        throw new InvalidOperationException("pytorch.raw.jsonl has no projector entry for the embedding run.");
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string ValuesSha(double[][] rows) =>
        Sha(rows.SelectMany(r => r).SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    [Fact]
    public void PyTorchsEmbeddingsReadBackAsTensorBoardsLoaderSawThem()
    {
        string root = Fixtures.Path("pytorch");
        var run = Assert.Single(ProjectorReader.FindRuns(root), r => r.Run == "embedding");
        var read = ProjectorReader.ReadRun(run.Run, run.Directory, readPoints: true, (p, e) => throw e);
        var expected = RawProjectorEntry().GetProperty("embeddings").EnumerateArray().ToList();
        Assert.Equal(expected.Count, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            var e = expected[i];
            var ours = read[i];
            Assert.Equal(e.GetProperty("tensor_name").GetString(), ours.TensorName);
            Assert.Equal(Path.Combine(run.Directory, e.GetProperty("tensor_path").GetString()!), ours.TensorPath);
            var shape = e.GetProperty("tensor").GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(shape, new[] { ours.Points.Length, ours.Dimension });
            Assert.Equal(e.GetProperty("tensor").GetProperty("values_sha256").GetString(), ValuesSha(ours.Points));
            var meta = e.GetProperty("metadata");
            Assert.Equal(meta.GetProperty("columns").GetInt32(), Math.Max(ours.MetadataHeader.Length, 1));
            Assert.Equal(meta.GetProperty("lines").GetInt32(), ours.Metadata.Length + (ours.MetadataHeader.Length > 0 ? 1 : 0));
            Assert.Equal(meta.GetProperty("first_line").GetString(),
                ours.MetadataHeader.Length > 0 ? string.Join('\t', ours.MetadataHeader) : ours.Metadata[0][0]);
            if (e.TryGetProperty("sprite", out var sprite))
            {
                Assert.Equal(Path.Combine(run.Directory, sprite.GetProperty("image_path").GetString()!), ours.SpritePath);
                var dims = sprite.GetProperty("single_image_dim").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                Assert.Equal(dims, new[] { ours.SpriteImageWidth, ours.SpriteImageHeight });
                Assert.Equal(sprite.GetProperty("sha256").GetString(), Sha(File.ReadAllBytes(ours.SpritePath!)));
            }
            else
            {
                Assert.Null(ours.SpritePath);
            }
        }
        Assert.Equal(("with_sprite", 0L), (read[0].Tag, read[0].Step));
        Assert.Equal(("multi_col", 1L), (read[1].Tag, read[1].Step));
        Assert.Equal(new[] { "col_a", "col_b" }, read[1].MetadataHeader);
        Assert.Equal(new[] { "a24", "b0" }, read[1].Metadata[24]);
        Assert.Equal(EmbeddingFixtureInputs.Matrix, read[0].Points.SelectMany(r => r));
    }

    [Fact]
    public void WhatWeWriteReadsBackWithItsPointsLabelsAndSprite()
    {
        using var dir = new TempDir();
        string run = dir.Sub("runs", "a");
        var sprite = SpriteSheet.Make(new byte[] { 10, 20, 30, 40, 50, 60 }, 3, 1, 1, 2);
        ProjectorWriter.Write(run, new ProjectorData("emb", 3, new[] { 0.1, -2, 3e-7, 4, 5, 6 }, 3, 2,
            new[] { new[] { "x", "1" }, new[] { "y", "2" }, new[] { "z", "3" } }, new[] { "name", "n" }, sprite, 2, 1));
        var found = Assert.Single(ProjectorReader.FindRuns(dir.Path));
        Assert.Equal("runs/a", found.Run);
        var e = Assert.Single(ProjectorReader.ReadRun(found.Run, found.Directory, true, (p, x) => throw x));
        Assert.Equal(("emb", 3L, "emb:00003"), (e.Tag, e.Step, e.TensorName));
        Assert.Equal(new[] { new[] { 0.1, -2 }, new[] { 3e-7, 4 }, new double[] { 5, 6 } }, e.Points);
        Assert.Equal(2, e.Dimension);
        Assert.Equal(new[] { "name", "n" }, e.MetadataHeader);
        Assert.Equal(new[] { "z", "3" }, e.Metadata[2]);
        Assert.Equal((2, 1), (e.SpriteImageWidth, e.SpriteImageHeight));
        var pixels = PngCodec.Decode(File.ReadAllBytes(e.SpritePath!), 3);
        // Two images a row (ceil(sqrt(3))), a 4-pixel-wide canvas made square: 4×4, black below the two rows.
        Assert.Equal((4, 4), (pixels.Width, pixels.Height));
        Assert.Equal(new byte[] { 10, 10, 10 }, new[] { pixels[0, 0, 0], pixels[0, 0, 1], pixels[0, 0, 2] });
        Assert.Equal(30, pixels[0, 2, 0]);
        Assert.Equal(60, pixels[1, 1, 0]);
        Assert.Equal(0, pixels[1, 2, 0]);
        Assert.Equal(0, pixels[3, 3, 0]);
    }

    [Fact]
    public void ABrokenTensorFileSkipsItsEmbeddingAndSaysWhich()
    {
        using var dir = new TempDir();
        var bad = ProjectorWriter.Write(dir.Path, new ProjectorData("bad", 0, new double[] { 1, 2 }, 1, 2));
        ProjectorWriter.Write(dir.Path, new ProjectorData("good", 0, new double[] { 1, 2 }, 1, 2));
        File.WriteAllText(Path.Combine(bad.Folder, "tensors.tsv"), "1\tnot-a-number\n");
        var errors = new List<string>();
        var read = ProjectorReader.ReadRun(".", dir.Path, true, (p, e) => errors.Add(p));
        var good = Assert.Single(read);
        // Its position in the configuration stays 1: the board names embeddings by it.
        Assert.Equal(("good", 1), (good.Tag, good.Index));
        Assert.Equal(Path.Combine(bad.Folder, "tensors.tsv"), Assert.Single(errors));
        // Reading only the entry asked for does not touch the broken one.
        errors.Clear();
        Assert.Equal("good", Assert.Single(ProjectorReader.ReadRun(".", dir.Path, true, (p, e) => errors.Add(p), (i, name) => name == "good:00000")).Tag);
        Assert.Empty(errors);
    }

    [Fact]
    public void ARunWithoutAConfigurationHasNoEmbeddings()
    {
        using var dir = new TempDir();
        Assert.Empty(ProjectorReader.ReadRun(".", dir.Path, true, null));
        Assert.Empty(ProjectorReader.FindRuns(dir.Path));
    }
}
