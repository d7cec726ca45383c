using System.Management.Automation;
using TbPowerShell.Internal;
using TbPowerShell.Torch;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Removes model hooks (from the pipeline, or every hook with -All); pending gradients are written first.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "TbHook", DefaultParameterSetName = "Registration")]
[OutputType(typeof(TbHookRegistration))]
public sealed class UnregisterTbHookCommand : PSCmdlet
{
    /// <summary>Registrations from Register-TbHook or Get-TbHook.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Registration")]
    [ValidateNotNull]
    public TbHookRegistration[] Registration { get; set; } = null!;

    /// <summary>Remove every registered hook.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    /// <summary>Emit the removed registrations.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var targets = All ? TorchBridge.Registrations() : Registration;
        foreach (var registration in targets)
        {
            registration.Remove();
            TbWriterCommandBase.ReportFeedErrors(this, registration.Writer);
            if (PassThru)
            {
                WriteObject(registration);
            }
        }
    }
}
