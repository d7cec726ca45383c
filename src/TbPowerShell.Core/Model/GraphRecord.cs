namespace TbPowerShell.Core.Model;

/// <summary>What a graph event holds (the field of <c>Event</c> it came from).</summary>
public enum GraphContent
{
    /// <summary>A <c>GraphDef</c> (<c>Event.graph_def</c>): the run's graph, as PyTorch's <c>add_graph</c> and <c>Add-TbGraph</c> write it.</summary>
    GraphDef,

    /// <summary>A <c>RunMetadata</c> under a tag (<c>Event.tagged_run_metadata</c>): profile data of one step (PyTorch writes "step1").</summary>
    RunMetadata,

    /// <summary>A <c>MetaGraphDef</c> (<c>Event.meta_graph_def</c>): its graph is read as a GraphDef's.</summary>
    MetaGraphDef,
}

/// <summary>One node of a graph: an operation, the nodes it takes input from, and its attributes.</summary>
/// <param name="Name">The node's name; "/" separates name scopes (PyTorch: <c>Net/Linear[fc1]/weight/weight</c>).</param>
/// <param name="Op">The operation (PyTorch: <c>aten::linear</c>, <c>prim::GetAttr</c>, <c>IO Node</c>; Add-TbGraph: the module's type).</param>
/// <param name="Inputs">The names of the nodes this one takes input from, in order ("node", "node:1" or "^node").</param>
/// <param name="Device">Where the node runs; empty when not set.</param>
/// <param name="Attributes">Each attribute as readable text, in stored order (a shape as <c>[1,4]</c>, a list of shapes as <c>[[1,4]]</c>).</param>
/// <param name="OutputShapes">The shapes of the node's outputs (its <c>_output_shapes</c> attribute; -1 for an unknown size); empty when not stored.</param>
public sealed record GraphNode(string Name, string Op, string[] Inputs, string Device,
                               IReadOnlyList<KeyValuePair<string, string>> Attributes, long[][] OutputShapes)
{
    /// <summary>The text of attribute <paramref name="key"/>, or null when the node has none by that name.</summary>
    public string? Attribute(string key)
    {
        foreach (var pair in Attributes)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Op})";
}

/// <summary>
/// A graph read from an event file: a <c>GraphDef</c> (tag <see cref="RunGraphTag"/>, as TensorBoard names a run's
/// graph), the graph of a <c>MetaGraphDef</c> (same tag), or tagged run metadata (its own tag, no nodes).
/// </summary>
/// <param name="Tag"><see cref="RunGraphTag"/> for a graph; the run metadata's tag for run metadata.</param>
/// <param name="Step">The event's step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Content">Which field of the event it came from.</param>
/// <param name="Nodes">The graph's nodes in stored order; empty for run metadata.</param>
/// <param name="Producer">The graph's <c>versions.producer</c> (PyTorch writes 22); 0 when not stored.</param>
/// <param name="Devices">The devices named by run metadata's step stats; empty for a graph.</param>
/// <param name="Bytes">The serialized message as stored (GraphDef, RunMetadata or MetaGraphDef), so that it can be written back as it was.</param>
public sealed record GraphRecord(string Tag, long Step, double WallTime, GraphContent Content, GraphNode[] Nodes, int Producer,
                                 string[] Devices, byte[] Bytes)
    : ValueRecord(Tag, Step, WallTime)
{
    /// <summary>The tag of a run's graph: TensorBoard's data provider names the graph of <c>Event.graph_def</c> so.</summary>
    public const string RunGraphTag = "__run_graph__";

    /// <summary>The names of the nodes, in stored order.</summary>
    public string[] NodeNames => Nodes.Select(n => n.Name).ToArray();
}
