using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;
using static TbPowerShell.Core.Tests.Projector.EmbeddingFixtureInputs;

namespace TbPowerShell.Core.Tests.Projector;

public sealed class ProjectorWriterTests
{
    private static string FixtureFile(params string[] parts) => Fixtures.Path(["pytorch", "embedding", .. parts]);

    private static void WriteFixtureEmbeddings(string run)
    {
        var sprite = SpriteSheet.Make(Images, Points, 3, 8, 8);
        ProjectorWriter.Write(run, new ProjectorData("with_sprite", 0, Matrix, Points, Dimension, Labels, null, sprite, 8, 8));
        ProjectorWriter.Write(run, new ProjectorData("multi_col", 1, Matrix.Select(v => (double)((float)v * 2f)).ToArray(), Points, Dimension,
            TwoColumns, new[] { "col_a", "col_b" }));
    }

    [Fact]
    public void TheFixtureInputsGiveTheBytesPyTorchWroteForTensorsMetadataAndConfig()
    {
        using var dir = new TempDir();
        WriteFixtureEmbeddings(dir.Path);
        foreach (string file in new[]
                 {
                     "projector_config.pbtxt", "00000/with_sprite/tensors.tsv", "00000/with_sprite/metadata.tsv",
                     "00001/multi_col/tensors.tsv", "00001/multi_col/metadata.tsv",
                 })
        {
            Assert.Equal(File.ReadAllText(FixtureFile(file.Split('/'))), File.ReadAllText(Path.Combine(dir.Path, file)));
        }
    }

    [Fact]
    public void TheSpriteDecodesToThePixelsOfPyTorchsSprite()
    {
        using var dir = new TempDir();
        WriteFixtureEmbeddings(dir.Path);
        var ours = PngCodec.Decode(File.ReadAllBytes(Path.Combine(dir.Path, "00000", "with_sprite", "sprite.png")), 3);
        var theirs = PngCodec.Decode(File.ReadAllBytes(FixtureFile("00000", "with_sprite", "sprite.png")), 3);
        Assert.Equal((40, 40), (ours.Width, ours.Height));
        Assert.Equal(theirs.Pixels, ours.Pixels);
        // Not a blank image: the uniform draws spread over the byte range.
        Assert.True(ours.Pixels.Distinct().Count() > 200);
    }

    [Fact]
    public void AnEmbeddingAddedByALaterWriterIsAppendedAndTheEarlierOnesStay()
    {
        using var dir = new TempDir();
        File.Copy(FixtureFile("projector_config.pbtxt"), Path.Combine(dir.Path, "projector_config.pbtxt"));
        ProjectorWriter.Write(dir.Path, new ProjectorData("later/one", 7, new double[] { 1, 2, 3, 4 }, 2, 2));
        string text = File.ReadAllText(Path.Combine(dir.Path, "projector_config.pbtxt"));
        Assert.StartsWith(File.ReadAllText(FixtureFile("projector_config.pbtxt")), text, StringComparison.Ordinal);
        Assert.EndsWith("embeddings {\n  tensor_name: \"later/one:00007\"\n  tensor_path: \"00007/later%2fone/tensors.tsv\"\n}\n", text, StringComparison.Ordinal);
        Assert.Equal("1.0\t2.0\n3.0\t4.0\n", File.ReadAllText(Path.Combine(dir.Path, "00007", "later%2fone", "tensors.tsv")));
    }

    [Fact]
    public void TheSameTagAndStepAgainReplacesItsEntryInsteadOfListingItTwice()
    {
        using var dir = new TempDir();
        var first = ProjectorWriter.Write(dir.Path, new ProjectorData("t", 0, new double[] { 1 }, 1, 1));
        var second = ProjectorWriter.Write(dir.Path, new ProjectorData("t", 0, new double[] { 2 }, 1, 1));
        Assert.False(first.Replaced);
        Assert.True(second.Replaced);
        var config = ProjectorConfig.Parse(File.ReadAllText(second.ConfigPath));
        Assert.Single(config.Embeddings);
        Assert.Equal("2.0\n", File.ReadAllText(Path.Combine(second.Folder, "tensors.tsv")));
    }

    [Fact]
    public void AConfigurationThatDoesNotParseIsLeftAloneAndNothingIsWritten()
    {
        using var dir = new TempDir();
        string config = Path.Combine(dir.Path, "projector_config.pbtxt");
        File.WriteAllText(config, "embeddings { tensor_name: \"x\" ");
        var e = Assert.Throws<ProjectorConfigException>(() => ProjectorWriter.Write(dir.Path, new ProjectorData("t", 0, new double[] { 1 }, 1, 1)));
        Assert.Equal(config, e.Path);
        Assert.Equal("embeddings { tensor_name: \"x\" ", File.ReadAllText(config));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "00000")));
    }

    [Theory]
    [InlineData(0, 3, EmbeddingError.EmptyMatrix)]
    [InlineData(2, 0, EmbeddingError.EmptyMatrix)]
    [InlineData(2, 2, EmbeddingError.RaggedRows)]
    public void AMatrixThatIsEmptyOrDoesNotFillItsRowsIsRefused(int rows, int columns, EmbeddingError error)
    {
        var e = Assert.Throws<EmbeddingInputException>(() => new ProjectorData("t", 0, new double[] { 1, 2, 3 }, rows, columns));
        Assert.Equal(error, e.Error);
    }

    [Fact]
    public void NaNAndInfinityAreRefusedNamingThePoint()
    {
        var e = Assert.Throws<EmbeddingInputException>(() => new ProjectorData("t", 0, new[] { 1, 2, double.NaN, 4 }, 2, 2));
        Assert.Equal(EmbeddingError.NotFinite, e.Error);
        Assert.Contains("Point 1, column 0", e.Message, StringComparison.Ordinal);
        Assert.Equal(EmbeddingError.NotFinite,
            Assert.Throws<EmbeddingInputException>(() => new ProjectorData("t", 0, new[] { double.PositiveInfinity }, 1, 1)).Error);
    }

    [Fact]
    public void MetadataMustHaveARowAPointAndAHeaderExactlyWhenItHasSeveralColumns()
    {
        IReadOnlyList<IReadOnlyList<string>> one = new[] { new[] { "a" } };
        IReadOnlyList<IReadOnlyList<string>> two = new[] { new[] { "a", "b" } };
        IReadOnlyList<IReadOnlyList<string>> ragged = new[] { new[] { "a", "b" }, new[] { "c" } };
        double[] p1 = { 1 };
        double[] p2 = { 1, 2 };
        Assert.Equal(EmbeddingError.MetadataCountMismatch, Refused(() => new ProjectorData("t", 0, p2, 2, 1, one)));
        Assert.Equal(EmbeddingError.MetadataHeaderMismatch, Refused(() => new ProjectorData("t", 0, p1, 1, 1, one, new[] { "h" })));
        Assert.Equal(EmbeddingError.MetadataHeaderMismatch, Refused(() => new ProjectorData("t", 0, p1, 1, 1, two)));
        Assert.Equal(EmbeddingError.MetadataHeaderMismatch, Refused(() => new ProjectorData("t", 0, p1, 1, 1, null, new[] { "h", "i" })));
        Assert.Equal(EmbeddingError.MetadataShapeMismatch, Refused(() => new ProjectorData("t", 0, p1, 1, 1, two, new[] { "h", "i", "j" })));
        Assert.Equal(EmbeddingError.MetadataShapeMismatch, Refused(() => new ProjectorData("t", 0, p2, 2, 1, ragged, new[] { "h", "i" })));
        Assert.Equal(EmbeddingError.MetadataInvalidCharacter,
            Refused(() => new ProjectorData("t", 0, p1, 1, 1, new[] { new[] { "a\tb" } })));
    }

    private static EmbeddingError Refused(Func<ProjectorData> make) => Assert.Throws<EmbeddingInputException>(() => make()).Error;
}
