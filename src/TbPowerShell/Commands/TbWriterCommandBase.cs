using System.Management.Automation;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Records;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// What every Add-Tb* cmdlet shares: where to write (<c>-Writer</c>, a writer the caller keeps,
/// or <c>-LogDir</c>, opened in begin and closed in end, on Ctrl+C and on dispose), and the
/// <c>-Tag</c>, <c>-Step</c>, <c>-WallTime</c>, <c>-Run</c> and <c>-PassThru</c> parameters.
/// </summary>
public abstract class TbWriterCommandBase : PSCmdlet, IDisposable
{
    /// <summary>Parameter set of <c>-Writer</c>.</summary>
    protected const string WriterSet = "Writer";

    /// <summary>Parameter set of <c>-LogDir</c>.</summary>
    protected const string LogDirSet = "LogDir";

    private readonly Dictionary<string, TbWriter> _ownedWriters = new(StringComparer.Ordinal);
    private string? _logDirPath;
    private string _currentRun = ".";
    private string? _lastRunText;
    private TbWriter? _lastRunWriter;

    /// <summary>An open writer from New-TbWriter. A <c>Run</c> on the input is ignored.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WriterSet)]
    [ValidateNotNull]
    public TbWriter Writer { get; set; } = null!;

    /// <summary>A run directory, created if missing; a writer is opened for this call and closed at its end.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LogDirSet)]
    [ValidateNotNullOrEmpty]
    public string LogDir { get; set; } = null!;

    /// <summary>The series name, under which TensorBoard shows the value (<c>train/loss</c>, say).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    [ArgumentCompleter(typeof(TbPowerShell.Completion.TbTagCompleter))]
    public string Tag { get; set; } = null!;

    /// <summary>The step; the writer's global step when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [StepTransformation]
    public long? Step { get; set; }

    /// <summary>The wall time: a date, an ISO 8601 string or Unix seconds; now when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [TbTimestampTransformation]
    public TbTimestamp? WallTime { get; set; }

    /// <summary>With <c>-LogDir</c>: the sub-directory (run) of the log directory to write to; "." is the log directory itself.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Run { get; set; }

    /// <summary>Emit what was written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (ParameterSetName == LogDirSet)
        {
            try
            {
                _logDirPath = LogPaths.ForWriting(this, LogDir);
            }
            catch (FormatException e)
            {
                ThrowTerminatingError(StoreErrors.InvalidUri(LogDir, e.Message));
            }
            try
            {
                if (!Core.Storage.LogLocation.IsStore(_logDirPath))
                {
                    Directory.CreateDirectory(_logDirPath!); // a store has no folders to make: the first object makes it
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                ThrowTerminatingError(StoreErrors.OrDefault(
                    new IOException($"The log directory '{_logDirPath}' cannot be created: {e.Message}", e), ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, LogDir));
            }
        }
        else if (Writer.IsClosed)
        {
            ThrowTerminatingError(WriterClosedError(Writer));
        }
    }

    /// <summary>
    /// Where and when one input's value goes, as its <c>-Tag</c>, <c>-Step</c>, <c>-WallTime</c> and <c>-Run</c>
    /// were bound: the cmdlets that gather several inputs into one value keep it until they write.
    /// </summary>
    private protected readonly record struct ValueKey(string Tag, long? Step, TbTimestamp? WallTime, string? Run);

    /// <summary>The key of the current input.</summary>
    private protected ValueKey BoundKey => new(Tag, Step, WallTime, Run);

    /// <summary>
    /// The writer for a value of <paramref name="run"/>: <c>-Writer</c> (which ignores the run), or
    /// under <c>-LogDir</c> the writer of that run (opened on first use). Null after an error was written.
    /// </summary>
    /// <param name="run">The run to write to: <c>-Run</c>, or the run an input names; null or empty for the log directory itself.</param>
    protected TbWriter? CurrentWriter(string? run)
    {
        if (ParameterSetName == WriterSet)
        {
            ReportFeedErrors(this, Writer);
            return Writer;
        }

        // Rows of one run usually come together: skip the path arithmetic when the run repeats.
        if (_lastRunWriter is not null && string.Equals(run, _lastRunText, StringComparison.Ordinal))
        {
            return _lastRunWriter;
        }
        // Checked on the path the file system resolves, so a link inside the log directory cannot lead out of it.
        string? dir = ContainedPath.Resolve(_logDirPath!, string.IsNullOrEmpty(run) ? "." : run, out string? reason);
        if (dir is null)
        {
            WriteInputError(new ErrorRecord(
                new ArgumentException($"The run '{run}' is not a folder inside the log directory '{_logDirPath}': {reason}."),
                ErrorIds.InvalidRun, ErrorCategory.InvalidArgument, run));
            return null;
        }
        string relative = Core.Storage.LogLocation.RelativeName(_logDirPath!, dir);
        // One writer per folder, however the run is spelled ("a", "./a", "a/").
        _currentRun = relative;
        if (!_ownedWriters.TryGetValue(relative, out var writer))
        {
            try
            {
                writer = new TbWriter(dir);
                _ownedWriters[relative] = writer;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The core's message names what failed: the run directory, or the event file in a directory that exists.
                WriteInputError(StoreErrors.OrDefault(
                    e as TbWriterCreateException ?? new IOException($"The run directory '{dir}' cannot be created: {e.Message}", e), ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, string.IsNullOrEmpty(run) ? LogDir : run));
                return null;
            }
        }
        _lastRunText = run;
        _lastRunWriter = writer;
        return writer;
    }

    /// <summary>Runs <paramref name="write"/>, turning writer failures into PowerShell errors.</summary>
    /// <param name="writer">The writer <paramref name="write"/> writes to.</param>
    /// <param name="write">Adds the value to the writer.</param>
    /// <param name="target">The target of an error about the value.</param>
    /// <param name="wallTime">The wall time the value is written with: the target of an error about it.</param>
    /// <returns>True when the value was accepted.</returns>
    protected bool TryWrite(TbWriter writer, Action<TbWriter> write, object target, TbTimestamp wallTime)
    {
        try
        {
            write(writer);
            return true;
        }
        catch (TbWriterClosedException)
        {
            ThrowTerminatingError(WriterClosedError(writer));
            return false;
        }
        catch (TbWriterException e)
        {
            WriteInputError(StoreErrors.OrDefault(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, writer));
            return false;
        }
        catch (TbWriterCreateException e)
        {
            // A sub-run of Add-TbScalars that cannot be created: the message names the directory or its event file.
            WriteInputError(StoreErrors.OrDefault(e, ErrorIds.LogDirCreateFailed, ErrorCategory.WriteError, e.Path));
            return false;
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "wallTime")
        {
            WriteInputError(new ErrorRecord(e, ErrorIds.InvalidWallTime, ErrorCategory.InvalidArgument, wallTime));
            return false;
        }
        catch (ArgumentException e)
        {
            WriteInputError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, target));
            return false;
        }
    }

    /// <summary>
    /// Writes an "empty tag" error and returns true when <paramref name="tag"/> is null, empty or only
    /// white space (as the writer refuses it: <see cref="TbWriter.IsBlankTag"/>).
    /// </summary>
    protected bool RejectEmptyTag(string? tag)
    {
        if (!TbWriter.IsBlankTag(tag))
        {
            return false;
        }
        WriteInputError(new ErrorRecord(new ArgumentException(tag is { Length: > 0 }
                ? $"A tag must not be only white space: '{tag}' would show as a blank name."
                : "A tag must not be empty."),
            ErrorIds.EmptyTag, ErrorCategory.InvalidArgument, tag));
        return true;
    }

    /// <summary>
    /// Writes a non-terminating error about the current input (the input is skipped). Cmdlets that read piped
    /// rows override it to say which row it was.
    /// </summary>
    private protected virtual void WriteInputError(ErrorRecord error) => WriteError(error);

    /// <inheritdoc />
    protected override void EndProcessing() => CloseOwnedWriters(report: true);

    /// <inheritdoc />
    protected override void StopProcessing() => CloseOwnedWriters(report: false);

    /// <summary>Closes the writers this call opened (nothing is lost on Ctrl+C or an exception).</summary>
    public void Dispose()
    {
        CloseOwnedWriters(report: false);
        GC.SuppressFinalize(this);
    }

    private void CloseOwnedWriters(bool report)
    {
        TbWriter[] writers;
        lock (_ownedWriters)
        {
            writers = _ownedWriters.Values.ToArray();
            _ownedWriters.Clear();
        }
        foreach (var writer in writers)
        {
            CloseOwned(this, writer, report);
        }
    }

    /// <summary>
    /// Closes a writer a cmdlet call opened: nobody else holds it to retry its close, so what it cannot write goes to a
    /// recovery file now. Failures are errors of <paramref name="cmdlet"/> when <paramref name="report"/>, else warnings
    /// to the host (stopping: the pipeline cannot take an error any more, but the user must hear where the values went).
    /// </summary>
    internal static void CloseOwned(PSCmdlet cmdlet, TbWriter writer, bool report)
    {
        var errors = new List<Exception>();
        writer.CloseOrRecover(errors);
        foreach (var e in errors)
        {
            if (report)
            {
                cmdlet.WriteError(StoreErrors.OrDefault(e, ErrorIds.CloseFailed, ErrorCategory.WriteError, writer));
            }
            else
            {
                RunspaceWriters.Warn(cmdlet.Host, e.Message);
            }
        }
    }

    /// <summary>Writes the failures of model hooks feeding <paramref name="writer"/> that nobody has heard of yet.</summary>
    internal static void ReportFeedErrors(Cmdlet cmdlet, TbWriter writer)
    {
        foreach (var e in writer.TakeFeedErrors())
        {
            cmdlet.WriteError(new ErrorRecord(e, ErrorIds.HookFailed, ErrorCategory.InvalidResult, writer));
        }
    }

    /// <summary>Writes the PowerShell error matching an image problem from the core.</summary>
    protected void WriteImageError(Core.Imaging.ImageFormatException e, object? fallbackTarget) =>
        WriteError(Internal.ImageErrors.Record(e, fallbackTarget));

    /// <summary>Writes a "source required" error: none or several of the alternative inputs were given.</summary>
    protected void WriteSourceError(string message, object? target) =>
        WriteError(new ErrorRecord(new ArgumentException(message), ErrorIds.SourceRequired, ErrorCategory.InvalidArgument, target));

    /// <summary>The step a value is written at: <paramref name="step"/>, or the writer's global step when it is null.</summary>
    protected static long EffectiveStep(TbWriter writer, long? step) => step ?? writer.GlobalStep;

    /// <summary>The run name a value added now is written to ("." for the log directory or a -Writer).</summary>
    protected string EffectiveRun => ParameterSetName == LogDirSet ? _currentRun : ".";

    private static ErrorRecord WriterClosedError(TbWriter writer) =>
        new(new TbWriterClosedException(writer.Path), ErrorIds.WriterClosed, ErrorCategory.InvalidOperation, writer);
}
