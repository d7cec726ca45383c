using System.Collections;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a 3-D mesh or point cloud (vertices, faces, colours) for TensorBoard's mesh plugin, as PyTorch's add_mesh does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbMesh", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbMeshEvent))]
public sealed class AddTbMeshCommand : TbWriterCommandBase
{
    /// <summary>Vertex coordinates, B × N × 3 (N × 3 for one mesh): nested arrays, a multi-dimensional array, a flat array of x, y, z rows, or a tensor.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Vertices")]
    [ValidateNotNull]
    public object Vertex { get; set; } = null!;

    /// <summary>Triangles as vertex indices (0 to N − 1), B × F × 3.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Faces")]
    public object? Face { get; set; }

    /// <summary>RGB colours per vertex, 0 to 255, B × N × 3.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Colors", "Colour", "Colours")]
    public object? Color { get; set; }

    /// <summary>The three.js scene configuration (camera, lights, material), stored as JSON as PyTorch's config_dict.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public IDictionary? Config { get; set; }

    private static MeshTensor Stored(MeshTensor t) => t with { Values = Array.ConvertAll(t.Values, v => (double)(float)v) };

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        IReadOnlyList<Core.Proto.Summary.Types.Value> values;
        MeshRecord mesh;
        try
        {
            var vertices = MeshInput.ToTensor(Vertex, "vertices");
            var faces = ValueParsing.Unwrap(Face) is null ? null : MeshInput.ToTensor(Face!, "faces");
            var colors = ValueParsing.Unwrap(Color) is null ? null : MeshInput.ToTensor(Color!, "colors");
            string json = MeshConfigJson.Serialize(MeshInput.Plain(Config));
            values = MeshSummaries.Mesh(Tag, vertices, faces, colors, json);
            int components = (1 << 1) | (faces is null ? 0 : 1 << 2) | (colors is null ? 0 : 1 << 3);
            // As read back: the values stored as float32.
            mesh = new MeshRecord(Tag, 0, 0, json, components, Stored(vertices), faces is null ? null : Stored(faces), colors is null ? null : Stored(colors));
        }
        catch (MeshFormatException e)
        {
            var (id, category) = e.Error switch
            {
                MeshError.ShapeMismatch => (ErrorIds.MeshShapeMismatch, ErrorCategory.InvalidArgument),
                MeshError.FaceIndexOutOfRange => (ErrorIds.FaceIndexOutOfRange, ErrorCategory.InvalidArgument),
                MeshError.ColorOutOfRange => (ErrorIds.ColorOutOfRange, ErrorCategory.InvalidArgument),
                MeshError.InvalidConfig => (ErrorIds.InvalidMeshConfig, ErrorCategory.InvalidArgument),
                _ => (ErrorIds.InvalidMeshShape, ErrorCategory.InvalidArgument),
            };
            WriteError(new ErrorRecord(e, id, category, e.OffendingValue));
            return;
        }
        catch (NotANumberException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
            return;
        }

        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddValues(values, step, wallTime), Vertex, wallTime) && PassThru)
        {
            WriteObject(new TbMeshEvent(EffectiveRun, writer.Path, mesh with { Step = step, WallTime = wallTime.UnixSeconds }));
        }
    }
}
