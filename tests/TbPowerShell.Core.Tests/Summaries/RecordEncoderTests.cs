using System.Collections;
using System.Reflection;
using Google.Protobuf;
using TbPowerShell.Core.Audio;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary>
/// <see cref="RecordEncoder"/>: every value of every fixture run, re-encoded, written and read
/// back, is the same record (every property, bytes and double bits).
/// </summary>
public sealed class RecordEncoderTests
{
    public static TheoryData<string> FixtureRuns()
    {
        var data = new TheoryData<string>();
        foreach (var run in LogDirectory.FindRuns(Fixtures.Path("pytorch")))
        {
            data.Add(run.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureRuns))]
    public void EveryFixtureValueReadsBackIdentical(string runName)
    {
        var source = ReadRun(Fixtures.Path("pytorch", runName));
        using var dir = new TempDir();
        var writer = new TbWriter(dir.Path);
        Rewrite(source, writer);
        writer.Close();

        var copy = ReadRun(dir.Path);
        AssertSameItems(source, copy);
    }

    [Fact]
    public void TheFixturesHoldEveryKind()
    {
        // The theory above is only as good as its inputs: every kind of record must occur.
        var all = LogDirectory.FindRuns(Fixtures.Path("pytorch")).SelectMany(r => ReadRun(r.Directory)).ToList();
        Assert.Contains(all, i => i is ScalarRecord);
        Assert.Contains(all, i => i is ImageRecord);
        Assert.Contains(all, i => i is AudioRecord);
        Assert.Contains(all, i => i is TextRecord);
        Assert.Contains(all, i => i is HistogramRecord);
        Assert.Contains(all, i => i is HParamsRecord);
        // Every plugin the fixtures use has a kind of its own now; plain tensors of other plugins and dtypes are the
        // theory's own inputs below (myplugin).
        Assert.DoesNotContain(all, i => i is TensorRecord);
        Assert.Contains(all, i => i is GraphRecord { Content: GraphContent.GraphDef });
        Assert.Contains(all, i => i is GraphRecord { Content: GraphContent.RunMetadata });
        Assert.Contains(all, i => i is MeshRecord { Vertices: not null, Faces: not null, Colors: not null });
        Assert.Contains(all, i => i is PrCurveRecord);
        Assert.Contains(all, i => i is LayoutRecord);
    }

    [Fact]
    public void AFloat32ScalarIsASimpleValueAndADoubleATensor()
    {
        var single = RecordEncoder.Scalar("a", 0.1f);
        Assert.Equal(Summary.Types.Value.ValueOneofCase.SimpleValue, single.ValueCase);
        Assert.Null(single.Metadata);

        var dbl = RecordEncoder.Scalar("a", 0.1);
        Assert.Equal(Summary.Types.Value.ValueOneofCase.Tensor, dbl.ValueCase);
        Assert.Equal(DataType.DtDouble, dbl.Tensor.Dtype);
        Assert.Equal("scalars", dbl.Metadata.PluginData.PluginName);

        var items = RoundTrip(new object[]
        {
            new ScalarRecord("a", 1, 1700000000.125, 0.1),
            new ScalarRecord("a", 2, 1700000001.1, -0.0),
            new ScalarRecord("a", 3, 1700000002.2, double.NaN),
            new ScalarRecord("a", 4, 1700000003.3, 1e300),
            new ScalarRecord("b", 5, 1700000004.4, 0.5),
        });
        Assert.Equal(5, items.Count);
    }

    [Fact]
    public void HistogramsKeepTheirEncoding()
    {
        var buckets = new[] { new HistogramBucket(-1, 0, 2), new HistogramBucket(0, 0.5, 0), new HistogramBucket(0.5, 2, 3) };
        var fromProto = new HistogramRecord("h", 1, 1700000000.5, -1, 2, 5, 1.25, 7.5, buckets);
        var fromTensor = new HistogramRecord("t", 1, 1700000000.5, -1, 2, 5, double.NaN, double.NaN, buckets);
        // A tensor histogram keeps empty end buckets; a HistogramProto's are trimmed.
        var emptyEnds = new HistogramRecord("t", 2, 1700000001.5, -3, 4, 5, double.NaN, double.NaN,
            new[] { new HistogramBucket(-3, -1, 0), new HistogramBucket(-1, 2, 5), new HistogramBucket(2, 4, 0) });
        var empty = new HistogramRecord("t", 3, 1700000002.5, double.NaN, double.NaN, 0, double.NaN, double.NaN, Array.Empty<HistogramBucket>());

        Assert.Equal(Summary.Types.Value.ValueOneofCase.Histo, RecordEncoder.Encode(fromProto).ValueCase);
        Assert.Equal(Summary.Types.Value.ValueOneofCase.Tensor, RecordEncoder.Encode(fromTensor).ValueCase);
        Assert.Equal(4, RoundTrip(new object[] { fromProto, fromTensor, emptyEnds, empty }).Count);
    }

    [Fact]
    public void SamplesOfOneEventStayTogetherAndLabelsAreKept()
    {
        byte[] png = ImagePng(2, 3);
        byte[] wav = Core.Audio.WavCodec.Encode(new float[] { 0, 0.5f, -0.5f, 0.25f }, 1, 8000);
        var items = new object[]
        {
            new ImageRecord("img", 1, 1700000000.25, 2, 3, 4, "png", png, 0),
            new ImageRecord("img", 1, 1700000000.25, 2, 3, 4, "png", png, 1),
            new ImageRecord("img", 1, 1700000000.25, 2, 3, 4, "png", png, 2),
            new ImageRecord("img", 2, 1700000001.25, 2, 3, 4, "png", png, 0),
            new AudioRecord("snd", 1, 1700000000.25, 8000, 1, 4, "audio/wav", wav, 0, "first"),
            new AudioRecord("snd", 1, 1700000000.25, 8000, 1, 4, "audio/wav", wav, 1, ""),
            new AudioRecord("snd", 2, 1700000001.25, 8000, 1, 4, "audio/wav", wav, 0, ""),
        };
        var group = new List<ValueRecord> { (ValueRecord)items[0], (ValueRecord)items[1], (ValueRecord)items[2] };
        var encoded = Assert.Single(RecordEncoder.Encode(group));
        Assert.Equal(5, encoded.Tensor.StringVal.Count);
        Assert.Equal(7, RoundTrip(items).Count);
    }

    [Fact]
    public void ASampleWhoseEarlierSamplesWereDroppedBecomesSampleZero()
    {
        byte[] png = ImagePng(2, 2);
        var copy = RoundTrip(new object[] { new ImageRecord("img", 1, 1700000000.25, 2, 2, 4, "png", png, 2) }, compare: false);
        var image = Assert.IsType<ImageRecord>(Assert.Single(copy));
        Assert.Equal(0, image.Sample);
        Assert.Equal(png, image.Encoded);
    }

    [Fact]
    public void TensorsOfEveryNumericDTypeReadBackIdentical()
    {
        var items = new List<object>();
        string[] dtypes = { "DT_FLOAT", "DT_DOUBLE", "DT_INT32", "DT_UINT8", "DT_INT16", "DT_INT8", "DT_INT64", "DT_BOOL", "DT_UINT16", "DT_HALF", "DT_BFLOAT16", "DT_UINT32", "DT_UINT64" };
        for (int i = 0; i < dtypes.Length; i++)
        {
            double[] values = dtypes[i] switch
            {
                "DT_BOOL" => new double[] { 1, 0, 1, 1 },
                "DT_UINT8" or "DT_UINT16" or "DT_UINT32" => new double[] { 0, 1, 7, 200 },
                "DT_UINT64" => new double[] { 0, 1, 9.2233720368547758E18, 1.8446744073709552E19 },
                "DT_INT64" => new double[] { -9.2233720368547758E18, 1, -7, 9.2233720368547758E18 },
                "DT_HALF" => new double[] { 0.5, -2, 65504, double.NegativeInfinity },
                "DT_INT32" or "DT_INT16" or "DT_INT8" => new double[] { 3, -2, 100, -128 },
                _ => new double[] { 0.5, -2, 100, -0.0 },
            };
            items.Add(new TensorRecord("t/" + dtypes[i], i, 1700000000 + i, "myplugin", dtypes[i], new long[] { 2, 2 }, values, null, new byte[] { 1, 2, 3 }));
        }
        Assert.Equal(dtypes.Length, RoundTrip(items).Count);
    }

    [Fact]
    public void UndecodableTensorsAreWrittenFromTheirStoredForm()
    {
        // A complex64 tensor: the reader cannot give its values, so it keeps the stored tensor.
        var tensor = new TensorProto
        {
            Dtype = DataType.DtComplex64,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } },
            ScomplexVal = { 1.5f, -2.5f },
        };
        using var dir = new TempDir();
        var writer = new TbWriter(dir.Path);
        writer.AddValue(new Summary.Types.Value { Tag = "c", Tensor = tensor, Metadata = SummaryValues.PluginMetadata("x", ByteString.Empty) }, 3, new TbTimestamp(1700000000.5));
        writer.Close();
        var source = ReadRun(dir.Path);
        var record = Assert.IsType<TensorRecord>(Assert.Single(source));
        Assert.NotNull(record.RawTensor);
        Assert.Empty(record.Values);

        var copy = RoundTrip(source);
        Assert.Equal(tensor, TensorProto.Parser.ParseFrom(((TensorRecord)copy[0]).RawTensor));
    }

    [Fact]
    public void RepeatedMetadataOnlyValuesKeepTheirMetadata()
    {
        var items = new object[]
        {
            HParamsDecoder.FromContent(HParamsSummary.SessionStartTag, 0, 1700000000.5, StartContent("adam"))!,
            HParamsDecoder.FromContent(HParamsSummary.SessionStartTag, 0, 1700000001.5, StartContent("sgd"))!,
        };
        var copy = RoundTrip(items);
        Assert.Equal(2, copy.Count);
        Assert.Equal("sgd", ((HParamsRecord)copy[1]).HParams[0].Value);

        static byte[] StartContent(string optimizer) => HParamsSummary.SessionStart(
            new[] { new KeyValuePair<string, object>("optimizer", optimizer) }).Metadata.PluginData.Content.ToByteArray();
    }

    [Fact]
    public void PluginMetadataIsOnTheFirstWrittenValueOfATagEvenWhenTheSourceFirstWasDropped()
    {
        var source = ReadRun(Fixtures.Path("pytorch", "text"));
        var firstTag = ((ValueRecord)source[0]).Tag;
        var withoutFirst = source.Skip(1).ToList();
        Assert.Contains(withoutFirst, i => i is TextRecord t && t.Tag == firstTag);
        RoundTrip(withoutFirst);
    }

    [Fact]
    public void AnUnknownDTypeWithoutItsStoredFormIsRejected()
    {
        var record = new TensorRecord("t", 0, 1700000000, "", "DT_NOPE", new long[] { 1 }, new double[] { 1 }, null, Array.Empty<byte>());
        Assert.Throws<ArgumentException>(() => RecordEncoder.Encode(record));
        var complex = record with { DType = "DT_COMPLEX64" };
        Assert.Throws<ArgumentException>(() => RecordEncoder.Encode(complex));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>Writes <paramref name="items"/> to a new run, reads it back and (by default) asserts it is identical.</summary>
    private static List<object> RoundTrip(IReadOnlyList<object> items, bool compare = true)
    {
        using var dir = new TempDir();
        var writer = new TbWriter(dir.Path);
        Rewrite(items, writer);
        writer.Close();
        var copy = ReadRun(dir.Path);
        if (compare)
        {
            AssertSameItems(items, copy);
        }
        return copy;
    }

    /// <summary>What Add-TbEvent does: consecutive samples of one event together, everything else one value per event.</summary>
    private static void Rewrite(IEnumerable<object> items, TbWriter writer)
    {
        var group = new List<ValueRecord>();
        void FlushGroup()
        {
            if (group.Count > 0)
            {
                foreach (var value in RecordEncoder.Encode(group))
                {
                    writer.AddValue(value, group[0].Step, new TbTimestamp(group[0].WallTime));
                }
                group.Clear();
            }
        }
        foreach (var item in items)
        {
            if (item is ValueRecord sample && RecordEncoder.IsSample(sample) && RecordEncoder.ContinuesSamples(group, sample))
            {
                group.Add(sample);
                continue;
            }
            FlushGroup();
            switch (item)
            {
                case ScalarRecord s:
                    writer.AddValue(RecordEncoder.Scalar(s.Tag, s.Value), s.Step, new TbTimestamp(s.WallTime));
                    break;
                case GraphRecord g:
                    // A graph is an event of its own, as Add-TbEvent writes it back.
                    writer.AddEvent(GraphSummaries.Encode(g));
                    break;
                case ValueRecord v when RecordEncoder.IsSample(v):
                    group.Add(v);
                    break;
                case MeshRecord m:
                    writer.AddValues(RecordEncoder.Encode(new ValueRecord[] { m }), m.Step, new TbTimestamp(m.WallTime));
                    break;
                case ValueRecord v:
                    writer.AddValue(RecordEncoder.Encode(v), v.Step, new TbTimestamp(v.WallTime));
                    break;
            }
        }
        FlushGroup();
    }

    private static List<object> ReadRun(string dir)
    {
        var state = new RunTagState();
        var files = Directory.GetFiles(dir).Where(f => EventFileName.IsEventFileName(Path.GetFileName(f)))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
        return files.SelectMany(f => ReadValues.File(f, EventKinds.All, state)).ToList();
    }

    private static void AssertSameItems(IReadOnlyList<object> expected, IReadOnlyList<object> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            AssertSame(expected[i], actual[i], $"item {i} ({expected[i].GetType().Name})");
        }
    }

    /// <summary>Property by property; doubles by bits; arrays element by element.</summary>
    private static void AssertSame(object? expected, object? actual, string where)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{where}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case double d:
                Assert.True(BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)actual), $"{where}: {d:R} vs {actual:R}");
                return;
            case string or int or long or float or bool or byte:
                Assert.True(expected.Equals(actual), $"{where}: {expected} vs {actual}");
                return;
            case Array a:
                var b = (Array)actual;
                Assert.True(a.Length == b.Length, $"{where}: length {a.Length} vs {b.Length}");
                for (int i = 0; i < a.Length; i++)
                {
                    AssertSame(a.GetValue(i), b.GetValue(i), $"{where}[{i}]");
                }
                return;
        }
        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }
            AssertSame(property.GetValue(expected), property.GetValue(actual), $"{where}.{property.Name}");
        }
    }

    private static byte[] ImagePng(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 37);
        }
        return Core.Imaging.PngCodec.Encode(new Core.Imaging.ImagePixels(width, height, 4, pixels));
    }
}
