using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Summaries;

/// <summary>What was wrong with mesh input.</summary>
public enum MeshError
{
    /// <summary>A tensor is not B × N × 3 with B and N at least 1, or its values do not fill that shape.</summary>
    InvalidShape,

    /// <summary>Faces or colours of another batch size than the vertices, or colours for another number of vertices.</summary>
    ShapeMismatch,

    /// <summary>A face names a vertex index that is not a whole number from 0 to N − 1.</summary>
    FaceIndexOutOfRange,

    /// <summary>A colour value outside 0 to 255.</summary>
    ColorOutOfRange,

    /// <summary>The scene configuration holds something JSON cannot express.</summary>
    InvalidConfig,
}

/// <summary>Mesh input that cannot be made into a mesh summary.</summary>
public sealed class MeshFormatException : ArgumentException
{
    /// <summary>An input refused for <paramref name="error"/>, keeping the value at fault for the error record's target.</summary>
    public MeshFormatException(MeshError error, string message, object? offendingValue)
        : base(message)
    {
        Error = error;
        OffendingValue = offendingValue;
    }

    /// <summary>What was wrong.</summary>
    public MeshError Error { get; }

    /// <summary>The value at fault (a shape, an index, a colour).</summary>
    public object? OffendingValue { get; }
}

/// <summary>
/// Mesh summaries as PyTorch's <c>add_mesh</c> writes them (<c>torch/utils/tensorboard/summary.py</c> <c>mesh</c> and
/// TensorBoard's <c>plugins/mesh/metadata.py</c>): one value per component, tagged <c>&lt;tag&gt;_VERTEX</c>,
/// <c>_FACE</c>, <c>_COLOR</c> in that order, each a DT_FLOAT tensor of its B × N × 3 values (<c>float_val</c>) with
/// the mesh plugin's metadata (name, content type, JSON config, shape, bitmask of the components written). Pure.
/// </summary>
public static class MeshSummaries
{
    /// <summary>The mesh plugin's name in <c>SummaryMetadata.plugin_data</c>.</summary>
    public const string PluginName = "mesh";

    /// <summary>The stored tag of a mesh component: <c>&lt;name&gt;_VERTEX</c>, <c>_FACE</c> or <c>_COLOR</c>.</summary>
    public static string InstanceTag(string name, MeshPluginData.Types.ContentType component) => component switch
    {
        MeshPluginData.Types.ContentType.Vertex => name + "_VERTEX",
        MeshPluginData.Types.ContentType.Face => name + "_FACE",
        MeshPluginData.Types.ContentType.Color => name + "_COLOR",
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a mesh component."),
    };

    /// <summary>The summary values of a mesh, after checking its tensors (see <see cref="Check"/>).</summary>
    /// <param name="tag">The mesh's name.</param>
    /// <param name="vertices">Vertex coordinates, B × N × 3.</param>
    /// <param name="faces">Vertex indices of triangles, B × F × 3, or null.</param>
    /// <param name="colors">RGB colours 0–255 per vertex, B × N × 3, or null.</param>
    /// <param name="jsonConfig">The three.js scene configuration as JSON (<see cref="MeshConfigJson"/>); "{}" for none.</param>
    /// <exception cref="MeshFormatException">The tensors do not make a mesh.</exception>
    public static IReadOnlyList<Summary.Types.Value> Mesh(string tag, MeshTensor vertices, MeshTensor? faces, MeshTensor? colors, string jsonConfig = "{}")
    {
        Check(vertices, faces, colors);
        return Encode(new MeshRecord(tag, 0, 0, jsonConfig, 0, vertices, faces, colors));
    }

    /// <summary>
    /// The values a mesh record is written back as (its tensors as they are, unchecked; the bitmask of the components
    /// present): they read back as the same record.
    /// </summary>
    public static IReadOnlyList<Summary.Types.Value> Encode(MeshRecord mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var parts = new List<(MeshTensor Tensor, MeshPluginData.Types.ContentType Type)>(3);
        if (mesh.Vertices is not null)
        {
            parts.Add((mesh.Vertices, MeshPluginData.Types.ContentType.Vertex));
        }
        if (mesh.Faces is not null)
        {
            parts.Add((mesh.Faces, MeshPluginData.Types.ContentType.Face));
        }
        if (mesh.Colors is not null)
        {
            parts.Add((mesh.Colors, MeshPluginData.Types.ContentType.Color));
        }
        uint components = 0;
        foreach (var part in parts)
        {
            components |= 1u << (int)part.Type;
        }
        var values = new List<Summary.Types.Value>(parts.Count);
        foreach (var (tensor, type) in parts)
        {
            var data = new MeshPluginData
            {
                Version = 0,
                Name = mesh.Tag,
                ContentType = type,
                JsonConfig = mesh.JsonConfig,
                Components = components,
            };
            foreach (long d in tensor.Shape)
            {
                data.Shape.Add(checked((int)d));
            }
            var proto = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
            foreach (long d in tensor.Shape)
            {
                proto.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
            }
            foreach (double v in tensor.Values)
            {
                proto.FloatVal.Add((float)v);
            }
            values.Add(new Summary.Types.Value
            {
                Tag = InstanceTag(mesh.Tag, type),
                Metadata = SummaryValues.PluginMetadata(PluginName, data.ToByteString()),
                Tensor = proto,
            });
        }
        return values;
    }

    /// <summary>
    /// Checks what the mesh plugin needs: every tensor B × N × 3 (B, N at least 1) filled by its values, the same B
    /// throughout, colours for each vertex, face indices whole numbers from 0 to N − 1, colours from 0 to 255.
    /// </summary>
    /// <exception cref="MeshFormatException">The first problem found.</exception>
    public static void Check(MeshTensor vertices, MeshTensor? faces, MeshTensor? colors)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        CheckShape(vertices, "vertices");
        long batch = vertices.Shape[0], count = vertices.Shape[1];
        if (faces is not null)
        {
            CheckShape(faces, "faces");
            if (faces.Shape[0] != batch)
            {
                throw new MeshFormatException(MeshError.ShapeMismatch,
                    $"The faces are a batch of {faces.Shape[0]}, the vertices of {batch}.", faces.Shape);
            }
            for (int i = 0; i < faces.Values.Length; i++)
            {
                double v = faces.Values[i];
                if (!(v >= 0 && v < count) || Math.Floor(v) != v)
                {
                    throw new MeshFormatException(MeshError.FaceIndexOutOfRange,
                        $"Face value {i} is {v}: a face names vertices by their index, a whole number from 0 to {count - 1}.", v);
                }
            }
        }
        if (colors is not null)
        {
            CheckShape(colors, "colors");
            if (colors.Shape[0] != batch || colors.Shape[1] != count)
            {
                throw new MeshFormatException(MeshError.ShapeMismatch,
                    $"The colours are {TensorText(colors.Shape)}: a mesh of {TensorText(vertices.Shape)} vertices needs one colour per vertex, {batch} × {count} × 3.",
                    colors.Shape);
            }
            for (int i = 0; i < colors.Values.Length; i++)
            {
                double v = colors.Values[i];
                if (!(v >= 0 && v <= 255))
                {
                    throw new MeshFormatException(MeshError.ColorOutOfRange,
                        $"Colour value {i} is {v}: colours are RGB values from 0 to 255.", v);
                }
            }
        }
    }

    /// <summary>
    /// The record of one stored mesh component (the reader merges the components of one event): its tensor, and
    /// name, content type and configuration from the tag's plugin content, or from the tag's suffix when that is
    /// missing.
    /// </summary>
    internal static MeshRecord Component(string tag, long step, double wallTime, byte[] pluginContent, long[] shape, double[] values, string dtype)
    {
        MeshPluginData? data = null;
        try
        {
            data = pluginContent.Length > 0 ? MeshPluginData.Parser.ParseFrom(pluginContent) : null;
        }
        catch (InvalidProtocolBufferException)
        {
            // unreadable content: the tag's suffix tells the component
        }
        var type = data?.ContentType ?? MeshPluginData.Types.ContentType.Undefined;
        if (type == MeshPluginData.Types.ContentType.Undefined)
        {
            type = tag.EndsWith("_VERTEX", StringComparison.Ordinal) ? MeshPluginData.Types.ContentType.Vertex
                : tag.EndsWith("_FACE", StringComparison.Ordinal) ? MeshPluginData.Types.ContentType.Face
                : tag.EndsWith("_COLOR", StringComparison.Ordinal) ? MeshPluginData.Types.ContentType.Color
                : MeshPluginData.Types.ContentType.Vertex;
        }
        string name = !string.IsNullOrEmpty(data?.Name) ? data!.Name : StripSuffix(tag);
        string config = string.IsNullOrEmpty(data?.JsonConfig) ? "{}" : data!.JsonConfig;
        int components = data is { Components: > 0 } ? (int)data.Components : 1 << (int)type;
        var tensor = new MeshTensor(shape, values, dtype);
        return new MeshRecord(name, step, wallTime, config, components,
            type == MeshPluginData.Types.ContentType.Vertex ? tensor : null,
            type == MeshPluginData.Types.ContentType.Face ? tensor : null,
            type == MeshPluginData.Types.ContentType.Color ? tensor : null);
    }

    private static string StripSuffix(string tag)
    {
        foreach (string suffix in new[] { "_VERTEX", "_FACE", "_COLOR" })
        {
            if (tag.EndsWith(suffix, StringComparison.Ordinal))
            {
                return tag[..^suffix.Length];
            }
        }
        return tag;
    }

    private static void CheckShape(MeshTensor tensor, string what)
    {
        var s = tensor.Shape;
        if (s.Length != 3 || s[2] != 3 || s[0] < 1 || s[1] < 1)
        {
            throw new MeshFormatException(MeshError.InvalidShape,
                $"The {what} are {TensorText(s)}: a mesh tensor is B × N × 3 (a batch of B meshes of N rows of three numbers).", s);
        }
        if (tensor.Values.LongLength != s[0] * s[1] * s[2])
        {
            throw new MeshFormatException(MeshError.InvalidShape,
                $"The {what} have {tensor.Values.LongLength} values, not the {s[0] * s[1] * s[2]} of {TensorText(s)}.", s);
        }
    }

    private static string TensorText(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
