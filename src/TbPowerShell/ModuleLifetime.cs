using System.Management.Automation;
using System.Management.Automation.Runspaces;
using TbPowerShell.Internal;

namespace TbPowerShell;

/// <summary>
/// Closes the writers opened in this session when the module is removed, so nothing logged is
/// lost: what cannot be written goes to a recovery event file, and a warning names it.
/// (Closing a runspace does the same; process exit is covered by the core itself.)
/// </summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnImport()
    {
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => _ = RunspaceWriters.CloseAll(Runspace.DefaultRunspace);
}
