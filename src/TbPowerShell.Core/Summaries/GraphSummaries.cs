using System.Globalization;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// Builds what PyTorch's <c>add_graph</c> writes: a <c>GraphDef</c> of nodes whose "/"-separated names are the
/// name scopes TensorBoard's graph dashboard groups by, with the attributes PyTorch sets (<c>attr</c>, a text, and
/// <c>_output_shapes</c>, a list of shapes), in an event of its own (<c>Event.graph_def</c>). Pure: no I/O.
/// </summary>
public static class GraphSummaries
{
    /// <summary>The producer version PyTorch writes in <c>GraphDef.versions</c>.</summary>
    public const int PyTorchProducer = 22;

    /// <summary>The op PyTorch gives the input and output nodes of a graph.</summary>
    public const string IONodeOp = "IO Node";

    /// <summary>The op PyTorch gives a parameter read (<c>.../weight/weight</c>).</summary>
    public const string ParameterOp = "prim::GetAttr";

    /// <summary>An empty graph with PyTorch's versions (producer 22).</summary>
    public static GraphDef NewGraph() => new() { Versions = new VersionDef { Producer = PyTorchProducer } };

    /// <summary>
    /// A node: its name, op and inputs; <c>_output_shapes</c> when <paramref name="outputShapes"/> has any; <c>attr</c> when
    /// <paramref name="attr"/> is not null; then <paramref name="attributes"/> in order.
    /// </summary>
    public static NodeDef Node(string name, string op, IEnumerable<string>? inputs = null, IEnumerable<long[]>? outputShapes = null,
                               string? attr = null, IEnumerable<KeyValuePair<string, AttrValue>>? attributes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(op);
        var node = new NodeDef { Name = name, Op = op };
        if (inputs is not null)
        {
            node.Input.AddRange(inputs);
        }
        if (attr is not null)
        {
            node.Attr.Add("attr", Text(attr));
        }
        var shapes = outputShapes?.ToArray();
        if (shapes is { Length: > 0 })
        {
            node.Attr.Add("_output_shapes", ShapeList(shapes));
        }
        if (attributes is not null)
        {
            foreach (var pair in attributes)
            {
                node.Attr[pair.Key] = pair.Value;
            }
        }
        return node;
    }

    /// <summary>A text attribute (stored as bytes, as TensorFlow's "string" attributes are).</summary>
    public static AttrValue Text(string text) => new() { S = ByteString.CopyFromUtf8(text ?? string.Empty) };

    /// <summary>A shape attribute.</summary>
    public static AttrValue Shape(IEnumerable<long> dims) => new() { Shape = ShapeProto(dims) };

    /// <summary>A list-of-shapes attribute (what <c>_output_shapes</c> holds).</summary>
    public static AttrValue ShapeList(IEnumerable<long[]> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var list = new AttrValue.Types.ListValue();
        list.Shape.AddRange(shapes.Select(ShapeProto));
        return new AttrValue { List = list };
    }

    /// <summary>The <c>attr</c> text PyTorch gives a parameter read: <c>{ name :  weight }</c>.</summary>
    public static string ParameterAttr(string parameter) => "{ name :  " + parameter + " }";

    /// <summary>Shapes as PyTorch's graph prints them in a text: <c>[3, 4]</c>.</summary>
    public static string Describe(IEnumerable<long> dims) =>
        "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The event that holds <paramref name="graph"/> (<c>Event.graph_def</c>, serialized), at a step and time.</summary>
    public static Event GraphEvent(GraphDef graph, long step, double wallTime)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new Event { WallTime = wallTime, Step = step, GraphDef = graph.ToByteString() };
    }

    /// <summary>The event that reads back as <paramref name="record"/>: its stored bytes in the field it came from.</summary>
    public static Event Encode(GraphRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = new Event { WallTime = record.WallTime, Step = record.Step };
        var bytes = ByteString.CopyFrom(record.Bytes);
        switch (record.Content)
        {
            case GraphContent.RunMetadata:
                e.TaggedRunMetadata = new TaggedRunMetadata { Tag = record.Tag, RunMetadata = bytes };
                break;
            case GraphContent.MetaGraphDef:
                e.MetaGraphDef = bytes;
                break;
            default:
                e.GraphDef = bytes;
                break;
        }
        return e;
    }

    /// <summary>
    /// <paramref name="name"/>, or, when <paramref name="taken"/> has it, the first free of <c>name.1</c>, <c>name.2</c>, ...
    /// (how PyTorch's traced graphs keep names unique); the name returned is added to <paramref name="taken"/>.
    /// </summary>
    public static string UniqueName(string name, ISet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        string candidate = name;
        for (int i = 1; !taken.Add(candidate); i++)
        {
            candidate = name + "." + i.ToString(CultureInfo.InvariantCulture);
        }
        return candidate;
    }

    private static TensorShapeProto ShapeProto(IEnumerable<long> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }
}
