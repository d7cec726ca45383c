using System.Text.Json;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Board;

/// <summary>
/// A graph value for the page's Graph tab: its summary and its nodes as a tree of name scopes (the "/"-separated
/// parts of node names, the module hierarchy of a PyTorch or TorchSharp model), each node with its op, inputs and
/// output shapes.
/// </summary>
internal static class BoardGraph
{
    /// <summary>How much of an attribute's text the page gets (a tensor attribute can be long).</summary>
    internal const int MaxAttributeText = 200;

    /// <summary>One name scope: the scopes and nodes directly in it, in the order the graph first names them.</summary>
    internal sealed class Scope(string name, string path)
    {
        private readonly Dictionary<string, Scope> _byName = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public string Path { get; } = path;

        public List<Scope> Scopes { get; } = [];

        public List<GraphNode> Nodes { get; } = [];

        /// <summary>How many nodes are in this scope and below.</summary>
        public int Count => Nodes.Count + Scopes.Sum(s => s.Count);

        public Scope Child(string name)
        {
            if (!_byName.TryGetValue(name, out var child))
            {
                child = new Scope(name, Path.Length == 0 ? name : Path + "/" + name);
                _byName.Add(name, child);
                Scopes.Add(child);
            }
            return child;
        }
    }

    /// <summary>The scope tree of <paramref name="nodes"/>: each node in the scope its name's parts before the last make.</summary>
    public static Scope Tree(IEnumerable<GraphNode> nodes)
    {
        var root = new Scope(string.Empty, string.Empty);
        foreach (var node in nodes)
        {
            var parts = node.Name.Split('/');
            var scope = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                scope = scope.Child(parts[i]);
            }
            scope.Nodes.Add(node);
        }
        return root;
    }

    /// <summary>Writes the fields of a graph value (inside its object): content, nodeCount, bytes, devices, tree.</summary>
    public static void Write(Utf8JsonWriter w, GraphRecord graph)
    {
        w.WriteString("content", graph.Content.ToString());
        w.WriteNumber("nodeCount", graph.Nodes.Length);
        w.WriteNumber("bytes", graph.Bytes.Length);
        w.WriteStartArray("devices");
        foreach (var device in graph.Devices) w.WriteStringValue(device);
        w.WriteEndArray();
        w.WritePropertyName("tree");
        WriteScope(w, Tree(graph.Nodes));
    }

    private static void WriteScope(Utf8JsonWriter w, Scope scope)
    {
        w.WriteStartObject();
        w.WriteString("name", scope.Name);
        w.WriteString("path", scope.Path);
        w.WriteNumber("count", scope.Count);
        w.WriteStartArray("scopes");
        foreach (var child in scope.Scopes) WriteScope(w, child);
        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var node in scope.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", node.Name[(node.Name.LastIndexOf('/') + 1)..]);
            w.WriteString("path", node.Name);
            w.WriteString("op", node.Op);
            if (node.Device.Length > 0) w.WriteString("device", node.Device);
            w.WriteStartArray("inputs");
            foreach (var input in node.Inputs) w.WriteStringValue(input);
            w.WriteEndArray();
            w.WriteStartArray("shapes");
            foreach (var shape in node.OutputShapes)
            {
                w.WriteStartArray();
                foreach (var d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("attrs");
            foreach (var (key, text) in node.Attributes)
            {
                if (key == "_output_shapes") continue;
                w.WriteStartArray();
                w.WriteStringValue(key);
                w.WriteStringValue(text.Length > MaxAttributeText ? text[..MaxAttributeText] + "…" : text);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
