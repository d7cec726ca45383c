using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;

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
    /// Also <c>-Value</c>, the name of the value on every Add-Tb* cmdlet.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] Text { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        var key = BoundKey;
        if (_pendingKey is not null && !_pendingKey.Equals(key))
        {
            FlushText();
        }
        _pendingKey = key;
        _lines.AddRange(Text);
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
}
