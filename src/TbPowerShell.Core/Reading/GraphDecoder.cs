using System.Globalization;
using System.Text;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Decodes the graph fields of an event (<c>graph_def</c>, <c>tagged_run_metadata</c>, <c>meta_graph_def</c>)
/// into <see cref="GraphRecord"/>s: nodes with their inputs and attributes as readable text. Pure: no I/O.
/// </summary>
public static class GraphDecoder
{
    // MetaGraphDef.graph_def; RunMetadata.step_stats -> StepStats.dev_stats -> DeviceStepStats.device (TensorFlow's numbers).
    private const int MetaGraphGraphDef = 2;
    private const int RunMetadataStepStats = 1;
    private const int StepStatsDevStats = 1;
    private const int DeviceStepStatsDevice = 1;

    /// <summary>A serialized <c>GraphDef</c> as a record under <see cref="GraphRecord.RunGraphTag"/>.</summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The bytes are not a GraphDef.</exception>
    public static GraphRecord FromGraphDef(long step, double wallTime, ReadOnlySpan<byte> graphDef)
    {
        var graph = GraphDef.Parser.ParseFrom(graphDef);
        return new GraphRecord(GraphRecord.RunGraphTag, step, wallTime, GraphContent.GraphDef, Nodes(graph),
            graph.Versions?.Producer ?? 0, Array.Empty<string>(), graphDef.ToArray());
    }

    /// <summary>A serialized <c>MetaGraphDef</c>: its graph, as a record under <see cref="GraphRecord.RunGraphTag"/>.</summary>
    /// <exception cref="MalformedPayloadException">The bytes are not a protobuf message.</exception>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">Its graph is not a GraphDef.</exception>
    public static GraphRecord FromMetaGraphDef(long step, double wallTime, ReadOnlySpan<byte> metaGraphDef)
    {
        var graph = new GraphDef();
        var reader = new ProtoReader(metaGraphDef);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == MetaGraphGraphDef && wire == WireType.LengthDelimited)
            {
                graph.MergeFrom(GraphDef.Parser.ParseFrom(reader.ReadBytes()));
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return new GraphRecord(GraphRecord.RunGraphTag, step, wallTime, GraphContent.MetaGraphDef, Nodes(graph),
            graph.Versions?.Producer ?? 0, Array.Empty<string>(), metaGraphDef.ToArray());
    }

    /// <summary>A serialized <c>TaggedRunMetadata</c> (tag and RunMetadata bytes) as a record under its tag, with the devices of its step stats.</summary>
    /// <exception cref="MalformedPayloadException">The bytes are not a protobuf message.</exception>
    public static GraphRecord FromTaggedRunMetadata(long step, double wallTime, ReadOnlySpan<byte> tagged)
    {
        string tag = string.Empty;
        ReadOnlySpan<byte> metadata = default;
        var reader = new ProtoReader(tagged);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                tag = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 2 && wire == WireType.LengthDelimited)
            {
                metadata = reader.ReadBytes();
            }
            else
            {
                reader.Skip(wire);
            }
        }
        var devices = new List<string>();
        foreach (var stats in Fields(metadata, RunMetadataStepStats))
        {
            foreach (var device in Fields(stats, StepStatsDevStats))
            {
                foreach (var name in Fields(device, DeviceStepStatsDevice))
                {
                    devices.Add(Encoding.UTF8.GetString(name));
                }
            }
        }
        return new GraphRecord(tag, step, wallTime, GraphContent.RunMetadata, Array.Empty<GraphNode>(), 0, devices.ToArray(), metadata.ToArray());
    }

    /// <summary>
    /// The plugin TensorBoard files a graph field under: "graphs" for a run's graph, "graph_tagged_run_metadata"
    /// for tagged run metadata (the names of its graph plugin's metadata module).
    /// </summary>
    internal static string PluginOf(int eventField) =>
        eventField == EventField.TaggedRunMetadata ? "graph_tagged_run_metadata" : "graphs";

    /// <summary>The tag of a serialized <c>TaggedRunMetadata</c> without decoding the rest ("" when it has none).</summary>
    internal static string TagOf(ReadOnlySpan<byte> tagged, Utf8StringCache strings)
    {
        var reader = new ProtoReader(tagged);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                return strings.Get(reader.ReadBytes());
            }
            reader.Skip(wire);
        }
        return string.Empty;
    }

    private static List<byte[]> Fields(ReadOnlySpan<byte> message, int number)
    {
        var found = new List<byte[]>();
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field == number && wire == WireType.LengthDelimited)
            {
                found.Add(reader.ReadBytes().ToArray());
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return found;
    }

    /// <summary>The nodes of <paramref name="graph"/> in stored order, attributes as readable text.</summary>
    public static GraphNode[] Nodes(GraphDef graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var nodes = new GraphNode[graph.Node.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            var node = graph.Node[i];
            var attributes = new List<KeyValuePair<string, string>>(node.Attr.Count);
            long[][] shapes = Array.Empty<long[]>();
            foreach (var pair in node.Attr)
            {
                attributes.Add(new KeyValuePair<string, string>(pair.Key, Text(pair.Value)));
                if (pair.Key == "_output_shapes" && pair.Value.ValueCase == AttrValue.ValueOneofCase.List)
                {
                    shapes = pair.Value.List.Shape.Select(Dims).ToArray();
                }
            }
            nodes[i] = new GraphNode(node.Name, node.Op, node.Input.ToArray(), node.Device, attributes, shapes);
        }
        return nodes;
    }

    /// <summary>An attribute value as text: a string as it is, a shape as <c>[1,4]</c>, a list as <c>[a,b]</c>, a tensor as <c>DT_FLOAT[2,3]</c>.</summary>
    public static string Text(AttrValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ValueCase switch
        {
            AttrValue.ValueOneofCase.S => value.S.ToStringUtf8(),
            AttrValue.ValueOneofCase.I => value.I.ToString(CultureInfo.InvariantCulture),
            AttrValue.ValueOneofCase.F => value.F.ToString("R", CultureInfo.InvariantCulture),
            AttrValue.ValueOneofCase.B => value.B ? "true" : "false",
            AttrValue.ValueOneofCase.Type => TypeName(value.Type),
            AttrValue.ValueOneofCase.Shape => Shape(value.Shape),
            AttrValue.ValueOneofCase.Tensor => Tensor(value.Tensor),
            AttrValue.ValueOneofCase.List => List(value.List),
            AttrValue.ValueOneofCase.Func => value.Func.Name,
            AttrValue.ValueOneofCase.Placeholder => "$" + value.Placeholder,
            _ => string.Empty,
        };
    }

    private static string List(AttrValue.Types.ListValue list)
    {
        IEnumerable<string> items =
            list.S.Count > 0 ? list.S.Select(s => s.ToStringUtf8())
            : list.I.Count > 0 ? list.I.Select(i => i.ToString(CultureInfo.InvariantCulture))
            : list.F.Count > 0 ? list.F.Select(f => f.ToString("R", CultureInfo.InvariantCulture))
            : list.B.Count > 0 ? list.B.Select(b => b ? "true" : "false")
            : list.Type.Count > 0 ? list.Type.Select(TypeName)
            : list.Shape.Count > 0 ? list.Shape.Select(Shape)
            : list.Tensor.Count > 0 ? list.Tensor.Select(Tensor)
            : list.Func.Select(f => f.Name);
        return "[" + string.Join(",", items) + "]";
    }

    private static long[] Dims(TensorShapeProto shape) => shape.Dim.Select(d => d.Size).ToArray();

    private static string Shape(TensorShapeProto shape) =>
        shape.UnknownRank ? "<unknown>" : "[" + string.Join(",", Dims(shape).Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Tensor(TensorProto tensor) => TensorValues.DTypeName(tensor) + Shape(tensor.TensorShape ?? new TensorShapeProto());

    private static string TypeName(DataType type) => TensorValues.DTypeName(new TensorProto { Dtype = type });
}
