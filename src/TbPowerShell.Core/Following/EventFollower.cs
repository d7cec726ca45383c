using System.Collections;
using Microsoft.Win32.SafeHandles;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Following;

/// <summary>
/// Follows event files as writers append to them, like <c>Get-Content -Wait</c>: first everything
/// that exists (runs by name, the files of a run in name order, one <see cref="RunTagState"/> per
/// run), then, every <see cref="EventFollowerOptions.PollInterval"/>, what was appended to known
/// files, new files in known runs and new runs under the followed directories. Every value comes
/// exactly once and in file order; a record half-written at one look is read once it is complete.
/// A file that is no longer the one read is read again from the start, announced first by a
/// <see cref="ReadItemKind.FileRestarted"/> item: one that became shorter than what was read, or whose
/// first bytes or bytes before where reading got to are not the ones read (renamed over, deleted and
/// made again, rewritten in place). A file with those same bytes goes on where it was (a copy renamed
/// over it, a deleted file put back), so no value ever comes twice without such an item before it.
/// </summary>
/// <remarks>
/// <para>
/// Enumerate it on the thread that consumes the items: <c>MoveNext</c> blocks while there is
/// nothing new and returns false, promptly and without throwing, once the cancellation token is
/// cancelled; that is the only way the enumeration ends. Memory is per file followed (a path, an
/// offset, a length, 64 bytes to recognise it), never per value, and per deleted file up to a few
/// thousand; a file is open only while it is being read. Each call to <see cref="GetEnumerator"/>
/// follows afresh from the start of every file.
/// </para>
/// <para>
/// A file is looked at closely (opened, 64 bytes read) only when its length or modification time
/// changed, or, on Linux, when the path names another file (device, inode, birth time); writers that
/// append see no other difference. So two changes go unnoticed: a rewrite in place with the same
/// length within the file system's clock tick of the last write, and a change that leaves both the
/// first 32 bytes and the 32 bytes before where reading got to as they were. A file rewritten in place
/// while it is being read may give values of both contents before the announcement.
/// </para>
/// </remarks>
public sealed class EventFollower : IEnumerable<FollowItem>
{
    private readonly FollowTarget[] _targets;
    private readonly EventFollowerOptions _options;
    private readonly CancellationToken _cancellation;

    /// <summary>Follows <paramref name="targets"/> (log directories and single files, in this order) until <paramref name="cancellation"/> is cancelled.</summary>
    /// <param name="targets">What to follow; a file reached by two targets is read once, for the first.</param>
    /// <param name="options">Filters, kinds and poll interval; null for the defaults (scalars, every 500 ms).</param>
    /// <param name="cancellation">Ends the enumeration (MoveNext returns false).</param>
    public EventFollower(IEnumerable<FollowTarget> targets, EventFollowerOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = targets.ToArray();
        if (_targets.Any(t => t is null))
        {
            throw new ArgumentException("A follow target is null.", nameof(targets));
        }
        _options = options ?? new EventFollowerOptions();
        _options.Validate();
        _cancellation = cancellation;
    }

    /// <summary>Follows every run below the log directory <paramref name="root"/>, named relative to it.</summary>
    public EventFollower(string root, EventFollowerOptions? options = null, CancellationToken cancellation = default)
        : this(new[] { FollowTarget.Directory(root) }, options, cancellation)
    {
    }

    /// <summary>The targets followed, in order.</summary>
    public IReadOnlyList<FollowTarget> Targets => _targets;

    /// <summary>Starts following: reads everything that exists, then waits for more.</summary>
    public IEnumerator<FollowItem> GetEnumerator() => new Session(_targets, _options, _cancellation);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What is known about one run directory.</summary>
    private sealed class RunInfo(string name, bool wanted)
    {
        public string Name { get; } = name;
        public bool Wanted { get; } = wanted;
        public RunTagState TagState { get; } = new();
        public int Generation { get; set; }
    }

    /// <summary>
    /// What is known about one file: where to resume, how it looked when last read, and the bytes that
    /// tell whether it still holds what was read (its first bytes and the bytes before <see cref="Offset"/>).
    /// </summary>
    private sealed class FileState(string path, RunInfo run)
    {
        public string Path { get; } = path;
        public RunInfo Run { get; set; } = run;
        public long Offset { get; set; }

        /// <summary>The length read up to at the last look; -1 before the first.</summary>
        public long LengthRead { get; set; } = -1;

        /// <summary>The modification time at that look (in the probe's units).</summary>
        public long LastWrite { get; set; }

        /// <summary>Which file the path named at that look (unknown where the system does not tell).</summary>
        public FileIdentity Identity { get; set; }

        /// <summary>The bytes that tell whether the file still holds what was read (its first bytes and those before <see cref="Offset"/>).</summary>
        public FileAnchor Anchor { get; } = new();

        public bool Verified { get; set; }
        public bool NotEventFile { get; set; }
        public bool Failed { get; set; }
        public int Generation { get; set; }

        /// <summary>Notes the look the file is being read (or skipped) by.</summary>
        public void Seen(FileLook look)
        {
            LengthRead = look.Length;
            LastWrite = look.LastWrite;
            Identity = look.Identity;
        }

        /// <summary>Forgets what was read: the file is read again from its start.</summary>
        public void Restart()
        {
            Offset = 0;
            Verified = false;
            Anchor.Clear();
        }
    }

    /// <summary>One enumeration: the per-file state, the reader of the file being read, the wake-up signal.</summary>
    private sealed class Session : IEnumerator<FollowItem>
    {
        private static readonly TimeSpan MinimumWakeGap = TimeSpan.FromMilliseconds(50);

        /// <summary>How many deleted files are remembered, so that one coming back is recognised (or announced).</summary>
        private const int GoneLimit = 4096;

        private readonly FollowTarget[] _targets;
        private readonly EventFollowerOptions _options;
        private readonly CancellationToken _cancellation;
        private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, RunInfo> _runs = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unreadableDirectories = new(StringComparer.Ordinal);
        private readonly List<FileState> _round = new();
        private readonly List<string> _stale = new();
        private readonly Queue<FollowItem> _notices = new();
        private readonly Dictionary<string, FileState> _gone = new(StringComparer.Ordinal);
        private readonly Queue<string> _goneOrder = new();
        private readonly Dictionary<string, RunInfo> _goneRuns = new(StringComparer.Ordinal);
        private readonly Queue<string> _goneRunOrder = new();
        private readonly List<FileSystemWatcher> _watchers = new();
        private readonly AutoResetEvent _wake = new(false);
        private int _generation;
        private int _roundIndex;
        private bool _started;
        private bool _caughtUp;
        private bool _finished;
        private bool _disposed;
        private FileState? _reading;
        private Stream? _readingFile;
        // Lengths and write times of store objects as this round's listing gave them: no request per object.
        private readonly Dictionary<string, FileLook> _listed = new(StringComparer.Ordinal);
        private EventFileReader? _reader;
        private WaitHandle[]? _waitHandles;

        public Session(FollowTarget[] targets, EventFollowerOptions options, CancellationToken cancellation)
        {
            _targets = targets;
            _options = options;
            _cancellation = cancellation;
        }

        public FollowItem Current { get; private set; }

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_finished || _disposed)
            {
                return false;
            }
            try
            {
                if (MoveNextCore())
                {
                    return true;
                }
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                // the reader noticed the cancellation first: the same ending
            }
            _finished = true;
            CloseReader();
            return false;
        }

        private bool MoveNextCore()
        {
            if (!_started)
            {
                _started = true;
                if (_options.WakeOnChange)
                {
                    StartWatchers();
                }
                StartRound();
            }
            while (true)
            {
                if (_cancellation.IsCancellationRequested)
                {
                    return false;
                }
                if (_notices.Count > 0)
                {
                    Current = _notices.Dequeue();
                    return true;
                }
                if (_reader is not null)
                {
                    if (ReadNext())
                    {
                        return true;
                    }
                    continue;
                }
                if (_roundIndex < _round.Count)
                {
                    OpenNext(_round[_roundIndex++]);
                    continue;
                }
                if (!_caughtUp)
                {
                    _caughtUp = true;
                    Current = new FollowItem(ReadItemKind.CaughtUp, string.Empty, string.Empty);
                    return true;
                }
                if (!Wait())
                {
                    return false;
                }
                StartRound();
            }
        }

        /// <summary>Waits for the poll interval (or a watcher's wake-up); false when cancelled.</summary>
        private bool Wait()
        {
            _waitHandles ??= new[] { _cancellation.WaitHandle, _wake };
            var interval = _targets.Any(t => Storage.LogLocation.IsStore(t.Path)) && _options.StorePollInterval > _options.PollInterval
                ? _options.StorePollInterval
                : _options.PollInterval;
            int signalled = WaitHandle.WaitAny(_waitHandles, interval);
            if (signalled == 0)
            {
                return false;
            }
            if (signalled == 1)
            {
                // A busy writer makes a watcher fire constantly: look at most every 50 ms.
                if (_cancellation.WaitHandle.WaitOne(MinimumWakeGap))
                {
                    return false;
                }
                _wake.Reset();
            }
            return !_cancellation.IsCancellationRequested;
        }

        /// <summary>Lists the targets: registers new runs and files, forgets deleted ones, and queues the files to look at.</summary>
        private void StartRound()
        {
            _generation++;
            _round.Clear();
            _roundIndex = 0;
            foreach (var target in _targets)
            {
                if (target.IsDirectory)
                {
                    ScanDirectory(target);
                }
                else if (FileExists(target))
                {
                    string dir = Storage.LogLocation.Parent(target.Path) ?? target.Path;
                    var run = GetRun(target, dir);
                    if (run.Wanted)
                    {
                        Visit(target.Path, run);
                    }
                }
            }
            Forget();
        }

        private bool FileExists(FollowTarget target)
        {
            if (!Storage.LogLocation.IsStore(target.Path))
            {
                return System.IO.File.Exists(target.Path);
            }
            try
            {
                var stat = Storage.LogLocation.Stat(target.Path);
                if (stat is { } found)
                {
                    _listed[target.Path] = new FileLook(found.Length, found.LastWrite.UtcTicks, FileIdentity.Unknown);
                }
                return stat is not null;
            }
            catch (Storage.StoreException e)
            {
                StoreFailed(target.Path, e);
                return false;
            }
        }

        // A store that cannot be listed (missing container, refused credentials, unreachable): said once, tried again each round.
        private void StoreFailed(string path, Storage.StoreException e)
        {
            if (_unreadableDirectories.Add(path))
            {
                _notices.Enqueue(new FollowItem(ReadItemKind.Unreadable, string.Empty, path, message: $"'{path}' cannot be listed: {e.Message}", failure: e));
            }
        }

        private void ScanDirectory(FollowTarget target)
        {
            if (Storage.LogLocation.IsStore(target.Path))
            {
                ScanStore(target);
                return;
            }
            if (!Directory.Exists(target.Path))
            {
                return; // not there (yet, or any more): nothing to read
            }
            var runs = LogDirectory.FindRuns(target.Path, (dir, e) =>
            {
                // A directory deleted while being listed is simply gone; others are reported once.
                if (e is not DirectoryNotFoundException && _unreadableDirectories.Add(dir))
                {
                    _notices.Enqueue(new FollowItem(ReadItemKind.Unreadable, target.RunName(dir), dir,
                        message: $"The directory '{dir}' cannot be listed: {e.Message}", failure: e));
                }
            });
            foreach (var found in runs)
            {
                var run = GetRun(target, found.Directory);
                if (!run.Wanted)
                {
                    continue;
                }
                foreach (string file in found.Files)
                {
                    Visit(file, run);
                }
            }
        }

        private void ScanStore(FollowTarget target)
        {
            IReadOnlyList<EventRun> runs;
            try
            {
                runs = LogDirectory.FindRuns(target.Path, onListed: (path, length, written) =>
                    _listed[path] = new FileLook(length, written.UtcTicks, FileIdentity.Unknown));
            }
            catch (Storage.StoreException e)
            {
                StoreFailed(target.Path, e);
                return;
            }
            _unreadableDirectories.Remove(target.Path); // listed again: a later failure is news
            foreach (var found in runs)
            {
                var run = GetRun(target, found.Directory);
                if (run.Wanted)
                {
                    foreach (string file in found.Files)
                    {
                        Visit(file, run);
                    }
                }
            }
        }

        private RunInfo GetRun(FollowTarget target, string directory)
        {
            if (!_runs.TryGetValue(directory, out var run) && _goneRuns.Remove(directory, out run))
            {
                _runs.Add(directory, run); // a run folder made again: the files it had are recognised by their run too
            }
            if (run is null)
            {
                string name = _options.RunName?.Invoke(directory) ?? target.RunName(directory);
                run = new RunInfo(name, _options.RunFilter?.Invoke(name) ?? true);
                _runs.Add(directory, run);
            }
            run.Generation = _generation;
            return run;
        }

        private void Visit(string path, RunInfo run)
        {
            if (!_files.TryGetValue(path, out var file))
            {
                file = Revive(path, run) ?? new FileState(path, run);
                _files.Add(path, file);
            }
            else if (file.Generation == _generation)
            {
                return; // reached by an earlier target this round
            }
            file.Generation = _generation;
            _round.Add(file);
        }

        /// <summary>Drops the state of files and runs no longer listed (deleted), so memory follows what exists.</summary>
        private void Forget()
        {
            _stale.Clear();
            foreach (var (path, file) in _files)
            {
                if (file.Generation != _generation)
                {
                    _stale.Add(path);
                }
            }
            foreach (string path in _stale)
            {
                _files.Remove(path, out var file);
                if (file!.Offset > 0)
                {
                    Bury(file);
                }
            }
            _stale.Clear();
            foreach (var (dir, run) in _runs)
            {
                if (run.Generation != _generation)
                {
                    _stale.Add(dir);
                }
            }
            foreach (string dir in _stale)
            {
                _runs.Remove(dir, out var run);
                if (_goneRuns.TryAdd(dir, run!))
                {
                    _goneRunOrder.Enqueue(dir);
                }
            }
            while (_goneRunOrder.Count > GoneLimit && _goneRunOrder.TryDequeue(out string? oldest))
            {
                _goneRuns.Remove(oldest);
            }
            _stale.Clear();
            _unreadableDirectories.RemoveWhere(dir => !Storage.LogLocation.IsStore(dir) && !Directory.Exists(dir));
        }

        /// <summary>
        /// Keeps what was read of a deleted file, so that a file coming back under its name is checked
        /// like a replaced one: the same bytes go on where they were, others are announced and read again.
        /// </summary>
        private void Bury(FileState file)
        {
            file.LengthRead = -1;
            if (_gone.TryAdd(file.Path, file))
            {
                _goneOrder.Enqueue(file.Path);
            }
            // The queue bounds the memory: a name buried twice may be evicted early, never kept for ever.
            while (_goneOrder.Count > GoneLimit && _goneOrder.TryDequeue(out string? oldest))
            {
                _gone.Remove(oldest);
            }
        }

        /// <summary>The state of a file that was deleted and is listed again; null for a file never read.</summary>
        private FileState? Revive(string path, RunInfo run)
        {
            if (_gone.Count == 0 || !_gone.Remove(path, out var file))
            {
                return null;
            }
            if (file.Run != run && file.Offset > 0)
            {
                // Its run was forgotten meanwhile (too many gone): the tags it taught are forgotten with it,
                // so its values cannot go on where they were. Read again, and said so.
                _notices.Enqueue(new FollowItem(ReadItemKind.FileRestarted, run.Name, path,
                    message: $"'{path}' was deleted and is back, in a run folder made again: it is read again from the start."));
                file.Restart();
            }
            file.Run = run;
            return file;
        }

        /// <summary>Looks at one file: opens a reader over what is new, or queues a notice, or nothing.</summary>
        private void OpenNext(FileState file)
        {
            FileLook look;
            bool inStore = Storage.LogLocation.IsStore(file.Path);
            try
            {
                // A store object as this round's listing saw it, when it did: no request per object.
                look = inStore && _listed.Remove(file.Path, out var listed) ? listed : FileProbe.Look(file.Path);
            }
            catch (FileNotFoundException)
            {
                return; // deleted since it was listed: forgotten at the next look
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(file, -1, e);
                return;
            }
            long length = look.Length;
            bool otherFile = look.Identity.DiffersFrom(file.Identity);
            if (length == file.LengthRead && look.LastWrite == file.LastWrite && !otherFile)
            {
                return; // nothing new (also: a half-written record that has not grown)
            }
            if (file.NotEventFile)
            {
                if (length >= file.LengthRead && !otherFile)
                {
                    file.Seen(look);
                    return;
                }
                file.NotEventFile = false; // shorter than when checked, or another file: check it again
                file.Verified = false;
            }
            file.Failed = false;
            Stream? stream = null;
            try
            {
                stream = inStore ? OpenInStore(file.Path, length) : RecordReader.OpenShared(file.Path);
                // A store object is never replaced in place by our writers (S3 rewrites keep what was there): no anchor.
                if (file.Offset > 0 && stream is FileStream local && file.Anchor.WhyReadAgain(file.Path, local.SafeFileHandle, file.Offset, length) is string why)
                {
                    _notices.Enqueue(new FollowItem(ReadItemKind.FileRestarted, file.Run.Name, file.Path, message: why));
                    file.Restart();
                }
                if (!file.Verified && file.Offset == 0 && length >= TfRecord.HeaderSize)
                {
                    // A store object is checked through the stream that reads it: its bytes are fetched once.
                    if (inStore ? !RecordReader.HoldsRecords(stream) : !EventFileReader.LooksLikeEventFile(file.Path))
                    {
                        file.NotEventFile = true;
                        file.Seen(look);
                        stream.Dispose();
                        _notices.Enqueue(new FollowItem(ReadItemKind.NotEventFile, file.Run.Name, file.Path,
                            message: $"'{file.Path}' is not an event file (no record in it verifies); skipped."));
                        return;
                    }
                    file.Verified = true;
                }
                // Read only up to the length seen now: a writer faster than this reader cannot keep
                // it on one file, and the others are looked at in every round.
                _reader = new EventFileReader(new LengthLimitedStream(stream, length), file.Path, _options.TagFilter, file.Run.TagState,
                    file.Offset, _options.Kinds, _cancellation);
                _readingFile = stream;
                _reading = file;
                file.Seen(look);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // deleted between the look and the open, or its run folder was
                stream?.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stream?.Dispose();
                Fail(file, look, e);
            }
        }

        private Stream OpenInStore(string path, long length)
        {
            var uri = Storage.StoreUri.Parse(path);
            return new Storage.StoreReadStream(Storage.ObjectStores.For(uri), uri, length, Storage.ObjectStores.SettingsFor(uri)) { Cancellation = _cancellation };
        }

        private void Fail(FileState file, FileLook look, Exception e)
        {
            file.Seen(look);
            Fail(file, look.Length, e);
        }

        private void Fail(FileState file, long length, Exception e)
        {
            file.LengthRead = length;
            if (!file.Failed)
            {
                file.Failed = true;
                _notices.Enqueue(new FollowItem(ReadItemKind.Unreadable, file.Run.Name, file.Path,
                    message: $"'{file.Path}' cannot be read: {e.Message}", failure: e));
            }
        }

        /// <summary>The next item of the open reader; false (reader closed) at the end of what is there.</summary>
        private bool ReadNext()
        {
            var file = _reading!;
            EventReadResult result;
            try
            {
                result = _reader!.Next();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                file.Offset = _reader!.Offset;
                file.Anchor.Clear();
                CloseReader();
                Fail(file, file.LengthRead, e);
                return false;
            }
            switch (result)
            {
                case EventReadResult.Scalar:
                    Current = new FollowItem(ReadItemKind.Scalar, file.Run.Name, file.Path, scalar: _reader.Current);
                    return true;
                case EventReadResult.Value:
                    Current = new FollowItem(ReadItemKind.Value, file.Run.Name, file.Path, value: _reader.CurrentValue);
                    return true;
                case EventReadResult.Error:
                    var error = _reader.LastError!;
                    Current = new FollowItem(ReadItemKind.Damaged, file.Run.Name, file.Path, error: error, message: error.Message);
                    return true;
                default:
                    // Truncated: the offset is where the half-written record starts; read it once complete.
                    file.Offset = _reader.Offset;
                    try
                    {
                        if (_readingFile is FileStream local)
                        {
                            file.Anchor.Take(local.SafeFileHandle, file.Offset);
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        file.Anchor.Clear(); // nothing to check it by: it is read on as before
                    }
                    CloseReader();
                    return false;
            }
        }

        private void CloseReader()
        {
            _reader?.Dispose();
            _reader = null;
            _reading = null;
            _readingFile = null; // the reader owned it
        }

        private void StartWatchers()
        {
            foreach (var target in _targets)
            {
                string dir = target.IsDirectory ? target.Path : System.IO.Path.GetDirectoryName(target.Path) ?? target.Path;
                try
                {
                    if (!Directory.Exists(dir))
                    {
                        continue;
                    }
                    var watcher = new FileSystemWatcher(dir)
                    {
                        IncludeSubdirectories = target.IsDirectory,
                        NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
                    };
                    if (!target.IsDirectory)
                    {
                        watcher.Filter = System.IO.Path.GetFileName(target.Path);
                    }
                    watcher.Changed += OnChange;
                    watcher.Created += OnChange;
                    watcher.Renamed += OnChange;
                    watcher.EnableRaisingEvents = true;
                    _watchers.Add(watcher);
                }
                catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    // no watcher (the system's watch limit, say): polling alone is correct
                }
            }
        }

        private void OnChange(object sender, FileSystemEventArgs e)
        {
            if (!_disposed)
            {
                try
                {
                    _wake.Set();
                }
                catch (ObjectDisposedException)
                {
                    // the session ended meanwhile
                }
            }
        }

        public void Reset() => throw new NotSupportedException("A follow cannot be restarted; enumerate the follower again.");

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            CloseReader();
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
            _wake.Dispose();
        }
    }
}
