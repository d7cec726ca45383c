using TbPowerShell.Tests.Shared;
using System.Text.Json;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests.Summaries.Histograms;

/// <summary>
/// The reference histograms PyTorch 1.13 wrote (run <c>histogram</c> of the fixtures), both as
/// TensorBoard's loader printed them (<c>pytorch.raw.jsonl</c>) and as protos read straight from
/// the event file, and the inputs <c>make_fixtures.py</c> gave it.
/// </summary>
internal static class HistogramFixtures
{
    private static readonly Lazy<Dictionary<string, List<HistogramProto>>> Jsonl = new(LoadJsonl);
    private static readonly Lazy<Dictionary<string, List<HistogramProto>>> EventFile = new(LoadEventFile);

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>The histogram the jsonl holds for <paramref name="tag"/> at its <paramref name="index"/>-th step.</summary>
    public static HistogramProto FromJsonl(string tag, int index = 0) => Jsonl.Value[tag][index];

    /// <summary>The histogram the event file holds for <paramref name="tag"/> at its <paramref name="index"/>-th step.</summary>
    public static HistogramProto FromEventFile(string tag, int index = 0) => EventFile.Value[tag][index];

    /// <summary>
    /// <c>kind_histogram</c>'s random inputs, in draw order: <c>normal(s, 1.0, 1000)</c> for
    /// s = 0..4, then <c>uniform(-1, 1, 500)</c>, all from one <c>RandomState(1234)</c>.
    /// </summary>
    public static (double[][] Normal, double[] Uniform) RandomInputs()
    {
        var rng = new LegacyRandomState(1234);
        var normal = new double[5][];
        for (int s = 0; s < 5; s++)
        {
            normal[s] = rng.Normal(s, 1.0, 1000);
        }
        return (normal, rng.Uniform(-1, 1, 500));
    }

    /// <summary><c>np.arange(100) % 7</c> as float.</summary>
    public static double[] Ints() => Enumerable.Range(0, 100).Select(i => (double)(i % 7)).ToArray();

    /// <summary><c>np.full(50, 3.0)</c>.</summary>
    public static double[] Constant() => Enumerable.Repeat(3.0, 50).ToArray();

    private static Dictionary<string, List<HistogramProto>> LoadJsonl()
    {
        var result = new Dictionary<string, List<HistogramProto>>();
        foreach (string line in File.ReadLines(FixturePath("pytorch.raw.jsonl")))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.GetProperty("run").GetString() != "histogram" || root.GetProperty("kind").GetString() != "histogram")
            {
                continue;
            }
            JsonElement value = root.GetProperty("value");
            var histogram = new HistogramProto
            {
                Min = value.GetProperty("min").GetDouble(),
                Max = value.GetProperty("max").GetDouble(),
                Num = value.GetProperty("num").GetDouble(),
                Sum = value.GetProperty("sum").GetDouble(),
                SumSquares = value.GetProperty("sum_squares").GetDouble(),
            };
            histogram.BucketLimit.Add(value.GetProperty("bucket_limit").EnumerateArray().Select(e => e.GetDouble()));
            histogram.Bucket.Add(value.GetProperty("bucket").EnumerateArray().Select(e => e.GetDouble()));
            Add(result, root.GetProperty("tag").GetString()!, histogram);
        }
        return result;
    }

    private static Dictionary<string, List<HistogramProto>> LoadEventFile()
    {
        var result = new Dictionary<string, List<HistogramProto>>();
        string file = Directory.GetFiles(FixturePath("pytorch", "histogram"), "*tfevents*").Single();
        using var reader = new RecordReader(file);
        while (reader.Read() == RecordStatus.Record)
        {
            Event e = Event.Parser.ParseFrom(reader.Payload);
            if (e.Summary is null)
            {
                continue;
            }
            foreach (Summary.Types.Value v in e.Summary.Value)
            {
                if (v.Histo is not null)
                {
                    Add(result, v.Tag, v.Histo);
                }
            }
        }
        return result;
    }

    private static void Add(Dictionary<string, List<HistogramProto>> map, string tag, HistogramProto histogram)
    {
        if (!map.TryGetValue(tag, out List<HistogramProto>? list))
        {
            map[tag] = list = [];
        }
        list.Add(histogram);
    }
}
