using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>New-style scalars: rank-0 tensors of tags whose first metadata names the scalars plugin.</summary>
public class RunTagStateTests
{
    private static SummaryMetadata Plugin(string name) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = name } };

    private static TensorProto Rank0(DataType dtype) => new() { Dtype = dtype, TensorShape = new TensorShapeProto() };

    private static Event TensorEvent(string tag, long step, TensorProto tensor, SummaryMetadata? metadata = null)
    {
        var value = new Summary.Types.Value { Tag = tag, Tensor = tensor };
        if (metadata is not null)
        {
            value.Metadata = metadata;
        }
        return new Event { WallTime = 1_700_000_000 + step, Step = step, Summary = new Summary { Value = { value } } };
    }

    private static ushort HalfBits(double v) => BitConverter.HalfToUInt16Bits((Half)v);

    private static ushort BFloat16Bits(float v) => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16);

    private static string WriteFile(string dir, params Event[] events)
    {
        using var writer = new TbWriter(dir);
        foreach (var e in events)
        {
            writer.AddEvent(e);
        }
        return writer.Path;
    }

    [Fact]
    public void MetadataOnTheFirstValueMakesLaterTensorsScalars()
    {
        using var temp = new TempDir();
        var f32 = Rank0(DataType.DtFloat);
        f32.FloatVal.Add(1.5f);
        var later1 = Rank0(DataType.DtFloat);
        later1.FloatVal.Add(-2.25f);
        var later2 = Rank0(DataType.DtFloat);
        later2.FloatVal.Add(float.NegativeInfinity);
        string path = WriteFile(temp.Path,
            TensorEvent("new/first", 0, f32, Plugin("scalars")),
            TensorEvent("new/first", 1, later1),
            TensorEvent("new/first", 2, later2));

        var state = new RunTagState();
        var scalars = Read.File(path, state).Scalars;
        Assert.Equal([1.5, -2.25, double.NegativeInfinity], scalars.Select(s => s.Value));
        Assert.Equal([0L, 1L, 2L], scalars.Select(s => s.Step));
        Assert.All(scalars, s => Assert.Equal("new/first", s.Tag));
        Assert.Equal(1_700_000_001.0, scalars[1].WallTime);
        Assert.Equal("scalars", state.PluginOf("new/first"));
    }

    public static TheoryData<string, Func<TensorProto>, double> Tensors => new()
    {
        { "float_val", () => { var t = Rank0(DataType.DtFloat); t.FloatVal.Add(0.1f); return t; }, (double)0.1f },
        { "double_val", () => { var t = Rank0(DataType.DtDouble); t.DoubleVal.Add(0.1); return t; }, 0.1 },
        { "double_val -0", () => { var t = Rank0(DataType.DtDouble); t.DoubleVal.Add(-0.0); return t; }, -0.0 },
        { "half_val", () => { var t = Rank0(DataType.DtHalf); t.HalfVal.Add(HalfBits(0.333)); return t; }, (double)(Half)0.333 },
        { "half_val inf", () => { var t = Rank0(DataType.DtHalf); t.HalfVal.Add(HalfBits(double.PositiveInfinity)); return t; }, double.PositiveInfinity },
        { "bfloat16 half_val", () => { var t = Rank0(DataType.DtBfloat16); t.HalfVal.Add(BFloat16Bits(-3.5f)); return t; }, -3.5 },
        { "int_val", () => { var t = Rank0(DataType.DtInt32); t.IntVal.Add(-123456); return t; }, -123456 },
        { "int64_val", () => { var t = Rank0(DataType.DtInt64); t.Int64Val.Add(-(1L << 40)); return t; }, -(double)(1L << 40) },
        { "uint8 int_val", () => { var t = Rank0(DataType.DtUint8); t.IntVal.Add(255); return t; }, 255 },
        { "float content", () => { var t = Rank0(DataType.DtFloat); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(2.75f)); return t; }, 2.75 },
        { "double content", () => { var t = Rank0(DataType.DtDouble); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(1e-300)); return t; }, 1e-300 },
        { "half content", () => { var t = Rank0(DataType.DtHalf); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(HalfBits(-0.5))); return t; }, -0.5 },
        { "bfloat16 content", () => { var t = Rank0(DataType.DtBfloat16); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(BFloat16Bits(96f))); return t; }, 96 },
        { "int32 content", () => { var t = Rank0(DataType.DtInt32); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(int.MinValue)); return t; }, int.MinValue },
        { "int64 content", () => { var t = Rank0(DataType.DtInt64); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(long.MaxValue)); return t; }, long.MaxValue },
        { "uint8 content", () => { var t = Rank0(DataType.DtUint8); t.TensorContent = ByteString.CopyFrom([200]); return t; }, 200 },
    };

    [Theory]
    [MemberData(nameof(Tensors))]
    public void NumericRank0TensorsAreScalars(string what, Func<TensorProto> make, double expected)
    {
        using var temp = new TempDir();
        // The first value carries the metadata; the second (same encoding, no metadata) must be read too.
        string path = WriteFile(temp.Path,
            TensorEvent("t", 0, make(), Plugin("scalars")),
            TensorEvent("t", 1, make()));
        var scalars = Read.File(path, new RunTagState()).Scalars;
        Assert.True(scalars.Count == 2, $"{what}: read {scalars.Count} scalars");
        Assert.All(scalars, s => Bits.Equal(expected, s.Value, what));
    }

    public static TheoryData<string, Func<TensorProto>> NotScalars => new()
    {
        { "rank 1", () => { var t = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } } }; t.FloatVal.Add(1); return t; } },
        { "rank 2 content", () => { var t = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 }, new TensorShapeProto.Types.Dim { Size = 1 } } } }; t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(1f)); return t; } },
        { "unknown rank", () => { var t = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { UnknownRank = true } }; t.FloatVal.Add(1); return t; } },
        { "two values", () => { var t = Rank0(DataType.DtFloat); t.FloatVal.Add(1); t.FloatVal.Add(2); return t; } },
        { "string", () => { var t = Rank0(DataType.DtString); t.StringVal.Add(ByteString.CopyFromUtf8("1")); return t; } },
        { "wrong list for dtype", () => { var t = Rank0(DataType.DtDouble); t.FloatVal.Add(1); return t; } },
        { "short content", () => { var t = Rank0(DataType.DtDouble); t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(1f)); return t; } },
        { "no value", () => Rank0(DataType.DtFloat) },
    };

    [Theory]
    [MemberData(nameof(NotScalars))]
    public void OtherTensorsOfTheScalarsPluginAreSkipped(string what, Func<TensorProto> make)
    {
        using var temp = new TempDir();
        var ok = Rank0(DataType.DtFloat);
        ok.FloatVal.Add(7);
        string path = WriteFile(temp.Path,
            TensorEvent("t", 0, ok, Plugin("scalars")),
            TensorEvent("t", 1, make()),
            TensorEvent("t", 2, make(), Plugin("scalars")));
        var outcome = Read.File(path, new RunTagState());
        Assert.Empty(outcome.Errors);
        var only = Assert.Single(outcome.Scalars);
        Assert.True(only.Step == 0 && only.Value == 7, what);
    }

    [Fact]
    public void TensorsOfOtherPluginsOrWithoutMetadataAreNotScalars()
    {
        using var temp = new TempDir();
        TensorProto F(float v)
        {
            var t = Rank0(DataType.DtFloat);
            t.FloatVal.Add(v);
            return t;
        }
        string path = WriteFile(temp.Path,
            TensorEvent("text/x", 0, F(1), Plugin("text")),
            TensorEvent("text/x", 1, F(2)),
            TensorEvent("bare", 0, F(3)),
            // Metadata comes too late: the tag's plugin was already taken from its first metadata.
            TensorEvent("text/x", 2, F(4), Plugin("scalars")),
            TensorEvent("scalar/y", 0, F(5), Plugin("scalars")),
            // A tag without metadata next to a scalars tag stays unknown.
            TensorEvent("bare", 1, F(6)));
        var state = new RunTagState();
        var scalars = Read.File(path, state).Scalars;
        var one = Assert.Single(scalars);
        Assert.Equal("scalar/y", one.Tag);
        Assert.Equal(5, one.Value);
        Assert.Equal("text", state.PluginOf("text/x"));
        Assert.Null(state.PluginOf("bare"));
    }

    [Fact]
    public void TagKnowledgeCarriesAcrossTheFilesOfARun()
    {
        using var temp = new TempDir();
        var first = Rank0(DataType.DtFloat);
        first.FloatVal.Add(1);
        var second = Rank0(DataType.DtFloat);
        second.FloatVal.Add(2);
        string a = WriteFile(temp.Path, TensorEvent("s", 0, first, Plugin("scalars")));
        string b = WriteFile(temp.Path, TensorEvent("s", 1, second));

        var state = new RunTagState();
        Assert.Single(Read.File(a, state).Scalars);
        Assert.Equal(2.0, Assert.Single(Read.File(b, state).Scalars).Value);
        // The second file on its own says nothing about the tag.
        Assert.Empty(Read.File(b, new RunTagState()).Scalars);
        Assert.Empty(Read.File(b).Scalars);
        // And a run read through LogDirectory with one state reads both. (Name the files so their
        // order is certain: two writers of one second can sort either way, e.g. counter 10 before 9.)
        string run = temp.Sub("run");
        Directory.CreateDirectory(run);
        File.Copy(a, Path.Combine(run, "events.out.tfevents.1700000000.host.1.1"));
        File.Copy(b, Path.Combine(run, "events.out.tfevents.1700000001.host.1.2"));
        Assert.Equal([1.0, 2.0], Read.Run(run).Select(s => s.Value));
    }

    [Fact]
    public void SimpleValuesNeedNoMetadataAndMixWithTensors()
    {
        using var temp = new TempDir();
        var t = Rank0(DataType.DtDouble);
        t.DoubleVal.Add(0.3);
        var mixed = new Event
        {
            WallTime = 1_700_000_000,
            Step = 4,
            Summary = new Summary
            {
                Value =
                {
                    new Summary.Types.Value { Tag = "old", SimpleValue = 1.25f },
                    new Summary.Types.Value { Tag = "new", Tensor = t, Metadata = Plugin("scalars") },
                    new Summary.Types.Value { Tag = "img", Image = new Summary.Types.Image { Height = 1, Width = 1 } },
                },
            },
        };
        string path = WriteFile(temp.Path, mixed);
        var scalars = Read.File(path).Scalars;
        Assert.Equal(["old", "new"], scalars.Select(s => s.Tag));
        Assert.Equal([1.25, 0.3], scalars.Select(s => s.Value));
        Assert.All(scalars, s => Assert.Equal(4, s.Step));
    }

    [Fact]
    public void NotePluginKeepsTheFirst()
    {
        var state = new RunTagState();
        Assert.Null(state.PluginOf("a"));
        state.NotePlugin("a", "scalars");
        state.NotePlugin("a", "text");
        Assert.Equal("scalars", state.PluginOf("a"));
    }
}
