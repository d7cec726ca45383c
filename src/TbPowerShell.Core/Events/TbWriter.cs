using System.Runtime.ExceptionServices;
using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Events;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell;

/// <summary>
/// Writes one TensorBoard event file. Callers encode events into a pending buffer; a background
/// thread writes it every <see cref="TbWriterOptions.FlushInterval"/>, or as soon as
/// <see cref="TbWriterOptions.MaxQueue"/> events are pending. The file is opened once and stays
/// readable by others. A failure in the background is thrown at the next call (or by
/// <see cref="Close"/>), and the events it could not write are kept and retried.
/// Thread-safe.
/// </summary>
public sealed class TbWriter : IDisposable
{
    /// <summary>The <c>source_metadata.writer</c> recorded in every file.</summary>
    public const string WriterName = "tbpowershell";

    private const string FileVersion = "brain.Event:2";

    // The caller blocks while this many bytes wait for the background thread (bounded memory).
    private const int MaxPendingBytes = 64 * 1024 * 1024;

    private static readonly object s_registryGate = new();
    private static readonly HashSet<TbWriter> s_open = new();
    private static bool s_exitHooked;

    private readonly object _gate = new();      // pending buffer, counters, state
    private readonly object _fileLock = new();  // file I/O, in order
    private readonly Func<string, Stream> _openFile;
    private readonly Thread _thread;
    private readonly TbWriterOptions _options;
    private PendingBuffer _pending = new();
    private PendingBuffer _spare = new();
    private int _pendingEvents;
    private int _inFlightEvents;
    private long _eventsWritten;
    private long _globalStep;
    private bool _writeRequested;
    private bool _closed;
    private bool _closing;
    private ExceptionDispatchInfo? _fault;
    private Stream? _file;
    private string _path;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _feedErrors = new();
    private readonly HashSet<string> _tagsWithMetadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TbWriter> _subWriters = new(StringComparer.Ordinal);
    private readonly List<string> _groupedScalarTags = new();
    private bool _groupedScalarTagsLoaded;

    /// <summary>Opens a new event file in <paramref name="logDir"/> (created if missing).</summary>
    public TbWriter(string logDir, TbWriterOptions? options = null)
        : this(logDir, options, OpenEventFile)
    {
    }

    internal TbWriter(string logDir, TbWriterOptions? options, Func<string, Stream> openFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        _options = options ?? new TbWriterOptions();
        _options.Validate();
        _openFile = openFile;
        LogDir = System.IO.Path.GetFullPath(logDir);
        _globalStep = _options.GlobalStep;

        _file = CreateFile(out _path);
        if (_options.PurgeStep is long purge)
        {
            // What PyTorch writes for purge_step: a file_version event and a SessionLog START,
            // both at the purge step; TensorBoard drops earlier sessions' values from that step on.
            AddEvent(new Event { WallTime = TbTimestamp.Now.UnixSeconds, Step = purge, FileVersion = FileVersion });
            AddEvent(new Event
            {
                WallTime = TbTimestamp.Now.UnixSeconds,
                Step = purge,
                SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start },
            });
        }

        _thread = new Thread(BackgroundLoop) { IsBackground = true, Name = "TbWriter " + System.IO.Path.GetFileName(_path) };
        _thread.Start();
        Register(this);
    }

    /// <summary>The run directory (full path).</summary>
    public string LogDir { get; }

    /// <summary>The event file being written (full path).</summary>
    public string Path
    {
        get
        {
            lock (_gate)
            {
                return _path;
            }
        }
    }

    /// <summary>Events written to the file so far (the first <c>file_version</c> event not counted).</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Events accepted but not yet written to the file.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pendingEvents + _inFlightEvents;
            }
        }
    }

    /// <summary>The step used when a value is added without one. Set it, or advance it with <see cref="NextStep"/>.</summary>
    public long GlobalStep
    {
        get => Interlocked.Read(ref _globalStep);
        set => Interlocked.Exchange(ref _globalStep, value);
    }

    /// <summary>True once <see cref="Close"/> has been called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Raised once when <see cref="Close"/> starts, before the last write: whatever feeds the writer
    /// from elsewhere (model hooks) adds its last values and detaches. The writer is still open.
    /// </summary>
    public event EventHandler? Closing;

    /// <summary>
    /// Reports a failure of something that feeds this writer from another thread (a model hook):
    /// it is handed to the next caller of <see cref="TakeFeedErrors"/> (the next cmdlet call, or close).
    /// </summary>
    public void ReportFeedError(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _feedErrors.Enqueue(error);
    }

    /// <summary>The failures reported with <see cref="ReportFeedError"/> since the last call; each is handed out once.</summary>
    public IReadOnlyList<Exception> TakeFeedErrors()
    {
        if (_feedErrors.IsEmpty)
        {
            return Array.Empty<Exception>(); // the common case, on every cmdlet call: no allocation
        }
        var taken = new List<Exception>();
        while (_feedErrors.TryDequeue(out var e))
        {
            taken.Add(e);
        }
        return taken;
    }

    /// <summary>The background write interval.</summary>
    public TimeSpan FlushInterval => _options.FlushInterval;

    /// <summary>Pending events that trigger a background write.</summary>
    public int MaxQueue => _options.MaxQueue;

    /// <summary>Adds <paramref name="by"/> to <see cref="GlobalStep"/> and returns the new step.</summary>
    public long NextStep(long by = 1) => Interlocked.Add(ref _globalStep, by);

    /// <summary>Every writer of this process that is still open.</summary>
    public static IReadOnlyList<TbWriter> OpenWriters
    {
        get
        {
            lock (s_registryGate)
            {
                return s_open.ToArray();
            }
        }
    }

    /// <summary>
    /// Logs a scalar as PyTorch's <c>add_scalar</c> does (a float32 <c>simple_value</c>).
    /// </summary>
    /// <param name="tag">The series name; not empty.</param>
    /// <param name="value">The value; stored as float32 (NaN, infinities and -0.0 kept).</param>
    /// <param name="step">The step; <see cref="GlobalStep"/> when null.</param>
    /// <param name="wallTime">The time; now when null.</param>
    public void AddScalar(string tag, double value, long? step = null, TbTimestamp? wallTime = null)
    {
        if (string.IsNullOrEmpty(tag))
        {
            throw new ArgumentException("A tag must not be empty.", nameof(tag));
        }
        double seconds = CheckWallTime(wallTime);
        long s = step ?? GlobalStep;
        int tagBytes = Encoding.UTF8.GetByteCount(tag);
        int payloadSize = ScalarEventEncoder.PayloadSize(tagBytes, seconds, s);
        lock (_gate)
        {
            BeforeAppend();
            var span = _pending.GetSpan(payloadSize + TfRecord.Overhead);
            ScalarEventEncoder.Write(span.Slice(TfRecord.HeaderSize), tag, tagBytes, seconds, s, (float)value);
            Frame(span, payloadSize);
            AfterAppend(payloadSize + TfRecord.Overhead);
        }
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
        int size = e.CalculateSize();
        lock (_gate)
        {
            BeforeAppend();
            var span = _pending.GetSpan(size + TfRecord.Overhead);
            e.WriteTo(span.Slice(TfRecord.HeaderSize, size));
            Frame(span, size);
            AfterAppend(size + TfRecord.Overhead);
        }
    }

    /// <summary>
    /// Logs one summary value. Plugin metadata is written with the first value of each tag only,
    /// as TensorBoard reads it from there (later copies are dropped to save space); a value that is
    /// only metadata (hparams writes these) keeps it.
    /// </summary>
    public void AddValue(Summary.Types.Value value, long? step = null, TbTimestamp? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrEmpty(value.Tag))
        {
            throw new ArgumentException("A tag must not be empty.", nameof(value));
        }
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
    /// Several named series at one step. By default as PyTorch's <c>add_scalars</c>: each series
    /// in its own sub-run <c>&lt;LogDir&gt;/&lt;mainTag with '/' as '_'&gt;_&lt;name&gt;</c> under the tag
    /// <paramref name="mainTag"/>. With <paramref name="oneRun"/>: every series in this run as
    /// <c>&lt;mainTag&gt;/&lt;name&gt;</c>, drawn together in one custom-scalars chart.
    /// </summary>
    public void AddScalars(string mainTag, IEnumerable<KeyValuePair<string, double>> values, long? step = null,
                           TbTimestamp? wallTime = null, bool oneRun = false)
    {
        if (string.IsNullOrEmpty(mainTag))
        {
            throw new ArgumentException("A tag must not be empty.", nameof(mainTag));
        }
        ArgumentNullException.ThrowIfNull(values);
        var time = wallTime ?? TbTimestamp.Now;
        long s = step ?? GlobalStep;
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"A series of '{mainTag}' has an empty name.", nameof(values));
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
        if (oneRun)
        {
            bool isNew;
            Layout layout;
            if (!_groupedScalarTagsLoaded)
            {
                // Charts an earlier writer on this run drew: TensorBoard reads the run's last layout only.
                var existing = CustomScalarLayouts.ReadGroupedTags(LogDir, Path);
                lock (_gate)
                {
                    foreach (string tag in existing)
                    {
                        if (!_groupedScalarTags.Contains(tag))
                        {
                            _groupedScalarTags.Add(tag);
                        }
                    }
                    _groupedScalarTagsLoaded = true;
                }
            }
            lock (_gate)
            {
                isNew = !_groupedScalarTags.Contains(mainTag);
                if (isNew)
                {
                    _groupedScalarTags.Add(mainTag);
                }
                layout = CustomScalarLayouts.ForGroupedScalars(_groupedScalarTags);
            }
            if (isNew)
            {
                // TensorBoard reads the run's last layout: write all charts so far, at step 0.
                AddValue(SummaryValues.CustomScalarsLayout(layout), 0, time);
            }
        }
    }

    /// <summary>
    /// The writer of a sub-directory of this run (opened on first use with the same options),
    /// flushed and closed with this one.
    /// </summary>
    public TbWriter SubWriter(string relativeDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeDirectory);
        lock (_gate)
        {
            ThrowIfClosed();
            if (_subWriters.TryGetValue(relativeDirectory, out var existing))
            {
                return existing;
            }
            string dir = System.IO.Path.GetFullPath(System.IO.Path.Combine(LogDir, relativeDirectory));
            string relative = System.IO.Path.GetRelativePath(LogDir, dir);
            if (System.IO.Path.IsPathRooted(relativeDirectory) || relative == "." || relative == ".."
                || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The sub-run '{relativeDirectory}' is not a folder inside '{LogDir}'.", nameof(relativeDirectory));
            }
            var sub = new TbWriter(dir, new TbWriterOptions
            {
                FlushInterval = _options.FlushInterval,
                MaxQueue = _options.MaxQueue,
                FilenameSuffix = _options.FilenameSuffix,
                GlobalStep = GlobalStep,
            }, _openFile);
            _subWriters.Add(relativeDirectory, sub);
            return sub;
        }
    }

    /// <summary>
    /// A barrier: every event added before the call is in the file and on disk when it returns.
    /// </summary>
    /// <exception cref="TbWriterException">Writing failed, now or in the background; the events are kept and retried.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            ThrowIfFaulted();
        }
        try
        {
            WriteOut(toDisk: true);
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not TbWriterException)
        {
            // Report a failure of this call like a background one: as a TbWriterException that
            // names the file and says the events are kept (WriteOut put them back in the queue).
            string path;
            int kept;
            lock (_gate)
            {
                path = _path;
                kept = _pendingEvents;
            }
            throw new TbWriterException(
                $"Writing to '{path}' failed: {e.Message} {kept} events are kept and will be retried.", e);
        }
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
    /// Throws when events could not be written (they were not silently dropped).
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed || _closing)
            {
                return;
            }
            _closing = true;
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

        ExceptionDispatchInfo? fault;
        lock (_gate)
        {
            _closed = true;
            fault = _fault;
            _fault = null;
            Monitor.PulseAll(_gate);
        }
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        Exception? error = fault?.SourceException;
        foreach (var sub in SubWriters())
        {
            try
            {
                sub.Close();
            }
            catch (TbWriterException e)
            {
                error ??= e;
            }
        }
        try
        {
            WriteOut(toDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error ??= e;
        }
        finally
        {
            lock (_fileLock)
            {
                try
                {
                    _file?.Dispose();
                }
                catch (IOException e)
                {
                    error ??= e;
                }
                _file = null;
            }
            Unregister(this);
        }
        if (error is not null)
        {
            int lost = Pending;
            throw new TbWriterException(lost > 0
                ? $"Closing the writer of '{Path}' failed: {error.Message} {lost} events could not be written."
                : $"Writing to '{Path}' failed in the background earlier ({error.Message}); the retry at close wrote every event.", error);
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>Closes every open writer of this process (module unload, process exit). Never throws.</summary>
    /// <returns>The errors of writers that could not write everything.</returns>
    public static IReadOnlyList<Exception> CloseAll()
    {
        var errors = new List<Exception>();
        foreach (var writer in OpenWriters)
        {
            try
            {
                writer.Close();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        return errors;
    }

    /// <inheritdoc />
    public override string ToString() => Path;

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

    private static void Frame(Span<byte> record, int payloadSize)
    {
        TfRecord.WriteHeader(payloadSize, record);
        TfRecord.WriteFooter(record.Slice(TfRecord.HeaderSize, payloadSize), record.Slice(TfRecord.HeaderSize + payloadSize));
    }

    // Called under _gate. A stored background failure is reported after the new event is
    // queued (AfterAppend), so the call that hears of it loses nothing either.
    private void BeforeAppend()
    {
        ThrowIfClosed();
        while (_pending.Length > MaxPendingBytes && !_closed && _fault is null)
        {
            _writeRequested = true;
            Monitor.PulseAll(_gate);
            Monitor.Wait(_gate, 100);
        }
        ThrowIfClosed();
    }

    // Called under _gate, after one framed record was appended.
    private void AfterAppend(int recordSize)
    {
        _pending.Advance(recordSize);
        _pendingEvents++;
        if (_pendingEvents >= _options.MaxQueue && !_writeRequested)
        {
            _writeRequested = true;
            Monitor.Pulse(_gate);
        }
        ThrowIfFaulted();
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new TbWriterClosedException(_path);
        }
    }

    private void ThrowIfFaulted()
    {
        var fault = _fault;
        if (fault is null)
        {
            return;
        }
        // Reported once; the events are still pending and the next write retries them.
        _fault = null;
        throw new TbWriterException(
            $"Writing to '{_path}' failed in the background: {fault.SourceException.Message} " +
            $"The {_pendingEvents} events not yet written (this call's included) are kept and will be retried.", fault.SourceException);
    }

    private void BackgroundLoop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_writeRequested && !_closed)
                {
                    if (!Monitor.Wait(_gate, _options.FlushInterval))
                    {
                        break; // interval elapsed
                    }
                }
                if (_closed)
                {
                    return;
                }
                _writeRequested = false;
                if (_fault is not null)
                {
                    continue; // wait for the user to hear about it before retrying
                }
            }
            try
            {
                WriteOut(toDisk: false);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _fault = ExceptionDispatchInfo.Capture(e);
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Writes the pending events in order; on failure they go back to the front of the queue.</summary>
    private void WriteOut(bool toDisk)
    {
        lock (_fileLock)
        {
            PendingBuffer batch;
            int count;
            lock (_gate)
            {
                count = _pendingEvents;
                if (_pending.Length == 0 && !toDisk)
                {
                    return;
                }
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                _pendingEvents = 0;
                _inFlightEvents = count;
                Monitor.PulseAll(_gate);
            }

            long start = -1;
            try
            {
                if (batch.Length > 0 || toDisk)
                {
                    var file = EnsureFile();
                    start = file.Position;
                    file.Write(batch.Span);
                    if (toDisk && file is FileStream fs)
                    {
                        fs.Flush(flushToDisk: true);
                    }
                    else
                    {
                        file.Flush();
                    }
                }
            }
            catch (Exception)
            {
                TryCutBack(start);
                lock (_gate)
                {
                    _pending.Prepend(batch.Span);
                    _pendingEvents += count;
                    _inFlightEvents = 0;
                }
                batch.Clear();
                throw;
            }

            lock (_gate)
            {
                _eventsWritten += count;
                _inFlightEvents = 0;
            }
            batch.Clear();
        }
    }

    /// <summary>The open file, or a new one when the old one vanished (its directory deleted, say).</summary>
    private Stream EnsureFile()
    {
        if (_file is not null && File.Exists(_path))
        {
            return _file;
        }
        if (_file is not null)
        {
            string lost = _path;
            try
            {
                _file.Dispose();
            }
            catch (IOException)
            {
                // the file is gone already
            }
            _file = null;
            throw new TbWriterException(
                $"The event file '{lost}' was deleted (or its directory was) while it was being written; " +
                "the events written to it before are gone. Later events go to a new file in the same directory.");
        }
        var file = CreateFile(out string path);
        lock (_gate)
        {
            _path = path;
        }
        _file = file;
        return file;
    }

    private void TryCutBack(long start)
    {
        if (start < 0 || _file is null)
        {
            return;
        }
        try
        {
            // Remove a partly written batch, so the retry does not leave a damaged record behind.
            _file.SetLength(start);
            _file.Position = start;
        }
        catch (Exception)
        {
            // the reader resynchronises past a partial record anyway
        }
    }

    private Stream CreateFile(out string path)
    {
        Directory.CreateDirectory(LogDir);
        while (true)
        {
            path = System.IO.Path.Combine(LogDir, EventFileName.Next(DateTimeOffset.UtcNow, _options.FilenameSuffix));
            Stream stream;
            try
            {
                stream = _openFile(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue; // another process took the name: take the next counter
            }
            var header = new Event
            {
                WallTime = TbTimestamp.Now.UnixSeconds,
                FileVersion = FileVersion,
                SourceMetadata = new SourceMetadata { Writer = WriterName },
            };
            byte[] payload = header.ToByteArray();
            var record = new byte[payload.Length + TfRecord.Overhead];
            TfRecord.Write(payload, record);
            stream.Write(record);
            stream.Flush();
            return stream;
        }
    }

    private static Stream OpenEventFile(string path) =>
        new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        });

    private static void Register(TbWriter writer)
    {
        lock (s_registryGate)
        {
            s_open.Add(writer);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseAll();
            }
        }
    }

    private static void Unregister(TbWriter writer)
    {
        lock (s_registryGate)
        {
            s_open.Remove(writer);
        }
    }
}
