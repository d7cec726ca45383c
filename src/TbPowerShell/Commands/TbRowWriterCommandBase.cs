using System.Management.Automation;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// What Add-TbScalar and Add-TbEvent share: they take each piped object whole (by value, into one parameter) and
/// read its Tag, Value, Step, WallTime and Run themselves, which is several times faster than PowerShell's binding
/// by property name. <c>-Step</c>, <c>-WallTime</c> and <c>-Run</c> therefore take no pipeline input here: given on
/// the command line they win over the input's own, and a script block among them runs once per input with
/// <c>$_</c> set to it. Errors about an input name it: its number in the input, its run, tag and step.
/// </summary>
public abstract class TbRowWriterCommandBase : TbWriterCommandBase
{
    private long _inputNumber;
    private bool _hasContext;
    private object? _contextRun;
    private object? _contextTag;
    private object? _contextStep;

    /// <summary>The step: a whole number (1.5 is an error), or a script block run for each input; by default the input's Step, else the writer's global step.</summary>
    [Parameter]
    [AllowNull]
    [RowArgumentTransformation(RowField.Step)]
    public new object? Step { get; set; }

    /// <summary>The wall time (a date, an ISO 8601 string or Unix seconds), or a script block run for each input; by default the input's WallTime, else now.</summary>
    [Parameter]
    [AllowNull]
    [RowArgumentTransformation(RowField.WallTime)]
    public new object? WallTime { get; set; }

    /// <summary>With <c>-LogDir</c>: the run (sub-directory) to write to, or a script block run for each input; by default the input's Run.</summary>
    [Parameter]
    [AllowEmptyString]
    [AllowNull]
    [RowArgumentTransformation(RowField.Text)]
    public new object? Run { get; set; }

    /// <summary>True when <c>-Tag</c> was given on the command line (so an input's own Tag is not read).</summary>
    private protected bool TagBound { get; private set; }

    /// <summary>True when <c>-Step</c> was given on the command line.</summary>
    private protected bool StepBound { get; private set; }

    /// <summary>True when <c>-WallTime</c> was given on the command line.</summary>
    private protected bool WallTimeBound { get; private set; }

    /// <summary>True when <c>-Run</c> was given on the command line.</summary>
    private protected bool RunBound { get; private set; }

    /// <summary>True when a row parameter holds a script block: it reads the input, so every input is used.</summary>
    private protected bool AnyScriptBlock { get; private set; }

    /// <summary>True when the call has objects to read (piped, or given to <c>-InputObject</c>).</summary>
    private protected bool HasInput { get; private set; }

    /// <summary>The value of <c>-Tag</c> as bound (text, null or a script block).</summary>
    private protected abstract object? TagArgument { get; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        TagBound = bound.ContainsKey("Tag");
        StepBound = bound.ContainsKey(nameof(Step));
        WallTimeBound = bound.ContainsKey(nameof(WallTime));
        RunBound = bound.ContainsKey(nameof(Run));
        HasInput = MyInvocation.ExpectingInput || bound.ContainsKey("InputObject");
        foreach (var (name, argument) in new[] { ("Tag", TagArgument), (nameof(Step), Step), (nameof(WallTime), WallTime), (nameof(Run), Run) })
        {
            if (argument is ScriptBlock)
            {
                AnyScriptBlock = true;
                if (!HasInput)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ParameterBindingException($"The script block given to -{name} runs once per input object, and this call has no input: pipe objects to it."),
                        ErrorIds.ScriptBlockArgumentNoInput, ErrorCategory.InvalidArgument, argument));
                }
            }
        }
        base.BeginProcessing();
    }

    /// <summary>The number of the next input object (1-based, every object counted).</summary>
    private protected long NextInputNumber() => ++_inputNumber;

    /// <summary>From now on, errors name this input: its number and its run, tag and step as given.</summary>
    private protected void SetInputContext(object? run, object? tag, object? step)
    {
        _hasContext = true;
        (_contextRun, _contextTag, _contextStep) = (run, tag, step);
    }

    /// <summary>Errors no longer name an input (a call without pipeline input).</summary>
    private protected void ClearInputContext() => _hasContext = false;

    /// <inheritdoc />
    private protected override void WriteInputError(ErrorRecord error)
    {
        if (_hasContext)
        {
            error = PipedRows.WithContext(error, PipedRows.Describe(_inputNumber, _contextRun, _contextTag, _contextStep));
        }
        WriteError(error);
    }

    /// <summary>
    /// The value of a row parameter for <paramref name="input"/>: as bound, or, for a script block, what it returns
    /// with <c>$_</c> set to the input. False after an error was written.
    /// </summary>
    private protected bool TryArgument(object? argument, PSObject? input, out object? value)
    {
        value = argument;
        if (argument is not ScriptBlock script)
        {
            return true;
        }
        try
        {
            value = PipedRows.Invoke(script, input);
            return true;
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            WriteInputError(new ErrorRecord(
                new ParameterBindingException($"The script block given as an argument failed on this input: {e.Message}", e),
                ErrorIds.ScriptBlockArgumentInvocationFailed, ErrorCategory.InvalidArgument, input));
            return false;
        }
    }

    /// <summary>A step from an input or a script block (null: none given). False after an <c>InvalidStep</c> error.</summary>
    private protected bool TryStep(object? raw, out long? step)
    {
        if (PipedRows.TryGetStep(raw, out step))
        {
            return true;
        }
        object? target = ValueParsing.Unwrap(raw);
        WriteInputError(new ErrorRecord(
            new ArgumentException($"The step '{PipedRows.ToText(target)}' is not a step: a step is a whole number from {long.MinValue} to {long.MaxValue} (a fraction is not rounded)."),
            ErrorIds.InvalidStep, ErrorCategory.InvalidArgument, target));
        return false;
    }

    /// <summary>A wall time from an input or a script block (null: none given). False after an <c>InvalidWallTime</c> error.</summary>
    private protected bool TryWallTime(object? raw, out TbTimestamp? wallTime)
    {
        if (PipedRows.TryGetWallTime(raw, out wallTime))
        {
            return true;
        }
        object? target = ValueParsing.Unwrap(raw);
        WriteInputError(new ErrorRecord(
            new ArgumentException($"The wall time '{PipedRows.ToText(target)}' is not a time: give a date, an ISO 8601 string or a number of Unix seconds."),
            ErrorIds.InvalidWallTime, ErrorCategory.InvalidArgument, target));
        return false;
    }

    /// <summary>Writes the error of an input that has none of the properties the cmdlet reads.</summary>
    private protected void WriteNotBound(PSObject? input, string names) =>
        WriteInputError(new ErrorRecord(
            new ParameterBindingException($"The input object has none of the properties {names}, and cannot be written."),
            ErrorIds.InputObjectNotBound, ErrorCategory.InvalidArgument, input));

    /// <summary>Writes the error of an input that lacks a property the command line did not give either.</summary>
    private protected void WriteMissing(PSObject? input, string names) =>
        WriteInputError(new ErrorRecord(
            new ParameterBindingException($"The input object has no {names} property and -{names} was not given, so it cannot be written."),
            ErrorIds.InputObjectMissingMandatory, ErrorCategory.InvalidArgument, input));
}
