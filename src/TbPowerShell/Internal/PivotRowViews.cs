using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace TbPowerShell.Internal;

/// <summary>
/// Table views for the rows of <c>Get-TbEvent -Pivot</c>. Their columns are the tags read, which no view in the
/// module's format file can name, and without a view PowerShell shows a double with two decimals (0.0001 as 0.00)
/// and the wall time as its UTC string. So for each set of columns a view is written once per session, like the
/// scalar view: runs grouped, the step right-aligned and wide enough for any step, the local wall time to the
/// millisecond, each value with seven significant digits in a column wide enough for them. A row gets the view
/// through a type name of its own (<c>TbPowerShell.TbPivotRow#&lt;hash of its columns&gt;</c>).
/// </summary>
internal static class PivotRowViews
{
    private static readonly ConditionalWeakTable<Runspace, HashSet<string>> Loaded = new();

    /// <summary>
    /// The type name whose view shows rows with <paramref name="columns"/> (the value columns, in order), loaded
    /// into the session of <paramref name="cmdlet"/> if it is not yet; null when it cannot be (the rows then show
    /// as PowerShell shows any object).
    /// </summary>
    public static string? TypeNameFor(PSCmdlet cmdlet, IReadOnlyList<string> columns)
    {
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", columns))))[..16];
        string typeName = typeof(TbPivotRow).FullName + "#" + hash;
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null)
        {
            return null;
        }
        var loaded = Loaded.GetOrCreateValue(runspace);
        lock (loaded)
        {
            if (loaded.Contains(typeName))
            {
                return typeName;
            }
        }
        try
        {
            string dir = Path.Combine(Path.GetTempPath(), "TbPowerShell-views");
            Directory.CreateDirectory(dir);
            string file = Path.Combine(dir, $"TbPivotRow.{hash}.format.ps1xml");
            string temporary = file + "." + Guid.NewGuid().ToString("N");
            File.WriteAllText(temporary, ViewXml(typeName, columns), new UTF8Encoding(false));
            File.Move(temporary, file, overwrite: true);
            cmdlet.InvokeCommand.InvokeScript("Microsoft.PowerShell.Utility\\Update-FormatData -PrependPath $args[0]", false,
                PipelineResultTypes.None, null, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RuntimeException)
        {
            cmdlet.WriteVerbose($"No table view for the pivot rows ({e.Message}); they show as plain objects.");
            return null;
        }
        lock (loaded)
        {
            loaded.Add(typeName);
        }
        return typeName;
    }

    /// <summary>The format file of one set of columns.</summary>
    internal static string ViewXml(string typeName, IReadOnlyList<string> columns)
    {
        var headers = new StringBuilder();
        var items = new StringBuilder();
        headers.Append("<TableColumnHeader><Label>Step</Label><Width>20</Width><Alignment>Right</Alignment></TableColumnHeader>");
        headers.Append("<TableColumnHeader><Label>WallTime</Label><Width>23</Width></TableColumnHeader>");
        items.Append("<TableColumnItem><PropertyName>Step</PropertyName></TableColumnItem>");
        items.Append("<TableColumnItem><ScriptBlock>$_.PSObject.Properties['WallTime'].Value.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss.fff')</ScriptBlock></TableColumnItem>");
        foreach (string column in columns)
        {
            // A G7 number is at most 14 characters ("-1.234568E-308"); a longer header widens its column.
            int width = Math.Max(14, column.Length);
            string quoted = "'" + CodeGeneration.EscapeSingleQuotedStringContent(column) + "'";
            headers.Append($"<TableColumnHeader><Label>{SecurityElement.Escape(column)}</Label><Width>{width}</Width><Alignment>Right</Alignment></TableColumnHeader>");
            items.Append("<TableColumnItem><ScriptBlock>")
                 .Append(SecurityElement.Escape($"$v = $_.PSObject.Properties[{quoted}].Value; if ($null -ne $v) {{ ([double]$v).ToString('G7', [cultureinfo]::CurrentCulture) }}"))
                 .Append("</ScriptBlock></TableColumnItem>");
        }
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <Configuration>
              <ViewDefinitions>
                <View>
                  <Name>{SecurityElement.Escape(typeName)}</Name>
                  <ViewSelectedBy><TypeName>{SecurityElement.Escape(typeName)}</TypeName></ViewSelectedBy>
                  <GroupBy><ScriptBlock>$_.PSObject.Properties['Run'].Value</ScriptBlock><Label>Run</Label></GroupBy>
                  <TableControl>
                    <TableHeaders>{headers}</TableHeaders>
                    <TableRowEntries><TableRowEntry><TableColumnItems>{items}</TableColumnItems></TableRowEntry></TableRowEntries>
                  </TableControl>
                </View>
              </ViewDefinitions>
            </Configuration>
            """;
    }
}
