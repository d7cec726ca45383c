using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Torch.Demo;
using TbPowerShell.Torch.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Graph;

/// <summary>The fixture's model (make_fixtures.py's kind_graph): Linear(4,3) -> relu -> Linear(3,2).</summary>
internal sealed class Net : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc1;
    private readonly nn.Module<Tensor, Tensor> fc2;

    public Net() : base(nameof(Net))
    {
        fc1 = nn.Linear(4, 3);
        fc2 = nn.Linear(3, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.call(nn.functional.relu(fc1.call(x)));
}

/// <summary>One Linear called twice, and a relu after the last module.</summary>
internal sealed class Shared : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc;

    public Shared() : base(nameof(Shared))
    {
        fc = nn.Linear(2, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.relu(fc.call(fc.call(x)));
}

/// <summary>A model whose forward throws after its first module.</summary>
internal sealed class Broken : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc;

    public Broken() : base(nameof(Broken))
    {
        fc = nn.Linear(2, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var y = fc.call(x);
        throw new InvalidOperationException("broken on purpose");
    }
}

/// <summary>Module graphs against PyTorch's add_graph of the same model, and the rules where hooks cannot see.</summary>
public class ModuleGraphTests
{
    private static Dictionary<string, NodeDef> ByName(GraphDef graph) => graph.Node.ToDictionary(n => n.Name);

    private static GraphRecord PyTorchGraph()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "pytorch", "graph");
        string file = Directory.GetFiles(dir).Single(f => EventFileName.IsEventFileName(Path.GetFileName(f)));
        using var reader = new EventFileReader(file, kinds: EventKinds.Graph);
        while (reader.Next() == EventReadResult.Value)
        {
            if (reader.CurrentValue is GraphRecord { Content: GraphContent.GraphDef } graph)
            {
                return graph;
            }
        }
        throw new InvalidOperationException("the fixture has no graph");
    }

    // Where names differ: PyTorch's op nodes are named by the traced value's number (31, 34), relu (a functional call,
    // which no hook sees) is named by its output variable ("input"), and fc1's parameter reads carry the tracer's
    // ".1" suffixes.
    private static readonly Dictionary<string, string> OursToPyTorch = new()
    {
        ["Net/Linear[fc1]/forward"] = "Net/Linear[fc1]/31",
        ["Net/Linear[fc2]/forward"] = "Net/Linear[fc2]/34",
        ["Net/functional"] = "Net/input",
        ["Net/Linear[fc1]/weight/weight"] = "Net/Linear[fc1]/weight/weight.1",
        ["Net/Linear[fc1]/bias/bias"] = "Net/Linear[fc1]/bias/bias.1",
    };

    private static string AsPyTorch(string name) => OursToPyTorch.GetValueOrDefault(name, name);

    [TorchFact]
    public void TheFixtureNetHasPyTorchsNodesAndEdges()
    {
        using var net = new Net();
        using var x = zeros(1, 4);
        var ours = ModuleGraph.Build(net, new[] { x });
        var theirs = PyTorchGraph();

        // Name for name where PyTorch's names come from the module hierarchy; the rest through the table above.
        Assert.Equal(9, ours.Node.Count);
        Assert.Equal(theirs.NodeNames.Order(StringComparer.Ordinal), ours.Node.Select(n => AsPyTorch(n.Name)).Order(StringComparer.Ordinal));
        var same = new[] { "input/x", "output/output.1", "Net/Linear[fc2]/weight/weight", "Net/Linear[fc2]/bias/bias" };
        Assert.All(same, name => Assert.Contains(name, ours.Node.Select(n => n.Name)));

        // The same edges, in the same order (input, weight, bias), and the same output shapes where PyTorch has them.
        foreach (var node in ours.Node)
        {
            var their = theirs.Nodes.Single(n => n.Name == AsPyTorch(node.Name));
            var ourNode = GraphDecoder.Nodes(new GraphDef { Node = { node } })[0];
            if (their.Op != "prim::GetAttr")
            {
                Assert.Equal(their.Inputs, node.Input.Select(AsPyTorch));
                Assert.Equal(their.OutputShapes, ourNode.OutputShapes);
            }
            else
            {
                Assert.Equal(their.Op, node.Op);
                Assert.Equal(their.Attribute("attr"), ourNode.Attribute("attr"));
            }
        }
        // PyTorch lists the input and output nodes first, as we do.
        Assert.Equal(theirs.NodeNames.Take(2), ours.Node.Take(2).Select(n => n.Name));
        Assert.Equal(22, ours.Versions.Producer);
    }

    [TorchFact]
    public void LeafNodesCarryTheModuleTypeAndParameterShapes()
    {
        using var net = new Net();
        using var x = zeros(1, 4);
        var nodes = GraphDecoder.Nodes(ModuleGraph.Build(net, new[] { x })).ToDictionary(n => n.Name);

        var fc1 = nodes["Net/Linear[fc1]/forward"];
        Assert.Equal("Linear", fc1.Op);
        Assert.Equal("[3,4]", fc1.Attribute("weight"));
        Assert.Equal("[3]", fc1.Attribute("bias"));
        Assert.Equal("[[1,3]]", fc1.Attribute("_output_shapes"));
        Assert.Equal(new long[] { 3, 4 }, nodes["Net/Linear[fc1]/weight/weight"].OutputShapes.Single());

        var relu = nodes["Net/functional"];
        Assert.Equal(ModuleGraph.FunctionalOp, relu.Op);
        Assert.Equal(new[] { "Net/Linear[fc1]/forward" }, relu.Inputs);
        Assert.Equal(new long[] { 1, 3 }, relu.OutputShapes.Single());

        Assert.Equal("IO Node", nodes["input/x"].Op);
        Assert.Equal(new long[] { 1, 4 }, nodes["input/x"].OutputShapes.Single());
        Assert.Equal(new long[] { 1, 2 }, nodes["output/output.1"].OutputShapes.Single());
    }

    [TorchFact]
    public void WithoutInputsLeavesAreChainedInContainmentOrderWithoutShapes()
    {
        using var net = new Net();
        var nodes = GraphDecoder.Nodes(ModuleGraph.Build(net));
        Assert.Equal(new[]
        {
            "Net/Linear[fc1]/weight/weight", "Net/Linear[fc1]/bias/bias", "Net/Linear[fc1]/forward",
            "Net/Linear[fc2]/weight/weight", "Net/Linear[fc2]/bias/bias", "Net/Linear[fc2]/forward",
        }, nodes.Select(n => n.Name));
        Assert.Equal(new[] { "Net/Linear[fc1]/weight/weight", "Net/Linear[fc1]/bias/bias" }, nodes[2].Inputs);
        Assert.Equal(new[] { "Net/Linear[fc1]/forward", "Net/Linear[fc2]/weight/weight", "Net/Linear[fc2]/bias/bias" }, nodes[5].Inputs);
        // Parameters have their shapes without a forward call; what modules output is unknown.
        Assert.All(nodes.Where(n => n.Op == "Linear"), n => Assert.Empty(n.OutputShapes));
        Assert.Equal(new long[] { 2 }, nodes[4].OutputShapes.Single());
    }

    [TorchFact]
    public void NestedContainersAndTupleOutputsFollowTheDataThroughTheHooks()
    {
        torch.manual_seed(1);
        using var net = new TwoBranchNet();
        using var x = zeros(2, 1, 16, 16);
        bool training = net.training;
        var nodes = GraphDecoder.Nodes(ModuleGraph.Build(net, new[] { x })).ToDictionary(n => n.Name);

        Assert.Equal(training, net.training);
        const string Stem = "TwoBranchNet/Sequential[stem]";
        const string Stage = "TwoBranchNet/TwoBranchStage[stage]";
        Assert.Equal(new[] { "input/input", Stem + "/Conv2d[conv]/weight/weight", Stem + "/Conv2d[conv]/bias/bias" }, nodes[Stem + "/Conv2d[conv]/forward"].Inputs);
        Assert.Equal(new[] { Stem + "/Conv2d[conv]/forward" }, nodes[Stem + "/ReLU[relu]/forward"].Inputs);
        // Both branches take the stem's output; branch1 pools first.
        Assert.Equal(Stem + "/ReLU[relu]/forward", nodes[Stage + "/Sequential[branch0]/Conv2d[conv]/forward"].Inputs[0]);
        Assert.Equal(new[] { Stem + "/ReLU[relu]/forward" }, nodes[Stage + "/Sequential[branch1]/MaxPool2d[pool]/forward"].Inputs);
        Assert.Equal(Stage + "/Sequential[branch1]/MaxPool2d[pool]/forward", nodes[Stage + "/Sequential[branch1]/Conv2d[conv]/forward"].Inputs[0]);
        // The upsampling and cat run in the model's own forward: one functional node in its scope feeds fuse.
        var fuseInput = nodes["TwoBranchNet/Sequential[fuse]/Conv2d[conv]/forward"].Inputs[0];
        Assert.Equal("TwoBranchNet/functional", fuseInput);
        Assert.Equal(new long[] { 2, 24, 16, 16 }, nodes[fuseInput].OutputShapes.Single());
        Assert.Equal(new[] { "TwoBranchNet/Sequential[head]/Linear[fc]/forward" }, nodes["output/output.1"].Inputs);
        Assert.Equal(new long[] { 2, 4 }, nodes["output/output.1"].OutputShapes.Single());
        Assert.Equal(new long[] { 2, 16 }, nodes["TwoBranchNet/Sequential[head]/Flatten[flatten]/forward"].OutputShapes.Single());
        Assert.Equal("Conv2d", nodes[Stem + "/Conv2d[conv]/forward"].Op);
        Assert.Equal("[8,1,3,3]", nodes[Stem + "/Conv2d[conv]/forward"].Attribute("weight"));
    }

    [TorchFact]
    public void AModuleCalledTwiceGetsANodePerCallAndAFinalFunctionalCallFeedsTheOutput()
    {
        using var model = new Shared();
        using var x = ones(3, 2);
        var nodes = GraphDecoder.Nodes(ModuleGraph.Build(model, new[] { x }));
        var byName = nodes.ToDictionary(n => n.Name);
        Assert.Equal(new[] { "input/x", "Shared/Linear[fc]/weight/weight", "Shared/Linear[fc]/bias/bias" }, byName["Shared/Linear[fc]/forward"].Inputs);
        Assert.Equal("Shared/Linear[fc]/forward", byName["Shared/Linear[fc]/forward.1"].Inputs[0]);
        Assert.Equal(new[] { "Shared/Linear[fc]/forward.1" }, byName["Shared/functional"].Inputs);
        Assert.Equal(new[] { "Shared/functional" }, byName["output/output.1"].Inputs);
        Assert.Single(nodes, n => n.Name == "Shared/Linear[fc]/weight/weight");
    }

    [TorchFact]
    public void AModelWithoutParametersIsStillAGraph()
    {
        using var relu = nn.ReLU();
        using var x = ones(2, 5);
        Assert.False(ModuleGraph.HasParameters(relu));
        var nodes = GraphDecoder.Nodes(ModuleGraph.Build(relu, new[] { x }));
        // The input node is named after forward's parameter, as PyTorch names it (TorchSharp's ReLU calls it "tensor").
        Assert.Equal(new[] { "input/tensor", "output/output.1", "ReLU/forward" }, nodes.Select(n => n.Name));
        Assert.Equal(new[] { "input/tensor" }, nodes[2].Inputs);
        Assert.Equal(new[] { "ReLU/forward" }, nodes[1].Inputs);
        using var net = new Net();
        Assert.True(ModuleGraph.HasParameters(net));
    }

    [TorchFact]
    public void AForwardThatFailsNamesTheModuleItFailedIn()
    {
        using var net = new Net();
        using var wrong = zeros(1, 5);
        var e = Assert.Throws<ModuleGraphException>(() => ModuleGraph.Build(net, new[] { wrong }));
        Assert.Equal(("fc1", "Linear", "Net/Linear[fc1]"), (e.ModuleName, e.ModuleType, e.Scope));
        Assert.Contains("'fc1'", e.Message, StringComparison.Ordinal);
        Assert.True(net.training);

        using var broken = new Broken();
        using var x = zeros(1, 2);
        var own = Assert.Throws<ModuleGraphException>(() => ModuleGraph.Build(broken, new[] { x }));
        Assert.Equal(("", "Broken"), (own.ModuleName, own.ModuleType));
        Assert.Contains("broken on purpose", own.Message, StringComparison.Ordinal);

        // The hooks are gone: a second build of the same model gives the same graph, not doubled nodes.
        using var right = zeros(1, 4);
        Assert.Equal(9, ModuleGraph.Build(net, new[] { right }).Node.Count);
        Assert.Equal(9, ModuleGraph.Build(net, new[] { right }).Node.Count);
    }

    [TorchFact]
    public void AModelTakingOneTensorCannotBeCalledWithTwo()
    {
        using var net = new Net();
        using var a = zeros(1, 4);
        using var b = zeros(1, 4);
        var e = Assert.Throws<ArgumentException>(() => ModuleGraph.Build(net, new[] { a, b }));
        Assert.Contains("2 tensor", e.Message, StringComparison.Ordinal);
    }

    [TorchFact]
    public void TheGraphWrittenAsAnEventReadsBackNodeForNode()
    {
        using var net = new Net();
        using var x = zeros(1, 4);
        var graph = ModuleGraph.Build(net, new[] { x });
        using var dir = new TempDir();
        string file;
        using (var writer = new TbWriter(dir.Path))
        {
            writer.AddEvent(GraphSummaries.GraphEvent(graph, 0, 1.7e9));
            writer.Close();
            file = writer.Path;
        }
        using var reader = new EventFileReader(file, kinds: EventKinds.Graph);
        Assert.Equal(EventReadResult.Value, reader.Next());
        var read = Assert.IsType<GraphRecord>(reader.CurrentValue);
        Assert.Equal(graph.Node.Select(n => n.Name), read.NodeNames);
        Assert.Equal(graph.Node.Select(n => string.Join(",", n.Input)), read.Nodes.Select(n => string.Join(",", n.Inputs)));
        Assert.Equal(GraphRecord.RunGraphTag, read.Tag);
    }
}
