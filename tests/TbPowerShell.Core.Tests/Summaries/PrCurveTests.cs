using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary>
/// <see cref="PrCurves"/> against the pr_curve fixture (PyTorch 1.13's <c>add_pr_curve</c> on make_fixtures.py's
/// kind_pr_curve inputs), value for value and byte for byte, and its checks of bad input.
/// </summary>
public class PrCurveTests
{
    private static double Wall(long step) => 1_700_000_000.0 + step;

    /// <summary>kind_pr_curve's inputs: RandomState(1234); labels randint(0, 2, 200); predictions clip(labels * 0.6 + uniform(0, 0.4, 200), 0, 1); then uniform(0, 1, 200).</summary>
    private static (double[] Labels, double[] Predictions, double[] SecondPredictions) FixtureInputs()
    {
        var rng = new LegacyRandomState(1234);
        double[] labels = Array.ConvertAll(rng.RandInt(0, 2, 200), v => (double)v);
        double[] noise = rng.Uniform(0, 0.4, 200);
        double[] predictions = new double[200];
        for (int i = 0; i < 200; i++)
        {
            predictions[i] = Math.Clamp(labels[i] * 0.6 + noise[i], 0, 1);
        }
        return (labels, predictions, rng.Uniform(0, 1, 200));
    }

    private static List<RawValue> FixtureValues() => RawValues.Of(Fixtures.EventFile("pytorch", "pr_curve"));

    [Fact]
    public void RandIntReproducesTheFixtureLabels()
    {
        // 96 positives: the first column of TP in the fixture (every positive is above threshold 0).
        var (labels, _, _) = FixtureInputs();
        Assert.Equal(96, labels.Count(l => l == 1));
        Assert.All(labels, l => Assert.True(l is 0 or 1));
    }

    [Fact]
    public void ComputedCurvesEqualPyTorchsTensorsValueForValue()
    {
        var (labels, predictions, second) = FixtureInputs();
        var expected = FixtureValues();
        Assert.Equal(["pr", "pr_11", "pr"], expected.Select(v => v.Tag));
        var inputs = new[] { (predictions, 127), (predictions, 11), (second, 127) };
        for (int c = 0; c < 3; c++)
        {
            var stored = Summary.Types.Value.Parser.ParseFrom(expected[c].Bytes).Tensor;
            float[] ours = PrCurves.Compute(labels, inputs[c].Item1, inputs[c].Item2);
            Assert.Equal(6 * inputs[c].Item2, stored.FloatVal.Count);
            Assert.Equal(stored.FloatVal.Count, ours.Length);
            for (int i = 0; i < ours.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(stored.FloatVal[i]) == BitConverter.SingleToInt32Bits(ours[i]),
                    $"curve {c} value {i} (row {i / inputs[c].Item2}): PyTorch {stored.FloatVal[i]:R}, ours {ours[i]:R}");
            }
        }
    }

    [Fact]
    public void WrittenValuesEqualPyTorchsBytes()
    {
        var (labels, predictions, second) = FixtureInputs();
        using var temp = new TempDir();
        using (var writer = new TbWriter(temp.Path))
        {
            writer.AddValue(PrCurves.Value("pr", PrCurves.Compute(labels, predictions, 127)), 0, new TbTimestamp(Wall(0)));
            writer.AddValue(PrCurves.Value("pr_11", PrCurves.Compute(labels, predictions, 11)), 0, new TbTimestamp(Wall(0)));
            writer.AddValue(PrCurves.Value("pr", PrCurves.Compute(labels, second, 127)), 1, new TbTimestamp(Wall(1)));
        }
        var file = Directory.GetFiles(temp.Path).Single(f => f.Contains("tfevents", StringComparison.Ordinal));
        var ours = RawValues.Of(file);
        var theirs = FixtureValues();
        Assert.Equal(theirs.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            Assert.Equal(theirs[i].Step, ours[i].Step);
            Bits.Equal(theirs[i].WallTime, ours[i].WallTime, $"value {i} wall time");
            var a = Summary.Types.Value.Parser.ParseFrom(theirs[i].Bytes);
            var b = Summary.Types.Value.Parser.ParseFrom(ours[i].Bytes);
            Assert.Equal(a.Tag, b.Tag);
            // The tensor byte for byte (dtype, shape, float_val).
            Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(a.Tensor), Google.Protobuf.MessageExtensions.ToByteArray(b.Tensor));
            if (i < 2)
            {
                // The first value of a tag: the same plugin data (PyTorch repeats it on every value; we write it once, as TensorBoard needs).
                Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(a.Metadata), Google.Protobuf.MessageExtensions.ToByteArray(b.Metadata));
            }
        }

        // And it reads back as the curves the fixture reads as.
        var read = ReadValues.File(file).OfType<PrCurveRecord>().ToList();
        var fixture = ReadValues.File(Fixtures.EventFile("pytorch", "pr_curve")).OfType<PrCurveRecord>().ToList();
        Assert.Equal(3, read.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(fixture[i].NumThresholds, read[i].NumThresholds);
            Assert.Equal(fixture[i].Flatten(), read[i].Flatten());
        }
    }

    [Fact]
    public void ReadCurveRowsAndThresholdsAreTensorBoards()
    {
        var curve = ReadValues.File(Fixtures.EventFile("pytorch", "pr_curve")).OfType<PrCurveRecord>().Single(c => c.Tag == "pr_11");
        Assert.Equal(11, curve.NumThresholds);
        Assert.Equal(11, curve.Columns);
        Assert.Equal(0.0, curve.Threshold(0));
        Assert.Equal(0.5, curve.Threshold(5));
        Assert.Equal(1.0, curve.Threshold(10));
        // Row 0 of the fixture is TP; TP + FN is the count of positives at every threshold, FP + TN of negatives.
        for (int k = 0; k < 11; k++)
        {
            Assert.Equal(96, curve.TruePositive[k] + curve.FalseNegative[k]);
            Assert.Equal(104, curve.FalsePositive[k] + curve.TrueNegative[k]);
        }
        Assert.Equal(new double[] { 96, 96, 96, 96, 96, 96, 96, 79, 59, 30, 0 }, curve.TruePositive);
    }

    [Fact]
    public void WeightsScaleTheCountsAndASingleWeightAppliesToAll()
    {
        double[] labels = [1, 0, 1, 0];
        double[] predictions = [0.9, 0.8, 0.2, 0.1];
        float[] plain = PrCurves.Compute(labels, predictions, 3);
        float[] doubled = PrCurves.Compute(labels, predictions, 3, [2.0]);
        float[] masked = PrCurves.Compute(labels, predictions, 3, [1, 1, 0, 1]);
        // Columns: thresholds 0, 0.5, 1 -> buckets floor(p * 2): 1, 1, 0, 0.
        Assert.Equal(new float[] { 2, 1, 0, 2, 1, 0, 0, 1, 2, 0, 1, 2, 0.5f, 0.5f, 0, 1, 0.5f, 0 }, plain);
        Assert.Equal(plain.Take(12).Select(v => v * 2), doubled.Take(12));
        Assert.Equal(plain.Skip(12), doubled.Skip(12));
        Assert.Equal(1f, masked[0]); // TP at threshold 0 without the masked positive
    }

    [Fact]
    public void Float32PredictionsAreBucketedInFloat32AsNumpyDoes()
    {
        // float32(0.29) * 100 is 29.0 in float32 arithmetic but 28.999999165534973 in double: buckets 29 and 28.
        float p = 0.29f;
        double[] labels = [1];
        float[] single = PrCurves.Compute(labels, [p], 101, singlePrecision: true);
        float[] dbl = PrCurves.Compute(labels, [p], 101, singlePrecision: false);
        Assert.Equal(1f, single[29]);
        Assert.Equal(0f, dbl[29]);
        Assert.Equal(1f, dbl[28]);
    }

    [Theory]
    [InlineData(new double[] { 1, 0 }, new double[] { 0.5 }, 127, "labels")]
    [InlineData(new double[] { 2 }, new double[] { 0.5 }, 127, "labels")]
    [InlineData(new double[] { 1 }, new double[] { double.NaN }, 127, "predictions")]
    [InlineData(new double[] { 1 }, new double[] { 1.5 }, 127, "predictions")]
    [InlineData(new double[] { 1 }, new double[] { -0.1 }, 127, "predictions")]
    [InlineData(new double[] { }, new double[] { }, 127, "predictions")]
    [InlineData(new double[] { 1 }, new double[] { 0.5 }, 1, "numThresholds")]
    public void BadInputIsRefusedNamingTheParameter(double[] labels, double[] predictions, int thresholds, string parameter)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => PrCurves.Compute(labels, predictions, thresholds));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void RawRowsAreStoredAsGivenAndMustBeEqualInLength()
    {
        // tensorboardX's test_pr_curve raw values.
        double[] tp = [75, 64, 21, 5, 0], fp = [150, 105, 18, 0, 0], tn = [0, 45, 132, 150, 150], fn = [0, 11, 54, 70, 75];
        double[] precision = [0.3333333, 0.3786982, 0.5384616, 1.0, 0.0], recall = [1.0, 0.8533334, 0.28, 0.0666667, 0.0];
        float[] data = PrCurves.Raw(tp, fp, tn, fn, precision, recall);
        Assert.Equal(30, data.Length);
        Assert.Equal(tp.Concat(fp).Concat(tn).Concat(fn).Concat(precision).Concat(recall).Select(v => (float)v), data);
        var value = PrCurves.Value("raw", data);
        Assert.Equal(5u, PrCurvePluginData.Parser.ParseFrom(value.Metadata.PluginData.Content).NumThresholds);
        Assert.Equal("pr_curves", value.Metadata.PluginData.PluginName);

        var e = Assert.ThrowsAny<ArgumentException>(() => PrCurves.Raw(tp, fp, tn, fn, precision, [1.0]));
        Assert.Equal("Recall", e.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => PrCurves.Raw([], [], [], [], [], []));
        Assert.ThrowsAny<ArgumentException>(() => PrCurves.Raw([1], [1], [1], [1], [1], [1]));
    }
}
