using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A graph read from an event file: a run's GraphDef (what PyTorch's <c>add_graph</c> and <c>Add-TbGraph</c>
/// write; Tag <c>__run_graph__</c>, the name TensorBoard gives a run's graph), or tagged run metadata (its own
/// tag, no nodes; PyTorch writes "step1").
/// </summary>
public sealed class TbGraphEvent : TbEvent
{
    internal TbGraphEvent(string run, string file, GraphRecord r)
        : base(run, r, file)
    {
        Record = r;
        Content = r.Content;
        NodeCount = r.Nodes.Length;
        NodeNames = r.NodeNames;
        Nodes = r.Nodes;
        Producer = r.Producer;
        Devices = r.Devices;
        Length = r.Bytes.Length;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>What the event held: GraphDef, RunMetadata or MetaGraphDef.</summary>
    public GraphContent Content { get; }

    /// <summary>How many nodes the graph has (0 for run metadata).</summary>
    public int NodeCount { get; }

    /// <summary>The names of the nodes in stored order; "/" separates name scopes (<c>Net/Linear[fc1]/weight/weight</c>).</summary>
    public string[] NodeNames { get; }

    /// <summary>
    /// Each node: Name, Op, Inputs (the nodes it takes input from), Device, Attributes (readable text) and OutputShapes.
    /// Hidden from the CSV columns (a list of objects has no cell); <c>Select-Object -ExpandProperty Nodes</c> lists them.
    /// </summary>
    [Hidden]
    public GraphNode[] Nodes { get; }

    /// <summary>The graph's producer version (PyTorch writes 22; 0 when not stored).</summary>
    public int Producer { get; }

    /// <summary>For run metadata, the devices of its step stats ("/device:CPU:0").</summary>
    public string[] Devices { get; }

    /// <summary>The size in bytes of the serialized message as stored.</summary>
    public int Length { get; }

    /// <summary>The serialized message as stored (GraphDef, RunMetadata or MetaGraphDef).</summary>
    [Hidden]
    public byte[] Bytes => Record.Bytes;

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    internal GraphRecord Record { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Content} ({NodeCount} nodes)";
}
