using System.Globalization;
using System.Management.Automation;
using TbPowerShell.Core.Records;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Opens a TensorBoard run for writing and returns its writer.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "TbWriter")]
[OutputType(typeof(TbWriter))]
public sealed class NewTbWriterCommand : PSCmdlet
{
    /// <summary>The run directory, created if missing. Default: <c>runs/&lt;MonDD_HH-mm-ss&gt;_&lt;host&gt;&lt;comment&gt;</c>, as PyTorch.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? LogDir { get; set; }

    /// <summary>Appended to the default directory name (as PyTorch's <c>comment</c>); ignored with <c>-LogDir</c>.</summary>
    [Parameter]
    public string? Comment { get; set; }

    /// <summary>How often pending events are written: seconds, or a TimeSpan. Default 1 second.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan? FlushInterval { get; set; }

    /// <summary>Pending events that trigger a write before the interval is up. Default 1000.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxQueue { get; set; }

    /// <summary>Appended to the event file's name.</summary>
    [Parameter]
    public string? FilenameSuffix { get; set; }

    /// <summary>As PyTorch's <c>purge_step</c>: TensorBoard drops values earlier sessions logged at this step and later.</summary>
    [Parameter]
    [StepTransformation]
    public long? PurgeStep { get; set; }

    /// <summary>The global step to start with (used when values are added without <c>-Step</c>).</summary>
    [Parameter]
    [StepTransformation]
    public long GlobalStep { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string requested = LogDir ?? DefaultLogDir(Comment);
        string path;
        try
        {
            path = LogPaths.ForWriting(this, requested);
        }
        catch (FormatException e)
        {
            ThrowTerminatingError(StoreErrors.InvalidUri(requested, e.Message));
            return;
        }
        var options = new TbWriterOptions
        {
            FilenameSuffix = FilenameSuffix,
            PurgeStep = PurgeStep,
            GlobalStep = GlobalStep,
        };
        if (FlushInterval is TimeSpan interval)
        {
            options.FlushInterval = interval;
        }
        if (MaxQueue is int maxQueue)
        {
            options.MaxQueue = maxQueue;
        }

        try
        {
            var writer = new TbWriter(path, options);
            RunspaceWriters.Track(writer, Host);
            WriteObject(writer);
        }
        catch (ArgumentException e)
        {
            object? target = e.ParamName switch
            {
                nameof(TbWriterOptions.FlushInterval) => FlushInterval,
                nameof(TbWriterOptions.MaxQueue) => MaxQueue,
                nameof(TbWriterOptions.FilenameSuffix) => FilenameSuffix,
                _ => requested,
            };
            string id = e.ParamName is nameof(TbWriterOptions.FlushInterval) or nameof(TbWriterOptions.MaxQueue) or nameof(TbWriterOptions.FilenameSuffix)
                ? ErrorIds.InvalidWriterOption
                : ErrorIds.LogDirCreateFailed;
            ThrowTerminatingError(new ErrorRecord(e, id, ErrorCategory.InvalidArgument, target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // The core's message names what failed: the log directory, or the event file in a directory that exists.
            ThrowTerminatingError(StoreErrors.OrDefault(
                e as TbWriterCreateException ?? new IOException($"The log directory '{path}' cannot be created: {e.Message}", e), ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, requested));
        }
    }

    private static string DefaultLogDir(string? comment) =>
        Path.Combine("runs",
            DateTime.Now.ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture) + "_" + EventFileName.HostName + comment);
}
