using System.Management.Automation;
using System.Text;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Saves image and audio events to files: &lt;Destination&gt;/&lt;run&gt;/&lt;tag&gt;/&lt;step&gt;.png or .wav.</para>
/// </summary>
[Cmdlet(VerbsData.Save, "TbMedia", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveTbMediaCommand : PSCmdlet
{
    /// <summary>Image or audio events from Get-TbEvent (others are reported and skipped).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject InputObject { get; set; } = null!;

    /// <summary>The folder to save under (created if missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>Do not overwrite existing files (an error for each).</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Emit the files written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private string _root = null!;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        (string run, string tag, long step, int sample, byte[] bytes, string extension) item;
        switch (InputObject.BaseObject)
        {
            case TbImageEvent image:
                item = (image.Run, image.Tag, image.Step, image.Sample, image.Bytes, image.Format == "jpeg" ? ".jpg" : "." + image.Format);
                break;
            case TbAudioEvent audio:
                item = (audio.Run, audio.Tag, audio.Step, audio.Sample, audio.Bytes, audio.ContentType == "audio/wav" ? ".wav" : ".bin");
                break;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"Save-TbMedia saves image and audio events; a {InputObject.BaseObject?.GetType().Name} was given."),
                    ErrorIds.UnsupportedInput, ErrorCategory.InvalidType, InputObject));
                return;
        }

        string path = MediaPath(_root, item.run, item.tag, item.step, item.sample, item.extension);
        if (NoClobber && File.Exists(path))
        {
            WriteError(new ErrorRecord(new IOException($"The file '{path}' exists already."),
                ErrorIds.MediaFileExists, ErrorCategory.ResourceExists, path));
            return;
        }
        if (!ShouldProcess(path, "Save " + item.extension.TrimStart('.')))
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, item.bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.FileWriteFailed, ErrorCategory.WriteError, path));
            return;
        }
        if (PassThru)
        {
            // The provider's item, as Get-Item returns it, so the default file view shows it fully.
            WriteObject(SessionState.InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: true), enumerateCollection: true);
        }
    }

    /// <summary>&lt;root&gt;/&lt;run&gt;/&lt;tag parts&gt;/&lt;step&gt;[_&lt;sample&gt;]&lt;extension&gt;, every part made a safe file name.</summary>
    internal static string MediaPath(string root, string run, string tag, long step, int sample, string extension)
    {
        var parts = new List<string> { root };
        parts.AddRange(SafeSegments(run));
        parts.AddRange(SafeSegments(tag));
        string name = step.ToString(System.Globalization.CultureInfo.InvariantCulture) + (sample > 0 ? "_" + sample : string.Empty) + extension;
        parts.Add(name);
        return System.IO.Path.Combine(parts.ToArray());
    }

    private static IEnumerable<string> SafeSegments(string path)
    {
        foreach (string segment in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                yield return "__";
                continue;
            }
            var sb = new StringBuilder(segment.Length);
            foreach (char ch in segment)
            {
                sb.Append(ch < 32 || "<>:\"|?*".Contains(ch) ? '_' : ch);
            }
            string safe = sb.ToString().TrimEnd(' ', '.');
            yield return safe.Length == 0 ? "_" : safe;
        }
    }
}
