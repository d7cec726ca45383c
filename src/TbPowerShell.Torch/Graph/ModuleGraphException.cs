namespace TbPowerShell.Torch.Graph;

/// <summary>The traced forward call of <see cref="ModuleGraph.Build"/> failed; names the module it failed in.</summary>
public sealed class ModuleGraphException : Exception
{
    /// <summary>A failure of the forward call in <paramref name="moduleName"/> (a dotted name; "" for the model itself).</summary>
    public ModuleGraphException(string moduleName, string moduleType, string scope, Exception inner)
        : base(Describe(moduleName, moduleType, scope, inner), inner)
    {
        ModuleName = moduleName;
        ModuleType = moduleType;
        Scope = scope;
    }

    /// <summary>The module's dotted name, as <c>named_modules()</c> gives it ("" for the model itself).</summary>
    public string ModuleName { get; }

    /// <summary>The module's type, e.g. <c>Linear</c>.</summary>
    public string ModuleType { get; }

    /// <summary>The module's name scope in the graph, e.g. <c>Net/Linear[fc1]</c>.</summary>
    public string Scope { get; }

    private static string Describe(string name, string type, string scope, Exception inner) =>
        (name.Length == 0 ? $"The forward call of the model ({type}) failed" : $"The forward call failed in module '{name}' ({type}, {scope})")
        + ": " + inner.Message;
}
