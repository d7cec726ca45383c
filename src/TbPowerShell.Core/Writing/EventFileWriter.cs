using System.Runtime.ExceptionServices;
using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Writing;

/// <summary>
/// One event file being written: callers frame records into a pending buffer; a background thread
/// writes it every <see cref="TbWriterOptions.FlushInterval"/>, or as soon as
/// <see cref="TbWriterOptions.MaxQueue"/> records are pending. A failure in the background is thrown
/// at the next call, and the records it could not write go back to the front of the queue to be
/// retried. Knows nothing of runs, tags or summaries. Thread-safe.
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
    private readonly Thread _thread;
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
        _thread = new Thread(BackgroundLoop) { IsBackground = true, Name = "TbWriter " + Path.GetFileName(_path) };
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
    /// reported, if any. The pending records stay for <see cref="WriteRemainingAndClose"/>.
    /// </summary>
    public Exception? Stop()
    {
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
        return fault?.SourceException;
    }

    /// <summary>Writes every pending record, flushes the file to disk and closes it; returns the first failure.</summary>
    public Exception? WriteRemainingAndClose()
    {
        Exception? error = null;
        try
        {
            WriteOut(toDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e;
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
        }
        return error;
    }

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
        Directory.CreateDirectory(_logDir);
        while (true)
        {
            path = Path.Combine(_logDir, EventFileName.Next(DateTimeOffset.UtcNow, _options.FilenameSuffix));
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
                SourceMetadata = new SourceMetadata { Writer = _writerName },
            };
            byte[] payload = header.ToByteArray();
            var record = new byte[payload.Length + TfRecord.Overhead];
            TfRecord.Write(payload, record);
            stream.Write(record);
            stream.Flush();
            return stream;
        }
    }

    /// <summary>Opens a new event file as every writer does: created new, shared for reading and deleting, unbuffered.</summary>
    internal static Stream OpenEventFile(string path) =>
        new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        });
}
