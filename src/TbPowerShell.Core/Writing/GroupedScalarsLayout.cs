using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Writing;

/// <summary>
/// The custom-scalars layout of one run's grouped series (<c>Add-TbScalars -SingleRun</c>): one
/// multiline chart per main tag. TensorBoard draws a run's last layout only, so each new main tag
/// rewrites the whole layout, including the charts an earlier writer on the run drew. Thread-safe.
/// </summary>
internal sealed class GroupedScalarsLayout
{
    private readonly object _gate = new();
    private readonly List<string> _mainTags = new();
    private readonly string _runDirectory;
    private readonly Func<string> _ownFile;
    private bool _loaded;

    /// <summary>The layout of the run in <paramref name="runDirectory"/>, whose own file (not read back) is <paramref name="ownFile"/>.</summary>
    public GroupedScalarsLayout(string runDirectory, Func<string> ownFile)
    {
        _runDirectory = runDirectory;
        _ownFile = ownFile;
    }

    /// <summary>The whole layout to write when <paramref name="mainTag"/> is a new chart; null when it is drawn already.</summary>
    public Layout? Add(string mainTag)
    {
        if (!Volatile.Read(ref _loaded))
        {
            var existing = ReadLastLayoutTags(_runDirectory, _ownFile());
            lock (_gate)
            {
                foreach (string tag in existing)
                {
                    if (!_mainTags.Contains(tag))
                    {
                        _mainTags.Add(tag);
                    }
                }
                _loaded = true;
            }
        }
        lock (_gate)
        {
            if (_mainTags.Contains(mainTag))
            {
                return null;
            }
            _mainTags.Add(mainTag);
            return CustomScalarLayouts.ForGroupedScalars(_mainTags);
        }
    }

    /// <summary>
    /// The main tags of the grouped-scalars charts in the last layout already written to the event files of
    /// <paramref name="runDirectory"/> (other than <paramref name="exceptFile"/>). Reads the records
    /// directly: a writer needs no event reader, only the one tag's tensor.
    /// </summary>
    internal static IReadOnlyList<string> ReadLastLayoutTags(string runDirectory, string? exceptFile)
    {
        if (!Directory.Exists(runDirectory))
        {
            return Array.Empty<string>();
        }
        Layout? last = null;
        var files = Directory.EnumerateFiles(runDirectory)
            .Where(f => EventFileName.IsEventFileName(Path.GetFileName(f)) && f != exceptFile)
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
        foreach (string file in files)
        {
            try
            {
                using var records = new RecordReader(RecordReader.OpenShared(file), 0);
                while (records.Read() is var status && status is not (RecordStatus.EndOfData or RecordStatus.Truncated))
                {
                    if (status == RecordStatus.Record && LayoutIn(records.Payload) is { } layout)
                    {
                        last = layout;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // an unreadable file contributes no layout
            }
        }
        return last?.Category.Where(c => c.Title == CustomScalarLayouts.GroupedCategory).SelectMany(c => c.Chart).Select(c => c.Title).ToList()
            ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>The layout the record holds, if any; an unparsable record holds none.</summary>
    private static Layout? LayoutIn(ReadOnlySpan<byte> record)
    {
        try
        {
            Layout? found = null;
            foreach (var value in Event.Parser.ParseFrom(record).Summary?.Value ?? Enumerable.Empty<Summary.Types.Value>())
            {
                if (value.Tag == SummaryValues.CustomScalarsLayoutTag && value.Tensor is { StringVal.Count: > 0 } tensor)
                {
                    found = Layout.Parser.ParseFrom(tensor.StringVal[0]);
                }
            }
            return found;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
