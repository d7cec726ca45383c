using System.Text;
using TbPowerShell.Core.Proto;

namespace TbPowerShell.Core.Summaries;

/// <summary>Custom-scalars layouts (TensorBoard's "Custom Scalars" dashboard).</summary>
public static class CustomScalarLayouts
{
    /// <summary>The category that grouped series (<c>Add-TbScalars -SingleRun</c>) are drawn in.</summary>
    public const string GroupedCategory = "Grouped scalars";

    /// <summary>One multiline chart per main tag, plotting every <c>&lt;mainTag&gt;/&lt;series&gt;</c> tag.</summary>
    public static Layout ForGroupedScalars(IEnumerable<string> mainTags)
    {
        var category = new Category { Title = GroupedCategory };
        foreach (string mainTag in mainTags)
        {
            var content = new MultilineChartContent();
            content.Tag.Add(EscapeRegex(mainTag) + "/[^/]*$");
            category.Chart.Add(new Chart { Title = mainTag, Multiline = content });
        }
        return new Layout { Category = { category } };
    }

    /// <summary>
    /// The main tags of the grouped-scalars charts in the last layout already written to the event
    /// files of <paramref name="logDir"/> (other than <paramref name="exceptFile"/>), so that a new
    /// writer on the run extends the layout TensorBoard shows instead of replacing it.
    /// </summary>
    public static IReadOnlyList<string> ReadGroupedTags(string logDir, string? exceptFile)
    {
        Layout? last = null;
        if (!Directory.Exists(logDir))
        {
            return Array.Empty<string>();
        }
        var files = Directory.EnumerateFiles(logDir)
            .Where(f => IO.LogDirectory.IsEventFileName(Path.GetFileName(f)) && f != exceptFile)
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
        foreach (string file in files)
        {
            try
            {
                using var reader = new IO.EventFileReader(file, t => t == SummaryValues.CustomScalarsLayoutTag, null, 0, IO.EventKinds.Tensor);
                while (reader.Next() is var result && result is not (IO.EventReadResult.EndOfData or IO.EventReadResult.Truncated))
                {
                    if (result == IO.EventReadResult.Value && reader.CurrentValue is IO.TensorRecord { Bytes: { Length: > 0 } bytes })
                    {
                        last = Layout.Parser.ParseFrom(bytes[0]);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
            {
                // an unreadable file contributes no layout
            }
        }
        return last?.Category.Where(c => c.Title == GroupedCategory).SelectMany(c => c.Chart).Select(c => c.Title).ToList()
            ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>Escapes a tag for the Python regular expressions TensorBoard matches chart tags with.</summary>
    public static string EscapeRegex(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (char ch in text)
        {
            if (ch < 128 && !char.IsLetterOrDigit(ch) && ch != '_' && ch != '/' && ch != '-')
            {
                sb.Append('\\');
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
