using System.Text.Json;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Analysis;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

/// <summary>The Embeddings tab's API (/api/embeddings, /api/embedding) and its part of the offline report.</summary>
public sealed class BoardEmbeddingsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", "pytorch", .. parts]);

    private static double[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    [Fact]
    public async Task PyTorchsEmbeddingsAreListedAndProjectedOntoTheirFirstTwoPrincipalComponents()
    {
        using var board = BoardClient.Start(Fixture("embedding"));
        var list = (await board.Json("api/embeddings")).EnumerateArray().ToList();
        Assert.Equal(["with_sprite", "multi_col"], list.Select(e => e.GetProperty("tag").GetString()));
        Assert.Equal([0L, 1L], list.Select(e => e.GetProperty("step").GetInt64()));
        Assert.All(list, e => Assert.Equal(25, e.GetProperty("count").GetInt32()));
        Assert.Equal(["label"], list[0].GetProperty("header").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(["col_a", "col_b"], list[1].GetProperty("header").EnumerateArray().Select(h => h.GetString()));
        Assert.True(list[0].GetProperty("sprite").GetBoolean());

        int run = list[1].GetProperty("run").GetInt32();
        var p = await board.Json($"api/embedding?run={run}&index=1");
        // The same numbers as the core's PCA of the points read back from tensors.tsv.
        var points = ProjectorReader.ReadRun(".", Fixture("embedding"), true, null)[1].Points;
        var pca = Pca.Project(points, 2);
        var x = Numbers(p.GetProperty("x"));
        var y = Numbers(p.GetProperty("y"));
        Assert.Equal(25, x.Length);
        for (int i = 0; i < 25; i++)
        {
            Assert.Equal(pca.Coordinates[i][0], x[i], 1e-6);
            Assert.Equal(pca.Coordinates[i][1], y[i], 1e-6);
        }
        var variance = Numbers(p.GetProperty("variance"));
        Assert.True(variance[0] >= variance[1] && variance[1] > 0);
        // mat * 2: four times the variance of the first embedding's.
        var first = await board.Json($"api/embedding?run={run}&index=0");
        Assert.Equal(4 * first.GetProperty("total").GetDouble(), p.GetProperty("total").GetDouble(), 6);
        Assert.Equal(["a7", "b1"], p.GetProperty("labels")[7].EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task AnEmbeddingThatDoesNotExistIs404AndBadNumbers400()
    {
        using var board = BoardClient.Start(Fixture("embedding"));
        using var missing = await board.Http.GetAsync("api/embedding?run=0&index=9");
        Assert.Equal(404, (int)missing.StatusCode);
        using var bad = await board.Http.GetAsync("api/embedding?run=x&index=0");
        Assert.Equal(400, (int)bad.StatusCode);
    }

    [Fact]
    public async Task EmbeddingsAddedWhileTheBoardRunsAreListedAtTheNextRequest()
    {
        using (var w = new TbWriter(_dir.Sub("a"))) w.AddScalar("loss", 1, 0);
        using var board = BoardClient.Start(_dir.Path);
        Assert.Empty((await board.Json("api/embeddings")).EnumerateArray());
        ProjectorWriter.Write(_dir.Sub("a"), new ProjectorData("emb", 2, [1, 0, 0, 1, 1, 1], 3, 2));
        var e = Assert.Single((await board.Json("api/embeddings")).EnumerateArray());
        Assert.Equal(("emb", "a", 2), (e.GetProperty("tag").GetString(), e.GetProperty("runName").GetString(), e.GetProperty("dimension").GetInt32()));
        Assert.Empty(e.GetProperty("header").EnumerateArray());
    }

    [Fact]
    public void TheReportHoldsEachEmbeddingsProjection()
    {
        using (var w = new TbWriter(_dir.Sub("a"))) w.AddScalar("loss", 1, 0);
        ProjectorWriter.Write(_dir.Sub("a"), new ProjectorData("emb", 0, [0, 0, 2, 0, 4, 0], 3, 2,
            [["p"], ["q"], ["r"]]));
        using var output = new MemoryStream();
        BoardReport.Write(output, new BoardOptions { LogDirs = [_dir.Path] }, new ReportOptions { Title = "t" });
        string html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var doc = JsonDocument.Parse(json);
        var embeddings = doc.RootElement.GetProperty("embeddings");
        var item = Assert.Single(embeddings.GetProperty("list").EnumerateArray());
        var projection = embeddings.GetProperty("projections").GetProperty(item.GetProperty("id").GetString()!);
        // Points on a line: the first component is that line, centred.
        Assert.Equal([-2.0, 0.0, 2.0], Numbers(projection.GetProperty("x")));
        Assert.Equal(["q"], projection.GetProperty("labels")[1].EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("tb/embeddings.js", html, StringComparison.Ordinal);
    }
}
