using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>A text value (markdown, as TensorBoard's text dashboard renders it).</summary>
public sealed class TbTextEvent : TbEvent
{
    internal TbTextEvent(string run, string file, TextRecord r)
        : base(run, r, file)
    {
        Strings = r.Strings;
        Shape = r.Shape;
        // A table (rank 2): one line per row, cells separated by tabs (ConvertFrom-Csv -Delimiter "`t" reads it).
        Text = r.Shape is [var rows, var columns] && rows * columns == r.Strings.Length && columns > 0
            ? string.Join("\n", r.Strings.Chunk((int)columns).Select(row => string.Join("\t", row)))
            : string.Join("\n", r.Strings);
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <summary>The series name; PyTorch's <c>add_text</c> appends <c>/text_summary</c> to the name it was given.</summary>
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>The text; several strings (a text tensor of more than one element) are joined by new lines; a table's cells by tabs, its rows by new lines.</summary>
    public string Text { get; }

    /// <summary>Every string of the text tensor.</summary>
    [Hidden]
    public string[] Strings { get; }

    /// <summary>The text tensor's shape.</summary>
    [Hidden]
    public long[] Shape { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <inheritdoc />
    public override string ToString() => Text;
}
