using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace TbPowerShell.Internal;

/// <summary>
/// What a row parameter (<c>-Tag</c>, <c>-Step</c>, <c>-WallTime</c>, <c>-Run</c> of Add-TbScalar and Add-TbEvent)
/// holds after binding: a value converted as its type asks, or a script block run for each input with <c>$_</c>
/// set to it (as PowerShell's delay-bind script blocks are).
/// </summary>
internal enum RowField
{
    Text,
    Step,
    WallTime,
}

/// <summary>
/// Binds a row parameter: a script block is kept to be run per input; anything else is converted now, so that a
/// bad <c>-Step 1.5</c> or <c>-WallTime yesterday</c> on the command line still fails parameter binding.
/// </summary>
internal sealed class RowArgumentTransformationAttribute : ArgumentTransformationAttribute
{
    private readonly RowField _field;

    public RowArgumentTransformationAttribute(RowField field) => _field = field;

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? input = ValueParsing.Unwrap(inputData);
        if (input is ScriptBlock)
        {
            return input;
        }
        return _field switch
        {
            RowField.Step => new StepTransformationAttribute().Transform(engineIntrinsics, input),
            RowField.WallTime => new TbTimestampTransformationAttribute().Transform(engineIntrinsics, input),
            _ => PipedRows.ToText(input),
        };
    }
}

/// <summary>
/// Reads the rows piped to Add-TbScalar and Add-TbEvent. The whole input binds by value to one parameter and its
/// properties are read here, because PowerShell's binding by property name costs more per object than writing
/// the value does. Each field converts as the parameter of that name would, and a bad field is a named error.
/// </summary>
internal static class PipedRows
{
    /// <summary>Text as a string parameter binds it (culture-invariant, arrays joined); null stays null.</summary>
    public static string? ToText(object? value) => ValueParsing.Unwrap(value) switch
    {
        null => null,
        string s => s,
        var other => LanguagePrimitives.ConvertTo<string>(other),
    };

    /// <summary>
    /// The property <paramref name="name"/> of <paramref name="row"/>, looked up as binding by property name does
    /// (any letter case). False when the row has no such property.
    /// </summary>
    public static bool TryGetProperty(PSObject row, string name, out object? value)
    {
        var property = row.Properties[name];
        if (property is null)
        {
            value = null;
            return false;
        }
        value = property.Value;
        return true;
    }

    /// <summary>
    /// The elements of an array given by name to <c>-InputObject</c> (each is written as if piped), or null when
    /// <paramref name="input"/> is one object.
    /// </summary>
    public static IEnumerable? Elements(PSObject? input)
    {
        object? value = input?.BaseObject;
        if (value is null || value is string || value is IDictionary)
        {
            return null;
        }
        return LanguagePrimitives.GetEnumerable(value);
    }

    /// <summary>
    /// Runs a row parameter's script block with <c>$_</c> set to <paramref name="input"/>: one result is that
    /// object, none is null, several are an array.
    /// </summary>
    public static object? Invoke(ScriptBlock script, PSObject? input)
    {
        var results = script.InvokeWithContext(null, new List<PSVariable> { new("_", input) });
        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => results.ToArray(),
        };
    }

    /// <summary>
    /// A row's step: null when missing or empty (the writer's global step then); false when it is no whole number.
    /// </summary>
    public static bool TryGetStep(object? value, out long? step)
    {
        step = null;
        object? raw = ValueParsing.Unwrap(value);
        if (raw is null || (raw is string s && string.IsNullOrWhiteSpace(s)))
        {
            return true;
        }
        if (ValueParsing.TryGetStep(raw, out long parsed))
        {
            step = parsed;
            return true;
        }
        return false;
    }

    /// <summary>
    /// A row's wall time: null when missing or empty (now, then); false when it is neither a time, a number of
    /// Unix seconds nor a date string. The range (finite, after 1970) is checked where the value is written.
    /// </summary>
    public static bool TryGetWallTime(object? value, out TbTimestamp? wallTime)
    {
        try
        {
            wallTime = (TbTimestamp?)new TbTimestampTransformationAttribute().Transform(null!, value);
            return true;
        }
        catch (ArgumentTransformationMetadataException)
        {
            wallTime = null;
            return false;
        }
    }


    /// <summary>
    /// Where an input is, for an error about it: its number in the input (1-based, every input object counted),
    /// and its run, tag and step as given, so that the row can be found in a large CSV file.
    /// </summary>
    public static string Describe(long number, object? run, object? tag, object? step)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Input object {number}");
        var parts = new List<string>(3);
        Add(parts, "run", run);
        Add(parts, "tag", tag);
        Add(parts, "step", step);
        if (parts.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", parts).Append(')');
        }
        return text.ToString();

        static void Add(List<string> parts, string name, object? value)
        {
            value = ValueParsing.Unwrap(value);
            if (value is null or ScriptBlock)
            {
                return;
            }
            string shown = value switch
            {
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            parts.Add($"{name} '{shown}'");
        }
    }

    /// <summary>Adds <paramref name="context"/> in front of the message of <paramref name="error"/>.</summary>
    public static ErrorRecord WithContext(ErrorRecord error, string context)
    {
        string message = error.ErrorDetails?.Message ?? error.Exception.Message;
        error.ErrorDetails = new ErrorDetails($"{context}: {message}");
        return error;
    }
}
