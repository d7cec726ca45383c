using System.Management.Automation;

namespace TbPowerShell;

/// <summary>
/// Closes every writer still open when the module is removed, so nothing logged is lost.
/// (Process exit is covered by the core itself.)
/// </summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnImport()
    {
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => TbWriter.CloseAll();
}
