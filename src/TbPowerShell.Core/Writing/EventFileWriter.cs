using System.Runtime.ExceptionServices;
using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Writing;

/// <summary>
/// One event file being written: callers frame records into a pending buffer; a background thread
/// writes it every <see cref="TbWriterOptions.FlushInterval"/>, or as soon as
/// <see cref="TbWriterOptions.MaxQueue"/> records are pending. A failure in the background is thrown
/// at the next call, and the records it could not write go back to the front of the queue to be
/// retried. A close that cannot write everything leaves the writer open with what it kept
/// (<see cref="Reopen"/>), and the last close of all saves it to a recovery file (<see cref="Recover"/>).
/// Knows nothing of runs, tags or summaries. Thread-safe.
/// </summary>
internal sealed class EventFileWriter
{
    /// <summary>The <c>file_version</c> of the first record of every event file.</summary>
    internal const string FileVersion = "brain.Event:2";

    // The caller blocks while this many bytes wait for the background thread (bounded memory).
    private const int MaxPendingBytes = 64 * 1024 * 1024;

    private readonly object _gate = new();      // pending buffer, counters, state
    private readonly object _fileLock = new();  // file I/O, in order
    private readonly Func<string, Stream> _openFile;
    private Thread _thread; // a new one when a failed close reopens the writer
    private readonly TbWriterOptions _options;
    private readonly string _logDir;
    private readonly string _writerName;
    private PendingBuffer _pending = new();
    private PendingBuffer _spare = new();
    private int _pendingEvents;
    private int _inFlightEvents;
    private long _eventsWritten;
    private bool _writeRequested;
    private bool _closed;
    private bool _closing;
    private ExceptionDispatchInfo? _fault;
    private Stream? _file;
    private string _path;

    /// <summary>Creates the first file in <paramref name="logDir"/> and starts the background thread.</summary>
    public EventFileWriter(string logDir, TbWriterOptions options, string writerName, Func<string, Stream> openFile)
    {
        _logDir = logDir;
        _options = options;
        _writerName = writerName;
        _openFile = openFile;
        _file = CreateFile(out _path);
        _thread = NewBackgroundThread();
    }

    /// <summary>Starts writing in the background; records appended before it wait for the first write.</summary>
    public void Start() => _thread.Start();

    /// <summary>The event file being written (full path); a new one when the old one vanished.</summary>
    public string FilePath
    {
        get
        {
            lock (_gate)
            {
                return _path;
            }
        }
    }

    /// <summary>Records written to the file so far (the first <c>file_version</c> record not counted).</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Records accepted but not yet written to the file.</summary>
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

    /// <summary>True once closing has stopped the writer: nothing more is accepted.</summary>
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

    /// <summary>Queues a plain scalar event, encoded straight into the pending buffer.</summary>
    public void AppendScalar(string tag, int tagBytes, double seconds, long step, float value)
    {
        int payloadSize = ScalarEventEncoder.PayloadSize(tagBytes, seconds, step);
        lock (_gate)
        {
            BeforeAppend();
            var span = _pending.GetSpan(payloadSize + TfRecord.Overhead);
            ScalarEventEncoder.Write(span.Slice(TfRecord.HeaderSize), tag, tagBytes, seconds, step, value);
            Frame(span, payloadSize);
            AfterAppend(payloadSize + TfRecord.Overhead);
        }
    }

    /// <summary>Queues any event.</summary>
    public void AppendEvent(Event e)
    {
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

    /// <summary>Throws <see cref="TbWriterClosedException"/> once closing has stopped the writer.</summary>
    public void ThrowIfClosed()
    {
        lock (_gate)
        {
            ThrowIfClosedLocked();
        }
    }

    /// <summary>
    /// A barrier: every record appended before the call is in the file and on disk when it returns.
    /// </summary>
    /// <exception cref="TbWriterException">Writing failed, now or in the background; the records are kept and retried.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfClosedLocked();
            ThrowIfFaulted();
        }
        try
        {
            WriteOut(toDisk: true);
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not TbWriterException)
        {
            // Report a failure of this call like a background one: as a TbWriterException that
            // names the file and says the records are kept (WriteOut put them back in the queue).
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
    }

    /// <summary>Marks the writer as closing; false when it is closing or closed already (close once).</summary>
    public bool TryBeginClose()
    {
        lock (_gate)
        {
            if (_closed || _closing)
            {
                return false;
            }
            _closing = true;
            return true;
        }
    }

    /// <summary>
    /// Stops accepting records and stops the background thread; returns the background failure not yet
    /// reported, if any. The pending records stay for <see cref="WriteRemaining"/>.
    /// </summary>
    public Exception? Stop()
    {
        ExceptionDispatchInfo? fault;
        Thread thread;
        lock (_gate)
        {
            _closed = true;
            fault = _fault;
            _fault = null;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }
        if (Thread.CurrentThread != thread && thread.IsAlive)
        {
            thread.Join();
        }
        return fault?.SourceException;
    }

    /// <summary>Writes every pending record and flushes the file to disk; returns the failure (the records are kept).</summary>
    public Exception? WriteRemaining()
    {
        try
        {
            WriteOut(toDisk: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e;
        }
    }

    /// <summary>Closes the file once <see cref="WriteRemaining"/> wrote everything; returns a failure to close it.</summary>
    public Exception? CloseFile()
    {
        lock (_fileLock)
        {
            if (_file is StoreWriteStream store)
            {
                try
                {
                    store.FlushToStore();
                }
                catch (IOException e)
                {
                    return e; // the stream keeps its unsent bytes: a retry, or Recover, still has them
                }
            }
            try
            {
                _file?.Dispose();
                return null;
            }
            catch (IOException e)
            {
                return e;
            }
            finally
            {
                _file = null;
            }
        }
    }

    /// <summary>
    /// After a close that could not write everything: accepts records again and restarts the background
    /// thread, so that the kept records are retried by the next write, flush or close.
    /// </summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _closed = false;
            _closing = false;
            _thread = NewBackgroundThread();
            _thread.Start();
        }
    }

    /// <summary>
    /// The last close of all, after <see cref="TbWriter.Close"/> failed: stops the writer for good and
    /// saves the pending records to a recovery event file, in the run folder if it can be written,
    /// else in the temp folder. Never throws for an I/O failure: the outcome says what happened.
    /// </summary>
    public RecoveryOutcome Recover()
    {
        lock (_gate)
        {
            _closing = true;
        }
        Stop();
        lock (_fileLock)
        {
            // Bytes a store stream could not send are records the writer counted as written: they are saved too.
            byte[] unsent = [];
            if (_file is StoreWriteStream store)
            {
                try
                {
                    store.FlushToStore();
                }
                catch (IOException)
                {
                    unsent = store.TakeUnsent();
                }
            }
            try
            {
                _file?.Dispose();
            }
            catch (IOException)
            {
                // the file failed already; what it holds stays as it is
            }
            _file = null;

            byte[] records;
            int count;
            string fileName;
            lock (_gate)
            {
                records = [.. unsent, .. _pending.Span];
                count = _pendingEvents + TfRecord.Count(unsent);
                fileName = LogLocation.FileName(_path);
            }
            if (count == 0)
            {
                return new RecoveryOutcome(0, null, Array.Empty<string>());
            }
            var failures = new List<string>();
            // In a store, the run folder is what just failed: the recovery file goes to the local temp folder.
            foreach (string folder in LogLocation.IsStore(_logDir) ? [RecoveryTempFolder(_logDir)] : new[] { _logDir, RecoveryTempFolder(_logDir) })
            {
                try
                {
                    string path = WriteRecoveryFile(folder, fileName, records);
                    lock (_gate)
                    {
                        _pending.Clear();
                        _pendingEvents = 0;
                    }
                    return new RecoveryOutcome(count, path, failures);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures.Add($"'{folder}': {e.Message}");
                }
            }
            return new RecoveryOutcome(count, null, failures);
        }
    }

    /// <summary>
    /// Where a run's recovery files go when the run folder cannot be written:
    /// <c>&lt;temp&gt;/tbpowershell-recovered-&lt;user&gt;/&lt;run folder name&gt;-&lt;hash of its path&gt;</c>.
    /// One folder per user, since /tmp is shared and a folder another user made is not ours to write;
    /// one per run, so that the folder reads as that run and runs of one name do not mix.
    /// </summary>
    internal static string RecoveryTempFolder(string logDir)
    {
        string full = LogLocation.IsStore(logDir) ? LogLocation.Full(logDir) : Path.TrimEndingDirectorySeparator(Path.GetFullPath(logDir));
        string name = LogLocation.FileName(full);
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(full));
        return Path.Combine(RecoveryTempRoot,
            (string.IsNullOrEmpty(name) ? "run" : name) + "-" + Convert.ToHexString(hash.AsSpan(0, 4)).ToLowerInvariant());
    }

    private static string RecoveryTempRoot
    {
        get
        {
            string user = string.Concat(Environment.UserName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
            return Path.Combine(Path.GetTempPath(), "tbpowershell-recovered-" + (user.Length == 0 ? "user" : user));
        }
    }

    /// <summary>The suffix of a recovery file: the event file's name and this, so it still names an event file of the run.</summary>
    internal const string RecoverySuffix = ".recovered";

    // <event file name>.recovered (then .recovered2, ...): it still contains "tfevents", so TensorBoard
    // and our reader read it as an event file of the run, and it sorts right after the file it continues.
    private string WriteRecoveryFile(string folder, string eventFileName, byte[] records)
    {
        if (!OperatingSystem.IsWindows() && Path.GetDirectoryName(folder) == RecoveryTempRoot && !Directory.Exists(RecoveryTempRoot))
        {
            // In a shared temp folder, the user's values are for the user's eyes only.
            Directory.CreateDirectory(RecoveryTempRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.CreateDirectory(folder);
        for (int n = 1; ; n++)
        {
            string path = Path.Combine(folder, eventFileName + RecoverySuffix + (n == 1 ? "" : n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            FileStream stream;
            try
            {
                stream = (FileStream)OpenEventFile(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }
            try
            {
                stream.Write(HeaderRecord(_writerName));
                stream.Write(records);
                stream.Flush(flushToDisk: true);
                stream.Dispose();
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stream.Dispose();
                try
                {
                    File.Delete(path); // a partial recovery file would only mislead
                }
                catch (Exception deleteError) when (deleteError is IOException or UnauthorizedAccessException)
                {
                    // the next folder is tried anyway
                }
                throw;
            }
        }
    }

    private Thread NewBackgroundThread() =>
        new(BackgroundLoop) { IsBackground = true, Name = "TbWriter " + LogLocation.FileName(_path) };

    private static void Frame(Span<byte> record, int payloadSize)
    {
        TfRecord.WriteHeader(payloadSize, record);
        TfRecord.WriteFooter(record.Slice(TfRecord.HeaderSize, payloadSize), record.Slice(TfRecord.HeaderSize + payloadSize));
    }

    // Called under _gate. A stored background failure is reported after the new record is
    // queued (AfterAppend), so the call that hears of it loses nothing either.
    private void BeforeAppend()
    {
        ThrowIfClosedLocked();
        while (_pending.Length > MaxPendingBytes && !_closed && _fault is null)
        {
            _writeRequested = true;
            Monitor.PulseAll(_gate);
            Monitor.Wait(_gate, 100);
        }
        ThrowIfClosedLocked();
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

    private void ThrowIfClosedLocked()
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
        // Reported once; the records are still pending and the next write retries them.
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

    /// <summary>Writes the pending records in order; on failure they go back to the front of the queue.</summary>
    private void WriteOut(bool toDisk)
    {
        lock (_fileLock)
        {
            PendingBuffer batch;
            int count;
            lock (_gate)
            {
                count = _pendingEvents;
                if (_pending.Length == 0 && !toDisk && _file is not StoreWriteStream { Due: true })
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
                    else if (toDisk && file is StoreWriteStream store)
                    {
                        store.FlushToStore();
                    }
                    else
                    {
                        file.Flush(); // a store stream sends when enough has waited, or long enough
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
            RollIfFull();
        }
    }

    /// <summary>
    /// An object in a store that reached the store's limits (Azure's 50,000 appends, the size an S3 object is rewritten
    /// up to) is finished and the next records go to a new event file, whose name sorts after it.
    /// </summary>
    private void RollIfFull()
    {
        if (_file is StoreWriteStream { Full: true } full)
        {
            full.FlushToStore();
            full.Dispose();
            _file = null;
        }
    }

    /// <summary>The open file, or a new one when the old one vanished (its directory deleted, say).</summary>
    private Stream EnsureFile()
    {
        if (_file is StoreWriteStream || (_file is not null && File.Exists(_path)))
        {
            return _file; // an object in a store is not looked for: a deleted one is written again whole by S3, or fails the append
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

    /// <exception cref="TbWriterCreateException">The directory, or the file in it, cannot be created: the message names which.</exception>
    private Stream CreateFile(out string path)
    {
        bool inStore = LogLocation.IsStore(_logDir);
        try
        {
            if (!inStore)
            {
                Directory.CreateDirectory(_logDir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TbWriterCreateException("log directory", _logDir, e);
        }
        while (true)
        {
            path = LogLocation.Combine(_logDir, EventFileName.Next(DateTimeOffset.UtcNow, _options.FilenameSuffix));
            Stream stream;
            try
            {
                stream = _openFile(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue; // another process took the name: take the next counter
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The directory exists: name the file, so the user does not look for a problem with the folder.
                throw new TbWriterCreateException("event file", path, e);
            }
            stream.Write(HeaderRecord(_writerName));
            if (stream is StoreWriteStream store)
            {
                try
                {
                    // In the store at once, as a new file is on disk: a missing bucket or refused credentials
                    // are reported by the call that opens the writer, not by a later background write.
                    store.FlushToStore();
                }
                catch (StoreException e)
                {
                    throw new TbWriterCreateException(inStore && e.Kind == StoreErrorKind.ContainerNotFound ? "log directory" : "event file",
                        e.Kind == StoreErrorKind.ContainerNotFound ? _logDir : path, e);
                }
            }
            else
            {
                stream.Flush();
            }
            return stream;
        }
    }

    /// <summary>The first record of every event file: <c>file_version</c>, and this library as the writer.</summary>
    private static byte[] HeaderRecord(string writerName)
    {
        var header = new Event
        {
            WallTime = TbTimestamp.Now.UnixSeconds,
            FileVersion = FileVersion,
            SourceMetadata = new SourceMetadata { Writer = writerName },
        };
        byte[] payload = header.ToByteArray();
        var record = new byte[payload.Length + TfRecord.Overhead];
        TfRecord.Write(payload, record);
        return record;
    }

    /// <summary>Opens a new event file as every writer does: created new, shared for reading and deleting, unbuffered.</summary>
    internal static Stream OpenEventFile(string path)
    {
        if (LogLocation.IsStore(path))
        {
            var uri = StoreUri.Parse(path);
            return new StoreWriteStream(ObjectStores.For(uri), uri);
        }
        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        });
    }
}
