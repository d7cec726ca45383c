using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A mesh (PyTorch's <c>add_mesh</c>, <c>Add-TbMesh</c>): one object per mesh name and step, grouping the tensors
/// stored as the tags <c>&lt;name&gt;_VERTEX</c>, <c>_FACE</c> and <c>_COLOR</c> of one event.
/// </summary>
public sealed class TbMeshEvent : TbEvent
{
    internal TbMeshEvent(string run, string file, MeshRecord r)
        : base(run, r, file)
    {
        Record = r;
        Vertices = ToArray(r.Vertices);
        Faces = ToArray(r.Faces);
        Colors = ToArray(r.Colors);
        JsonConfig = r.JsonConfig;
        Config = ParseConfig(r.JsonConfig);
        var shape = (r.Vertices ?? r.Colors ?? r.Faces)?.Shape;
        BatchSize = shape is { Length: > 0 } ? (int)shape[0] : 0;
        VertexCount = (r.Vertices ?? r.Colors)?.Shape is { Length: > 1 } v ? (int)v[1] : 0;
        FaceCount = r.Faces?.Shape is { Length: > 1 } f ? (int)f[1] : 0;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <summary>The mesh's name: the stored tags less their <c>_VERTEX</c>, <c>_FACE</c> or <c>_COLOR</c> suffix.</summary>
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>How many meshes the batch holds (B).</summary>
    public int BatchSize { get; }

    /// <summary>Vertices per mesh (N).</summary>
    public int VertexCount { get; }

    /// <summary>Faces per mesh (F); 0 for a point cloud.</summary>
    public int FaceCount { get; }

    /// <summary>Vertex coordinates, a B × N × 3 array (<c>$m.Vertices[0, 1, 2]</c> is the z of vertex 1 of mesh 0); null when none was stored.</summary>
    public double[,,]? Vertices { get; }

    /// <summary>Faces as vertex indices, a B × F × 3 array; null for none.</summary>
    public double[,,]? Faces { get; }

    /// <summary>RGB colours (0–255) per vertex, a B × N × 3 array; null for none.</summary>
    public double[,,]? Colors { get; }

    /// <summary>The three.js scene configuration (camera, lights, material) as a hashtable; empty for none.</summary>
    public Hashtable Config { get; }

    /// <summary>The configuration as stored: JSON.</summary>
    [Hidden]
    public string JsonConfig { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The record read, for writing the mesh back exactly (Add-TbEvent).</summary>
    internal MeshRecord Record { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {BatchSize}×{VertexCount} vertices, {FaceCount} faces";

    private static double[,,]? ToArray(MeshTensor? tensor)
    {
        if (tensor is null)
        {
            return null;
        }
        var s = tensor.Shape;
        // A tensor of another rank than PyTorch writes: one mesh of rows of its last dimension.
        long b = s.Length == 3 ? s[0] : 1;
        long c = s.Length == 0 ? 1 : s[^1];
        long n = c == 0 ? 0 : tensor.Values.LongLength / Math.Max(1, b * c);
        var array = new double[b, n, c];
        Buffer.BlockCopy(tensor.Values, 0, array, 0, (int)Math.Min(tensor.Values.LongLength, b * n * c) * sizeof(double));
        return array;
    }

    private static Hashtable ParseConfig(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            return ToValue(document.RootElement) as Hashtable ?? new Hashtable(StringComparer.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            // Python's json writes NaN and Infinity, which System.Text.Json refuses: keep the text in JsonConfig only.
            return new Hashtable(StringComparer.OrdinalIgnoreCase);
        }
    }

    private static object? ToValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Hashtable(StringComparer.OrdinalIgnoreCase), (h, p) =>
        {
            h[p.Name] = ToValue(p.Value);
            return h;
        }),
        JsonValueKind.Array => e.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt32(out int i) ? i : e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
