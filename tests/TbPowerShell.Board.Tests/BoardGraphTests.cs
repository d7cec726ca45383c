using System.Text.Json;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Board.Tests;

/// <summary>The Graph tab's data: graphs listed as tags of kind "graph", served as a tree of name scopes, and in the report.</summary>
public sealed class BoardGraphTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", "pytorch", .. parts]);

    private string CopyFixtureRun()
    {
        string run = _dir.Sub("pytorch");
        Directory.CreateDirectory(run);
        foreach (var file in Directory.GetFiles(Fixture("graph")))
        {
            File.Copy(file, Path.Combine(run, Path.GetFileName(file)));
        }
        return _dir.Path;
    }

    private static JsonElement Scope(JsonElement scope, string name) =>
        scope.GetProperty("scopes").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static JsonElement Node(JsonElement scope, string name) =>
        scope.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);

    [Fact]
    public async Task PyTorchsGraphIsATagOfKindGraphServedAsAScopeTree()
    {
        using var board = BoardClient.Start(CopyFixtureRun());
        var tags = (await board.Json("api/tags")).EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("kind").GetString());
        Assert.Equal("graph", tags[GraphRecord.RunGraphTag]);
        Assert.Equal("graph", tags["step1"]);

        int run = await board.RunId("pytorch");
        var graph = Assert.Single((await board.Json($"api/graphs?run={run}&tag={await board.TagId(GraphRecord.RunGraphTag)}")).EnumerateArray());
        Assert.Equal(("GraphDef", 9, 973), (graph.GetProperty("content").GetString(), graph.GetProperty("nodeCount").GetInt32(), graph.GetProperty("bytes").GetInt32()));
        var tree = graph.GetProperty("tree");
        Assert.Equal(9, tree.GetProperty("count").GetInt32());
        Assert.Equal(["input", "output", "Net"], tree.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        var net = Scope(tree, "Net");
        Assert.Equal(7, net.GetProperty("count").GetInt32());
        Assert.Equal(["Linear[fc1]", "Linear[fc2]"], net.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var relu = Node(net, "input");
        Assert.Equal(("Net/input", "aten::relu"), (relu.GetProperty("path").GetString(), relu.GetProperty("op").GetString()));
        Assert.Equal(["Net/Linear[fc1]/31"], relu.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()));

        var fc1 = Scope(net, "Linear[fc1]");
        Assert.Equal("Net/Linear[fc1]", fc1.GetProperty("path").GetString());
        Assert.Equal(["bias", "weight"], fc1.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var linear = Node(fc1, "31");
        Assert.Equal("aten::linear", linear.GetProperty("op").GetString());
        Assert.Equal(["input/x", "Net/Linear[fc1]/weight/weight.1", "Net/Linear[fc1]/bias/bias.1"],
            linear.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal([1L, 3L], linear.GetProperty("shapes")[0].EnumerateArray().Select(d => d.GetInt64()));
        // _output_shapes is in "shapes", not repeated among the attributes.
        Assert.Equal([["attr", "{}"]], linear.GetProperty("attrs").EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetString()!).ToArray()));
        var weight = Node(Scope(fc1, "weight"), "weight.1");
        Assert.Equal("prim::GetAttr", weight.GetProperty("op").GetString());

        var metadata = Assert.Single((await board.Json($"api/graphs?run={run}&tag={await board.TagId("step1")}")).EnumerateArray());
        Assert.Equal(("RunMetadata", 0, 19), (metadata.GetProperty("content").GetString(), metadata.GetProperty("nodeCount").GetInt32(), metadata.GetProperty("bytes").GetInt32()));
        Assert.Equal(["/device:CPU:0"], metadata.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void TheTreePutsEachNodeInTheScopeOfItsNameAndCountsWhatIsBelow()
    {
        GraphNode N(string name) => new(name, "Op", [], "", [], []);
        var tree = BoardGraph.Tree([N("a/b/c"), N("a/d"), N("e"), N("a/b/f"), N("a/b")]);
        Assert.Equal(5, tree.Count);
        Assert.Equal(["e"], tree.Nodes.Select(n => n.Name));
        var a = Assert.Single(tree.Scopes);
        Assert.Equal(("a", "a", 4), (a.Name, a.Path, a.Count));
        Assert.Equal(["a/d", "a/b"], a.Nodes.Select(n => n.Name));
        var b = Assert.Single(a.Scopes);
        Assert.Equal(("b", "a/b", 2), (b.Name, b.Path, b.Count));
        Assert.Equal(["a/b/c", "a/b/f"], b.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void TheReportHoldsTheGraphs()
    {
        using (var w = new TbWriter(_dir.Sub("ours")))
        {
            var graph = GraphSummaries.NewGraph();
            graph.Node.Add(GraphSummaries.Node("input/x", GraphSummaries.IONodeOp, outputShapes: [[1L, 4L]], attr: ""));
            graph.Node.Add(GraphSummaries.Node("M/Linear[fc]/forward", "Linear", ["input/x"], [[1L, 2L]], "{}"));
            w.AddEvent(GraphSummaries.GraphEvent(graph, 0, 1.7e9));
            w.AddScalar("loss", 1, 0);
        }
        using var output = new MemoryStream();
        BoardReport.Write(output, new BoardOptions { LogDirs = [_dir.Path] }, new ReportOptions { Title = "graphs" });
        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var doc = JsonDocument.Parse(json);
        var graphs = doc.RootElement.GetProperty("graphs").EnumerateObject().Single().Value;
        var tree = Assert.Single(graphs.EnumerateArray()).GetProperty("tree");
        Assert.Equal(2, tree.GetProperty("count").GetInt32());
        Assert.Equal("Linear", Node(Scope(Scope(tree, "M"), "Linear[fc]"), "forward").GetProperty("op").GetString());
        Assert.Contains("\"tb/graph.js\":\"data:text/javascript;base64,", html);
    }
}
