using System.Text.Json;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Board.Tests;

/// <summary>The board's PR curves (<c>/api/prcurves</c>, the report's "prcurves" section) and text tables.</summary>
public sealed class PrCurveBoardTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", "pytorch", .. parts]);

    private static List<PrCurveRecord> FixtureCurves()
    {
        var file = Directory.GetFiles(Fixture("pr_curve")).Single(f => f.Contains("tfevents", StringComparison.Ordinal));
        var curves = new List<PrCurveRecord>();
        using var reader = new EventFileReader(file, null, new RunTagState(), 0, EventKinds.PrCurve);
        while (reader.Next() is var result && result != EventReadResult.EndOfData)
        {
            if (result == EventReadResult.Value && reader.CurrentValue is PrCurveRecord c) curves.Add(c);
        }
        return curves;
    }

    private static void AssertCurve(PrCurveRecord expected, JsonElement item)
    {
        Assert.Equal(expected.Step, item.GetProperty("step").GetInt64());
        Assert.Equal(expected.NumThresholds, item.GetProperty("numThresholds").GetInt32());
        Assert.Equal(Enumerable.Range(0, expected.Columns).Select(expected.Threshold), item.GetProperty("thresholds").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.Precision, item.GetProperty("precision").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.Recall, item.GetProperty("recall").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.TruePositive, item.GetProperty("tp").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.FalsePositive, item.GetProperty("fp").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.TrueNegative, item.GetProperty("tn").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(expected.FalseNegative, item.GetProperty("fn").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public async Task PyTorchsCurvesAreServedPerStepWithEveryRowAndKindPrCurve()
    {
        using var board = BoardClient.Start(Fixture("pr_curve"));
        var tags = (await board.Json("api/tags")).EnumerateArray().ToList();
        Assert.Equal(["pr", "pr_11"], tags.Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(tags, t => Assert.Equal("prcurve", t.GetProperty("kind").GetString()));
        var run = await board.RunId(".");
        var expected = FixtureCurves();
        var pr = (await board.Json($"api/prcurves?run={run}&tag={await board.TagId("pr")}")).EnumerateArray().ToList();
        Assert.Equal(2, pr.Count);
        AssertCurve(expected[0], pr[0]);
        AssertCurve(expected[2], pr[1]);
        var pr11 = Assert.Single((await board.Json($"api/prcurves?run={run}&tag={await board.TagId("pr_11")}")).EnumerateArray());
        AssertCurve(expected[1], pr11);
        Assert.Equal(404, (int)(await board.Http.GetAsync($"api/prcurves?run={run}&tag=999")).StatusCode);
    }

    [Fact]
    public void TheReportHoldsTheCurvesUnderPrCurves()
    {
        using (var w = new TbWriter(_dir.Sub("a")))
        {
            w.AddValue(PrCurves.Value("val/pr", PrCurves.Compute([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], 3)), 5);
        }
        using var output = new MemoryStream();
        BoardReport.Write(output, new BoardOptions { LogDirs = [_dir.Path] }, new ReportOptions());
        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var data = Regex.Match(html, "<script type=\"application/json\" id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline);
        using var doc = JsonDocument.Parse(data.Groups[1].Value);
        var root = doc.RootElement;
        var tag = root.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "val/pr");
        Assert.Equal("prcurve", tag.GetProperty("kind").GetString());
        var run = root.GetProperty("runs").EnumerateArray().Single().GetProperty("id").GetInt32();
        var curve = Assert.Single(root.GetProperty("prcurves").GetProperty(run + ":" + tag.GetProperty("id").GetInt32()).EnumerateArray());
        Assert.Equal(5, curve.GetProperty("step").GetInt64());
        Assert.Equal([2.0, 1.0, 0.0], curve.GetProperty("tp").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([1.0, 0.5, 0.0], curve.GetProperty("recall").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public async Task ARank2TextIsServedAsASanitizedHtmlTable()
    {
        using (var w = new TbWriter(_dir.Sub("run")))
        {
            w.AddValue(TextTables.Value("results", new[,] { { "epoch", "loss" }, { "1", "**0.5**" }, { "<script>alert(1)</script>", "[x](javascript:alert(1))" } }), 0);
        }
        using var board = BoardClient.Start(_dir.Path);
        var item = Assert.Single((await board.Json($"api/text?run={await board.RunId("run")}&tag={await board.TagId("results/text_summary")}")).EnumerateArray());
        Assert.Equal([3L, 2L], item.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var html = item.GetProperty("html").GetString()!;
        Assert.StartsWith("<table><tbody><tr><td>epoch</td><td>loss</td></tr><tr><td>1</td><td><strong>0.5</strong></td></tr>", html);
        Assert.Equal(3, Regex.Matches(html, "<tr>").Count);
        Assert.Equal(6, Regex.Matches(html, "<td>").Count);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("javascript:", html);
    }
}
