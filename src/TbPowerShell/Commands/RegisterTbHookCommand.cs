using System.Management.Automation;
using TbPowerShell.Internal;
using TbPowerShell.Torch;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Hooks TorchSharp sub-modules picked by name and logs what flows through them: feature-map grids, histograms, statistics, gradients.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "TbHook")]
[OutputType(typeof(TbHookRegistration))]
public sealed class RegisterTbHookCommand : PSCmdlet
{
    /// <summary>The model (a TorchSharp nn.Module).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public object Module { get; set; } = null!;

    /// <summary>
    /// Wildcard patterns matched against the dotted names of named_modules() (e.g. stage, features.*.conv*),
    /// with or without a wrapper's leading "module.".
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Name { get; set; } = null!;

    /// <summary>The writer to log to; closing it removes the hooks.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public TbWriter Writer { get; set; } = null!;

    /// <summary>Forward (output, default), ForwardPre (input) or Gradient (the output's gradient after backward()).</summary>
    [Parameter]
    public TbHookKind Kind { get; set; } = TbHookKind.Forward;

    /// <summary>What to log: FeatureMap (default), Histogram, Stats, or several.</summary>
    [Parameter]
    public TbHookLog[] Log { get; set; } = { TbHookLog.FeatureMap };

    /// <summary>Log when the writer's global step is a multiple of this. Default 1.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Every { get; set; } = 1;

    /// <summary>At most this many channel maps per grid. Default 64.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int MaxChannels { get; set; } = 64;

    /// <summary>Which sample of the batch feature maps show. Default 0.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Sample { get; set; }

    /// <summary>Called on logging steps with (module name, input, output, step); runs on the training (pipeline) thread.</summary>
    [Parameter]
    public ScriptBlock? Action { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!TorchBridge.IsModule(Module))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Module takes a TorchSharp nn.Module, not a {ValueParsing.Unwrap(Module)?.GetType().Name}."),
                ErrorIds.NotAModule, ErrorCategory.InvalidArgument, Module));
        }
        if (Writer.IsClosed)
        {
            ThrowTerminatingError(new ErrorRecord(new TbWriterClosedException(Writer.Path),
                ErrorIds.WriterClosed, ErrorCategory.InvalidOperation, Writer));
        }
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
        var action = Action;
        var options = new TbHookOptions
        {
            Kind = Kind,
            Log = Log.Aggregate(TbHookLog.None, (all, one) => all | one),
            Every = Every,
            MaxChannels = MaxChannels,
            Sample = Sample,
            Action = action is null ? null : (name, input, output, step) => action.Invoke(name, input, output, step),
        };
        IReadOnlyList<TbHookRegistration> registrations;
        try
        {
            registrations = TorchBridge.Register(Module, name => patterns.Any(p => p.IsMatch(name)), Writer, options);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.NotAModule, ErrorCategory.InvalidArgument, Module));
            return;
        }
        catch (Exception e) when (TorchBridge.IsLoadFailure(e))
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("TorchSharp could not be used: " + TorchBridge.Describe(e), e),
                ErrorIds.TorchUnavailable, ErrorCategory.ResourceUnavailable, Module));
            return;
        }
        if (registrations.Count == 0)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"No sub-module of the model is named like '{string.Join("', '", Name)}'."),
                ErrorIds.NoModuleMatched, ErrorCategory.ObjectNotFound, Name));
            return;
        }
        WriteObject(registrations, enumerateCollection: true);
    }
}
