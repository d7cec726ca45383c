using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs scalar values (a loss, an accuracy, a learning rate) to a TensorBoard run.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbScalar", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbScalarEvent))]
public sealed class AddTbScalarCommand : TbRowWriterCommandBase
{
    private const string RowProperties = "Tag, Value, Step, WallTime or Run";

    private bool _valueBound;

    /// <summary>The series name (<c>train/loss</c>, say), or a script block run for each input; by default the input's Tag.</summary>
    [Parameter(Position = 0)]
    [AllowEmptyString]
    [AllowNull]
    [RowArgumentTransformation(RowField.Text)]
    [ArgumentCompleter(typeof(TbPowerShell.Completion.TbTagCompleter))]
    public new object? Tag { get; set; }

    /// <summary>The value: a number, or a string parsed with the invariant culture ("-0", "NaN", "Infinity" kept exactly); by default the input's Value.</summary>
    [Parameter(Position = 1)]
    [AllowNull]
    public object? Value { get; set; }

    /// <summary>
    /// The objects to write, one value each: TbScalarEvent objects from Get-TbEvent, rows of Import-Csv, or any
    /// object with Tag and Value properties (Step, WallTime and Run optional). An array given by name is written
    /// element by element.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    private protected override object? TagArgument => Tag;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _valueBound = MyInvocation.BoundParameters.ContainsKey(nameof(Value));
        if (!MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
        {
            // Without input, Tag and Value are mandatory, as they were when PowerShell bound them.
            var missing = new List<string>(2);
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Tag)))
            {
                missing.Add(nameof(Tag));
            }
            if (!_valueBound)
            {
                missing.Add(nameof(Value));
            }
            if (missing.Count > 0 && !TryPrompt(missing))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ParameterBindingException(
                        $"Cannot process command because of one or more missing mandatory parameters: {string.Join(" ", missing)}. " +
                        "Give them, or pipe objects that have them as properties."),
                    ErrorIds.MissingMandatoryParameter, ErrorCategory.InvalidArgument, null));
            }
        }
        base.BeginProcessing();
    }

    // An interactive session asks for what is missing, as PowerShell does for a mandatory parameter; a host
    // that cannot ask (-NonInteractive, a job) leaves the MissingMandatoryParameter error.
    private bool TryPrompt(List<string> missing)
    {
        Dictionary<string, PSObject> answers;
        try
        {
            var fields = missing.Select(name => new System.Management.Automation.Host.FieldDescription(name) { IsMandatory = true }).ToList();
            answers = Host.UI.Prompt($"cmdlet {MyInvocation.MyCommand.Name} at command pipeline position {MyInvocation.PipelinePosition}",
                "Supply values for the following parameters:", new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.FieldDescription>(fields));
        }
        catch (Exception e) when (e is PSInvalidOperationException or NotImplementedException or System.Management.Automation.Host.HostException
            or InvalidOperationException or IOException)
        {
            return false;
        }
        if (answers is null || missing.Any(name => !answers.ContainsKey(name)))
        {
            return false;
        }
        if (missing.Contains(nameof(Tag)))
        {
            Tag = PipedRows.ToText(answers[nameof(Tag)]);
        }
        if (missing.Contains(nameof(Value)))
        {
            Value = ValueParsing.Unwrap(answers[nameof(Value)]);
            _valueBound = true;
        }
        return true;
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!HasInput)
        {
            ClearInputContext();
            Add(null, Tag, Value, Step, WallTime, Run);
            return;
        }
        if (!MyInvocation.ExpectingInput && PipedRows.Elements(InputObject) is { } items)
        {
            foreach (object? item in items)
            {
                AddInput(item is null ? null : PSObject.AsPSObject(item));
            }
            return;
        }
        AddInput(InputObject);
    }

    private void AddInput(PSObject? input)
    {
        NextInputNumber();
        object? tag = Tag, value = Value, step = Step, wallTime = WallTime, run = Run;
        bool found, hasTag = TagBound, hasValue = _valueBound;
        if (input?.BaseObject is TbScalarEvent scalar)
        {
            found = true;
            hasTag = hasValue = true;
            tag = TagBound ? tag : scalar.Tag;
            value = _valueBound ? value : scalar.Value;
            step = StepBound ? step : scalar.Step;
            wallTime = WallTimeBound ? wallTime : scalar.Timestamp;
            run = RunBound ? run : scalar.Run;
        }
        else
        {
            found = AnyScriptBlock;
            if (input is not null && input.BaseObject is not null)
            {
                try
                {
                    found |= !TagBound && (hasTag = PipedRows.TryGetProperty(input, nameof(Tag), out tag));
                    found |= !_valueBound && (hasValue = PipedRows.TryGetProperty(input, nameof(Value), out value));
                    found |= !StepBound && PipedRows.TryGetProperty(input, nameof(Step), out step);
                    found |= !WallTimeBound && PipedRows.TryGetProperty(input, nameof(WallTime), out wallTime);
                    found |= !RunBound && PipedRows.TryGetProperty(input, nameof(Run), out run);
                }
                catch (GetValueException e)
                {
                    SetInputContext(null, null, null);
                    WriteInputError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, input));
                    return;
                }
            }
        }
        SetInputContext(run, tag, step);
        if (!found)
        {
            WriteNotBound(input, RowProperties);
            return;
        }
        if (!hasTag || !hasValue)
        {
            WriteMissing(input, hasTag ? nameof(Value) : nameof(Tag));
            return;
        }
        if (!TryArgument(tag, input, out tag) || !TryArgument(step, input, out step)
            || !TryArgument(wallTime, input, out wallTime) || !TryArgument(run, input, out run))
        {
            return;
        }
        SetInputContext(run, tag, step);
        Add(input, tag, value, step, wallTime, run);
    }

    private void Add(PSObject? input, object? tagArgument, object? valueArgument, object? stepArgument, object? wallTimeArgument, object? runArgument)
    {
        if (!TryStep(stepArgument, out long? givenStep) || !TryWallTime(wallTimeArgument, out TbTimestamp? givenWallTime))
        {
            return;
        }
        string? tag = PipedRows.ToText(tagArgument);
        if (RejectEmptyTag(tag))
        {
            return;
        }
        if (!ValueParsing.TryGetDouble(valueArgument, out double value))
        {
            object? target = ValueParsing.Unwrap(valueArgument);
            WriteInputError(new ErrorRecord(
                new ArgumentException($"The value '{target}' of tag '{tag}' is not a number."),
                ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, target));
            return;
        }
        var writer = CurrentWriter(PipedRows.ToText(runArgument));
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, givenStep);
        var wallTime = givenWallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddScalar(tag!, value, step, wallTime), ValueParsing.Unwrap(valueArgument)!, wallTime) && PassThru)
        {
            WriteObject(new TbScalarEvent(EffectiveRun, tag!, step, wallTime, (float)value, writer.Path));
        }
    }
}
