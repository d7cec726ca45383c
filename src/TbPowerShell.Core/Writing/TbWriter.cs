using System.Text;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell;

/// <summary>
/// Writes one run: PyTorch's <c>SummaryWriter</c> for .NET. Values go to an event file that a background
/// thread writes every <see cref="TbWriterOptions.FlushInterval"/>, or as soon as
/// <see cref="TbWriterOptions.MaxQueue"/> events are pending; the file is opened once and stays readable
/// by others. A failure in the background is thrown at the next call (or by <see cref="Close"/>), and the
/// events it could not write are kept and retried; a close that fails leaves the writer open with them.
/// Plugin metadata goes with the first value of each tag; <see cref="AddScalars"/> follows PyTorch's
/// <c>add_scalars</c> (a sub-run per series) or draws the series in one chart. Every open writer is closed when the module unloads or the process exits, and what
/// cannot be written then goes to a recovery event file rather than nowhere. Thread-safe.
/// </summary>
public sealed class TbWriter : IDisposable
{
    /// <summary>The <c>source_metadata.writer</c> recorded in every file.</summary>
    public const string WriterName = "tbpowershell";

    private readonly object _gate = new(); // tags with metadata, sub-writers
    private readonly Func<string, Stream> _openFile;
    private readonly TbWriterOptions _options;
    private readonly EventFileWriter _file;
    private readonly FeedErrorMailbox _feedErrors = new();
    private readonly HashSet<string> _tagsWithMetadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TbWriter> _subWriters = new(StringComparer.Ordinal);
    private readonly GroupedScalarsLayout _groupedScalars;
    private long _globalStep;

    /// <summary>Opens a new event file in <paramref name="logDir"/> (created if missing).</summary>
    public TbWriter(string logDir, TbWriterOptions? options = null)
        : this(logDir, options, EventFileWriter.OpenEventFile)
    {
    }

    internal TbWriter(string logDir, TbWriterOptions? options, Func<string, Stream> openFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        _options = options ?? new TbWriterOptions();
        _options.Validate();
        _openFile = openFile;
        LogDir = TbPowerShell.Core.Storage.LogLocation.Full(logDir);
        _globalStep = _options.GlobalStep;

        _file = new EventFileWriter(LogDir, _options, WriterName, openFile);
        if (_options.PurgeStep is long purge)
        {
            // What PyTorch writes for purge_step: a file_version event and a SessionLog START,
            // both at the purge step; TensorBoard drops earlier sessions' values from that step on.
            AddEvent(new Event { WallTime = TbTimestamp.Now.UnixSeconds, Step = purge, FileVersion = EventFileWriter.FileVersion });
            AddEvent(new Event
            {
                WallTime = TbTimestamp.Now.UnixSeconds,
                Step = purge,
                SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start },
            });
        }
        _groupedScalars = new GroupedScalarsLayout(LogDir, () => _file.FilePath);
        _file.Start();
        WriterRegistry.Add(this);
    }

    /// <summary>The run directory (full path).</summary>
    public string LogDir { get; }

    /// <summary>The event file being written (full path).</summary>
    public string Path => _file.FilePath;

    /// <summary>Events written to the file so far (the first <c>file_version</c> event not counted).</summary>
    public long EventsWritten => _file.EventsWritten;

    /// <summary>Events accepted but not yet written to the file.</summary>
    public int Pending => _file.Pending;

    /// <summary>The step used when a value is added without one. Set it, or advance it with <see cref="NextStep"/>.</summary>
    public long GlobalStep
    {
        get => Interlocked.Read(ref _globalStep);
        set => Interlocked.Exchange(ref _globalStep, value);
    }

    /// <summary>True once <see cref="Close"/> has been called.</summary>
    public bool IsClosed => _file.IsClosed;

    /// <summary>
    /// Raised when <see cref="Close"/> starts, before the last write: whatever feeds the writer
    /// from elsewhere (model hooks) adds its last values and detaches. The writer is still open.
    /// A close that failed left the writer open, so the next close raises it again.
    /// </summary>
    public event EventHandler? Closing;

    /// <summary>
    /// Reports a failure of something that feeds this writer from another thread (a model hook):
    /// it is handed to the next caller of <see cref="TakeFeedErrors"/> (the next cmdlet call, or close).
    /// </summary>
    public void ReportFeedError(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _feedErrors.Post(error);
    }

    /// <summary>The failures reported with <see cref="ReportFeedError"/> since the last call; each is handed out once.</summary>
    public IReadOnlyList<Exception> TakeFeedErrors() => _feedErrors.TakeAll();

    /// <summary>The background write interval.</summary>
    public TimeSpan FlushInterval => _options.FlushInterval;

    /// <summary>Pending events that trigger a background write.</summary>
    public int MaxQueue => _options.MaxQueue;

    /// <summary>Adds <paramref name="by"/> to <see cref="GlobalStep"/> and returns the new step.</summary>
    public long NextStep(long by = 1) => Interlocked.Add(ref _globalStep, by);

    /// <summary>Every writer of this process that is still open.</summary>
    public static IReadOnlyList<TbWriter> OpenWriters => WriterRegistry.Open;

    /// <summary>
    /// Logs a scalar as PyTorch's <c>add_scalar</c> does (a float32 <c>simple_value</c>).
    /// </summary>
    /// <param name="tag">The series name; not empty or only white space.</param>
    /// <param name="value">The value; stored as float32 (NaN, infinities and -0.0 kept).</param>
    /// <param name="step">The step; <see cref="GlobalStep"/> when null.</param>
    /// <param name="wallTime">The time; now when null.</param>
    public void AddScalar(string tag, double value, long? step = null, TbTimestamp? wallTime = null)
    {
        CheckTag(tag, nameof(tag));
        double seconds = CheckWallTime(wallTime);
        _file.AppendScalar(tag, Encoding.UTF8.GetByteCount(tag), seconds, step ?? GlobalStep, (float)value);
    }

    /// <summary>Logs any event; a missing wall time is set to now.</summary>
    public void AddEvent(Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.WallTime == 0)
        {
            e.WallTime = TbTimestamp.Now.UnixSeconds;
        }
        CheckWallTime(new TbTimestamp(e.WallTime));
        _file.AppendEvent(e);
    }

    /// <summary>
    /// Logs one summary value. Plugin metadata is written with the first value of each tag only,
    /// as TensorBoard reads it from there (later copies are dropped to save space); a value that is
    /// only metadata (hparams writes these) keeps it.
    /// </summary>
    public void AddValue(Summary.Types.Value value, long? step = null, TbTimestamp? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckTag(value.Tag, nameof(value));
        double seconds = CheckWallTime(wallTime);
        if (value.Metadata is not null)
        {
            lock (_gate)
            {
                if (!_tagsWithMetadata.Add(value.Tag) && value.ValueCase != Summary.Types.Value.ValueOneofCase.None)
                {
                    value = value.Clone();
                    value.Metadata = null;
                }
            }
        }
        var e = new Event { WallTime = seconds, Step = step ?? GlobalStep, Summary = new Summary() };
        e.Summary.Value.Add(value);
        AddEvent(e);
    }

    /// <summary>
    /// Logs several summary values as one event (one <c>Summary</c>), as PyTorch writes the tensors of a mesh;
    /// plugin metadata as for <see cref="AddValue"/>.
    /// </summary>
    public void AddValues(IReadOnlyList<Summary.Types.Value> values, long? step = null, TbTimestamp? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            CheckTag(value.Tag, nameof(values));
        }
        double seconds = CheckWallTime(wallTime);
        var e = new Event { WallTime = seconds, Step = step ?? GlobalStep, Summary = new Summary() };
        lock (_gate)
        {
            foreach (var value in values)
            {
                var kept = value;
                if (value.Metadata is not null && !_tagsWithMetadata.Add(value.Tag) && value.ValueCase != Summary.Types.Value.ValueOneofCase.None)
                {
                    kept = value.Clone();
                    kept.Metadata = null;
                }
                e.Summary.Value.Add(kept);
            }
        }
        AddEvent(e);
    }

    /// <summary>
    /// Several named series at one step. By default as PyTorch's <c>add_scalars</c>: each series
    /// in its own sub-run <c>&lt;LogDir&gt;/&lt;mainTag with '/' as '_'&gt;_&lt;name&gt;</c> under the tag
    /// <paramref name="mainTag"/>. With <paramref name="oneRun"/>: every series in this run as
    /// <c>&lt;mainTag&gt;/&lt;name&gt;</c>, drawn together in one custom-scalars chart.
    /// </summary>
    public void AddScalars(string mainTag, IEnumerable<KeyValuePair<string, double>> values, long? step = null,
                           TbTimestamp? wallTime = null, bool oneRun = false)
    {
        CheckTag(mainTag, nameof(mainTag));
        ArgumentNullException.ThrowIfNull(values);
        var time = wallTime ?? TbTimestamp.Now;
        long s = step ?? GlobalStep;
        foreach (var (name, value) in values)
        {
            if (IsBlankTag(name))
            {
                throw new ArgumentException($"A series of '{mainTag}' has an empty or blank name.", nameof(values));
            }
            if (oneRun)
            {
                AddScalar(mainTag + "/" + name, value, s, time);
            }
            else
            {
                SubWriter(mainTag.Replace('/', '_') + "_" + name).AddScalar(mainTag, value, s, time);
            }
        }
        if (oneRun && _groupedScalars.Add(mainTag) is { } layout)
        {
            // TensorBoard reads the run's last layout: write all charts so far, at step 0.
            AddValue(SummaryValues.CustomScalarsLayout(layout), 0, time);
        }
    }

    /// <summary>
    /// A custom-scalars layout (<c>add_custom_scalars</c>): <paramref name="categories"/> replace the categories given
    /// before; the charts of <see cref="AddScalars"/> with one run are kept after them. Written at step 0 unless given.
    /// </summary>
    /// <exception cref="ArgumentException">A margin chart lacks a series or one of its three tags.</exception>
    public void AddCustomScalarLayout(IEnumerable<LayoutCategory> categories, long? step = null, TbTimestamp? wallTime = null)
    {
        var custom = CustomScalarLayouts.ToProto(categories);
        AddValue(SummaryValues.CustomScalarsLayout(_groupedScalars.SetCustom(custom)), step ?? 0, wallTime ?? TbTimestamp.Now);
    }

    /// <summary>
    /// The writer of a sub-directory of this run (opened on first use with the same options, and
    /// again if it was closed while this one stays open), flushed and closed with this one.
    /// </summary>
    public TbWriter SubWriter(string relativeDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeDirectory);
        lock (_gate)
        {
            _file.ThrowIfClosed();
            // A sub-run closed while this writer stays open (its own close failed after the sub-runs
            // closed, say) gets a new writer, so values added meanwhile are accepted there too.
            if (_subWriters.TryGetValue(relativeDirectory, out var existing) && !existing.IsClosed)
            {
                return existing;
            }
            string? dir = ContainedPath.Resolve(LogDir, relativeDirectory, out string? reason);
            if (dir is null || TbPowerShell.Core.Storage.LogLocation.RelativeName(LogDir, dir) == ".")
            {
                throw new ArgumentException($"The sub-run '{relativeDirectory}' is not a folder inside '{LogDir}': {reason ?? "it is the run itself"}.", nameof(relativeDirectory));
            }
            var sub = new TbWriter(dir, new TbWriterOptions
            {
                FlushInterval = _options.FlushInterval,
                MaxQueue = _options.MaxQueue,
                FilenameSuffix = _options.FilenameSuffix,
                GlobalStep = GlobalStep,
            }, _openFile);
            _subWriters[relativeDirectory] = sub;
            return sub;
        }
    }

    /// <summary>
    /// A barrier: every event added before the call is in the file and on disk when it returns.
    /// </summary>
    /// <exception cref="TbWriterException">Writing failed, now or in the background; the events are kept and retried.</exception>
    public void Flush()
    {
        _file.Flush();
        foreach (var sub in SubWriters())
        {
            sub.Flush();
        }
    }

    private TbWriter[] SubWriters()
    {
        lock (_gate)
        {
            return _subWriters.Values.ToArray();
        }
    }

    /// <summary>
    /// Writes every pending event, flushes the file to disk and closes it. Safe to call twice.
    /// When events cannot be written (a full disk, a deleted file), it throws and the writer stays
    /// open, keeping them: a later <see cref="Close"/> or <see cref="Flush"/> retries, values added in
    /// between are accepted and follow them, and the last close of all (module unload, process exit)
    /// saves whatever still cannot be written to a recovery event file.
    /// </summary>
    /// <exception cref="TbWriterException">
    /// Events could not be written (the writer stays open with them), or a background write had failed
    /// earlier and the retry at close wrote everything (the writer is closed).
    /// </exception>
    public void Close()
    {
        if (!_file.TryBeginClose())
        {
            return;
        }
        // Let what feeds this writer (model hooks, say) write its last values first.
        try
        {
            Closing?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failing listener must not stop the close; what it could not write is its own error.
        }

        Exception? backgroundError = _file.Stop();
        TbWriterException? subError = null;
        foreach (var sub in SubWriters())
        {
            try
            {
                sub.Close();
            }
            catch (TbWriterException e)
            {
                subError ??= e;
            }
        }
        Exception? writeError = _file.WriteRemaining();
        var openSub = SubWriters().FirstOrDefault(s => !s.IsClosed);
        if ((writeError is not null && Pending > 0) || openSub is not null)
        {
            // Keep everything: the writer stays open, so the next close (or flush) retries.
            _file.Reopen();
            throw new TbWriterException(writeError is not null
                ? $"Closing the writer of '{Path}' failed: {writeError.Message} {Pending} events could not be written. " +
                  StaysOpen
                : $"Closing the writer of '{Path}' failed at its sub-run '{openSub!.LogDir}': " +
                  $"{(subError is null ? "" : RootCause(subError).Message + " ")}{openSub.Pending} events of the sub-run could not be written. " +
                  StaysOpen,
                writeError ?? subError);
        }

        Exception? closeError = _file.CloseFile();
        WriterRegistry.Remove(this);
        if (writeError is not null)
        {
            // Nothing was waiting (a flush to disk failed, or the file was deleted): nothing to keep open for.
            throw new TbWriterException(
                $"Closing the writer of '{Path}' failed: {writeError.Message} No events were waiting to be written; the writer is closed.", writeError);
        }
        if (closeError is not null)
        {
            throw new TbWriterException(
                $"Closing '{Path}' failed ({closeError.Message}) after every event had been written and flushed to disk.", closeError);
        }
        if ((backgroundError ?? subError) is { } earlier)
        {
            throw new TbWriterException(
                $"Writing to '{Path}' failed in the background earlier ({earlier.Message}); the retry at close wrote every event.", earlier);
        }
    }

    private const string StaysOpen =
        "The writer stays open and keeps them: closing it again (Close-TbWriter) or flushing it retries, " +
        "and values added meanwhile follow them. Should the module be removed or the process exit first, " +
        "they are saved to a recovery event file.";

    /// <summary>Same as <see cref="Close"/>; throws as it does, and a writer whose close failed stays open.</summary>
    public void Dispose() => Close();

    /// <summary>
    /// The last close (module unload, process exit, a cmdlet closing the writer it opened itself):
    /// closes the writer, and when that fails saves the events that could not be written, its
    /// sub-runs' included, to recovery event files and closes it for good. Never throws for a write
    /// failure; each failure is added to <paramref name="errors"/> with a message that says where the
    /// events went (<see cref="TbWriterException.RecoveryPath"/>).
    /// </summary>
    internal void CloseOrRecover(List<Exception> errors)
    {
        TbWriterException failure;
        try
        {
            Close();
            return;
        }
        catch (TbWriterException e)
        {
            failure = e;
        }
        if (IsClosed)
        {
            errors.Add(failure); // everything was written; the error tells of an earlier failure
            return;
        }
        foreach (var sub in SubWriters())
        {
            sub.CloseOrRecover(errors);
        }
        var outcome = _file.Recover();
        WriterRegistry.Remove(this);
        string cause = RootCause(failure).Message;
        string message;
        if (outcome.Events == 0)
        {
            message = $"Closing the writer of '{Path}' failed ({cause}); it had no unwritten events of its own and is now closed.";
        }
        else if (outcome.Path is null)
        {
            message = $"Closing the writer of '{Path}' failed: {cause} Its {outcome.Events} unwritten events are LOST: " +
                      $"no recovery event file could be written ({string.Join("; ", outcome.Failures)}).";
        }
        else if (outcome.Failures.Count == 0)
        {
            message = $"Closing the writer of '{Path}' failed: {cause} Its {outcome.Events} unwritten events were saved to the " +
                      $"recovery event file '{outcome.Path}' in the run folder, where TensorBoard and Get-TbEvent read them as part of the run.";
        }
        else
        {
            message = $"Closing the writer of '{Path}' failed: {cause} The run folder could not be written ({outcome.Failures[0]}), " +
                      $"so its {outcome.Events} unwritten events were saved to the recovery event file '{outcome.Path}' in the temp folder; " +
                      $"move it into '{LogDir}' to have them read as part of the run.";
        }
        errors.Add(new TbWriterException(message, failure) { RecoveryPath = outcome.Path });
    }

    // The failure itself, under the messages that wrap it (which say what a retry does: not what we want to repeat).
    private static Exception RootCause(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    /// <summary>Closes every open writer of this process (module unload, process exit). Never throws.</summary>
    /// <returns>The errors of writers that could not write everything.</returns>
    public static IReadOnlyList<Exception> CloseAll() => WriterRegistry.CloseAll();

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>
    /// True when <paramref name="tag"/> cannot name a series: null, empty, or only white space (which
    /// TensorBoard would show as a blank name). Every writer and cmdlet refuses such a tag.
    /// </summary>
    public static bool IsBlankTag(string? tag) => string.IsNullOrWhiteSpace(tag);

    private static void CheckTag(string? tag, string parameterName)
    {
        if (IsBlankTag(tag))
        {
            throw new ArgumentException("A tag must not be empty or only white space.", parameterName);
        }
    }

    private static double CheckWallTime(TbTimestamp? wallTime)
    {
        if (wallTime is null)
        {
            return TbTimestamp.Now.UnixSeconds;
        }
        double seconds = wallTime.Value.UnixSeconds;
        if (!double.IsFinite(seconds) || seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(wallTime), seconds, "A wall time must be a finite time after 1970-01-01.");
        }
        return seconds;
    }
}
