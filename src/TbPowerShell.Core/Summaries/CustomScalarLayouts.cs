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
