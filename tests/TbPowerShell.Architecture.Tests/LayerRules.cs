using System.Reflection;
using Mono.Cecil;
using NetArchTest.Rules;
using static TbPowerShell.Architecture.Tests.Layers;

namespace TbPowerShell.Architecture.Tests;

/// <summary>
/// The layering of src/, written once: every rule is a row of <see cref="Rules"/>, checked by NetArchTest over
/// the built assemblies (the core loaded, the cmdlets and the TorchSharp adapter read from their files).
/// A type in a layer that references anything a rule forbids fails the test, with the reference named.
/// </summary>
public class LayerRules
{
    private static readonly Assembly CoreAssembly = typeof(TbWriter).Assembly;
    private static readonly Assembly BoardAssembly = typeof(TbPowerShell.Board.BoardServer).Assembly;

    /// <summary>Where the cmdlet and adapter assemblies are copied for inspection (see the project file).</summary>
    internal static string Inspected(string file) => Path.Combine(AppContext.BaseDirectory, "inspected", file);

    /// <summary>A rule: the types of <paramref name="Layers"/> (in <paramref name="Assembly"/>) must not depend on <paramref name="Forbidden"/>.</summary>
    public sealed record Rule(string Why, string Assembly, Layer[] Layers, string[] Forbidden)
    {
        public override string ToString() => Why;
    }

    private static string[] MembersOf(params Layer[] layers) => layers.SelectMany(l => l.Members).ToArray();

    private static string[] StorageProviderForbidden() =>
        new[] { "System.Management.Automation", "Microsoft.PowerShell", "TorchSharp", "TbPowerShell.Commands", "TbPowerShell.Internal" }
            .Concat(MembersOf(Layers.Board))
            .Concat(MembersOf(Layers.Core.Except(new[] { Layers.Storage }).ToArray()))
            .ToArray();

    private static readonly Rule[] All =
    {
        new("the core knows nothing of PowerShell or TorchSharp", "core", Layers.Core,
            new[] { "System.Management.Automation", "Microsoft.PowerShell", "TorchSharp" }),
        new("the TorchSharp adapter knows nothing of PowerShell", "torch", Array.Empty<Layer>(),
            new[] { "System.Management.Automation", "Microsoft.PowerShell" }),
        new("Records (framing and CRC) knows no protobuf messages and nothing above it", "core", new[] { Records },
            new[] { "Google.Protobuf", "TbPowerShell.Core.Proto" }.Concat(MembersOf(Layers.Wire)).Concat(MembersOf(AboveWire)).Distinct().ToArray()),
        new("Wire depends on nothing above it", "core", new[] { Layers.Wire }, MembersOf(AboveWire)),
        new("Storage (where bytes live) depends on no other layer of the core", "core", new[] { Layers.Storage },
            MembersOf(Layers.Core.Except(new[] { Layers.Storage }).ToArray())),
        new("Model depends on nothing above Wire", "core", new[] { Model }, MembersOf(AboveWire.Except(new[] { Model }).ToArray())),
        new("Summaries, Imaging and Audio are pure: no reading, writing, following or repair", "core", new[] { Summaries, Imaging, Audio },
            MembersOf(EventFileIO)),
        new("Analysis is pure: no reading, writing, following or repair", "core", new[] { Analysis }, MembersOf(EventFileIO)),
        new("Writing never needs reading, following or repair", "core", new[] { Writing }, MembersOf(Reading, Following, Repair)),
        new("Reading, Following and Repair never write runs", "core", new[] { Reading, Following, Repair }, MembersOf(Writing)),
        new("Reading knows nothing of following or repair", "core", new[] { Reading }, MembersOf(Following, Repair)),
        new("the core knows nothing of the board", "core", Layers.Core, MembersOf(Layers.Board)),
        new("the S3 provider uses only the core's Storage layer, and nothing of PowerShell or the board", "s3", Array.Empty<Layer>(),
            StorageProviderForbidden()),
        new("the Azure provider uses only the core's Storage layer, and nothing of PowerShell or the board", "az", Array.Empty<Layer>(),
            StorageProviderForbidden()),
        new("the board uses the core but knows nothing of PowerShell or TorchSharp", "board", new[] { Layers.Board },
            new[] { "System.Management.Automation", "Microsoft.PowerShell", "TorchSharp", "TbPowerShell.Commands", "TbPowerShell.Internal" }),
    };

    /// <summary>The rules, one test case each.</summary>
    public static TheoryData<Rule> Rules
    {
        get
        {
            var data = new TheoryData<Rule>();
            foreach (var rule in All)
            {
                data.Add(rule);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void HoldsForEveryType(Rule rule)
    {
        var types = rule.Assembly switch
        {
            "core" => Types.InAssembly(CoreAssembly),
            "board" => Types.InAssembly(BoardAssembly),
            "s3" => Types.FromFile(Inspected("TbPowerShell.Storage.S3.dll")),
            "az" => Types.FromFile(Inspected("TbPowerShell.Storage.Azure.dll")),
            _ => Types.FromFile(Inspected("TbPowerShell.Torch.dll")),
        };
        var selected = rule.Layers.Length == 0 ? types.ShouldNot() : Select(types, rule.Layers);
        var result = selected.HaveDependencyOnAny(rule.Forbidden).GetResult();
        Assert.True(result.IsSuccessful, Describe(rule, result));
        Assert.NotEmpty(result.SelectedTypesForTesting ?? Array.Empty<IType>());
    }

    [Fact]
    public void EveryCoreTypeBelongsToALayer()
    {
        // A new folder (namespace) must join the table above, or its types escape every rule. Compiler-made
        // types (<PrivateImplementationDetails>, the protobuf reflection classes) are in Wire's namespaces or none.
        var stray = Types.InAssembly(CoreAssembly).GetTypes()
            .Select(t => t.FullName)
            .Where(name => !name.StartsWith('<') && !Layers.Core.Any(l => l.Holds(name)))
            .ToList();
        Assert.True(stray.Count == 0, "Core types outside every layer: " + string.Join(", ", stray));
    }

    [Fact]
    public void EveryBoardTypeBelongsToTheBoardLayer()
    {
        var stray = Types.InAssembly(BoardAssembly).GetTypes()
            .Select(t => t.FullName)
            .Where(name => !name.StartsWith('<') && !Layers.Board.Holds(name))
            .ToList();
        Assert.True(stray.Count == 0, "Board types outside the Board layer: " + string.Join(", ", stray));
    }

    private static Condition Select(Types types, Layer[] layers)
    {
        Func<TypeDefinition, bool> inLayers = t => layers.Any(l => l.Holds(t.FullName));
        return types.That().MeetCustomRule(inLayers).ShouldNot();
    }

    internal static string Describe(Rule rule, TestResult result) =>
        $"Broken: {rule.Why}. " + string.Join("; ", (result.FailingTypes ?? Array.Empty<IType>()).Select(t => $"{t.FullName} ({t.Explanation})"));
}
