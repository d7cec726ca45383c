using System.Management.Automation;
using TbPowerShell.Internal;
using TbPowerShell.Torch;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the model hooks registered with Register-TbHook, with their counters.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TbHook")]
[OutputType(typeof(TbHookRegistration))]
public sealed class GetTbHookCommand : PSCmdlet
{
    /// <summary>Only hooks on modules named like these patterns (with or without a wrapper's leading "module.", as Register-TbHook matches).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only hooks logging to this writer.</summary>
    [Parameter]
    [ValidateNotNull]
    public TbWriter? Writer { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
        foreach (var registration in TorchBridge.Registrations())
        {
            if ((Writer is null || registration.Writer == Writer)
                && (patterns is null || patterns.Any(p => p.IsMatch(registration.Name) || p.IsMatch(registration.TagPrefix))))
            {
                WriteObject(registration);
            }
        }
    }
}
