using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary><see cref="TextTables"/>: rank-2 text tensors, which TensorBoard's text plugin draws as tables.</summary>
public class TextTableTests
{
    [Fact]
    public void ATableIsARank2StringTensorOfTheTextPluginReadBackWithItsShape()
    {
        var cells = new string?[,] { { "epoch", "loss" }, { "1", "**0.5**" }, { "2", null } };
        var value = TextTables.Value("results", cells);
        Assert.Equal("results/text_summary", value.Tag);
        Assert.Equal("text", value.Metadata.PluginData.PluginName);
        Assert.Equal(DataType.DtString, value.Tensor.Dtype);
        Assert.Equal([3L, 2L], value.Tensor.TensorShape.Dim.Select(d => d.Size));

        using var temp = new TempDir();
        using (var writer = new TbWriter(temp.Path))
        {
            writer.AddValue(value, 4, new TbTimestamp(1_700_000_000));
        }
        var file = Directory.GetFiles(temp.Path).Single(f => f.Contains("tfevents", StringComparison.Ordinal));
        var text = Assert.IsType<TextRecord>(Assert.Single(ReadValues.File(file)));
        Assert.Equal([3L, 2L], text.Shape);
        Assert.Equal(["epoch", "loss", "1", "**0.5**", "2", ""], text.Strings);
        Assert.Equal(4, text.Step);
    }

    [Fact]
    public void RowsMustBeEqualInLengthAndATableNotEmpty()
    {
        var cells = TextTables.FromRows([["a", "b"], ["c", "d"]]);
        Assert.Equal("d", cells[1, 1]);
        var e = Assert.Throws<ArgumentException>(() => TextTables.FromRows([["a", "b"], ["c"]]));
        Assert.Contains("Row 1", e.Message);
        Assert.Throws<ArgumentException>(() => TextTables.FromRows([]));
        Assert.Throws<ArgumentException>(() => TextTables.Value("t", new string[0, 2]));
        Assert.Throws<ArgumentException>(() => TextTables.Value(" ", new string[1, 1]));
    }
}
