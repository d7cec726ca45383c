using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes the event objects of Get-TbEvent (every type) back to a run, so that runs can be filtered, renamed, downsampled or merged in a pipeline.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbEvent", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbScalarEvent), typeof(TbImageEvent), typeof(TbAudioEvent), typeof(TbTextEvent), typeof(TbHistogramEvent), typeof(TbTensorEvent), typeof(TbGraphEvent), typeof(TbPrCurveEvent), typeof(TbLayoutEvent))]
public sealed class AddTbEventCommand : TbRowWriterCommandBase
{
    // The samples (images, audio clips) of one source event wait here until an input that is not
    // the next sample arrives, so that they are written back as one event.
    private readonly List<ValueRecord> _samples = new();
    private readonly object _samplesLock = new();
    private TbWriter? _samplesWriter;
    private string _samplesRun = ".";

    /// <summary>
    /// The events to write: the objects of Get-TbEvent (TbScalarEvent, TbImageEvent, TbAudioEvent,
    /// TbTextEvent, TbHistogramEvent, TbTensorEvent), or objects with Tag and Value properties (a
    /// scalar, as Add-TbScalar takes it; rows of Import-Csv, say). An array given by name is written
    /// element by element.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// The tag to write the event under: by default the input's Tag. A script block renames
    /// (<c>-Tag { 'old/' + $_.Tag }</c>); a string puts every input under one tag.
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    [AllowNull]
    [RowArgumentTransformation(RowField.Text)]
    [ArgumentCompleter(typeof(TbPowerShell.Completion.TbTagCompleter))]
    public new object? Tag { get; set; }

    private protected override object? TagArgument => Tag;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!MyInvocation.ExpectingInput && PipedRows.Elements(InputObject) is { } items)
        {
            foreach (object? item in items)
            {
                Process(item is null ? null : PSObject.AsPSObject(item));
            }
            return;
        }
        Process(InputObject);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        WriteSamples();
        base.EndProcessing();
    }

    private void Process(PSObject? item)
    {
        NextInputNumber();
        object? value = item?.BaseObject;
        if (item is null || value is null)
        {
            SetInputContext(null, null, null);
            WriteUnsupported(item, "nothing ($null)");
            return;
        }
        bool isEvent = EventRecords.TryGetKey(value, out string ownTag, out long ownStep, out var ownWallTime, out string ownRun);
        object? scalarValue = null;
        object? tagArgument, stepArgument, wallTimeArgument, runArgument;
        if (isEvent)
        {
            tagArgument = TagBound ? Tag : ownTag;
            stepArgument = StepBound ? Step : ownStep;
            wallTimeArgument = WallTimeBound ? WallTime : ownWallTime;
            runArgument = RunBound ? Run : ownRun;
        }
        else
        {
            // A row: Tag and Value, as Add-TbScalar takes them (Step, WallTime and Run optional).
            try
            {
                bool hasValue = PipedRows.TryGetProperty(item, "Value", out scalarValue);
                bool hasTag = PipedRows.TryGetProperty(item, "Tag", out object? rowTag);
                PipedRows.TryGetProperty(item, "Run", out object? rowRun);
                PipedRows.TryGetProperty(item, "Step", out object? rowStep);
                PipedRows.TryGetProperty(item, "WallTime", out object? rowWallTime);
                tagArgument = TagBound ? Tag : rowTag;
                stepArgument = StepBound ? Step : rowStep;
                wallTimeArgument = WallTimeBound ? WallTime : rowWallTime;
                runArgument = RunBound ? Run : rowRun;
                SetInputContext(runArgument, tagArgument, stepArgument);
                if (!hasValue || (!TagBound && !hasTag))
                {
                    WriteUnsupported(item, "a " + value.GetType().Name);
                    return;
                }
            }
            catch (GetValueException e)
            {
                SetInputContext(null, null, null);
                WriteInputError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, item));
                return;
            }
        }
        SetInputContext(runArgument, tagArgument, stepArgument);
        if (!TryArgument(tagArgument, item, out tagArgument) || !TryArgument(stepArgument, item, out stepArgument)
            || !TryArgument(wallTimeArgument, item, out wallTimeArgument) || !TryArgument(runArgument, item, out runArgument))
        {
            return;
        }
        SetInputContext(runArgument, tagArgument, stepArgument);
        if (!TryStep(stepArgument, out long? givenStep) || !TryWallTime(wallTimeArgument, out TbTimestamp? givenWallTime))
        {
            return;
        }

        string tag = PipedRows.ToText(tagArgument) ?? string.Empty;
        if (RejectEmptyTag(tag))
        {
            return;
        }
        var wallTime = givenWallTime ?? TbTimestamp.Now;
        if (!double.IsFinite(wallTime.UnixSeconds) || wallTime.UnixSeconds <= 0)
        {
            WriteInputError(new ErrorRecord(
                new ArgumentOutOfRangeException(nameof(WallTime), wallTime.UnixSeconds, "A wall time must be a finite time after 1970-01-01."),
                ErrorIds.InvalidWallTime, ErrorCategory.InvalidArgument, wallTime));
            return;
        }
        double scalar = 0;
        if (!isEvent && !ValueParsing.TryGetDouble(scalarValue, out scalar))
        {
            object? target = ValueParsing.Unwrap(scalarValue);
            WriteInputError(new ErrorRecord(
                new ArgumentException($"The value '{target}' of tag '{tag}' is not a number."),
                ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, target));
            return;
        }

        string? givenRun = PipedRows.ToText(runArgument);
        var writer = CurrentWriter(string.IsNullOrEmpty(givenRun) ? "." : givenRun);
        if (writer is null)
        {
            return;
        }
        string run = EffectiveRun;
        long step = givenStep ?? writer.GlobalStep;

        if (value is TbScalarEvent scalarEvent)
        {
            WriteScalar(writer, run, tag, step, wallTime, scalarEvent.Value, exact: true, item);
            return;
        }
        if (!isEvent)
        {
            WriteScalar(writer, run, tag, step, wallTime, scalar, exact: false, ValueParsing.Unwrap(scalarValue)!);
            return;
        }

        var record = EventRecords.ToRecord(value, tag, step, wallTime.UnixSeconds)!;
        lock (_samplesLock)
        {
            if (RecordEncoder.IsSample(record) && writer == _samplesWriter && RecordEncoder.ContinuesSamples(_samples, record))
            {
                _samples.Add(record);
                return;
            }
        }
        WriteSamples();
        if (RecordEncoder.IsSample(record))
        {
            lock (_samplesLock)
            {
                _samples.Add(record);
                _samplesWriter = writer;
                _samplesRun = run;
            }
            return;
        }
        Write(writer, run, new[] { record }, item);
    }

    private void WriteScalar(TbWriter writer, string run, string tag, long step, TbTimestamp wallTime, double value, bool exact, object target)
    {
        WriteSamples();
        // An event object keeps its value exactly (a double that is no float32 goes as a double
        // tensor); a row is stored as a float32, as Add-TbScalar stores it.
        float single = (float)value;
        bool isSingle = !exact || BitConverter.DoubleToInt64Bits(single) == BitConverter.DoubleToInt64Bits(value);
        double stored = isSingle ? single : value;
        bool written = TryWrite(writer, w =>
        {
            if (isSingle)
            {
                w.AddScalar(tag, single, step, wallTime);
            }
            else
            {
                w.AddValue(RecordEncoder.Scalar(tag, value), step, wallTime);
            }
        }, target, wallTime);
        if (written && PassThru)
        {
            WriteObject(new TbScalarEvent(run, tag, step, wallTime, stored, writer.Path));
        }
    }

    private void WriteSamples()
    {
        ValueRecord[] samples;
        TbWriter writer;
        lock (_samplesLock)
        {
            if (_samples.Count == 0)
            {
                return;
            }
            samples = _samples.ToArray();
            writer = _samplesWriter!;
            _samples.Clear();
            _samplesWriter = null;
        }
        Write(writer, _samplesRun, samples, samples);
    }

    /// <summary>
    /// Ctrl+C: images or clips held to be grouped into one event are written before the writers
    /// close (this runs on another thread, so it only feeds the writer; a failure is reported by
    /// the writer at its next use).
    /// </summary>
    protected override void StopProcessing()
    {
        lock (_samplesLock)
        {
            if (_samples.Count > 0 && _samplesWriter is { IsClosed: false } writer)
            {
                try
                {
                    var first = _samples[0];
                    foreach (var value in RecordEncoder.Encode(_samples))
                    {
                        writer.AddValue(value, first.Step, new TbTimestamp(first.WallTime));
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    writer.ReportFeedError(e);
                }
                _samples.Clear();
                _samplesWriter = null;
            }
        }
        base.StopProcessing();
    }

    private void Write(TbWriter writer, string run, IReadOnlyList<ValueRecord> records, object target)
    {
        var first = records[0];
        var wallTime = new TbTimestamp(first.WallTime);
        IReadOnlyList<Core.Proto.Summary.Types.Value>? values = null;
        bool written = TryWrite(writer, w =>
        {
            if (first is GraphRecord graph)
            {
                // A graph is an event of its own (graph_def, tagged_run_metadata or meta_graph_def), not a summary value.
                w.AddEvent(GraphSummaries.Encode(graph));
                values = Array.Empty<Core.Proto.Summary.Types.Value>();
                return;
            }
            values = RecordEncoder.Encode(records);
            if (first is MeshRecord)
            {
                // A mesh's tensors share one event, as PyTorch writes them: they read back as one record.
                w.AddValues(values, first.Step, wallTime);
                return;
            }
            foreach (var value in values)
            {
                w.AddValue(value, first.Step, wallTime);
            }
        }, target, wallTime);
        if (!written || !PassThru)
        {
            return;
        }
        bool oneEvent = values!.Count == 1;
        for (int i = 0; i < records.Count; i++)
        {
            // As read back: the samples of the event numbered from 0.
            var record = records[i] switch
            {
                ImageRecord image => image with { Sample = oneEvent ? i : 0 },
                AudioRecord audio => audio with { Sample = oneEvent ? i : 0 },
                var other => other,
            };
            WriteObject(EventRecords.ToOutput(run, writer.Path, record));
        }
    }

    private void WriteUnsupported(object? target, string what) =>
        WriteInputError(new ErrorRecord(
            new ArgumentException(
                $"Add-TbEvent writes the objects of Get-TbEvent (TbScalarEvent, TbImageEvent, TbAudioEvent, TbTextEvent, " +
                $"TbHistogramEvent, TbTensorEvent) and objects with Tag and Value properties; {what} was given."),
            ErrorIds.UnsupportedInput, ErrorCategory.InvalidType, target));
}
