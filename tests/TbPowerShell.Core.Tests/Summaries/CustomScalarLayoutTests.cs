using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary><see cref="CustomScalarLayouts"/> against the custom_scalars fixture (PyTorch's <c>add_custom_scalars</c> of make_fixtures.py's LAYOUT).</summary>
public class CustomScalarLayoutTests
{
    /// <summary>make_fixtures.py's LAYOUT, in its (insertion) order.</summary>
    internal static LayoutCategory[] FixtureLayout() =>
    [
        new("Taiwan", [new LayoutChart("twse", LayoutChartKind.Multiline, ["twse/0050", "twse/2330"], [])]),
        new("USA",
        [
            new LayoutChart("dow", LayoutChartKind.Margin, [], [new MarginSeries("dow/aaa", "dow/bbb", "dow/ccc")]),
            new LayoutChart("nasdaq", LayoutChartKind.Margin, [], [new MarginSeries("nasdaq/aaa", "nasdaq/bbb", "nasdaq/ccc")]),
        ]),
    ];

    private static RawValue FixtureValue() =>
        RawValues.Of(Fixtures.EventFile("pytorch", "custom_scalars")).Single(v => v.Tag == SummaryValues.CustomScalarsLayoutTag);

    [Fact]
    public void LayoutBytesEqualPyTorchsLayout()
    {
        var theirs = Summary.Types.Value.Parser.ParseFrom(FixtureValue().Bytes);
        var ours = SummaryValues.CustomScalarsLayout(CustomScalarLayouts.ToProto(FixtureLayout()));
        // The layout proto, the tensor around it and the metadata, byte for byte.
        Assert.Equal(theirs.Tensor.StringVal[0].ToByteArray(), Google.Protobuf.MessageExtensions.ToByteArray(CustomScalarLayouts.ToProto(FixtureLayout())));
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(theirs), Google.Protobuf.MessageExtensions.ToByteArray(ours));
    }

    [Fact]
    public void WrittenLayoutReadsBackAsTheSameCategories()
    {
        using var temp = new TempDir();
        using (var writer = new TbWriter(temp.Path))
        {
            writer.AddValue(SummaryValues.CustomScalarsLayout(CustomScalarLayouts.ToProto(FixtureLayout())), 0, new TbTimestamp(1_700_000_000));
        }
        var file = Directory.GetFiles(temp.Path).Single(f => f.Contains("tfevents", StringComparison.Ordinal));
        var ours = Assert.IsType<LayoutRecord>(Assert.Single(ReadValues.File(file)));
        var theirs = ReadValues.File(Fixtures.EventFile("pytorch", "custom_scalars")).OfType<LayoutRecord>().Single();
        foreach (var read in new[] { ours, theirs })
        {
            Assert.Equal(SummaryValues.CustomScalarsLayoutTag, read.Tag);
            Assert.Equal(["Taiwan", "USA"], read.Categories.Select(c => c.Title));
            Assert.Equal(["twse/0050", "twse/2330"], read.Categories[0].Charts[0].Tags);
            Assert.Equal(LayoutChartKind.Margin, read.Categories[1].Charts[1].Kind);
            Assert.Equal(new MarginSeries("nasdaq/aaa", "nasdaq/bbb", "nasdaq/ccc"), Assert.Single(read.Categories[1].Charts[1].Margins));
        }
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(CustomScalarLayouts.ToProto(theirs.Categories)),
                     Google.Protobuf.MessageExtensions.ToByteArray(CustomScalarLayouts.ToProto(ours.Categories)));
    }

    [Fact]
    public void AMarginChartNeedsThreeTagsPerSeries()
    {
        Assert.Throws<ArgumentException>(() => CustomScalarLayouts.ToProto([new LayoutCategory("c", [new LayoutChart("m", LayoutChartKind.Margin, [], [])])]));
        Assert.Throws<ArgumentException>(() => CustomScalarLayouts.ToProto([new LayoutCategory("c", [new LayoutChart("m", LayoutChartKind.Margin, [], [new MarginSeries("a", "", "c")])])]));
    }

    [Fact]
    public void ClosedCategoriesKeepTheirFlag()
    {
        var proto = CustomScalarLayouts.ToProto([new LayoutCategory("c", [new LayoutChart("t", LayoutChartKind.Multiline, ["x/.*"], [])], Closed: true)]);
        Assert.True(proto.Category[0].Closed);
        Assert.True(CustomScalarLayouts.Categories(proto)[0].Closed);
    }
}
