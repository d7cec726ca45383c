using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Projector;

public sealed class ProjectorFormatTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.0021183646749705076, "0.0021183646749705076")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(123456789.0, "123456789.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(-9.5e-5, "-9.5e-05")]
    [InlineData(1.2345e20, "1.2345e+20")]
    [InlineData(1e300, "1e+300")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void NumbersAreWrittenAsPythonsReprWritesThem(double value, string expected)
    {
        Assert.Equal(expected, ProjectorTsv.PythonFloat(value));
    }

    [Fact]
    public void PythonFloatReadsBackToTheSameDouble()
    {
        var rng = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            double v = BitConverter.Int64BitsToDouble((long)(rng.NextDouble() * long.MaxValue));
            if (!double.IsFinite(v))
            {
                continue;
            }
            Assert.Equal(v, double.Parse(ProjectorTsv.PythonFloat(v), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(0, "00000")]
    [InlineData(12, "00012")]
    [InlineData(123456, "123456")]
    [InlineData(-3, "-0003")]
    public void StepsArePaddedAsPythonsZfill(long step, string expected)
    {
        Assert.Equal(expected, ProjectorTsv.Step(step));
    }

    [Fact]
    public void TagsAreEncodedAsPyTorchEncodesThemForTheFolder()
    {
        Assert.Equal("a%2fb%5cc%25d", ProjectorTsv.EncodeTag("a/b\\c%d"));
        Assert.Equal("00003/a%2fb", ProjectorTsv.Folder("a/b", 3));
        Assert.True(ProjectorTsv.TrySplitTensorName("a:b:00042", out string tag, out long step));
        Assert.Equal(("a:b", 42L), (tag, step));
        Assert.False(ProjectorTsv.TrySplitTensorName("embedding", out _, out _));
    }

    [Fact]
    public void StringsAreQuotedAsPythonsTextFormatAndReadBack()
    {
        string value = "tab\there \"q\" 'a' back\\slash é";
        string quoted = ProjectorConfig.Quote(value);
        Assert.Equal("\"tab\\there \\\"q\\\" \\'a\\' back\\\\slash \\303\\251\"", quoted);
        Assert.Equal(value, ProjectorConfig.Unquote(quoted));
    }

    [Fact]
    public void TheConfigurationParsesAndFormatsBackToTheSameText()
    {
        string text = File.ReadAllText(Fixtures.Path("pytorch", "embedding", "projector_config.pbtxt"));
        var config = ProjectorConfig.Parse(text);
        Assert.Equal(2, config.Embeddings.Count());
        var first = config.Embeddings.First();
        Assert.Equal("with_sprite:00000", first.Field("tensor_name")!.StringValue);
        Assert.Equal(new[] { "8", "8" }, first.Field("sprite")!.All("single_image_dim").Select(f => f.Token));
        Assert.Equal(text, config.Format());
    }

    [Fact]
    public void OtherTextFormSpellingsParseAndUnknownFieldsSurvive()
    {
        var config = ProjectorConfig.Parse(
            "# a comment\nmodel_checkpoint_path: 'ckpt' embeddings < tensor_name: \"a\" \"b\" sprite { single_image_dim: [4, 5] } bookmarks_path: \"bm\"; tensor_shape: 3 >");
        var e = Assert.Single(config.Embeddings);
        Assert.Equal("ab", e.Field("tensor_name")!.StringValue);
        Assert.Equal(new[] { "4", "5" }, e.Field("sprite")!.All("single_image_dim").Select(f => f.Token));
        Assert.Equal("bm", e.Field("bookmarks_path")!.StringValue);
        config.AddEmbedding(TextField.Message("embeddings", TextField.String("tensor_name", "c")));
        Assert.Equal(
            "model_checkpoint_path: 'ckpt'\nembeddings {\n  tensor_name: \"a\" \"b\"\n  sprite {\n    single_image_dim: 4\n    single_image_dim: 5\n  }\n  bookmarks_path: \"bm\"\n  tensor_shape: 3\n}\nembeddings {\n  tensor_name: \"c\"\n}\n",
            config.Format());
        Assert.Throws<FormatException>(() => ProjectorConfig.Parse("embeddings {"));
        Assert.Throws<FormatException>(() => ProjectorConfig.Parse("embeddings: }"));
    }

    [Fact]
    public void MetadataWithSeveralColumnsReadsItsFirstLineAsTheHeader()
    {
        var rows = ProjectorTsv.ParseMetadata("col_a\tcol_b\na0\tb0\na1\tb1\n", out string[] header);
        Assert.Equal(new[] { "col_a", "col_b" }, header);
        Assert.Equal(new[] { new[] { "a0", "b0" }, new[] { "a1", "b1" } }, rows);
        rows = ProjectorTsv.ParseMetadata("x\ny\n", out header);
        Assert.Empty(header);
        Assert.Equal(new[] { new[] { "x" }, new[] { "y" } }, rows);
    }

    [Fact]
    public void TensorsWithRowsOfDifferentLengthsOrWordsDoNotParse()
    {
        Assert.Throws<FormatException>(() => ProjectorTsv.ParseTensors("1\t2\n3\n", out _));
        Assert.Throws<FormatException>(() => ProjectorTsv.ParseTensors("1\tx\n", out _));
        var rows = ProjectorTsv.ParseTensors("1.5\tnan\r\n-inf\t2e-05\n\n", out int columns);
        Assert.Equal(2, columns);
        Assert.Equal(new[] { 1.5, double.NaN }, rows[0]);
        Assert.Equal(new[] { double.NegativeInfinity, 2e-05 }, rows[1]);
    }
}
