using System.Management.Automation;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;
using TbPowerShell.Torch.Graph;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs a TorchSharp model's structure as the graph TensorBoard's graph dashboard draws (PyTorch's add_graph).</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbGraph", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbGraphEvent))]
public sealed class AddTbGraphCommand : PSCmdlet, IDisposable
{
    private const string WriterSet = "Writer";
    private const string LogDirSet = "LogDir";

    private TbWriter? _ownedWriter;
    private string _run = ".";

    /// <summary>The model (a TorchSharp nn.Module); from the pipeline, one graph per model.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object Module { get; set; } = null!;

    /// <summary>
    /// Example input tensor(s) for one forward call, which the hooks follow to draw the edges and shapes; without them the
    /// leaf modules are chained in containment order.
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public object[]? Input { get; set; }

    /// <summary>An open writer from New-TbWriter.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WriterSet)]
    [ValidateNotNull]
    public TbWriter Writer { get; set; } = null!;

    /// <summary>A log directory, created if missing; a writer is opened for this call and closed at its end.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LogDirSet)]
    [ValidateNotNullOrEmpty]
    public string LogDir { get; set; } = null!;

    /// <summary>With -LogDir: the sub-directory (run) of the log directory to write to; "." is the log directory itself.</summary>
    [Parameter(ParameterSetName = LogDirSet)]
    [AllowEmptyString]
    [AllowNull]
    public string? Run { get; set; }

    /// <summary>The step; 0 when omitted (PyTorch's add_graph writes its graph at step 0).</summary>
    [Parameter]
    [StepTransformation]
    public long? Step { get; set; }

    /// <summary>The wall time: a date, an ISO 8601 string or Unix seconds; now when omitted.</summary>
    [Parameter]
    [TbTimestampTransformation]
    public TbTimestamp? WallTime { get; set; }

    /// <summary>Emit the graph written, as Get-TbEvent -Type Graph reads it back.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (ParameterSetName == WriterSet)
        {
            if (Writer.IsClosed)
            {
                ThrowTerminatingError(new ErrorRecord(new TbWriterClosedException(Writer.Path),
                    ErrorIds.WriterClosed, ErrorCategory.InvalidOperation, Writer));
            }
            return;
        }
        string root;
        try
        {
            root = LogPaths.ForWriting(this, LogDir);
        }
        catch (FormatException e)
        {
            ThrowTerminatingError(StoreErrors.InvalidUri(LogDir, e.Message));
            return;
        }
        try
        {
            if (!Core.Storage.LogLocation.IsStore(root))
            {
                Directory.CreateDirectory(root);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            ThrowTerminatingError(StoreErrors.OrDefault(new IOException($"The log directory '{root}' cannot be created: {e.Message}", e), ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, LogDir));
        }
        string? dir = ContainedPath.Resolve(root, string.IsNullOrEmpty(Run) ? "." : Run, out string? reason);
        if (dir is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The run '{Run}' is not a folder inside the log directory '{root}': {reason}."),
                ErrorIds.InvalidRun, ErrorCategory.InvalidArgument, Run));
            return;
        }
        _run = Path.GetRelativePath(root, dir).Replace('\\', '/');
        try
        {
            _ownedWriter = new TbWriter(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(StoreErrors.OrDefault(e as TbWriterCreateException ?? new IOException($"The run directory '{dir}' cannot be created: {e.Message}", e), ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, string.IsNullOrEmpty(Run) ? LogDir : Run));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var writer = _ownedWriter ?? Writer;
        if (!TorchBridge.IsModule(Module))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"-Module takes a TorchSharp nn.Module, not a {ValueParsing.Unwrap(Module)?.GetType().Name}."),
                ErrorIds.NotAModule, ErrorCategory.InvalidArgument, Module));
            return;
        }
        if (Input is not null)
        {
            foreach (object item in Input)
            {
                if (!TorchBridge.IsTensor(item))
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"-Input takes TorchSharp tensors, not a {ValueParsing.Unwrap(item)?.GetType().Name ?? "null"}."),
                        ErrorIds.GraphInputInvalid, ErrorCategory.InvalidArgument, item));
                }
            }
        }
        TbWriterCommandBase.ReportFeedErrors(this, writer);

        Core.Proto.GraphDef graph;
        try
        {
            if (!TorchBridge.HasParameters(Module))
            {
                WriteWarning($"The model ({ValueParsing.Unwrap(Module)!.GetType().Name}) has no parameters: its graph shows the modules and data flow only.");
            }
            graph = TorchBridge.BuildGraph(Module, Input);
        }
        catch (ModuleGraphException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.GraphForwardFailed, ErrorCategory.InvalidOperation, Module)
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Check that -Input has the shape and type the model expects." },
            });
            return;
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.GraphInputInvalid, ErrorCategory.InvalidArgument, Input));
            return;
        }
        catch (Exception e) when (TorchBridge.IsLoadFailure(e))
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("TorchSharp could not be used: " + TorchBridge.Describe(e), e),
                ErrorIds.TorchUnavailable, ErrorCategory.ResourceUnavailable, Module));
            return;
        }

        long step = Step ?? 0;
        var wallTime = WallTime ?? TbTimestamp.Now;
        var e2 = GraphSummaries.GraphEvent(graph, step, wallTime.UnixSeconds);
        try
        {
            writer.AddEvent(e2);
        }
        catch (Exception e) when (e is TbWriterException or TbWriterClosedException or ArgumentException)
        {
            WriteError(new ErrorRecord(e, e is TbWriterClosedException ? ErrorIds.WriterClosed : ErrorIds.WriteFailed, ErrorCategory.WriteError, writer));
            return;
        }
        if (PassThru)
        {
            WriteObject(new TbGraphEvent(_run, writer.Path, GraphDecoder.FromGraphDef(step, e2.WallTime, e2.GraphDef.Span)));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing() => CloseOwnedWriter(report: true);

    /// <inheritdoc />
    protected override void StopProcessing() => CloseOwnedWriter(report: false);

    /// <summary>Closes the writer this call opened for -LogDir.</summary>
    public void Dispose()
    {
        CloseOwnedWriter(report: false);
        GC.SuppressFinalize(this);
    }

    private void CloseOwnedWriter(bool report)
    {
        if (Interlocked.Exchange(ref _ownedWriter, null) is { } writer)
        {
            TbWriterCommandBase.CloseOwned(this, writer, report);
        }
    }
}
