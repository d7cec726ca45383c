using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

public sealed partial class RunReader
{
    /// <summary>
    /// The items of several runs read one after another on the calling thread, files in order, with progress
    /// (<see cref="RunReadItem.BytesDone"/>). One enumerator does it all: the item goes from the file reader to the
    /// caller without passing through nested iterators, each of which would copy it again (a plain scalar read costs
    /// a few tens of nanoseconds an item, so those copies would be a good part of it).
    /// </summary>
    private sealed class SequentialItems : IEnumerable<RunReadItem>
    {
        private readonly IReadOnlyList<EventRun> _runs;
        private readonly RunReadOptions _options;
        private readonly CancellationToken _cancellation;

        public SequentialItems(IReadOnlyList<EventRun> runs, RunReadOptions options, CancellationToken cancellation)
        {
            _runs = runs;
            _options = options;
            _cancellation = cancellation;
        }

        public IEnumerator<RunReadItem> GetEnumerator() => new Enumerator(_runs, _options, _cancellation);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator : IEnumerator<RunReadItem>
        {
            private readonly IReadOnlyList<EventRun> _runs;
            private readonly RunReadOptions _options;
            private readonly CancellationToken _cancellation;
            private int _run;
            private int _file = -1;
            private RunTagState? _state;
            private RunFile? _source;
            private EventFileReader? _reader;
            private long _closedBytes;
            private RunReadItem _current;

            public Enumerator(IReadOnlyList<EventRun> runs, RunReadOptions options, CancellationToken cancellation)
            {
                _runs = runs;
                _options = options;
                _cancellation = cancellation;
            }

            public RunReadItem Current => _current;

            object System.Collections.IEnumerator.Current => _current;

            public bool MoveNext()
            {
                while (true)
                {
                    if (_reader is not null)
                    {
                        var result = Advance(_reader, out var readFailure);
                        if (result == EventReadResult.Scalar)
                        {
                            // The common case, built in place: one copy of the item, not three.
                            long offset = _reader.Offset;
                            _current = new RunReadItem(ReadItemKind.Scalar, _source!, _reader.Current, null, offset, _closedBytes + offset);
                            return true;
                        }
                        var item = ItemOf(result, _source!, _reader, readFailure);
                        if (item.ClosesFile)
                        {
                            _closedBytes += item.Offset;
                            _current = item.WithBytesDone(_closedBytes);
                            _reader.Dispose();
                            _reader = null;
                        }
                        else
                        {
                            _current = item.WithBytesDone(_closedBytes + item.Offset);
                        }
                        return true;
                    }
                    if (!OpenNextFile(out var failure))
                    {
                        return false;
                    }
                    if (_reader is null)
                    {
                        _closedBytes += failure.Offset;
                        _current = failure.WithBytesDone(_closedBytes);
                        return true;
                    }
                }
            }

            /// <summary>Moves to the next file and opens it; false after the last one. A file that cannot be read gives its closing item in <paramref name="failure"/>.</summary>
            private bool OpenNextFile(out RunReadItem failure)
            {
                failure = default;
                while (_run < _runs.Count)
                {
                    var run = _runs[_run];
                    _state ??= _options.TagStateOf?.Invoke(run) ?? new RunTagState();
                    if (++_file >= run.Files.Count)
                    {
                        _run++;
                        _file = -1;
                        _state = null;
                        continue;
                    }
                    _cancellation.ThrowIfCancellationRequested();
                    string file = run.Files[_file];
                    long start = _options.StartOffsets is { } starts && starts.TryGetValue(file, out long at) ? at : 0;
                    _source = new RunFile(run, file);
                    _reader = Open(_source, _state, _options, EventKinds.None, start, _cancellation, out failure);
                    return true;
                }
                return false;
            }

            public void Reset() => throw new NotSupportedException();

            public void Dispose()
            {
                _reader?.Dispose();
                _reader = null;
                _run = _runs.Count;
            }
        }
    }
}
