namespace TbPowerShell.Core.Model;

/// <summary>One tensor of a mesh: B × N × 3 numbers (vertex coordinates, vertex indices of faces, or RGB colours).</summary>
/// <param name="Shape">The dimensions as stored (B, N, 3 for what PyTorch and Add-TbMesh write).</param>
/// <param name="Values">The numbers, row-major, widened to doubles.</param>
/// <param name="DType">TensorFlow's dtype name ("DT_FLOAT" for what PyTorch and Add-TbMesh write).</param>
public sealed record MeshTensor(long[] Shape, double[] Values, string DType = "DT_FLOAT");

/// <summary>
/// A mesh (the mesh plugin's <c>add_mesh</c>): the tensors of one mesh name at one step, which are stored as up to
/// three tags, <c>&lt;name&gt;_VERTEX</c>, <c>&lt;name&gt;_FACE</c> and <c>&lt;name&gt;_COLOR</c>, in one event. The
/// reader groups the tags of one event into one record; a component written in an event of its own (not as
/// PyTorch writes them) makes a record of its own.
/// </summary>
/// <param name="Tag">The mesh's name (the stored tags less their <c>_VERTEX</c>, <c>_FACE</c>, <c>_COLOR</c> suffix).</param>
/// <param name="Step">The training step the mesh was logged at.</param>
/// <param name="WallTime">Seconds since the Unix epoch, as stored.</param>
/// <param name="JsonConfig">The three.js scene configuration as JSON ("{}" for none).</param>
/// <param name="Components">The mesh plugin's bitmask of the components written (1 &lt;&lt; 1 vertices, 1 &lt;&lt; 2 faces, 1 &lt;&lt; 3 colours).</param>
/// <param name="Vertices">Vertex coordinates, B × N × 3; null when the event had none.</param>
/// <param name="Faces">Faces as vertex indices, B × F × 3; null for a point cloud.</param>
/// <param name="Colors">RGB colours 0–255 per vertex, B × N × 3; null for none.</param>
public sealed record MeshRecord(string Tag, long Step, double WallTime, string JsonConfig, int Components,
    MeshTensor? Vertices, MeshTensor? Faces, MeshTensor? Colors)
    : ValueRecord(Tag, Step, WallTime)
{
    /// <summary>
    /// <paramref name="first"/> and <paramref name="next"/> as one record, when they are components of the same mesh,
    /// step and wall time and <paramref name="next"/> adds a component <paramref name="first"/> lacks; else null.
    /// </summary>
    public static MeshRecord? Merge(MeshRecord first, MeshRecord next)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(next);
        if (!string.Equals(first.Tag, next.Tag, StringComparison.Ordinal) || first.Step != next.Step
            || BitConverter.DoubleToInt64Bits(first.WallTime) != BitConverter.DoubleToInt64Bits(next.WallTime)
            || (first.Vertices is not null && next.Vertices is not null)
            || (first.Faces is not null && next.Faces is not null)
            || (first.Colors is not null && next.Colors is not null))
        {
            return null;
        }
        return first with
        {
            Components = first.Components | next.Components,
            Vertices = first.Vertices ?? next.Vertices,
            Faces = first.Faces ?? next.Faces,
            Colors = first.Colors ?? next.Colors,
        };
    }
}
