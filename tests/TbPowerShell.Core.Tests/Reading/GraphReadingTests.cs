using System.Security.Cryptography;
using System.Text.Json;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>Graphs (Event.graph_def), meta graphs and tagged run metadata read as <see cref="GraphRecord"/>s.</summary>
public sealed class GraphReadingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (List<ValueRecord> Values, List<ValueHeader> Counted, List<EventReadError> Errors, int Scalars) ReadAll(
        string file, EventKinds kinds, EventKinds counted = EventKinds.None, Func<string, bool>? filter = null)
    {
        var values = new List<ValueRecord>();
        var headers = new List<ValueHeader>();
        var errors = new List<EventReadError>();
        int scalars = 0;
        using var reader = new EventFileReader(file, filter, null, 0, kinds) { CountedKinds = counted };
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    scalars++;
                    break;
                case EventReadResult.Value:
                    values.Add(reader.CurrentValue!);
                    break;
                case EventReadResult.Counted:
                    headers.Add(reader.CurrentHeader);
                    break;
                case EventReadResult.Error:
                    errors.Add(reader.LastError!);
                    break;
                default:
                    return (values, headers, errors, scalars);
            }
        }
    }

    /// <summary>The lines of pytorch.raw.jsonl of the graph run, by kind.</summary>
    private static JsonElement ExpectedLine(string kind)
    {
        foreach (var line in File.ReadLines(Fixtures.Path("pytorch.raw.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("run").GetString() == "graph" && doc.RootElement.GetProperty("kind").GetString() == kind)
            {
                return doc.RootElement.Clone();
            }
        }
        throw new InvalidOperationException("no " + kind + " line");
    }

    [Fact]
    public void PyTorchsGraphEqualsTensorBoardsReading()
    {
        var expected = ExpectedLine("graph");
        var read = ReadAll(Fixtures.EventFile("pytorch", "graph"), EventKinds.Graph);
        Assert.Empty(read.Errors);
        var graphs = read.Values.Cast<GraphRecord>().Where(g => g.Content == GraphContent.GraphDef).ToList();
        var graph = Assert.Single(graphs);

        var value = expected.GetProperty("value");
        Assert.Equal(value.GetProperty("nodes").GetInt32(), graph.Nodes.Length);
        Assert.Equal(value.GetProperty("node_names").EnumerateArray().Select(e => e.GetString()!), graph.NodeNames);
        Assert.Equal(value.GetProperty("bytes").GetInt32(), graph.Bytes.Length);
        Assert.Equal(value.GetProperty("sha256").GetString(), Convert.ToHexString(SHA256.HashData(graph.Bytes)).ToLowerInvariant());
        Assert.Equal(expected.GetProperty("step").GetInt64(), graph.Step);
        Bits.Equal(expected.GetProperty("wall_time").GetDouble(), graph.WallTime, "wall_time");
        Assert.Equal(GraphRecord.RunGraphTag, graph.Tag);
        Assert.Equal(22, graph.Producer);
    }

    [Fact]
    public void PyTorchsTaggedRunMetadataEqualsTensorBoardsReading()
    {
        var expected = ExpectedLine("run_metadata");
        var read = ReadAll(Fixtures.EventFile("pytorch", "graph"), EventKinds.Graph);
        var metadata = Assert.Single(read.Values.Cast<GraphRecord>(), g => g.Content == GraphContent.RunMetadata);

        Assert.Equal(expected.GetProperty("tag").GetString(), metadata.Tag);
        Assert.Equal("step1", metadata.Tag);
        var value = expected.GetProperty("value");
        Assert.Equal(value.GetProperty("bytes").GetInt32(), metadata.Bytes.Length);
        Assert.Equal(value.GetProperty("sha256").GetString(), Convert.ToHexString(SHA256.HashData(metadata.Bytes)).ToLowerInvariant());
        Bits.Equal(expected.GetProperty("wall_time").GetDouble(), metadata.WallTime, "wall_time");
        Assert.Equal(new[] { "/device:CPU:0" }, metadata.Devices);
        Assert.Empty(metadata.Nodes);
    }

    [Fact]
    public void PyTorchsNodesKeepOpInputsAndAttributesAsReadableText()
    {
        var graph = ReadAll(Fixtures.EventFile("pytorch", "graph"), EventKinds.Graph).Values.Cast<GraphRecord>().First();
        var byName = graph.Nodes.ToDictionary(n => n.Name);

        var input = byName["input/x"];
        Assert.Equal("IO Node", input.Op);
        Assert.Empty(input.Inputs);
        Assert.Equal("[[1,4]]", input.Attribute("_output_shapes"));
        Assert.Equal(string.Empty, input.Attribute("attr"));
        Assert.Equal(new[] { new long[] { 1, 4 } }, input.OutputShapes);

        var fc1 = byName["Net/Linear[fc1]/31"];
        Assert.Equal("aten::linear", fc1.Op);
        Assert.Equal(new[] { "input/x", "Net/Linear[fc1]/weight/weight.1", "Net/Linear[fc1]/bias/bias.1" }, fc1.Inputs);
        Assert.Equal("{}", fc1.Attribute("attr"));
        Assert.Equal(new[] { new long[] { 1, 3 } }, fc1.OutputShapes);
        Assert.Equal(string.Empty, fc1.Device);

        Assert.Equal("aten::relu", byName["Net/input"].Op);
        Assert.Equal(new[] { "Net/Linear[fc1]/31" }, byName["Net/input"].Inputs);
        Assert.Equal(new[] { "Net/input", "Net/Linear[fc2]/weight/weight", "Net/Linear[fc2]/bias/bias" }, byName["Net/Linear[fc2]/34"].Inputs);
        Assert.Equal(new[] { "Net/Linear[fc2]/34" }, byName["output/output.1"].Inputs);

        var weight = byName["Net/Linear[fc2]/weight/weight"];
        Assert.Equal("prim::GetAttr", weight.Op);
        Assert.Equal("{ name :  weight }", weight.Attribute("attr"));
        Assert.Empty(weight.OutputShapes);
        Assert.Null(weight.Attribute("_output_shapes"));
    }

    [Theory]
    [InlineData(EventKinds.Scalar)]
    [InlineData(EventKinds.Tensor)]
    [InlineData(EventKinds.All & ~EventKinds.Graph)]
    public void GraphsAreReadOnlyWhenAskedFor(EventKinds kinds)
    {
        var read = ReadAll(Fixtures.EventFile("pytorch", "graph"), kinds);
        Assert.Empty(read.Values);
        Assert.Empty(read.Errors);
        Assert.Equal(2, ReadAll(Fixtures.EventFile("pytorch", "graph"), EventKinds.All).Values.OfType<GraphRecord>().Count());
    }

    [Fact]
    public void CountedGraphsGiveAHeaderEachUnderTheirTagsAndPlugins()
    {
        var read = ReadAll(Fixtures.EventFile("pytorch", "graph"), EventKinds.Scalar, counted: EventKinds.Graph);
        Assert.Empty(read.Values);
        Assert.Equal(new[] { (GraphRecord.RunGraphTag, "graphs"), ("step1", "graph_tagged_run_metadata") },
                     read.Counted.Select(h => (h.Tag, h.Plugin)));
        Assert.All(read.Counted, h => Assert.Equal(EventKinds.Graph, h.Kind));
    }

    [Fact]
    public void TheTagFilterAppliesToTheRunGraphTagAndRunMetadataTags()
    {
        string file = Fixtures.EventFile("pytorch", "graph");
        Assert.Equal(new[] { "step1" }, ReadAll(file, EventKinds.Graph, filter: t => t == "step1").Values.Select(v => v.Tag));
        Assert.Equal(new[] { GraphRecord.RunGraphTag }, ReadAll(file, EventKinds.Graph, filter: t => t.StartsWith("__", StringComparison.Ordinal)).Values.Select(v => v.Tag));
    }

    /// <summary>A graph of <paramref name="nodes"/> chained nodes with long names (about 90 bytes each).</summary>
    private static GraphDef Chain(int nodes)
    {
        var graph = GraphSummaries.NewGraph();
        string? previous = null;
        for (int i = 0; i < nodes; i++)
        {
            string name = $"Model/Sequential[layers]/Linear[{i}]/forward_with_a_long_name";
            graph.Node.Add(GraphSummaries.Node(name, "Linear", previous is null ? null : new[] { previous }, new[] { new long[] { 1, i + 1 } }, "{}"));
            previous = name;
        }
        return graph;
    }

    [Fact]
    public void ALargeGraphIsReadWhenGraphsAreAskedForAndPassedOverOtherwise()
    {
        string dir = _dir.Sub("large");
        var graph = Chain(200);
        string file;
        using (var writer = new TbWriter(dir))
        {
            writer.AddScalar("before", 1, 0, new TbTimestamp(1.7e9));
            writer.AddEvent(GraphSummaries.GraphEvent(graph, 3, 1.7e9 + 0.25));
            writer.AddScalar("after", 2, 1, new TbTimestamp(1.7e9 + 1));
            writer.Close();
            file = writer.Path;
        }
        Assert.True(new FileInfo(file).Length > EventFileReader.SkimThreshold * 4);

        var all = ReadAll(file, EventKinds.All);
        var read = Assert.IsType<GraphRecord>(Assert.Single(all.Values));
        Assert.Equal(2, all.Scalars);
        Assert.Equal(200, read.Nodes.Length);
        Assert.Equal((3L, 1.7e9 + 0.25), (read.Step, read.WallTime));
        Assert.Equal(graph.Node.Select(n => n.Name), read.NodeNames);
        Assert.Equal(new[] { graph.Node[198].Name }, read.Nodes[199].Inputs);
        Assert.Equal("[[1,200]]", read.Nodes[199].Attribute("_output_shapes"));
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(graph), read.Bytes);

        var scalarsOnly = ReadAll(file, EventKinds.Scalar);
        Assert.Equal(2, scalarsOnly.Scalars);
        Assert.Empty(scalarsOnly.Values);
        var counted = ReadAll(file, EventKinds.Scalar, counted: EventKinds.Graph);
        Assert.Equal(GraphRecord.RunGraphTag, Assert.Single(counted.Counted).Tag);
        Assert.Empty(ReadAll(file, EventKinds.Graph, filter: t => t == "loss").Values);
    }

    [Fact]
    public void AGraphRecordWrittenBackReadsBackTheSame()
    {
        string file = Fixtures.EventFile("pytorch", "graph");
        var originals = ReadAll(file, EventKinds.Graph).Values.Cast<GraphRecord>().ToList();
        string dir = _dir.Sub("rewritten");
        string written;
        using (var writer = new TbWriter(dir))
        {
            foreach (var record in originals)
            {
                writer.AddEvent(GraphSummaries.Encode(record));
            }
            writer.Close();
            written = writer.Path;
        }
        var copies = ReadAll(written, EventKinds.Graph).Values.Cast<GraphRecord>().ToList();
        Assert.Equal(originals.Count, copies.Count);
        for (int i = 0; i < originals.Count; i++)
        {
            Assert.Equal((originals[i].Tag, originals[i].Step, originals[i].Content), (copies[i].Tag, copies[i].Step, copies[i].Content));
            Bits.Equal(originals[i].WallTime, copies[i].WallTime, "wall_time");
            Assert.Equal(originals[i].Bytes, copies[i].Bytes);
            Assert.Equal(originals[i].NodeNames, copies[i].NodeNames);
            Assert.Equal(originals[i].Devices, copies[i].Devices);
        }
    }

    [Fact]
    public void AMetaGraphsGraphIsReadUnderTheRunGraphTag()
    {
        var graph = Chain(3);
        // MetaGraphDef { meta_info_def (1): {}, graph_def (2): graph }
        var inner = Google.Protobuf.MessageExtensions.ToByteArray(graph);
        var meta = new List<byte> { 0x0a, 0x00, 0x12 };
        meta.AddRange(Varint(inner.Length));
        meta.AddRange(inner);
        string dir = _dir.Sub("meta");
        string file;
        using (var writer = new TbWriter(dir))
        {
            writer.AddEvent(new Event { WallTime = 1.7e9, Step = 0, MetaGraphDef = Google.Protobuf.ByteString.CopyFrom(meta.ToArray()) });
            writer.Close();
            file = writer.Path;
        }
        var read = Assert.IsType<GraphRecord>(Assert.Single(ReadAll(file, EventKinds.Graph).Values));
        Assert.Equal((GraphRecord.RunGraphTag, GraphContent.MetaGraphDef), (read.Tag, read.Content));
        Assert.Equal(graph.Node.Select(n => n.Name), read.NodeNames);
        Assert.Equal(meta.ToArray(), read.Bytes);
    }

    [Fact]
    public void AGraphThatDoesNotParseIsAnErrorOfItsOwnAndReadingGoesOn()
    {
        string dir = _dir.Sub("bad");
        string file;
        using (var writer = new TbWriter(dir))
        {
            // A NodeDef field (1) whose length runs past the end of the graph.
            writer.AddEvent(new Event { WallTime = 1.7e9, Step = 0, GraphDef = Google.Protobuf.ByteString.CopyFrom(0x0a, 0x7f, 0x01) });
            writer.AddScalar("after", 2, 1, new TbTimestamp(1.7e9 + 1));
            writer.Close();
            file = writer.Path;
        }
        var read = ReadAll(file, EventKinds.All);
        var error = Assert.Single(read.Errors);
        Assert.Equal(EventReadErrorKind.MalformedValue, error.Kind);
        Assert.Equal(GraphRecord.RunGraphTag, error.Tag);
        Assert.Empty(read.Values);
        Assert.Equal(1, read.Scalars);
    }

    [Fact]
    public void AttributesOfEveryKindReadAsText()
    {
        var list = new AttrValue.Types.ListValue();
        list.I.Add(new long[] { 1, 2, 3 });
        var node = GraphSummaries.Node("n", "Op", attributes: new Dictionary<string, AttrValue>
        {
            ["s"] = GraphSummaries.Text("hello"),
            ["i"] = new AttrValue { I = -7 },
            ["f"] = new AttrValue { F = 0.5f },
            ["b"] = new AttrValue { B = true },
            ["type"] = new AttrValue { Type = DataType.DtFloat },
            ["shape"] = GraphSummaries.Shape(new long[] { 2, -1 }),
            ["ints"] = new AttrValue { List = list },
            ["tensor"] = new AttrValue { Tensor = new TensorProto { Dtype = DataType.DtInt64, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 3 } } } } },
            ["func"] = new AttrValue { Func = new NameAttrList { Name = "f1" } },
        });
        var graph = GraphSummaries.NewGraph();
        graph.Node.Add(node);
        var read = Assert.Single(GraphDecoder.Nodes(graph));
        Assert.Equal(
            new[] { ("s", "hello"), ("i", "-7"), ("f", "0.5"), ("b", "true"), ("type", "DT_FLOAT"), ("shape", "[2,-1]"), ("ints", "[1,2,3]"),
                    ("tensor", "DT_INT64[3]"), ("func", "f1") },
            read.Attributes.Select(a => (a.Key, a.Value)));
    }

    private static IEnumerable<byte> Varint(int value)
    {
        uint v = (uint)value;
        while (v >= 0x80)
        {
            yield return (byte)(v | 0x80);
            v >>= 7;
        }
        yield return (byte)v;
    }
}
