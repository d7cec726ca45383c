using System.Text.Json;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Tests;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

/// <summary>The HParams tab's data: <c>/api/hparams</c> and the report's <c>hparams</c> key.</summary>
public sealed class HParamsApiTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static KeyValuePair<string, object>[] Values(params (string Name, object Value)[] values) =>
        values.Select(v => new KeyValuePair<string, object>(v.Name, HParamsSummary.Normalize(v.Name, v.Value))).ToArray();

    private void WriteSweep()
    {
        var trials = new (string Run, KeyValuePair<string, object>[] HParams, (string Tag, double Value)[] Metrics)[]
        {
            ("trial0", Values(("lr", 0.01), ("optimizer", "adam")), new[] { ("accuracy", 0.9), ("loss", 0.25) }),
            ("trial1", Values(("lr", 0.1), ("optimizer", "sgd"), ("momentum", 0.9)), new[] { ("accuracy", 0.7), ("loss", 0.5) }),
            ("trial2", Values(("lr", 0.05), ("use_bn", true)), new[] { ("accuracy", 0.8) }),
        };
        var domains = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Of("adam", "sgd") };
        foreach (var (run, hp, metrics) in trials)
        {
            using var w = new TbWriter(_dir.Sub(run));
            foreach (var (tag, value) in metrics) w.AddScalar(tag, value / 2, 1);
            w.AddValue(HParamsSummary.Experiment(HParamsSummary.Definitions(hp, domains), metrics.Select(m => m.Tag).ToArray()), 2);
            w.AddValue(HParamsSummary.SessionStart(hp), 2);
            w.AddValue(HParamsSummary.SessionEnd(), 2);
            foreach (var (tag, value) in metrics) w.AddScalar(tag, value, 2);
        }
        using (var plain = new TbWriter(_dir.Sub("plain"))) plain.AddScalar("accuracy", 1, 0);
    }

    [Fact]
    public async Task TheSweepIsATableOfTheRunsWithHyperparameters()
    {
        WriteSweep();
        using var board = BoardClient.StartLazy(_dir.Path);
        var data = await board.Json("api/hparams");

        Assert.Equal(["lr", "optimizer", "momentum", "use_bn"], data.GetProperty("hparams").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
        var optimizer = data.GetProperty("hparams")[1];
        Assert.Equal("String", optimizer.GetProperty("type").GetString());
        Assert.Equal(["adam", "sgd"], optimizer.GetProperty("discrete").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["accuracy", "loss"], data.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var rows = data.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["trial0", "trial1", "trial2"], rows.Select(r => r.GetProperty("run").GetString()));
        Assert.Equal(await board.RunId("trial1"), rows[1].GetProperty("runId").GetInt32());
        Assert.Equal(0.9, rows[1].GetProperty("hparams").GetProperty("momentum").GetDouble());
        Assert.True(rows[2].GetProperty("hparams").GetProperty("use_bn").GetBoolean());
        Assert.False(rows[2].GetProperty("hparams").TryGetProperty("optimizer", out _));
        // The metric's last value (step 2), as a float32 scalar.
        Assert.Equal((double)(float)0.7, rows[1].GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal(2, rows[1].GetProperty("steps").GetProperty("accuracy").GetInt64());
        Assert.False(rows[2].GetProperty("metrics").TryGetProperty("loss", out _));
        Assert.Equal("Success", rows[0].GetProperty("status").GetString());

        var tags = (await board.Json("api/tags")).EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("hparams", tags["_hparams_/session_start_info"].GetProperty("kind").GetString());
        Assert.Equal(3, tags["_hparams_/session_start_info"].GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task PyTorchsSweepHasItsTrialSubRunsAsRows()
    {
        using var board = BoardClient.StartLazy(Path.Combine(AppContext.BaseDirectory, "fixtures", "pytorch", "hparams"));
        var data = await board.Json("api/hparams");
        var rows = data.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["trial0", "trial1"], rows.Select(r => r.GetProperty("run").GetString()));
        Assert.Equal(["hparam/accuracy", "hparam/loss"], data.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal((double)(float)0.3, rows[1].GetProperty("metrics").GetProperty("hparam/loss").GetDouble());
        Assert.Equal("sgd", rows[1].GetProperty("hparams").GetProperty("optimizer").GetString());
        Assert.Equal(64, rows[1].GetProperty("hparams").GetProperty("batch").GetDouble());
    }

    [Fact]
    public void TheReportHoldsTheSweepOfItsRuns()
    {
        WriteSweep();
        using var output = new MemoryStream();
        BoardReport.Write(output, new BoardOptions { LogDirs = [_dir.Path] }, new ReportOptions { Title = "t", Runs = ["trial0", "trial2", "plain"] });
        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.GetProperty("hparams").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["trial0", "trial2"], rows.Select(r => r.GetProperty("run").GetString()));
        Assert.Contains("\"tb/hparams.js\":\"data:text/javascript;base64,", html);
    }
}
