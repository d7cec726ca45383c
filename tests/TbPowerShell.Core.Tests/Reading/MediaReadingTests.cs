using System.Buffers.Binary;
using System.Text.Json;
using HP = TbPowerShell.Core.Proto.HParams;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>
/// Every non-scalar value of PyTorch's reference files, read with <see cref="EventKinds.All"/>,
/// against what TensorBoard's own loader read from them (pytorch.raw.jsonl), and histogram
/// buckets against TensorBoard's migration of them (pytorch.migrated.jsonl).
/// </summary>
public class MediaReadingTests
{
    // Meshes are read as one record per event (three stored values): MeshTests compares them.
    private static readonly string[] ValueKinds = ["image", "audio", "text", "histogram", "pr_curve", "custom_scalars", "hparams"];

    private static List<ReadItem> ReadFixtureValues() =>
        // Graphs are events, not summary values: GraphReadingTests compares them with TensorBoard's reading.
        ReadValues.Tree(Fixtures.Path("pytorch")).Where(i => i.Record is ValueRecord and not GraphRecord and not MeshRecord).ToList();

    [Fact]
    public void EveryValueOfTheFixturesEqualsTensorBoardsRawReading()
    {
        var expected = ExpectedLines.Of("pytorch.raw.jsonl", ValueKinds);
        var actual = ReadFixtureValues();

        // Same runs, same counts per run, in TensorBoard's order within a run.
        Assert.Equal(expected.Select(e => e.Run).Distinct().Order(StringComparer.Ordinal),
                     actual.Select(a => a.Run).Distinct().Order(StringComparer.Ordinal));
        foreach (var group in expected.GroupBy(e => e.Run))
        {
            var mine = actual.Where(a => a.Run == group.Key).ToList();
            var theirs = group.ToList();
            Assert.True(theirs.Count == mine.Count,
                $"run '{group.Key}': TensorBoard read {theirs.Count} values, we read {mine.Count}: {string.Join(", ", mine.Select(m => ((ValueRecord)m.Record).Tag))}");
            for (int i = 0; i < theirs.Count; i++)
            {
                AssertSame(theirs[i], mine[i]);
            }
        }
        Assert.Equal(expected.Count, actual.Count);

        // The comparison covered every kind it claims to.
        foreach (string kind in ValueKinds)
        {
            Assert.Contains(expected, e => e.Kind == kind);
        }
        Assert.Equal(6, actual.Count(a => a.Record is ImageRecord));
        Assert.Equal(2, actual.Count(a => a.Record is AudioRecord));
        Assert.Equal(5, actual.Count(a => a.Record is TextRecord));
        Assert.Equal(9, actual.Count(a => a.Record is HistogramRecord));
        Assert.Equal(0, actual.Count(a => a.Record is TensorRecord));
        Assert.Equal(6, actual.Count(a => a.Record is HParamsRecord));
        Assert.Equal(3, actual.Count(a => a.Record is PrCurveRecord));
        Assert.Equal(1, actual.Count(a => a.Record is LayoutRecord));
    }

    private static void AssertSame(ExpectedLine e, ReadItem item)
    {
        string where = e.Where;
        var record = Assert.IsAssignableFrom<ValueRecord>(item.Record);
        Assert.True(e.Run == item.Run, $"{where}: run '{item.Run}'");
        Assert.True(e.File == item.File, $"{where}: file '{item.File}'");
        Assert.True(e.Tag == record.Tag, $"{where}: tag '{record.Tag}'");
        Assert.True(e.Step == record.Step, $"{where}: step {record.Step}");
        Bits.Equal(e.WallTime, record.WallTime, where + " wall_time");
        var v = e.Value;
        switch (e.Kind)
        {
            case "image":
            {
                var image = Assert.IsType<ImageRecord>(record);
                Assert.Equal(v.GetProperty("width").GetInt32(), image.Width);
                Assert.Equal(v.GetProperty("height").GetInt32(), image.Height);
                Assert.Equal(v.GetProperty("colorspace").GetInt32(), image.Channels);
                Assert.Equal(v.GetProperty("format").GetString(), image.Format);
                Assert.Equal(v.GetProperty("bytes").GetInt32(), image.Encoded.Length);
                Assert.Equal(v.GetProperty("sha256").GetString(), Hash.Sha256(image.Encoded));
                Assert.Equal(0, image.Sample);
                break;
            }
            case "audio":
            {
                var audio = Assert.IsType<AudioRecord>(record);
                Bits.Equal(v.GetProperty("sample_rate").GetDouble(), audio.SampleRate, where + " sample_rate");
                Assert.Equal(v.GetProperty("num_channels").GetInt32(), audio.Channels);
                Assert.Equal(v.GetProperty("length_frames").GetInt64(), audio.Frames);
                Assert.Equal(v.GetProperty("content_type").GetString(), audio.ContentType);
                Assert.Equal(v.GetProperty("bytes").GetInt32(), audio.Encoded.Length);
                Assert.Equal(v.GetProperty("sha256").GetString(), Hash.Sha256(audio.Encoded));
                Assert.Equal(0, audio.Sample);
                Assert.Equal("", audio.Label);
                break;
            }
            case "text":
            {
                var text = Assert.IsType<TextRecord>(record);
                Assert.Equal(ExpectedLines.Strings(v.GetProperty("strings")), text.Strings);
                Assert.Equal(ExpectedLines.Longs(v.GetProperty("shape")), text.Shape);
                break;
            }
            case "histogram":
            {
                var h = Assert.IsType<HistogramRecord>(record);
                Bits.Equal(Expected.ParseValue(v.GetProperty("min")), h.Min, where + " min");
                Bits.Equal(Expected.ParseValue(v.GetProperty("max")), h.Max, where + " max");
                Bits.Equal(Expected.ParseValue(v.GetProperty("num")), h.Count, where + " num");
                Bits.Equal(Expected.ParseValue(v.GetProperty("sum")), h.Sum, where + " sum");
                Bits.Equal(Expected.ParseValue(v.GetProperty("sum_squares")), h.SumSquares, where + " sum_squares");
                // The counts are the stored ones, less the empty buckets at either end (see the migrated test).
                var counts = ExpectedLines.Doubles(v.GetProperty("bucket"));
                Assert.Equal(counts.Sum(), h.Buckets.Sum(b => b.Count));
                Assert.Equal(counts.SkipWhile(c => c == 0).Reverse().SkipWhile(c => c == 0).Reverse(), h.Buckets.Select(b => b.Count));
                break;
            }
            case "pr_curve":
            {
                var curve = Assert.IsType<PrCurveRecord>(record);
                Assert.Equal(v.GetProperty("num_thresholds").GetInt32(), curve.NumThresholds);
                Assert.Equal(ExpectedLines.Longs(v.GetProperty("shape")), new long[] { 6, curve.Columns });
                var values = curve.Flatten();
                var want = ExpectedLines.Doubles(v.GetProperty("values"));
                Assert.Equal(want.Length, values.Length);
                for (int i = 0; i < want.Length; i++)
                {
                    Bits.Equal(want[i], values[i], $"{where} value {i}");
                }
                Assert.Equal(v.GetProperty("sha256").GetString(), Hash.Sha256(LittleEndianBytes("DT_FLOAT", values)));
                break;
            }
            case "mesh":
            {
                var t = Assert.IsType<TensorRecord>(record);
                Assert.Equal(e.Plugin, t.Plugin);
                Assert.Equal(v.GetProperty("dtype").GetString(), t.DType);
                Assert.Equal(ExpectedLines.Longs(v.GetProperty("shape")), t.Shape);
                var values = Assert.IsType<double[]>(t.Values);
                var want = ExpectedLines.Doubles(v.GetProperty("values"));
                Assert.Equal(want.Length, values.Length);
                for (int i = 0; i < want.Length; i++)
                {
                    Bits.Equal(want[i], values[i], $"{where} value {i}");
                }
                Assert.Equal(v.GetProperty("sha256").GetString(), Hash.Sha256(LittleEndianBytes(t.DType, values)));
                Assert.Equal(Convert.FromBase64String(e.Meta!.Value.GetProperty("plugin_content_b64").GetString()!), t.PluginContent);
                break;
            }
            case "custom_scalars":
            {
                var layout = Assert.IsType<LayoutRecord>(record);
                AssertLayout(v, TbPowerShell.Core.Summaries.CustomScalarLayouts.ToProto(layout.Categories), where);
                break;
            }
            case "hparams":
            {
                // Metadata-only values: the data is each value's own plugin content.
                var t = Assert.IsType<HParamsRecord>(record);
                Assert.Equal(Convert.FromBase64String(e.Meta!.Value.GetProperty("plugin_content_b64").GetString()!), t.Content);
                AssertHParams(v, HP.HParamsPluginData.Parser.ParseFrom(t.Content), where);
                break;
            }
            default:
                Assert.Fail($"{where}: unexpected kind");
                break;
        }
    }

    /// <summary>The tensor's elements as TensorFlow lays them out: little-endian, in the dtype's width.</summary>
    internal static byte[] LittleEndianBytes(string dtype, double[] values)
    {
        int size = dtype switch { "DT_FLOAT" or "DT_INT32" => 4, "DT_DOUBLE" or "DT_INT64" => 8, _ => throw new NotSupportedException(dtype) };
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            switch (dtype)
            {
                case "DT_FLOAT": BinaryPrimitives.WriteSingleLittleEndian(span, (float)values[i]); break;
                case "DT_DOUBLE": BinaryPrimitives.WriteDoubleLittleEndian(span, values[i]); break;
                case "DT_INT32": BinaryPrimitives.WriteInt32LittleEndian(span, checked((int)values[i])); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(span, checked((long)values[i])); break;
            }
        }
        return bytes;
    }

    private static void AssertLayout(JsonElement expected, Layout layout, string where)
    {
        var categories = expected.GetProperty("category").EnumerateArray().ToList();
        Assert.True(categories.Count == layout.Category.Count, where + " categories");
        for (int i = 0; i < categories.Count; i++)
        {
            var category = layout.Category[i];
            Assert.Equal(categories[i].GetProperty("title").GetString(), category.Title);
            var charts = categories[i].GetProperty("chart").EnumerateArray().ToList();
            Assert.Equal(charts.Count, category.Chart.Count);
            for (int j = 0; j < charts.Count; j++)
            {
                var chart = category.Chart[j];
                Assert.Equal(charts[j].GetProperty("title").GetString(), chart.Title);
                if (charts[j].TryGetProperty("multiline", out var multiline))
                {
                    Assert.Equal(Chart.ContentOneofCase.Multiline, chart.ContentCase);
                    Assert.Equal(ExpectedLines.Strings(multiline.GetProperty("tag")), chart.Multiline.Tag);
                }
                else
                {
                    Assert.Equal(Chart.ContentOneofCase.Margin, chart.ContentCase);
                    var series = charts[j].GetProperty("margin").GetProperty("series").EnumerateArray().ToList();
                    Assert.Equal(series.Count, chart.Margin.Series.Count);
                    for (int k = 0; k < series.Count; k++)
                    {
                        Assert.Equal(series[k].GetProperty("value").GetString(), chart.Margin.Series[k].Value);
                        Assert.Equal(series[k].GetProperty("lower").GetString(), chart.Margin.Series[k].Lower);
                        Assert.Equal(series[k].GetProperty("upper").GetString(), chart.Margin.Series[k].Upper);
                    }
                }
            }
        }
    }

    private static string EnumName(Google.Protobuf.Reflection.MessageDescriptor message, string field, int number) =>
        message.FindFieldByName(field).EnumType.FindValueByNumber(number).Name;

    private static void AssertHParams(JsonElement expected, HP.HParamsPluginData data, string where)
    {
        if (expected.TryGetProperty("experiment", out var experiment))
        {
            Assert.Equal(HP.HParamsPluginData.DataOneofCase.Experiment, data.DataCase);
            var infos = experiment.GetProperty("hparam_infos").EnumerateArray().ToList();
            Assert.Equal(infos.Count, data.Experiment.HparamInfos.Count);
            for (int i = 0; i < infos.Count; i++)
            {
                var info = data.Experiment.HparamInfos[i];
                Assert.Equal(infos[i].GetProperty("name").GetString(), info.Name);
                Assert.Equal(infos[i].GetProperty("type").GetString(), EnumName(HP.HParamInfo.Descriptor, "type", (int)info.Type));
                if (infos[i].TryGetProperty("domain_discrete", out var domain))
                {
                    Assert.Equal(ExpectedLines.Strings(domain), info.DomainDiscrete.Values.Select(x => x.StringValue));
                }
                else
                {
                    Assert.Null(info.DomainDiscrete);
                }
            }
            Assert.Equal(experiment.GetProperty("metric_infos").EnumerateArray().Select(m => m.GetProperty("name").GetProperty("tag").GetString()),
                         data.Experiment.MetricInfos.Select(m => m.Name.Tag));
        }
        else if (expected.TryGetProperty("session_start_info", out var start))
        {
            Assert.Equal(HP.HParamsPluginData.DataOneofCase.SessionStartInfo, data.DataCase);
            var hparams = start.GetProperty("hparams").EnumerateObject().ToList();
            Assert.Equal(hparams.Count, data.SessionStartInfo.Hparams.Count);
            foreach (var p in hparams)
            {
                var value = data.SessionStartInfo.Hparams[p.Name];
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    Assert.Equal(p.Value.GetString(), value.StringValue);
                }
                else
                {
                    Bits.Equal(p.Value.GetDouble(), value.NumberValue, $"{where} hparam {p.Name}");
                }
            }
        }
        else
        {
            var end = expected.GetProperty("session_end_info");
            Assert.Equal(HP.HParamsPluginData.DataOneofCase.SessionEndInfo, data.DataCase);
            Assert.Equal(end.GetProperty("status").GetString(), EnumName(HP.SessionEndInfo.Descriptor, "status", (int)data.SessionEndInfo.Status));
        }
    }

    /// <summary>
    /// Histogram buckets are what TensorBoard's dashboards see after its migration of the old
    /// encoding: [left, right, count] rows as float32, empty buckets at either end dropped, the
    /// first left edge the minimum and the last right edge the maximum.
    /// </summary>
    [Fact]
    public void HistogramBucketsEqualTensorBoardsMigration()
    {
        var expected = ExpectedLines.Of("pytorch.migrated.jsonl", "histogram_tensor");
        var actual = ReadFixtureValues().Where(i => i.Record is HistogramRecord).ToList();
        Assert.Equal(9, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var h = (HistogramRecord)actual[i].Record;
            string where = e.Where;
            Assert.Equal(e.Run, actual[i].Run);
            Assert.Equal(e.Tag, h.Tag);
            Assert.Equal(e.Step, h.Step);
            Assert.Equal("DT_FLOAT", e.Value.GetProperty("dtype").GetString());
            var shape = ExpectedLines.Longs(e.Value.GetProperty("shape"));
            var flat = ExpectedLines.Doubles(e.Value.GetProperty("values"));
            Assert.True(shape[0] == h.Buckets.Length, $"{where}: TensorBoard has {shape[0]} buckets, we have {h.Buckets.Length}");
            for (int k = 0; k < h.Buckets.Length; k++)
            {
                var b = h.Buckets[k];
                // TensorBoard's rows are float32: ours, rounded to float32, must be the same numbers.
                Bits.Equal(flat[3 * k], (float)b.Left, $"{where} bucket {k} left");
                Bits.Equal(flat[3 * k + 1], (float)b.Right, $"{where} bucket {k} right");
                Bits.Equal(flat[3 * k + 2], (float)b.Count, $"{where} bucket {k} count");
            }
            // And the float32 rows hash like TensorBoard's tensor.
            Assert.Equal(e.Value.GetProperty("sha256").GetString(),
                Hash.Sha256(LittleEndianBytes("DT_FLOAT", h.Buckets.SelectMany(b => new[] { b.Left, b.Right, b.Count }).ToArray())));
        }
    }

    [Fact]
    public void KindsNotAskedForAreSkipped()
    {
        string image = Fixtures.EventFile("pytorch", "image");
        Assert.Empty(ReadValues.File(image, EventKinds.Audio | EventKinds.Text | EventKinds.Histogram | EventKinds.Tensor | EventKinds.Scalar));
        var images = ReadValues.File(image, EventKinds.Image);
        Assert.Equal(6, images.Count);
        Assert.All(images, r => Assert.IsType<ImageRecord>(r));

        string hparams = Fixtures.EventFile("pytorch", "hparams", "trial0");
        var onlyScalars = ReadValues.File(hparams, EventKinds.Scalar);
        Assert.Equal(2, onlyScalars.Count);
        Assert.All(onlyScalars, r => Assert.IsType<ScalarRecord>(r));
        Assert.Empty(ReadValues.File(hparams, EventKinds.Tensor));
        Assert.Equal(3, ReadValues.File(hparams, EventKinds.Hyperparameters).Count);
    }
}
