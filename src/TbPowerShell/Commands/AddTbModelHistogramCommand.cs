using System.Management.Automation;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a histogram of every parameter of a TorchSharp model (and of its gradients with -Gradient), tagged by parameter name.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbModelHistogram")]
[OutputType(typeof(TbHistogramEvent))]
public sealed class AddTbModelHistogramCommand : PSCmdlet
{
    /// <summary>The model (a TorchSharp nn.Module).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public object Module { get; set; } = null!;

    /// <summary>The writer to log to.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public TbWriter Writer { get; set; } = null!;

    /// <summary>Also log each parameter's gradient as &lt;name&gt;.grad (parameters without a gradient are skipped).</summary>
    [Parameter]
    public SwitchParameter Gradient { get; set; }

    /// <summary>Put before every tag, e.g. "weights/".</summary>
    [Parameter]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>The step, a whole number; the writer's global step when omitted.</summary>
    [Parameter]
    [StepTransformation]
    public long? Step { get; set; }

    /// <summary>Emit what was written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

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
        TbWriterCommandBase.ReportFeedErrors(this, Writer);
        long step = Step ?? Writer.GlobalStep;
        var wallTime = TbTimestamp.Now;
        Log(TorchBridge.Parameters(Module, gradients: false), string.Empty, step, wallTime);
        if (Gradient)
        {
            Log(TorchBridge.Parameters(Module, gradients: true), ".grad", step, wallTime);
        }
    }

    private void Log(IEnumerable<(string Name, double[]? Values)> parameters, string suffix, long step, TbTimestamp wallTime)
    {
        foreach (var (name, values) in parameters)
        {
            if (values is null || values.Length == 0)
            {
                continue;
            }
            string tag = Prefix + name + suffix;
            var finite = HistogramBuilder.DropNonFinite(values, out int dropped);
            if (dropped > 0)
            {
                WriteWarning($"'{tag}': dropped {dropped} NaN or infinite value(s).");
            }
            if (finite.Length == 0)
            {
                continue;
            }
            var histogram = HistogramBuilder.Build(finite);
            try
            {
                Writer.AddValue(SummaryValues.Histogram(tag, histogram), step, wallTime);
            }
            catch (TbWriterException e)
            {
                WriteError(StoreErrors.OrDefault(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, Writer));
                continue;
            }
            if (PassThru)
            {
                WriteObject(new TbHistogramEvent(".", Writer.Path,
                    ValueDecoder.FromProto(tag, step, wallTime.UnixSeconds, histogram)));
            }
        }
    }
}
