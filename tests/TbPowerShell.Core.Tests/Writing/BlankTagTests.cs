using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// A tag of white space only would be written and then shown (and offered by completion) as a blank
/// name: the writer refuses it like an empty one, in the one check every kind of value goes through.
/// </summary>
public class BlankTagTests
{
    public static TheoryData<string?> BlankTags => new() { null, "", " ", "  ", "\t", "\n", "\u00A0", " \u2003 " };

    [Theory]
    [MemberData(nameof(BlankTags))]
    public void ABlankTagIsRefusedForScalarsValuesAndScalarGroupsAndNothingIsWritten(string? tag)
    {
        using var temp = new TempDir();
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            var scalar = Assert.Throws<ArgumentException>(() => writer.AddScalar(tag!, 1.0, 1));
            Assert.Equal("tag", scalar.ParamName);
            Assert.StartsWith("A tag must not be empty or only white space.", scalar.Message);

            var histogram = Assert.Throws<ArgumentException>(() => writer.AddValue(SummaryValues.Histogram(tag ?? string.Empty, HistogramBuilder.Build(new[] { 1.0 })), 1));
            Assert.Equal("value", histogram.ParamName);

            // Text gets a suffix ("  /text_summary") that would pass the writer's check: its builder refuses the tag.
            var text = Assert.Throws<ArgumentException>(() => SummaryValues.Text(tag!, "x"));
            Assert.Equal("tag", text.ParamName);

            var group = Assert.Throws<ArgumentException>(() => writer.AddScalars(tag!, new[] { KeyValuePair.Create("a", 1.0) }, 1, oneRun: true));
            Assert.Equal("mainTag", group.ParamName);

            writer.AddScalar("kept", 2.0, 2);
        }

        var outcome = Read.File(path);
        Assert.Empty(outcome.Errors);
        var only = Assert.Single(outcome.Scalars);
        Assert.Equal("kept", only.Tag);
        Assert.Equal(2, only.Step);
        Assert.Empty(Directory.GetDirectories(temp.Path));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    public void ABlankSeriesNameInAScalarGroupIsRefused(string name)
    {
        using var temp = new TempDir();
        using var writer = new TbWriter(temp.Path);
        var error = Assert.Throws<ArgumentException>(() => writer.AddScalars("loss", new[] { KeyValuePair.Create(name, 1.0) }, 1, oneRun: true));
        Assert.Contains("has an empty or blank name", error.Message);
    }

    [Theory]
    [InlineData("a", false)]
    [InlineData(" a ", false)]
    [InlineData("train/ loss", false)]
    [InlineData("\u200B", false)] // a zero-width space is not white space to .NET: it is a (strange) name
    [InlineData("", true)]
    [InlineData(" ", true)]
    [InlineData("\r\n", true)]
    [InlineData(null, true)]
    public void IsBlankTagIsTrueForNullEmptyAndWhiteSpaceOnly(string? tag, bool blank) =>
        Assert.Equal(blank, TbWriter.IsBlankTag(tag));
}
