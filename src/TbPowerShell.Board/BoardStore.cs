using System.Runtime.CompilerServices;
using TbPowerShell.Core.Storage;
using System.Threading.Channels;
using TbPowerShell.Core.Following;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Board;

/// <summary>
/// The board's data: runs, tags, series and media, read through the core and kept live. Runs come from a scan
/// of the log directories (cheap, at once); a run's values are read on first need and cached; a poll finds new
/// runs and files and reads what grown files added, announcing changes to event-stream subscribers.
/// </summary>
internal sealed class BoardStore : IDisposable
{
    private readonly BoardOptions _options;
    private readonly IReadOnlyList<string> _logDirs;
    private readonly object _gate = new();
    private readonly object _scanGate = new();
    private readonly List<BoardRun> _runs = [];
    private readonly Dictionary<string, BoardRun> _runsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoardTag> _tagsByName = new(StringComparer.Ordinal);
    private readonly List<BoardTag> _tags = [];
    private readonly List<Channel<string>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _poll;
    private int _scanned;

    public BoardStore(BoardOptions options, IReadOnlyList<string> logDirs)
    {
        _options = options;
        _logDirs = logDirs;
        if (options.Data is { } data) LoadData(data);
    }

    /// <summary>True when reading log directories (and following them); false over pipeline values.</summary>
    public bool Live => _options.Data is null;

    public IReadOnlyList<string> LogDirs => _logDirs;

    public int RunCount
    {
        get { EnsureScanned(); lock (_gate) return _runs.Count; }
    }

    public IReadOnlyList<BoardRun> Runs()
    {
        EnsureScanned();
        lock (_gate) return [.. _runs];
    }

    public BoardRun? Run(int id)
    {
        EnsureScanned();
        lock (_gate) return id >= 0 && id < _runs.Count ? _runs[id] : null;
    }

    /// <summary>
    /// The tags: first from the head of every run (a bounded read each, in parallel), so the list comes at once;
    /// the rest of every run is then read in the background, and tags found there are announced as a runs change.
    /// </summary>
    public IReadOnlyList<BoardTag> Tags()
    {
        Peek();
        List<BoardTag> tags;
        lock (_gate) tags = [.. _tags];
        StartBackgroundRead();
        return tags;
    }

    public BoardTag? Tag(int id)
    {
        Peek();
        BoardTag? tag;
        lock (_gate) tag = id >= 0 && id < _tags.Count ? _tags[id] : null;
        StartBackgroundRead();
        return tag;
    }

    /// <summary>How much of each run the tag listing reads before answering.</summary>
    internal const long PeekBytes = 16 * 1024;

    /// <summary>Reads the head of every run not yet read (the tag list's read), without starting the background read.</summary>
    internal void Peek()
    {
        var unpeeked = Runs().Where(r => !r.Peeked && !r.Loaded).ToList();
        if (unpeeked.Count > 0) FreeRunsFirst(unpeeked, run => run.Gate, PeekRun);
    }

    /// <summary>The previews of <paramref name="runs"/> not yet read whole, in parallel (a chart's first answer).</summary>
    internal void PreviewAll(IEnumerable<BoardRun> runs)
    {
        var unread = runs.Where(r => !r.Loaded && r.PreviewSeries is null).ToList();
        if (unread.Count > 0) FreeRunsFirst(unread, run => run.PreviewGate, run => Preview(run));
    }

    /// <summary>
    /// Does <paramref name="work"/> on each run in parallel, the runs whose lock is free first: a run that another thread
    /// holds (the read-ahead, doing the same) is done after the others, so a request waits at most for what that
    /// thread holds at the end, instead of queueing behind it run after run as both go down the list.
    /// </summary>
    private void FreeRunsFirst(List<BoardRun> runs, Func<BoardRun, object> gate, Action<BoardRun> work, int? threads = null)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Math.Max(1, Environment.ProcessorCount), CancellationToken = _stop.Token };
        var held = new System.Collections.Concurrent.ConcurrentQueue<BoardRun>();
        Parallel.ForEach(runs, options, run =>
        {
            var lockOf = gate(run);
            if (!Monitor.TryEnter(lockOf))
            {
                held.Enqueue(run);
                return;
            }
            try
            {
                work(run);
            }
            finally
            {
                Monitor.Exit(lockOf);
            }
        });
        if (!held.IsEmpty) Parallel.ForEach(held, options, work);
    }

    private void PeekRun(BoardRun run)
    {
        lock (run.Gate)
        {
            if (run.Peeked || run.Loaded) return;
            ReadGrowth(run, out _, out _, PeekBytes);
            run.Peeked = true;
            // A run the peek read to its end (a small one) is read whole: no second read, and its summary is known now.
            if (ReadToTheEnd(run)) MarkLoaded(run);
        }
    }

    /// <summary>Once the tags have been listed: the previews and then every run whole, in the background.</summary>
    private void StartBackgroundRead()
    {
        if (Live && Interlocked.Exchange(ref _backgroundStarted, 1) == 0)
        {
            // A thread of its own, not the thread pool's: a long read on pool threads would leave the server's
            // requests waiting for the pool to grow (half a second a thread on a small machine).
            _background = new Thread(() =>
            {
                try
                {
                    // The heads of the runs (the tags) and their previews first: short, and what a page asks for
                    // first, so best ready before it asks. Then every run whole, on one core fewer than the machine
                    // has, in slices, only while no page request is in flight and resting as long as it reads
                    // (LoadInSlices), so the page's requests (and a browser on this machine) come first. A request
                    // that needs a run sooner reads it itself, taking the runs this thread does not hold first
                    // (FreeRunsFirst).
                    var runs = Runs();
                    foreach (var run in runs)
                    {
                        if (_stop.IsCancellationRequested) return;
                        PeekRun(run);
                    }
                    if (_options.ReadAhead)
                    {
                        foreach (var run in runs)
                        {
                            if (_stop.IsCancellationRequested) return;
                            if (!run.Loaded) Preview(run);
                        }
                    }
                    if (LoadAll(runs, BackgroundParallelism, yieldToRequests: true)) Publish("runs", "{}");
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // Each run's own failures are counted as damage; nothing else may end the board.
                }
                catch (OperationCanceledException)
                {
                }
            })
            { IsBackground = true, Name = "TbPowerShell board read-ahead" };
            _background.Start();
        }
    }

    /// <summary>The page's requests in flight (the HTTP server counts them): the read-ahead stands aside for them.</summary>
    internal RequestActivity Activity { get; } = new();

    private int _backgroundStarted;
    private Thread? _background;

    /// <summary>Reads every run not yet read whole (in parallel); true when that found new tags.</summary>
    public bool LoadAll() => LoadAll(Runs());

    /// <summary>How many threads read ahead in the background: all cores but one.</summary>
    private static int BackgroundParallelism => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Reads <paramref name="runs"/> whole (those not yet read, in parallel); true when that found new tags.</summary>
    /// <remarks><paramref name="yieldToRequests"/>: the read-ahead's call, which reads each run in slices (<see cref="LoadInSlices"/>).</remarks>
    public bool LoadAll(IEnumerable<BoardRun> runs, int? parallelism = null, bool yieldToRequests = false)
    {
        var unread = runs.Where(r => !r.Loaded).ToList();
        if (unread.Count == 0) return false;
        var found = 0;
        var threads = parallelism ?? Math.Max(1, Environment.ProcessorCount);
        if (threads == 1)
        {
            // On the calling thread alone (the read-ahead's own thread).
            foreach (var run in unread)
            {
                _stop.Token.ThrowIfCancellationRequested();
                if (yieldToRequests ? LoadInSlices(run) : Load(run)) found = 1;
            }
        }
        else if (yieldToRequests)
        {
            Parallel.ForEach(unread, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = _stop.Token },
                run => { if (LoadInSlices(run)) Interlocked.Exchange(ref found, 1); });
        }
        else
        {
            // A request's read: the runs the read-ahead is not reading first.
            FreeRunsFirst(unread, run => run.Gate, run => { if (Load(run)) Interlocked.Exchange(ref found, 1); }, threads);
            _stop.Token.ThrowIfCancellationRequested();
        }
        // A bulk read grows and drops many large arrays: give that memory back to the system once, so a board left
        // open holds what its data needs and no more; a little later, off the request that is waiting for this data.
        if (unread.Sum(r => r.ValueCount) >= 1_000_000) ScheduleCompaction();
        return found == 1;
    }

    /// <summary>A read with more than this left of its file reserves room for its series after <see cref="ReserveAfterRecords"/> records.</summary>
    private const long ReserveAfterBytes = 1 << 20;

    private const int ReserveAfterRecords = 2048;

    private int _compactionScheduled;

    private void ScheduleCompaction()
    {
        if (Interlocked.Exchange(ref _compactionScheduled, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token).ConfigureAwait(false);
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Volatile.Write(ref _compactionScheduled, 0);
            }
        });
    }

    /// <summary>Reads the run's files (from where the last read stopped) unless already loaded; true when that found new tags.</summary>
    public bool Load(BoardRun run)
    {
        if (run.Loaded) return false;
        lock (run.Gate)
        {
            if (run.Loaded) return false;
            ReadGrowth(run, out _, out var newTags);
            MarkLoaded(run);
            return newTags && run.Peeked;
        }
    }

    /// <summary>The longest rest between two slices of the read-ahead.</summary>
    private static readonly TimeSpan MaxRest = TimeSpan.FromMilliseconds(50);

    /// <summary>How much of a run the read-ahead reads at once before it looks for the page's requests again.</summary>
    internal const long SliceBytes = 512 * 1024;

    /// <summary>
    /// The read-ahead's whole read of a run: <see cref="SliceBytes"/> at a time, the run's lock released and the page's
    /// requests waited for (<see cref="Activity"/>) between slices, and a rest as long as the slice after each. So a
    /// page's request waits at most for one slice, and the read-ahead takes at most half a core from a browser on the
    /// same machine. (A lower thread priority was tried and measured worse: a collection started by a starved thread
    /// stops every thread of the server until that thread is scheduled again.) True when that found new tags.
    /// </summary>
    private bool LoadInSlices(BoardRun run)
    {
        var found = false;
        while (!run.Loaded)
        {
            if (!Activity.WaitForQuiet(_stop.Token)) return false;
            var slice = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (run.Gate)
            {
                if (run.Loaded) break;
                var before = run.Files.Values.Sum(f => f.Offset);
                ReadGrowth(run, out _, out var newTags, SliceBytes);
                found |= newTags;
                // Read to the end, or no further (a record still being written at the end): read whole, as Load would.
                if (ReadToTheEnd(run) || run.Files.Values.Sum(f => f.Offset) == before) MarkLoaded(run);
            }
            // Half a core at most: as long a rest as the slice took, so a browser on this machine keeps the rest.
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(slice);
            if (!run.Loaded && _stop.Token.WaitHandle.WaitOne(took < MaxRest ? took : MaxRest)) return false;
        }
        return found && run.Peeked;
    }

    /// <summary>A run read whole: its series drop the room left by growth, and later reads only follow its growth.</summary>
    private static void MarkLoaded(BoardRun run)
    {
        foreach (var series in run.Scalars.Values) series.Trim();
        run.Loaded = true;
    }

    /// <summary>True when every file of the run has been read as far as it was long at the last look (or is broken there).</summary>
    private static bool ReadToTheEnd(BoardRun run) => run.Files.Values.All(f => f.Offset >= f.Length || f.Broken == f.Length);

    /// <summary>The tag named <paramref name="name"/> of kind <paramref name="kind"/>, registered on first sight.</summary>
    private BoardTag TagOf(string name, EventKinds kind, out bool added)
    {
        lock (_gate)
        {
            added = false;
            if (!_tagsByName.TryGetValue(name, out var tag))
            {
                tag = new BoardTag(_tags.Count, name, kind);
                _tags.Add(tag);
                _tagsByName.Add(name, tag);
                added = true;
            }
            return tag;
        }
    }

    public IReadOnlyList<int> RunsOf(BoardTag tag)
    {
        var ids = new List<int>();
        foreach (var run in Runs())
        {
            // The published facts: a run being read does not hold up the tag list.
            if (Array.BinarySearch(run.Facts.TagIds, tag.Id) >= 0) ids.Add(run.Id);
        }
        return ids;
    }

    private void EnsureScanned()
    {
        if (!Live || Volatile.Read(ref _scanned) == 1) return;
        lock (_scanGate)
        {
            if (_scanned == 1) return;
            Scan();
            _scanned = 1;
        }
    }

    /// <summary>The least time between two polls of a log directory in an object store.</summary>
    internal static readonly TimeSpan StorePollInterval = TimeSpan.FromSeconds(2);

    // Store objects as the last listing saw them (length, last write): what a poll reads the growth by.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FileLook> _listed = new(StringComparer.Ordinal);

    /// <summary>Finds runs and event files in the log directories; new ones are added. True when a run is new.</summary>
    private bool Scan()
    {
        var added = false;
        foreach (var root in _logDirs)
        {
            IReadOnlyList<EventRun> found;
            try
            {
                found = LogDirectory.FindRuns(root, onListed: (path, length, written) =>
                    _listed[path] = new FileLook(length, written.UtcTicks, default));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var eventRun in found)
            {
                var key = eventRun.Directory;
                BoardRun? run;
                lock (_gate)
                {
                    if (!_runsByKey.TryGetValue(key, out run))
                    {
                        var name = _logDirs.Count > 1 ? LogLocation.FileName(root.TrimEnd('/', '\\')) + (eventRun.Name == "." ? "" : "/" + eventRun.Name) : eventRun.Name;
                        run = new BoardRun(_runs.Count, name, eventRun.Directory);
                        _runs.Add(run);
                        _runsByKey.Add(key, run);
                        added = true;
                    }
                }
                lock (run.Gate)
                {
                    foreach (var file in eventRun.Files)
                    {
                        if (run.Files.TryAdd(file, new FileState())) run.FileList = [.. run.Files.Keys];
                        // The runs table's last write and "still writing" mark, before the run is read.
                        try
                        {
                            var written = _listed.TryGetValue(file, out var listed)
                                ? new DateTime(listed.LastWrite, DateTimeKind.Utc)
                                : File.GetLastWriteTimeUtc(file);
                            if (written > run.LastWrite) run.LastWrite = written;
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                        }
                    }
                }
            }
        }
        return added;
    }

    /// <summary>
    /// Reads what each file of the run added since the last read (a file replaced or rewritten restarts the run), then
    /// publishes the run's facts for the runs table and the tag list, which read them without waiting for a read.
    /// </summary>
    private void ReadGrowth(BoardRun run, out HashSet<int> scalarTags, out bool newTags, long? budget = null)
    {
        try
        {
            ReadGrowthOfFiles(run, out scalarTags, out newTags, budget);
        }
        finally
        {
            run.Publish();
        }
    }

    private void ReadGrowthOfFiles(BoardRun run, out HashSet<int> scalarTags, out bool newTags, long? budget)
    {
        scalarTags = [];
        newTags = false;
        foreach (var (path, state) in run.Files)
        {
            FileLook look;
            try
            {
                // A store object: as the last listing saw it (one LIST per poll, no request per object).
                look = LogLocation.IsStore(path) && _listed.TryGetValue(path, out var listed) ? listed : FileProbe.Look(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var written = new DateTime(look.LastWrite, DateTimeKind.Utc);
            if (written > run.LastWrite) run.LastWrite = written;
            var length = look.Length;
            var changed = length != state.Length || look.LastWrite != state.LastWrite || look.Identity.DiffersFrom(state.Identity);
            if (length != state.Length) run.LastGrowth = DateTime.UtcNow;
            if (changed && state.Offset > 0 && WhyReadAgain(path, state, look) is not null)
            {
                // Replaced, rewritten or truncated (the follower's checks): read the whole run again, or values
                // already shown could come twice and the new file's would be missed.
                run.Reset();
                foreach (var other in run.Files.Values) other.Reset();
                ReadGrowthOfFiles(run, out scalarTags, out newTags, null);
                newTags = true;
                return;
            }
            state.Length = length;
            state.LastWrite = look.LastWrite;
            state.Identity = look.Identity;
            if (length == state.Offset || state.Broken == length) continue;
            ReadFile(run, path, state, scalarTags, ref newTags, budget);
        }
    }

    /// <summary>Why the file must be read again from its start (another file, shorter, other bytes), or null.</summary>
    private static string? WhyReadAgain(string path, FileState state, FileLook look)
    {
        if (look.Identity.DiffersFrom(state.Identity) && state.Identity.IsKnown) return "another file";
        if (LogLocation.IsStore(path)) return look.Length < state.Offset ? "shorter" : null; // no handle to check bytes by
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return state.Anchor.WhyReadAgain(path, handle, state.Offset, look.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable now: the read that follows counts it
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadFile(BoardRun run, string path, FileState state, HashSet<int> scalarTags, ref bool newTags, long? budget)
    {
        var stopAt = budget is { } b ? state.Offset + b : long.MaxValue;
        try
        {
            // One handle for the read and for the bytes that recognise the file at the next look (the same file).
            var stream = LogLocation.OpenRead(path, state.Length);
            using var reader = new EventFileReader(stream, path, null, run.TagState, state.Offset, EventKinds.All, _stop.Token);
            // The reader hands out one string per tag name: the series of the last one is found by reference, so a
            // run of scalars of one tag costs no lookup and no lock per value.
            string? lastName = null;
            ScalarSeries? lastSeries = null;
            var start = state.Offset;
            var records = 0;
            // From the start or from where a peek or a slice stopped: the rest is estimated once the first records are in.
            Dictionary<ScalarSeries, int>? growth = state.Length - start > ReserveAfterBytes ? [] : null;
            while (true)
            {
                if (growth is not null && ++records == ReserveAfterRecords)
                {
                    // What the first records of a long file say of the rest: each series gets room for its share.
                    var scale = (double)(state.Length - start) / Math.Max(1, reader.Offset - start);
                    foreach (var (series, count) in growth) series.Reserve((int)Math.Min(int.MaxValue - 64, series.Count + count * (scale - 1) * 1.02 + 16));
                    growth = null;
                }
                var result = reader.Next();
                switch (result)
                {
                    case EventReadResult.Scalar:
                    {
                        var s = reader.Current;
                        if (!ReferenceEquals(s.Tag, lastName))
                        {
                            var tag = TagOf(s.Tag, EventKinds.Scalar, out var added);
                            newTags |= added;
                            if (run.TagIds.Add(tag.Id)) newTags = true;
                            if (!run.Scalars.TryGetValue(tag.Id, out lastSeries)) run.Scalars.Add(tag.Id, lastSeries = new ScalarSeries());
                            scalarTags.Add(tag.Id);
                            lastName = s.Tag;
                        }
                        lastSeries!.Add(s.Step, s.WallTime, s.Value);
                        if (growth is not null) growth[lastSeries] = growth.GetValueOrDefault(lastSeries) + 1;
                        run.Note(s.Step);
                        break;
                    }
                    case EventReadResult.Value:
                    {
                        var v = reader.CurrentValue!;
                        AddValue(run, v, ref newTags);
                        break;
                    }
                    case EventReadResult.Error:
                        run.Damaged++;
                        break;
                    case EventReadResult.Counted:
                        break;
                    default:
                        // Truncated (a writer mid-record) or the end: resume here when the file grows, once the
                        // bytes read so far are still there.
                        state.Offset = reader.Offset;
                        Anchor(stream, state);
                        return;
                }
                state.Offset = reader.Offset;
                if (state.Offset >= stopAt)
                {
                    Anchor(stream, state);
                    return;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A file the core cannot read (bounds, I/O): counted as damage, tried again once its length changes.
            run.Damaged++;
            state.Broken = state.Length;
        }
    }

    private static void Anchor(Stream stream, FileState state)
    {
        if (stream is not FileStream file) return; // a store object is not replaced in place
        try
        {
            state.Anchor.Take(file.SafeFileHandle, state.Offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state.Anchor.Clear();
        }
    }

    private void AddValue(BoardRun run, ValueRecord value, ref bool newTags)
    {
        var kind = value switch
        {
            ImageRecord => EventKinds.Image,
            AudioRecord => EventKinds.Audio,
            TextRecord => EventKinds.Text,
            HistogramRecord => EventKinds.Histogram,
            HParamsRecord => EventKinds.Hyperparameters,
            GraphRecord => EventKinds.Graph,
            MeshRecord => EventKinds.Mesh,
            PrCurveRecord => EventKinds.PrCurve,
            LayoutRecord => EventKinds.Layout,
            _ => EventKinds.Tensor,
        };
        var tag = TagOf(value.Tag, kind, out var added);
        newTags |= added;
        if (run.TagIds.Add(tag.Id)) newTags = true;
        if (!run.Values.TryGetValue(tag.Id, out var list)) run.Values.Add(tag.Id, list = []);
        list.Add(value);
        run.Note(value.Step);
    }

    /// <summary>How many places of each file a preview reads, and how many scalars at each.</summary>
    internal const int PreviewWindows = 16;

    internal const int PreviewScalarsPerWindow = 96;

    /// <summary>
    /// A preview of a run not yet read whole: its scalars at <see cref="PreviewWindows"/> places spread over each of its
    /// files (the reader finds the next record from any byte, as it does past damage), so a chart can show the whole
    /// run's shape in a moment while the run is read. Built once, without waiting for a read in progress; spikes between
    /// the places are missing until the run is read whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyDictionary<int, ScalarSeries> Preview(BoardRun run)
    {
        lock (run.PreviewGate)
        {
            if (run.PreviewSeries is { } done) return done;
            var series = new Dictionary<int, ScalarSeries>();
            foreach (var path in run.FileList)
            {
                long length;
                try
                {
                    length = _listed.TryGetValue(path, out var listed) ? listed.Length : LogLocation.Length(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                // One stream for the file's windows (a reader each, which seeks): opening a file costs more than a window.
                Stream file;
                try
                {
                    file = LogLocation.OpenRead(path, length, sparse: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                using var shared = file;
                for (var k = 0; k < PreviewWindows && !_stop.IsCancellationRequested; k++)
                {
                    var start = length * k / PreviewWindows;
                    var end = length * (k + 1) / PreviewWindows;
                    try
                    {
                        using var reader = new EventFileReader(file, path, null, new RunTagState(), start, EventKinds.Scalar, _stop.Token, ownsStream: false, sparse: true);
                        for (var got = 0; got < PreviewScalarsPerWindow && reader.Offset < end;)
                        {
                            var result = reader.Next();
                            if (result == EventReadResult.Scalar)
                            {
                                var s = reader.Current;
                                var tag = TagOf(s.Tag, EventKinds.Scalar, out _);
                                if (!series.TryGetValue(tag.Id, out var line)) series.Add(tag.Id, line = new ScalarSeries());
                                line.Add(s.Step, s.WallTime, s.Value);
                                got++;
                            }
                            else if (result is not (EventReadResult.Error or EventReadResult.Value or EventReadResult.Counted))
                            {
                                break;
                            }
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                    {
                        // A window the reader cannot use: the preview has fewer points, the full read reports it.
                    }
                }
            }
            foreach (var line in series.Values) line.EnsureSorted();
            run.PreviewSeries = series;
            return series;
        }
    }

    private void LoadData(BoardData data)
    {
        var (scalars, values) = data.Snapshot();
        BoardRun RunNamed(string name)
        {
            if (!_runsByKey.TryGetValue(name, out var run))
            {
                run = new BoardRun(_runs.Count, name, null);
                _runs.Add(run);
                _runsByKey.Add(name, run);
            }
            return run;
        }
        var ignored = false;
        foreach (var (runName, s) in scalars)
        {
            var run = RunNamed(runName);
            var tag = TagOf(s.Tag, EventKinds.Scalar, out _);
            run.TagIds.Add(tag.Id);
            if (!run.Scalars.TryGetValue(tag.Id, out var series)) run.Scalars.Add(tag.Id, series = new ScalarSeries());
            series.Add(s.Step, s.WallTime, s.Value);
            run.Note(s.Step);
        }
        foreach (var (runName, v) in values) AddValue(RunNamed(runName), v, ref ignored);
        foreach (var run in _runs)
        {
            run.Publish();
            run.Loaded = true;
        }
        _scanned = 1;
    }

    /// <summary>
    /// Starts the live poll, and reads ahead in the background while the browser starts: the tags first (the head
    /// of every run), then every run whole, so the first cards the page asks for are ready or nearly so.
    /// </summary>
    public void StartPolling()
    {
        if (!Live) return;
        _poll = Task.Run(PollLoop);
        if (!_options.ReadAhead) return;
        StartBackgroundRead();
    }

    private async Task PollLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // In an object store each poll is a LIST request per log directory: at most every 2 s there.
                var interval = _logDirs.Any(LogLocation.IsStore) && _options.PollInterval < StorePollInterval ? StorePollInterval : _options.PollInterval;
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                Poll();
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // One bad poll (a directory vanishing mid-scan) must not end the live view.
            }
        }
    }

    /// <summary>One round of the live view: new runs and files, then the growth of every run already read.</summary>
    internal void Poll()
    {
        bool runsChanged;
        lock (_scanGate)
        {
            // The first scan is the start, not a change.
            runsChanged = Scan() && _scanned == 1;
            _scanned = 1;
        }
        foreach (var run in Runs())
        {
            if (!run.Loaded) continue;
            HashSet<int> tags;
            bool newTags;
            lock (run.Gate) ReadGrowth(run, out tags, out newTags);
            runsChanged |= newTags;
            if (tags.Count > 0) Publish("scalars", System.Text.Json.JsonSerializer.Serialize(new { run = run.Id, tags = tags.Order().ToArray() }));
        }
        if (runsChanged) Publish("runs", "{}");
    }

    private void Publish(string name, string data)
    {
        var message = $"event: {name}\ndata: {data}\n\n";
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(message);
        }
    }

    /// <summary>A new event-stream subscriber: messages are queued (bounded: a slow client loses old ones).</summary>
    public Channel<string> Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_subscribers) _subscribers.Add(channel);
        return channel;
    }

    public void Unsubscribe(Channel<string> channel)
    {
        lock (_subscribers) _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers) subscriber.Writer.TryComplete();
            _subscribers.Clear();
        }
        try { _poll?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _background?.Join(TimeSpan.FromSeconds(5));
    }

    internal sealed class FileState
    {
        public long Offset;
        public long Length = -1;
        public long LastWrite;
        public long Broken = -1;

        /// <summary>Which file the path named when last read (the follower's identity: device, inode, birth time).</summary>
        public FileIdentity Identity;

        /// <summary>The bytes that tell whether the file still holds what was read (the follower's check).</summary>
        public FileAnchor Anchor { get; } = new();

        public void Reset()
        {
            Offset = 0;
            Broken = -1;
            Anchor.Clear();
        }
    }
}

/// <summary>A run's facts as of the end of its last read: read by the API without taking the run's lock.</summary>
internal sealed record RunFacts(int Damaged, int[] TagIds, long ValueCount, long? FirstStep, long? LastStep)
{
    public static readonly RunFacts None = new(0, [], 0, null, null);
}

/// <summary>A tag of the board: one per name, with the kind it was first seen as.</summary>
internal sealed record BoardTag(int Id, string Name, EventKinds Kind);

/// <summary>One run of the board and its cached values (guarded by <see cref="Gate"/>).</summary>
internal sealed class BoardRun(int id, string name, string? directory)
{
    public object Gate { get; } = new();
    public int Id { get; } = id;
    public string Name { get; } = name;
    public string? Directory { get; } = directory;
    public volatile bool Loaded;
    public volatile bool Peeked;
    public Dictionary<string, BoardStore.FileState> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The run's files, for readers that do not take <see cref="Gate"/> (the preview).</summary>
    public volatile string[] FileList = [];

    /// <summary>Guards <see cref="PreviewSeries"/>.</summary>
    public object PreviewGate { get; } = new();

    /// <summary>The run's preview (see <see cref="BoardStore.Preview"/>), once built.</summary>
    public volatile Dictionary<int, ScalarSeries>? PreviewSeries;
    public RunTagState TagState { get; private set; } = new();
    public HashSet<int> TagIds { get; } = [];
    public Dictionary<int, ScalarSeries> Scalars { get; } = [];
    public Dictionary<int, List<ValueRecord>> Values { get; } = [];
    public int Damaged;
    public long ValueCount;
    public long? FirstStep;
    public long? LastStep;
    public DateTime LastWrite;
    public DateTime LastGrowth;

    /// <summary>What the runs table and the tag list show of the run, as of the end of its last read.</summary>
    public volatile RunFacts Facts = RunFacts.None;

    /// <summary>Publishes the run's facts (under <see cref="Gate"/>, at the end of a read).</summary>
    public void Publish() => Facts = new RunFacts(Damaged, [.. TagIds.Order()], ValueCount, FirstStep, LastStep);

    public void Note(long step)
    {
        ValueCount++;
        if (FirstStep is null || step < FirstStep) FirstStep = step;
        if (LastStep is null || step > LastStep) LastStep = step;
    }

    public void Reset()
    {
        TagState = new RunTagState();
        Scalars.Clear();
        Values.Clear();
        Damaged = 0;
        ValueCount = 0;
        FirstStep = LastStep = null;
    }
}
