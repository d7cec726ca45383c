using System.Globalization;
using System.Text;

namespace TbPowerShell.Internal;

/// <summary>
/// The file Save-TbMedia writes an image or audio event to: <c>&lt;root&gt;/&lt;run&gt;/&lt;tag&gt;/&lt;step&gt;[_&lt;sample&gt;]&lt;ext&gt;</c>,
/// run and tag split into folders at each '/'. Every folder name is percent-encoded where a file system could not
/// hold it or would read it as something else, and '%' itself is encoded, so the mapping is one to one: distinct
/// (run, tag, step, sample) give distinct files on every file system, and a name can never lead out of the root.
/// </summary>
internal static class MediaFileNames
{
    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The path of one event's file under <paramref name="root"/>.</summary>
    /// <param name="root">The destination folder (full path).</param>
    /// <param name="run">The event's run; "." or empty adds no folder.</param>
    /// <param name="tag">The event's tag.</param>
    /// <param name="step">The event's step.</param>
    /// <param name="sample">Which image or clip of the event (0 for the first).</param>
    /// <param name="extension">The extension with its dot.</param>
    public static string PathOf(string root, string run, string tag, long step, int sample, string extension)
    {
        var parts = new List<string> { root };
        if (!string.IsNullOrEmpty(run) && run != ".")
        {
            parts.AddRange(Folders(run));
        }
        parts.AddRange(Folders(tag));
        parts.Add(step.ToString(CultureInfo.InvariantCulture) + (sample > 0 ? "_" + sample.ToString(CultureInfo.InvariantCulture) : string.Empty) + extension);
        return Path.Combine(parts.ToArray());
    }

    /// <summary>The folders of a run or tag: one per '/'-separated part, each encoded.</summary>
    public static IEnumerable<string> Folders(string name) => name.Split('/').Select(Encode);

    /// <summary>
    /// One folder name: control characters, <c>\ / : * ? " &lt; &gt; | %</c>, trailing dots and spaces, and the first letter
    /// of a Windows device name (CON, NUL, COM1, ...) become <c>%XX</c>; an empty part becomes <c>%</c> (which no other
    /// part can become, since '%' is always encoded). Ordinary names are kept as they are.
    /// </summary>
    public static string Encode(string part)
    {
        if (part.Length == 0)
        {
            return "%";
        }
        int keptEnd = part.Length;
        while (keptEnd > 0 && part[keptEnd - 1] is '.' or ' ')
        {
            keptEnd--;
        }
        string stem = part.Split('.')[0];
        bool device = DeviceNames.Contains(stem.TrimEnd(' '));
        var sb = new StringBuilder(part.Length + 8);
        for (int i = 0; i < part.Length; i++)
        {
            char c = part[i];
            bool encode = c < 32 || c == 127 || "\\/:*?\"<>|%".Contains(c) || i >= keptEnd || (device && i == 0);
            if (encode)
            {
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
