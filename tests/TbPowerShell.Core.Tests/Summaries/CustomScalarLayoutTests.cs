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

    [Fact]
    public void TheWritersLayoutEqualsPyTorchsAndKeepsGroupedScalarsChartsAfterIt()
    {
        using var temp = new TempDir();
        using (var writer = new TbWriter(temp.Path))
        {
            writer.AddCustomScalarLayout(FixtureLayout(), wallTime: new TbTimestamp(1_700_000_000));
            writer.AddScalars("loss", [new("train", 1.0), new("val", 2.0)], 0, new TbTimestamp(1_700_000_000), oneRun: true);
        }
        using (var writer = new TbWriter(temp.Path))
        {
            // A later writer on the run: a new grouped chart keeps the user's categories and the earlier chart.
            writer.AddScalars("acc", [new("train", 0.5)], 1, new TbTimestamp(1_700_000_001), oneRun: true);
            // ... and a new user layout keeps the grouped charts.
            writer.AddCustomScalarLayout([new LayoutCategory("Mine", [new LayoutChart("t", LayoutChartKind.Multiline, ["loss/.*"], [])])]);
        }
        var items = ReadValues.Tree(temp.Path).Select(i => i.Record).OfType<LayoutRecord>().ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, l => Assert.Equal(0, l.Step));
        // The first: PyTorch's bytes exactly.
        Assert.Equal(Summary.Types.Value.Parser.ParseFrom(FixtureValue().Bytes).Tensor.StringVal[0].ToByteArray(),
                     Google.Protobuf.MessageExtensions.ToByteArray(CustomScalarLayouts.ToProto(items[0].Categories)));
        Assert.Equal(["Taiwan", "USA", CustomScalarLayouts.GroupedCategory], items[1].Categories.Select(c => c.Title));
        Assert.Equal(["Taiwan", "USA", CustomScalarLayouts.GroupedCategory], items[2].Categories.Select(c => c.Title));
        Assert.Equal(["loss", "acc"], items[2].Categories[2].Charts.Select(c => c.Title));
        Assert.Equal(["Mine", CustomScalarLayouts.GroupedCategory], items[3].Categories.Select(c => c.Title));
        Assert.Equal(["loss", "acc"], items[3].Categories[1].Charts.Select(c => c.Title));
    }
}
