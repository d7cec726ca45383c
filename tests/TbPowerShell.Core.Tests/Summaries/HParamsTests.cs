using System.Buffers.Binary;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;
using HP = TbPowerShell.Core.Proto.HParams;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary>
/// The hparams plugin's summaries as PyTorch's <c>hparams()</c> writes them (fixture hparams/trial0, written by
/// <c>add_hparams({"lr": 0.01, "batch": 32, "optimizer": "adam", "use_bn": True}, {"hparam/accuracy": 0.9,
/// "hparam/loss": 0.1}, hparam_domain_discrete={"optimizer": ["adam", "sgd"]})</c>), and sweeps read back as tables.
/// </summary>
public class HParamsTests
{
    private static KeyValuePair<string, object>[] Values(params (string Name, object Value)[] values) =>
        values.Select(v => new KeyValuePair<string, object>(v.Name, HParamsSummary.Normalize(v.Name, v.Value))).ToArray();

    /// <summary>The values of an event file's summaries by tag (the first of each tag), as stored.</summary>
    private static Dictionary<string, Summary.Types.Value> StoredValues(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var values = new Dictionary<string, Summary.Types.Value>(StringComparer.Ordinal);
        for (int at = 0; at < bytes.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            var e = Event.Parser.ParseFrom(bytes, at + 12, length);
            at += 12 + length + 4;
            foreach (var v in e.Summary?.Value ?? Enumerable.Empty<Summary.Types.Value>())
            {
                values.TryAdd(v.Tag, v);
            }
        }
        return values;
    }

    [Fact]
    public void TheExperimentAndSessionEndAreByteForByteWhatPyTorchWrote()
    {
        var stored = StoredValues(Fixtures.EventFile("pytorch", "hparams", "trial0"));
        // PyTorch stores True as the number 1 (a bool is an int in Python); we store booleans as booleans, so the
        // same experiment comes from the number 1.
        var hparams = Values(("lr", 0.01), ("batch", 32), ("optimizer", "adam"), ("use_bn", 1));
        var domains = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Of("adam", "sgd") };
        var experiment = HParamsSummary.Experiment(HParamsSummary.Definitions(hparams, domains), new[] { "hparam/accuracy", "hparam/loss" });

        Assert.Equal(stored[HParamsSummary.ExperimentTag].ToByteArray(), experiment.ToByteArray());
        Assert.Equal(stored[HParamsSummary.SessionEndTag].ToByteArray(), HParamsSummary.SessionEnd().ToByteArray());
    }

    [Fact]
    public void TheSessionStartHoldsPyTorchsValues()
    {
        // The map's order in PyTorch's bytes is Python's hash order: the values are compared, not the bytes.
        var stored = StoredValues(Fixtures.EventFile("pytorch", "hparams", "trial0"))[HParamsSummary.SessionStartTag];
        var ours = HParamsSummary.SessionStart(Values(("lr", 0.01), ("batch", 32), ("optimizer", "adam"), ("use_bn", 1)));

        Assert.Equal(stored.Tag, ours.Tag);
        Assert.Equal(stored.Metadata.PluginData.PluginName, ours.Metadata.PluginData.PluginName);
        var theirs = HP.HParamsPluginData.Parser.ParseFrom(stored.Metadata.PluginData.Content);
        var mine = HP.HParamsPluginData.Parser.ParseFrom(ours.Metadata.PluginData.Content);
        Assert.Equal(theirs, mine);
        Assert.Equal(theirs.ToByteArray().Length, ours.Metadata.PluginData.Content.Length);
    }

    [Fact]
    public void BooleansAreStoredAsBooleansWithTheirWholeDomain()
    {
        var definitions = HParamsSummary.Definitions(Values(("use_bn", true), ("optimizer", "adam"), ("lr", 0.1f)), null);
        Assert.Equal(new[] { "Bool", "String", "Float64" }, definitions.Select(d => d.Type));
        Assert.Equal(new object[] { false, true }, definitions[0].Discrete);
        Assert.Null(definitions[1].Discrete);
        Assert.Null(definitions[2].Discrete);
        Assert.Null(definitions[2].Min);

        var start = HP.HParamsPluginData.Parser.ParseFrom(
            HParamsSummary.SessionStart(Values(("use_bn", true))).Metadata.PluginData.Content);
        Assert.True(start.SessionStartInfo.Hparams["use_bn"].BoolValue);
    }

    [Fact]
    public void DomainsAreCheckedAgainstTheValueAndItsType()
    {
        var lr = Values(("lr", 0.5));
        var interval = new Dictionary<string, HParamDomain> { ["lr"] = HParamDomain.Interval(0.001, 0.1) };
        Assert.Contains("outside its domain", Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(lr, interval)).Message);

        var optimizer = Values(("optimizer", "rmsprop"));
        var list = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Of("adam", "sgd") };
        Assert.Contains("not in its domain", Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(optimizer, list)).Message);

        var mixed = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Of("adam", 1) };
        Assert.Contains("of the hyperparameter's type", Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(Values(("optimizer", "adam")), mixed)).Message);

        var stringInterval = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Interval(0, 1) };
        Assert.Contains("intervals are for numbers", Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(Values(("optimizer", "adam")), stringInterval)).Message);

        var reversed = new Dictionary<string, HParamDomain> { ["lr"] = HParamDomain.Interval(1, 0) };
        Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(Values(("lr", 0.5)), reversed));
    }

    [Fact]
    public void ADomainWithoutAValueDescribesTheRestOfTheSweep()
    {
        var domains = new Dictionary<string, HParamDomain>
        {
            ["dropout"] = HParamDomain.Interval(0, 0.5),
            ["optimizer"] = HParamDomain.Of("adam", "sgd"),
        };
        var definitions = HParamsSummary.Definitions(Values(("lr", 0.1)), domains);
        Assert.Equal(new[] { "lr", "dropout", "optimizer" }, definitions.Select(d => d.Name));
        Assert.Equal(new[] { "Float64", "Float64", "String" }, definitions.Select(d => d.Type));
        Assert.Equal(0.5, definitions[1].Max);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(new[] { 1, 2 })]
    public void OnlyStringsBooleansAndNumbersAreValues(object? value)
    {
        Assert.Throws<ArgumentException>(() => HParamsSummary.Normalize("x", value));
        Assert.Throws<ArgumentException>(() => HParamsSummary.Normalize("x", DateTime.UnixEpoch));
        Assert.Equal(3.0, HParamsSummary.Normalize("x", 3L));
        Assert.Equal(0.25, HParamsSummary.Normalize("x", 0.25m));
    }

    [Fact]
    public void BlankOrRepeatedNamesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(Values((" ", 1)), null));
        Assert.Throws<ArgumentException>(() => HParamsSummary.Definitions(Values(("a", 1), ("a", 2)), null));
        Assert.Throws<ArgumentException>(() => HParamsSummary.Experiment(Array.Empty<HParamDefinition>(), new[] { "m", "m" }));
        Assert.Throws<ArgumentException>(() => HParamsSummary.Experiment(Array.Empty<HParamDefinition>(), new[] { "" }));
    }

    [Fact]
    public void ThePyTorchSweepReadsAsATwoRowTable()
    {
        var table = HParamsTable.Read(LogDirectory.FindRuns(Fixtures.Path("pytorch", "hparams")));

        Assert.Equal(new[] { "trial0", "trial1" }, table.Rows.Select(r => r.Run));
        Assert.Equal(new[] { "lr", "batch", "optimizer", "use_bn" }, table.HParamNames);
        Assert.Equal(new[] { "hparam/accuracy", "hparam/loss" }, table.MetricColumns.Select(c => c.Name));
        var (t0, t1) = (table.Rows[0], table.Rows[1]);
        Assert.Equal(0.01, t0.HParams["lr"]);
        Assert.Equal(32.0, t0.HParams["batch"]);
        Assert.Equal("adam", t0.HParams["optimizer"]);
        Assert.Equal(1.0, t0.HParams["use_bn"]);
        Assert.Equal("sgd", t1.HParams["optimizer"]);
        Assert.Equal(0.1, t1.HParams["lr"]);
        Assert.Equal((double)0.9f, t0.Metrics["hparam/accuracy"].Value);
        Assert.Equal((double)0.3f, t1.Metrics["hparam/loss"].Value);
        Assert.Equal("Success", t0.Status);
        Assert.Equal(new object[] { "adam", "sgd" }, table.Definitions.Single(d => d.Name == "optimizer").Discrete);
    }

    [Fact]
    public void AThreeTrialSweepWithDifferentKeysReadsBackAsAThreeRowTable()
    {
        using var dir = new TempDir();
        var trials = new (string Run, (string, object)[] HParams, (string Tag, double Value)[] Metrics)[]
        {
            ("trial0", new (string, object)[] { ("lr", 0.01), ("optimizer", "adam") }, new[] { ("accuracy", 0.9), ("loss", 0.2) }),
            ("trial1", new (string, object)[] { ("lr", 0.1), ("optimizer", "sgd"), ("momentum", 0.9) }, new[] { ("accuracy", 0.7), ("loss", 0.4) }),
            ("trial2", new (string, object)[] { ("lr", 0.05), ("use_bn", true) }, new[] { ("accuracy", 0.8) }),
        };
        foreach (var (run, hp, metrics) in trials)
        {
            using var writer = new TbWriter(Path.Combine(dir.Path, run));
            var values = Values(hp);
            writer.AddValue(HParamsSummary.Experiment(HParamsSummary.Definitions(values, null), metrics.Select(m => m.Tag).ToArray()), 0);
            writer.AddValue(HParamsSummary.SessionStart(values), 0);
            writer.AddValue(HParamsSummary.SessionEnd(), 0);
            // The metric's last value (highest step) is the one in the table.
            foreach (var (tag, value) in metrics)
            {
                writer.AddScalar(tag, value - 0.5, 1);
                writer.AddScalar(tag, value, 3);
                writer.AddScalar(tag, value - 0.25, 2);
            }
        }

        var table = HParamsTable.Read(LogDirectory.FindRuns(dir.Path));

        Assert.Equal(new[] { "trial0", "trial1", "trial2" }, table.Rows.Select(r => r.Run));
        Assert.Equal(new[] { "lr", "optimizer", "momentum", "use_bn" }, table.HParamNames);
        Assert.Equal(new[] { "accuracy", "loss" }, table.MetricColumns.Select(c => c.Name));
        Assert.Equal(0.9, table.Rows[1].HParams["momentum"]);
        Assert.False(table.Rows[0].HParams.ContainsKey("momentum"));
        Assert.Equal(true, table.Rows[2].HParams["use_bn"]);
        Assert.Equal((double)0.7f, table.Rows[1].Metrics["accuracy"].Value);
        Assert.Equal(3, table.Rows[1].Metrics["accuracy"].Step);
        Assert.Equal((double)0.8f, table.Rows[2].Metrics["accuracy"].Value);
        Assert.False(table.Rows[2].Metrics.ContainsKey("loss"));
    }

    [Fact]
    public void ARunWithoutHyperparametersIsNoRowAndMetricsOfAGroupComeFromItsSubRun()
    {
        var table = new HParamsTable();
        var start = HParamsDecoder.FromContent(HParamsSummary.SessionStartTag, 0, 1, Content(HParamsSummary.SessionStart(Values(("lr", 1)))))!;
        var experiment = new HParamsRecord(HParamsSummary.ExperimentTag, 0, 1, HParamsSection.Experiment, Array.Empty<byte>())
        {
            MetricInfos = new[] { new MetricDefinition("loss", "validation"), new MetricDefinition("lr") },
        };
        table.Add("a", start);
        table.Add("a", experiment);
        table.Add("a/validation", new ScalarRecord("loss", 5, 1, 0.25));
        table.Add("a", new ScalarRecord("lr", 5, 1, 7));
        table.Add("plain", new ScalarRecord("loss", 5, 1, 0.5));

        var row = Assert.Single(table.Rows);
        Assert.Equal("a", row.Run);
        // A metric named like a hyperparameter gets a column of its own.
        Assert.Equal(new[] { "validation/loss", "lr (metric)" }, table.MetricColumns.Select(c => c.Name));
        Assert.Equal(0.25, row.Metrics["validation/loss"].Value);
        Assert.Equal(7, row.Metrics["lr (metric)"].Value);
        Assert.Equal(string.Empty, row.Status);

        static byte[] Content(Summary.Types.Value v) => v.Metadata.PluginData.Content.ToByteArray();
    }

    [Fact]
    public void WithoutAnExperimentEveryScalarOfTheSessionRunsIsAMetric()
    {
        var table = new HParamsTable();
        var start = HParamsDecoder.FromMetadata(HParamsSummary.SessionStartTag, 0, 1,
            HParamsSummary.SessionStart(Values(("lr", 1))).Metadata.ToByteArray())!;
        table.Add("r", start);
        table.Add("r", new ScalarRecord("b", 1, 1, 2));
        table.Add("r", new ScalarRecord("a", 1, 1, 1));
        table.Add("other", new ScalarRecord("c", 1, 1, 1));
        Assert.Equal(new[] { "a", "b" }, table.MetricColumns.Select(c => c.Name));
    }
}
