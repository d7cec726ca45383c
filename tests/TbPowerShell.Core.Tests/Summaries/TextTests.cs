using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary>Text values against PyTorch's <c>add_text</c>, and where the writer puts plugin metadata.</summary>
public class TextTests
{
    private static List<RawValue> FixtureValues() => RawValues.Of(Fixtures.EventFile("pytorch", "text"));

    private static (string Tag, string Text) Input(RawValue raw)
    {
        var value = Summary.Types.Value.Parser.ParseFrom(raw.Bytes);
        Assert.EndsWith("/text_summary", value.Tag);
        return (value.Tag[..^"/text_summary".Length], value.Tensor.StringVal.Single().ToStringUtf8());
    }

    private static byte[] WithoutMetadata(byte[] bytes)
    {
        var value = Summary.Types.Value.Parser.ParseFrom(bytes);
        Assert.NotNull(value.Metadata);
        value.Metadata = null;
        return value.ToByteArray();
    }

    [Fact]
    public void HelloWorldIsPyTorchsValueByteForByte()
    {
        var raw = FixtureValues().First(v => v.Tag == "plain/text_summary");
        Assert.Equal(0, raw.Step);
        Assert.Equal(raw.Bytes, SummaryValues.Text("plain", "hello world").ToByteArray());
    }

    [Fact]
    public void EveryFixtureTextIsPyTorchsValueByteForByte()
    {
        var values = FixtureValues();
        Assert.Equal(5, values.Count);
        foreach (var raw in values)
        {
            var (tag, text) = Input(raw);
            // PyTorch writes the text plugin's metadata on every value.
            Assert.NotNull(Summary.Types.Value.Parser.ParseFrom(raw.Bytes).Metadata);
            Assert.Equal(raw.Bytes, SummaryValues.Text(tag, text).ToByteArray());
        }
        // Covered: a second step, markdown, non-ASCII text and the empty string.
        Assert.Contains(values, v => v.Step == 1);
        Assert.Contains(values, v => Input(v).Text.Length == 0);
        Assert.Contains(values, v => Input(v).Text.Any(ch => ch > 127));
    }

    [Fact]
    public void TheWriterPutsMetadataOnTheFirstValueOfEachTagOnly()
    {
        var fixture = FixtureValues();
        using var temp = new TempDir();
        var inputs = fixture.Select(r => (Value: SummaryValues.Text(Input(r).Tag, Input(r).Text), r.Step, r.WallTime)).ToList();
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            foreach (var (value, step, wall) in inputs)
            {
                writer.AddValue(value, step, new TbTimestamp(wall));
            }
        }
        // The caller's values keep their metadata (the writer drops it from a copy).
        Assert.All(inputs, i => Assert.NotNull(i.Value.Metadata));

        var ours = RawValues.Of(path);
        Assert.Equal(fixture.Count, ours.Count);
        var seen = new HashSet<string>();
        int dropped = 0;
        for (int i = 0; i < fixture.Count; i++)
        {
            Assert.Equal(fixture[i].Tag, ours[i].Tag);
            Assert.Equal(fixture[i].Step, ours[i].Step);
            Bits.Equal(fixture[i].WallTime, ours[i].WallTime, ours[i].Tag);
            // Re-serializing PyTorch's value gives its bytes back: the comparison below is fair.
            Assert.Equal(fixture[i].Bytes, Summary.Types.Value.Parser.ParseFrom(fixture[i].Bytes).ToByteArray());
            if (seen.Add(fixture[i].Tag))
            {
                Assert.Equal(fixture[i].Bytes, ours[i].Bytes);
            }
            else
            {
                Assert.Equal(WithoutMetadata(fixture[i].Bytes), ours[i].Bytes);
                Assert.Null(Summary.Types.Value.Parser.ParseFrom(ours[i].Bytes).Metadata);
                dropped++;
            }
        }
        Assert.Equal(1, dropped); // plain at step 1

        // Read back, the value without metadata is still text: the tag's first metadata says so.
        var expected = ReadValues.File(Fixtures.EventFile("pytorch", "text")).Cast<TextRecord>().ToList();
        var actual = ReadValues.File(path).Cast<TextRecord>().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Tag, actual[i].Tag);
            Assert.Equal(expected[i].Step, actual[i].Step);
            Bits.Equal(expected[i].WallTime, actual[i].WallTime, actual[i].Tag);
            Assert.Equal(expected[i].Strings, actual[i].Strings);
            Assert.Equal(expected[i].Shape, actual[i].Shape);
        }
    }

    [Fact]
    public void EveryWriterWritesTheMetadataAgainOnItsFirstValue()
    {
        using var temp = new TempDir();
        var paths = new List<string>();
        for (int session = 0; session < 2; session++)
        {
            using var writer = new TbWriter(temp.Path);
            paths.Add(writer.Path);
            writer.AddValue(SummaryValues.Text("notes", "first of session " + session), 2 * session, new TbTimestamp(1e9 + session));
            writer.AddValue(SummaryValues.Text("notes", "second of session " + session), 2 * session + 1, new TbTimestamp(1e9 + session));
        }
        Assert.Equal(2, paths.Distinct().Count());
        foreach (string path in paths)
        {
            var values = RawValues.Of(path);
            Assert.Equal(2, values.Count);
            var first = Summary.Types.Value.Parser.ParseFrom(values[0].Bytes);
            Assert.Equal("text", first.Metadata.PluginData.PluginName);
            Assert.True(first.Metadata.PluginData.Content.IsEmpty); // TextPluginData version 0
            Assert.Null(Summary.Types.Value.Parser.ParseFrom(values[1].Bytes).Metadata);
        }

        var texts = ReadValues.Run(temp.Path).Cast<TextRecord>().ToList();
        Assert.Equal(["first of session 0", "second of session 0", "first of session 1", "second of session 1"], texts.Select(t => t.Strings.Single()));
        Assert.All(texts, t => Assert.Equal("notes/text_summary", t.Tag));
        Assert.All(texts, t => Assert.Equal([1L], t.Shape));
    }

    [Fact]
    public void MetadataIsKeptPerTagNotPerPlugin()
    {
        using var temp = new TempDir();
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            writer.AddValue(SummaryValues.Text("a", "1"), 0);
            writer.AddValue(SummaryValues.Text("b", "2"), 0);
            writer.AddValue(SummaryValues.Text("a", "3"), 1);
            writer.AddValue(SummaryValues.Text("b", "4"), 1);
        }
        var metadata = RawValues.Of(path).Select(v => Summary.Types.Value.Parser.ParseFrom(v.Bytes).Metadata is not null).ToArray();
        Assert.Equal([true, true, false, false], metadata);
    }
}
