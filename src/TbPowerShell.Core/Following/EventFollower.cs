using System.Collections;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Following;

/// <summary>
/// Follows event files as writers append to them, like <c>Get-Content -Wait</c>: first everything
/// that exists (runs by name, the files of a run in name order, one <see cref="RunTagState"/> per
/// run), then, every <see cref="EventFollowerOptions.PollInterval"/>, what was appended to known
/// files, new files in known runs and new runs under the followed directories. Every value comes
/// exactly once and in file order; a record half-written at one look is read once it is complete;
/// a file that became shorter is read again from the start (reported as
/// <see cref="ReadItemKind.FileRestarted"/>); deleted files are forgotten.
/// </summary>
/// <remarks>
/// Enumerate it on the thread that consumes the items: <c>MoveNext</c> blocks while there is
/// nothing new and returns false, promptly and without throwing, once the cancellation token is
/// cancelled; that is the only way the enumeration ends. Memory is per file followed (a path, an
/// offset, a length), never per value; a file is open only while it is being read. Each call to
/// <see cref="GetEnumerator"/> follows afresh from the start of every file.
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

    /// <summary>What is known about one file: where to resume and how long it was when last read.</summary>
    private sealed class FileState(string path, RunInfo run)
    {
        public string Path { get; } = path;
        public RunInfo Run { get; } = run;
        public long Offset { get; set; }

        /// <summary>The length read up to at the last look; -1 before the first.</summary>
        public long LengthRead { get; set; } = -1;

        public bool Verified { get; set; }
        public bool NotEventFile { get; set; }
        public bool Failed { get; set; }
        public int Generation { get; set; }
    }

    /// <summary>One enumeration: the per-file state, the reader of the file being read, the wake-up signal.</summary>
    private sealed class Session : IEnumerator<FollowItem>
    {
        private static readonly TimeSpan MinimumWakeGap = TimeSpan.FromMilliseconds(50);

        private readonly FollowTarget[] _targets;
        private readonly EventFollowerOptions _options;
        private readonly CancellationToken _cancellation;
        private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, RunInfo> _runs = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unreadableDirectories = new(StringComparer.Ordinal);
        private readonly List<FileState> _round = new();
        private readonly List<string> _stale = new();
        private readonly Queue<FollowItem> _notices = new();
        private readonly List<FileSystemWatcher> _watchers = new();
        private readonly AutoResetEvent _wake = new(false);
        private int _generation;
        private int _roundIndex;
        private bool _started;
        private bool _caughtUp;
        private bool _finished;
        private bool _disposed;
        private FileState? _reading;
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
            int signalled = WaitHandle.WaitAny(_waitHandles, _options.PollInterval);
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
                else if (System.IO.File.Exists(target.Path))
                {
                    string dir = System.IO.Path.GetDirectoryName(target.Path) ?? target.Path;
                    var run = GetRun(target, dir);
                    if (run.Wanted)
                    {
                        Visit(target.Path, run);
                    }
                }
            }
            Forget();
        }

        private void ScanDirectory(FollowTarget target)
        {
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

        private RunInfo GetRun(FollowTarget target, string directory)
        {
            if (!_runs.TryGetValue(directory, out var run))
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
                file = new FileState(path, run);
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
                _files.Remove(path);
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
                _runs.Remove(dir);
            }
            _stale.Clear();
            _unreadableDirectories.RemoveWhere(dir => !Directory.Exists(dir));
        }

        /// <summary>Looks at one file: opens a reader over what is new, or queues a notice, or nothing.</summary>
        private void OpenNext(FileState file)
        {
            long length;
            try
            {
                length = new FileInfo(file.Path).Length;
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
            if (length == file.LengthRead)
            {
                return; // nothing new (also: a half-written record that has not grown)
            }
            if (file.NotEventFile)
            {
                if (length >= file.LengthRead)
                {
                    file.LengthRead = length;
                    return;
                }
                file.NotEventFile = false; // shorter than when checked: check it again
                file.Verified = false;
            }
            file.Failed = false;
            if (length < file.Offset)
            {
                _notices.Enqueue(new FollowItem(ReadItemKind.FileRestarted, file.Run.Name, file.Path,
                    message: $"'{file.Path}' is now {length} bytes long, shorter than the {file.Offset} bytes already read: it was truncated or replaced, and is read again from the start."));
                file.Offset = 0;
                file.Verified = false;
            }
            try
            {
                if (!file.Verified && file.Offset == 0 && length >= TfRecord.HeaderSize)
                {
                    if (!EventFileReader.LooksLikeEventFile(file.Path))
                    {
                        file.NotEventFile = true;
                        file.LengthRead = length;
                        _notices.Enqueue(new FollowItem(ReadItemKind.NotEventFile, file.Run.Name, file.Path,
                            message: $"'{file.Path}' is not an event file (its first record header does not verify); skipped."));
                        return;
                    }
                    file.Verified = true;
                }
                // Read only up to the length seen now: a writer faster than this reader cannot keep
                // it on one file, and the others are looked at in every round.
                var stream = new LengthLimitedStream(RecordReader.OpenShared(file.Path), length);
                _reader = new EventFileReader(stream, file.Path, _options.TagFilter, file.Run.TagState, file.Offset,
                    _options.Kinds, _cancellation);
                _reading = file;
                file.LengthRead = length;
            }
            catch (FileNotFoundException)
            {
                // deleted between the length and the open
            }
            catch (DirectoryNotFoundException)
            {
                // its run folder was deleted
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(file, length, e);
            }
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
                    CloseReader();
                    return false;
            }
        }

        private void CloseReader()
        {
            _reader?.Dispose();
            _reader = null;
            _reading = null;
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
