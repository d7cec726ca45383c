namespace TbPowerShell.Core.Reading;

public sealed partial class RunReader
{
    /// <summary>
    /// The items of the batches with their progress, one enumerator for both: an item is copied once on its way to
    /// the caller, not once per nested iterator.
    /// </summary>
    private sealed class BatchItems(IEnumerable<RunBatch<RunReadItem>> batches) : IEnumerable<RunReadItem>
    {
        public IEnumerator<RunReadItem> GetEnumerator() => new Enumerator(batches.GetEnumerator());

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Enumerator(IEnumerator<RunBatch<RunReadItem>> batches) : IEnumerator<RunReadItem>
        {
            private RunBatch<RunReadItem> _batch;
            private int _index;
            private long _closedBytes;
            private RunReadItem _current;

            public RunReadItem Current => _current;

            object System.Collections.IEnumerator.Current => _current;

            public bool MoveNext()
            {
                while (_index >= _batch.Count)
                {
                    if (!batches.MoveNext())
                    {
                        _batch = default;
                        _index = 0;
                        return false;
                    }
                    _batch = batches.Current;
                    _index = 0;
                }
                ref readonly var item = ref _batch.Items[_index++];
                if (item.ClosesFile)
                {
                    _closedBytes += item.Offset;
                    _current = item.WithBytesDone(_closedBytes);
                }
                else
                {
                    _current = item.WithBytesDone(_closedBytes + item.Offset);
                }
                return true;
            }

            public void Reset() => throw new NotSupportedException();

            public void Dispose() => batches.Dispose();
        }
    }
}
