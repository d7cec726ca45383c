using System.Collections;
using System.Collections.Specialized;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;
using TbPowerShell.Tests.Shared;

namespace TbPowerShell.Core.Tests.Summaries;

/// <summary>
/// Meshes against PyTorch's <c>add_mesh</c>: kind_mesh's inputs (make_fixtures.py) give the values PyTorch wrote,
/// byte for byte; PyTorch's file reads as one mesh record equal to what TensorBoard's loader read
/// (pytorch.raw.jsonl); our meshes read back as written; bad tensors are refused.
/// </summary>
public class MeshTests
{
    // kind_mesh: float32 vertices, uint8 colours, int32 faces, one mesh in the batch.
    private static readonly MeshTensor Vertices = new(new long[] { 1, 4, 3 }, new double[] { 1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1 });
    private static readonly MeshTensor Colors = new(new long[] { 1, 4, 3 }, new double[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 255 });
    private static readonly MeshTensor Faces = new(new long[] { 1, 4, 3 }, new double[] { 0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2 });

    private static string FixtureFile => Fixtures.EventFile("pytorch", "mesh");

    [Fact]
    public void KindMeshsInputsGiveTheValuesPyTorchWroteByteForByte()
    {
        var ours = MeshSummaries.Mesh("tetra", Vertices, Faces, Colors);
        var theirs = RawValues.Of(FixtureFile);

        Assert.Equal(new[] { "tetra_VERTEX", "tetra_FACE", "tetra_COLOR" }, theirs.Select(v => v.Tag));
        Assert.Equal(theirs.Select(v => v.Tag), ours.Select(v => v.Tag));
        for (int i = 0; i < theirs.Count; i++)
        {
            Assert.Equal(Convert.ToHexString(theirs[i].Bytes), Convert.ToHexString(ours[i].ToByteArray()));
        }
        // What that means, spelled out for the first value.
        var vertex = ours[0];
        Assert.Equal(DataType.DtFloat, vertex.Tensor.Dtype);
        Assert.Equal(new long[] { 1, 4, 3 }, vertex.Tensor.TensorShape.Dim.Select(d => d.Size));
        var data = MeshPluginData.Parser.ParseFrom(vertex.Metadata.PluginData.Content);
        Assert.Equal(("tetra", MeshPluginData.Types.ContentType.Vertex, "{}", 14u), (data.Name, data.ContentType, data.JsonConfig, data.Components));
        Assert.Equal(new[] { 1, 4, 3 }, data.Shape);
    }

    [Fact]
    public void PyTorchsMeshReadsAsOneRecordEqualToTensorBoardsReading()
    {
        var expected = ExpectedLines.Of("pytorch.raw.jsonl", "mesh");
        Assert.Equal(3, expected.Count);
        var mesh = Assert.IsType<MeshRecord>(Assert.Single(ReadValues.File(FixtureFile, EventKinds.Mesh)));

        Assert.Equal("tetra", mesh.Tag);
        foreach (var line in expected)
        {
            Assert.Equal(line.Step, mesh.Step);
            Bits.Equal(line.WallTime, mesh.WallTime, line.Where);
            var m = line.Value.GetProperty("mesh");
            Assert.Equal(m.GetProperty("name").GetString(), mesh.Tag);
            Assert.Equal(m.GetProperty("json_config").GetString(), mesh.JsonConfig);
            Assert.Equal(m.GetProperty("components").GetInt32(), mesh.Components);
            var tensor = m.GetProperty("content_type").GetString() switch
            {
                "VERTEX" => mesh.Vertices,
                "FACE" => mesh.Faces,
                "COLOR" => mesh.Colors,
                var other => throw new InvalidOperationException(other),
            };
            Assert.NotNull(tensor);
            Assert.Equal(line.Value.GetProperty("dtype").GetString(), tensor!.DType);
            Assert.Equal(ExpectedLines.Longs(line.Value.GetProperty("shape")), tensor.Shape);
            var want = ExpectedLines.Doubles(line.Value.GetProperty("values"));
            Assert.Equal(want.Length, tensor.Values.Length);
            for (int i = 0; i < want.Length; i++)
            {
                Bits.Equal(want[i], tensor.Values[i], $"{line.Where} value {i}");
            }
            Assert.Equal(line.Value.GetProperty("sha256").GetString(), Hash.Sha256(Reading.MediaReadingTests.LittleEndianBytes(tensor.DType, tensor.Values)));
        }
        // The fixture's values, as make_fixtures.py gave them.
        Assert.Equal(Vertices.Values, mesh.Vertices!.Values);
        Assert.Equal(Faces.Values, mesh.Faces!.Values);
        Assert.Equal(Colors.Values, mesh.Colors!.Values);
    }

    [Fact]
    public void TheMeshTagsAreNotTensorsAnyMore()
    {
        Assert.DoesNotContain(ReadValues.File(FixtureFile, EventKinds.Tensor), r => r is TensorRecord);
        Assert.Single(ReadValues.File(FixtureFile, EventKinds.All).OfType<MeshRecord>());
    }

    [Fact]
    public void AMeshWrittenInOneEventReadsBackAsTheSameRecordAndAPointCloudHasVerticesOnly()
    {
        using var dir = new TempDir();
        var config = new Hashtable { ["camera"] = new Hashtable { ["fov"] = 75, ["cls"] = "PerspectiveCamera" } };
        string json = MeshConfigJson.Serialize(config);
        var cloud = new MeshTensor(new long[] { 2, 2, 3 }, new double[] { 0.5, 0.25, 0, 1, 2, 3, -1, -2, -3, 0.1, 0.2, 0.3 });
        using (var writer = new TbWriter(dir.Path))
        {
            writer.AddValues(MeshSummaries.Mesh("tetra", Vertices, Faces, Colors, json), 5, new TbTimestamp(1700000000.25));
            writer.AddValues(MeshSummaries.Mesh("cloud", cloud, null, null), 6, new TbTimestamp(1700000001));
            writer.AddValues(MeshSummaries.Mesh("tetra", Vertices, Faces, Colors, json), 7, new TbTimestamp(1700000002));
        }
        var read = ReadValues.Run(dir.Path).Cast<MeshRecord>().ToList();
        Assert.Equal(3, read.Count);

        var tetra = read[0];
        Assert.Equal(("tetra", 5L, 1700000000.25), (tetra.Tag, tetra.Step, tetra.WallTime));
        Assert.Equal("{\"camera\": {\"cls\": \"PerspectiveCamera\", \"fov\": 75}}", tetra.JsonConfig);
        Assert.Equal(14, tetra.Components);
        Assert.Equal(Vertices.Values, tetra.Vertices!.Values);
        Assert.Equal(Faces.Values, tetra.Faces!.Values);
        Assert.Equal(Colors.Values, tetra.Colors!.Values);

        var pointCloud = read[1];
        Assert.Equal(("cloud", 6L, 2), (pointCloud.Tag, pointCloud.Step, pointCloud.Components));
        Assert.Null(pointCloud.Faces);
        Assert.Null(pointCloud.Colors);
        Assert.Equal(new long[] { 2, 2, 3 }, pointCloud.Vertices!.Shape);
        Assert.Equal(cloud.Values.Select(v => (double)(float)v), pointCloud.Vertices.Values);

        // Written back from the records, they read the same.
        using var copyDir = new TempDir();
        using (var writer = new TbWriter(copyDir.Path))
        {
            foreach (var mesh in read)
            {
                writer.AddValues(RecordEncoder.Encode(new ValueRecord[] { mesh }), mesh.Step, new TbTimestamp(mesh.WallTime));
            }
        }
        var copy = ReadValues.Run(copyDir.Path).Cast<MeshRecord>().ToList();
        Assert.Equal(read.Count, copy.Count);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal((read[i].Tag, read[i].Step, read[i].JsonConfig, read[i].Components), (copy[i].Tag, copy[i].Step, copy[i].JsonConfig, copy[i].Components));
            Assert.Equal(read[i].Vertices!.Values, copy[i].Vertices!.Values);
            Assert.Equal(read[i].Faces?.Values, copy[i].Faces?.Values);
        }
    }

    [Fact]
    public void ComponentsInEventsOfTheirOwnAreRecordsOfTheirOwn()
    {
        using var dir = new TempDir();
        using (var writer = new TbWriter(dir.Path))
        {
            foreach (var value in MeshSummaries.Mesh("tetra", Vertices, Faces, null))
            {
                writer.AddValue(value, 1, new TbTimestamp(1700000000));
            }
        }
        var read = ReadValues.Run(dir.Path).Cast<MeshRecord>().ToList();
        Assert.Equal(2, read.Count);
        Assert.NotNull(read[0].Vertices);
        Assert.Null(read[0].Faces);
        Assert.NotNull(read[1].Faces);
        Assert.All(read, r => Assert.Equal(6, r.Components));
    }

    public static TheoryData<MeshTensor, MeshTensor?, MeshTensor?, MeshError> BadMeshes => new()
    {
        { new MeshTensor(new long[] { 1, 4, 2 }, new double[8]), null, null, MeshError.InvalidShape },
        { new MeshTensor(new long[] { 4, 3 }, new double[12]), null, null, MeshError.InvalidShape },
        { new MeshTensor(new long[] { 1, 4, 3 }, new double[11]), null, null, MeshError.InvalidShape },
        { Vertices, new MeshTensor(new long[] { 2, 4, 3 }, new double[24]), null, MeshError.ShapeMismatch },
        { Vertices, null, new MeshTensor(new long[] { 1, 3, 3 }, new double[9]), MeshError.ShapeMismatch },
        { Vertices, new MeshTensor(new long[] { 1, 1, 3 }, new double[] { 0, 1, 4 }), null, MeshError.FaceIndexOutOfRange },
        { Vertices, new MeshTensor(new long[] { 1, 1, 3 }, new double[] { 0, -1, 2 }), null, MeshError.FaceIndexOutOfRange },
        { Vertices, new MeshTensor(new long[] { 1, 1, 3 }, new double[] { 0, 1.5, 2 }), null, MeshError.FaceIndexOutOfRange },
        { Vertices, new MeshTensor(new long[] { 1, 1, 3 }, new double[] { 0, double.NaN, 2 }), null, MeshError.FaceIndexOutOfRange },
        { Vertices, null, new MeshTensor(Colors.Shape, Colors.Values.Select(v => v == 255 ? 256.0 : v).ToArray()), MeshError.ColorOutOfRange },
        { Vertices, null, new MeshTensor(Colors.Shape, Colors.Values.Select(v => v == 0 ? -1.0 : v).ToArray()), MeshError.ColorOutOfRange },
    };

    [Theory]
    [MemberData(nameof(BadMeshes))]
    public void ABadMeshIsRefusedWithItsProblem(MeshTensor vertices, MeshTensor? faces, MeshTensor? colors, MeshError error)
    {
        var e = Assert.Throws<MeshFormatException>(() => MeshSummaries.Mesh("m", vertices, faces, colors));
        Assert.Equal(error, e.Error);
        Assert.NotNull(e.OffendingValue);
    }

    [Fact]
    public void TheConfigIsPythonsJsonDumpsWithSortedKeys()
    {
        // PyTorch's docstring example for add_mesh, as json.dumps(config_dict, sort_keys=True) writes it.
        var config = new OrderedDictionary
        {
            ["material"] = new Hashtable { ["cls"] = "MeshStandardMaterial", ["roughness"] = 1, ["metalness"] = 0 },
            ["camera"] = new Hashtable { ["cls"] = "PerspectiveCamera", ["fov"] = 75 },
            ["lights"] = new object[] { new Hashtable { ["cls"] = "AmbientLight", ["color"] = "#ffffff", ["intensity"] = 0.75 } },
        };
        Assert.Equal(
            "{\"camera\": {\"cls\": \"PerspectiveCamera\", \"fov\": 75}, \"lights\": [{\"cls\": \"AmbientLight\", \"color\": \"#ffffff\", \"intensity\": 0.75}], " +
            "\"material\": {\"cls\": \"MeshStandardMaterial\", \"metalness\": 0, \"roughness\": 1}}",
            MeshConfigJson.Serialize(config));
        Assert.Equal("{}", MeshConfigJson.Serialize(null));
        Assert.Equal("{}", MeshConfigJson.Serialize(new Hashtable()));
        Assert.Equal("{\"B\": null, \"a\": [true, false, \"\\u00e9\\n\\\"x\\\"\"]}",
            MeshConfigJson.Serialize(new Hashtable { ["a"] = new object[] { true, false, "é\n\"x\"" }, ["B"] = null }));
        Assert.Throws<MeshFormatException>(() => MeshConfigJson.Serialize(new Hashtable { ["a"] = new object() }));
    }

    [Theory]
    [InlineData(75.0, "75.0")]
    [InlineData(0.75, "0.75")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.0, "-2.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(2.5e-07, "2.5e-07")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void FloatsAreWrittenAsPythonsRepr(double value, string repr) =>
        Assert.Equal(repr, MeshConfigJson.PythonFloat(value));
}
