using System.Collections;
using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs markdown text to a TensorBoard run, as PyTorch's add_text does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbText", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbTextEvent))]
public sealed class AddTbTextCommand : TbWriterCommandBase
{
    private readonly List<string> _lines = new();
    private ValueKey? _pendingKey;

    /// <summary>
    /// The markdown text. Strings piped in one after another with the same tag, step and run are
    /// joined by new lines into one text (so <c>Get-Content notes.md | Add-TbText -Tag notes</c> logs the file).
    /// A 2-D array (<c>[string[,]]</c>) or an array of equal-length rows is a table: a rank-2 text tensor, which
    /// TensorBoard draws as a table. Also <c>-Value</c>, the name of the value on every Add-Tb* cmdlet.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    public object? Text { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        object? text = TextOfRow(Text);
        string?[,]? rows;
        try
        {
            rows = TableOf(text);
        }
        catch (RaggedTableException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidTable, ErrorCategory.InvalidData, e.Rows));
            return;
        }
        if (rows is not null)
        {
            // A table is a value of its own: the text gathered so far goes first.
            FlushText();
            WriteTable(rows);
            return;
        }
        var key = BoundKey;
        if (_pendingKey is not null && !_pendingKey.Equals(key))
        {
            FlushText();
        }
        _pendingKey = key;
        AddLines(text);
    }

    /// <summary>The text a piped object carries: its Text (or Value) property, as binding by name would give.</summary>
    private static object? TextOfRow(object? input)
    {
        object? item = ValueParsing.Unwrap(input);
        if (item is null || item is string || item is IEnumerable || item.GetType().IsPrimitive || item is decimal)
        {
            return input;
        }
        var properties = PSObject.AsPSObject(input!).Properties;
        var property = properties["Text"] ?? properties["Value"];
        return property is null ? input : property.Value;
    }

    private void AddLines(object? text)
    {
        switch (ValueParsing.Unwrap(text))
        {
            case null:
                _lines.Add(string.Empty);
                return;
            case string s:
                _lines.Add(s);
                return;
            case IEnumerable items:
                foreach (object? item in items)
                {
                    _lines.Add(CellText(item));
                }
                return;
            default:
                _lines.Add(CellText(text));
                return;
        }
    }

    private static string CellText(object? value) => ValueParsing.Unwrap(value) switch
    {
        null => string.Empty,
        string s => s,
        var other => LanguagePrimitives.ConvertTo<string>(other),
    };

    /// <summary>The cells of a table (a 2-D array, or a non-empty array whose every element is an array), or null for text.</summary>
    private static string?[,]? TableOf(object? text)
    {
        switch (ValueParsing.Unwrap(text))
        {
            case Array { Rank: 2 } grid:
            {
                var cells = new string?[grid.GetLength(0), grid.GetLength(1)];
                for (int r = 0; r < cells.GetLength(0); r++)
                {
                    for (int c = 0; c < cells.GetLength(1); c++)
                    {
                        cells[r, c] = CellText(grid.GetValue(r, c));
                    }
                }
                return cells;
            }
            case IList { Count: > 0 } list when list.Cast<object?>().All(IsRow):
                return TableOfRows(list);
            default:
                return null;
        }
    }

    private static bool IsRow(object? item) => ValueParsing.Unwrap(item) is IEnumerable and not string;

    private static string?[,]? TableOfRows(IList list)
    {
        var rows = list.Cast<object?>().Select(r => (IReadOnlyList<string?>)((IEnumerable)ValueParsing.Unwrap(r)!).Cast<object?>().Select(CellText).ToList()).ToList();
        try
        {
            return TextTables.FromRows(rows);
        }
        catch (ArgumentException e)
        {
            throw new RaggedTableException(e.Message, list);
        }
    }

    private void WriteTable(string?[,] cells)
    {
        var key = BoundKey;
        var writer = CurrentWriter(key.Run);
        if (writer is null)
        {
            return;
        }
        Core.Proto.Summary.Types.Value value;
        try
        {
            value = TextTables.Value(key.Tag, cells);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidTable, ErrorCategory.InvalidData, Text));
            return;
        }
        long step = EffectiveStep(writer, key.Step);
        var wallTime = key.WallTime ?? TbTimestamp.Now;
        if (TryWrite(writer, w => w.AddValue(value, step, wallTime), cells, wallTime) && PassThru)
        {
            var strings = cells.Cast<string?>().Select(c => c ?? string.Empty).ToArray();
            WriteObject(new TbTextEvent(EffectiveRun, writer.Path,
                new TextRecord(value.Tag, step, wallTime.UnixSeconds, strings, new long[] { cells.GetLength(0), cells.GetLength(1) })));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        FlushText();
        base.EndProcessing();
    }

    private void FlushText()
    {
        if (_pendingKey is not { } key)
        {
            return;
        }
        string text = string.Join("\n", _lines);
        _lines.Clear();
        _pendingKey = null;
        // With the parameters of the text being flushed, not of the current input.
        WriteText(text, key);
    }

    private void WriteText(string text, ValueKey key)
    {
        var writer = CurrentWriter(key.Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, key.Step);
        var wallTime = key.WallTime ?? TbTimestamp.Now;
        var value = SummaryValues.Text(key.Tag, text);
        if (TryWrite(writer, w => w.AddValue(value, step, wallTime), text, wallTime) && PassThru)
        {
            WriteObject(new TbTextEvent(EffectiveRun, writer.Path,
                new TextRecord(value.Tag, step, wallTime.UnixSeconds, new[] { text }, new long[] { 1 })));
        }
    }

    /// <summary>Rows of a table that differ in length.</summary>
    private sealed class RaggedTableException(string message, object rows) : ArgumentException(message)
    {
        public object Rows { get; } = rows;
    }
}
