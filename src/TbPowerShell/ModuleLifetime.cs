using System.Management.Automation;
using System.Management.Automation.Runspaces;
using TbPowerShell.Board;
using TbPowerShell.Internal;

namespace TbPowerShell;

/// <summary>
/// Closes the writers opened in this session when the module is removed, so nothing logged is
/// lost: what cannot be written goes to a recovery event file, and a warning names it. It also stops
/// the boards Show-TbBoard started, so no server outlives the module that started it.
/// (Closing a runspace does the same for writers; process exit is covered by the core and the board themselves.)
/// </summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnImport()
    {
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        BoardServer.StopAll();
        _ = RunspaceWriters.CloseAll(Runspace.DefaultRunspace);
        // After the writers: their last sends went through these clients.
        TbPowerShell.Core.Storage.ObjectStores.CloseAll();
    }
}
