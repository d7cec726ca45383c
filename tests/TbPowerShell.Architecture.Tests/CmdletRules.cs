using NetArchTest.Rules;

namespace TbPowerShell.Architecture.Tests;

/// <summary>The cmdlet layer's shape: one sealed <c>&lt;Verb&gt;Tb&lt;Noun&gt;Command</c> per file, as PSResourceGet does.</summary>
public class CmdletRules
{
    private static Types Cmdlets => Types.FromFile(LayerRules.Inspected("TbPowerShell.dll"));

    private static PredicateList CmdletClasses => Cmdlets.That()
        .ResideInNamespace("TbPowerShell.Commands").And().HaveNameEndingWith("Command").And().AreNotAbstract().And().AreNotNested();

    [Fact]
    public void EveryCmdletClassIsSealed()
    {
        var result = CmdletClasses.Should().BeSealed().GetResult();
        Assert.True(result.IsSuccessful, "Not sealed: " + string.Join(", ", (result.FailingTypes ?? Array.Empty<IType>()).Select(t => t.FullName)));
        Assert.True(result.SelectedTypesForTesting!.Count() >= 20, "the cmdlets were not found");
    }

    [Fact]
    public void EveryCmdletClassHasAFileOfItsOwn()
    {
        var named = CmdletClasses.Should().HaveSourceFileNameMatchingName().GetResult();
        Assert.True(named.IsSuccessful, "In a file of another name: " + string.Join(", ", (named.FailingTypes ?? Array.Empty<IType>()).Select(t => t.FullName)));

        var cmdletFiles = CmdletClasses.GetTypes().Select(t => t.SourceFilePath).ToHashSet(StringComparer.Ordinal);
        var sharing = Cmdlets.That().AreNotNested().GetTypes()
            .Where(t => t.SourceFilePath is not null && cmdletFiles.Contains(t.SourceFilePath))
            .GroupBy(t => t.SourceFilePath)
            .Where(g => g.Count() > 1)
            .Select(g => $"{Path.GetFileName(g.Key)}: {string.Join(", ", g.Select(t => t.Name))}")
            .ToList();
        Assert.True(sharing.Count == 0, "Cmdlet files holding other types too: " + string.Join("; ", sharing));
        Assert.All(cmdletFiles, file => Assert.False(string.IsNullOrEmpty(file), "a cmdlet class without a source file: is the pdb missing?"));
    }
}
