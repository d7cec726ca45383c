using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Writing;

/// <summary>
/// The custom-scalars layout of one run: the categories given with <c>Add-TbCustomScalarLayout</c>
/// (<see cref="TbWriter.AddCustomScalarLayout"/>), followed by the grouped series of <c>Add-TbScalars -SingleRun</c>,
/// one multiline chart per main tag. TensorBoard draws a run's last layout only, so each change rewrites the whole
/// layout, keeping what an earlier writer on the run drew (both parts). Thread-safe.
/// </summary>
internal sealed class GroupedScalarsLayout
{
    private readonly object _gate = new();
    private readonly List<string> _mainTags = new();
    private readonly List<Category> _custom = new();
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
        Load();
        lock (_gate)
        {
            if (_mainTags.Contains(mainTag))
            {
                return null;
            }
            _mainTags.Add(mainTag);
            return Compose();
        }
    }

    /// <summary>
    /// The whole layout to write for the categories a user gave: they replace the ones given before (as
    /// <c>add_custom_scalars</c> replaces the layout); the grouped-scalars category, if any, stays last.
    /// </summary>
    public Layout SetCustom(Layout custom)
    {
        ArgumentNullException.ThrowIfNull(custom);
        Load();
        lock (_gate)
        {
            _custom.Clear();
            _custom.AddRange(custom.Category.Select(c => c.Clone()));
            return Compose();
        }
    }

    private Layout Compose()
    {
        var layout = new Layout();
        layout.Category.Add(_custom.Select(c => c.Clone()));
        if (_mainTags.Count > 0)
        {
            layout.Category.Add(CustomScalarLayouts.ForGroupedScalars(_mainTags).Category);
        }
        return layout;
    }

    private void Load()
    {
        if (Volatile.Read(ref _loaded))
        {
            return;
        }
        var existing = ReadLastLayout(_runDirectory, _ownFile());
        lock (_gate)
        {
            if (_loaded)
            {
                return;
            }
            foreach (var category in existing?.Category ?? Enumerable.Empty<Category>())
            {
                if (category.Title == CustomScalarLayouts.GroupedCategory)
                {
                    foreach (string tag in category.Chart.Select(c => c.Title))
                    {
                        if (!_mainTags.Contains(tag))
                        {
                            _mainTags.Add(tag);
                        }
                    }
                }
                else
                {
                    _custom.Add(category);
                }
            }
            _loaded = true;
        }
    }

    /// <summary>
    /// The last layout already written to the event files of <paramref name="runDirectory"/> (other than
    /// <paramref name="exceptFile"/>), or null. Reads the records directly: a writer needs no event reader,
    /// only the one tag's tensor.
    /// </summary>
    internal static Layout? ReadLastLayout(string runDirectory, string? exceptFile)
    {
        if (!Directory.Exists(runDirectory))
        {
            return null;
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
        return last;
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
