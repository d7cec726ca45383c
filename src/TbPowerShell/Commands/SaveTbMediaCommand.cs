using System.Management.Automation;
using TbPowerShell.Core.Records;
using TbPowerShell.Internal;

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

    // The files written by this call and what each holds, to refuse two different events one file
    // (a run "a" with tag "b/c" and a run "a/b" with tag "c"; "Loss" and "loss" where case does not count).
    private readonly Dictionary<string, (string Run, string Tag, long Step, int Sample)> _written =
        new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (LocalOnly.IsStore(Destination))
        {
            ThrowTerminatingError(LocalOnly.Refused(Destination, nameof(Destination), "the folder the media files are saved to",
                "save them to a local folder (the sources may be in a store), then copy them up with your store's own tools."));
        }
        _root = System.IO.Path.TrimEndingDirectorySeparator(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination));
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

        string path = MediaFileNames.PathOf(_root, item.run, item.tag, item.step, item.sample, item.extension);
        var identity = (item.run, item.tag, item.step, item.sample);
        if (_written.TryGetValue(path, out var earlier) && earlier != identity)
        {
            WriteError(new ErrorRecord(
                new IOException($"The file '{path}' was saved already for the run '{earlier.Run}', tag '{earlier.Tag}', step {earlier.Step}; "
                    + $"the run '{item.run}', tag '{item.tag}', step {item.step} would overwrite it. Save them to different destinations."),
                ErrorIds.MediaNameCollision, ErrorCategory.ResourceExists, path));
            return;
        }
        if (NoClobber && (File.Exists(path) || ContainedPath.IsLink(path)))
        {
            WriteError(new ErrorRecord(new IOException($"The file '{path}' exists already."),
                ErrorIds.MediaFileExists, ErrorCategory.ResourceExists, path));
            return;
        }
        if (!ShouldProcess(path, "Save " + item.extension.TrimStart('.')))
        {
            return;
        }
        string folder = System.IO.Path.GetDirectoryName(path)!;
        try
        {
            // A link inside the destination must not take the file elsewhere: check the folders as the file
            // system resolves them, before and after creating them.
            bool inside = ContainedPath.IsInside(_root, folder, out string? reason);
            if (inside)
            {
                Directory.CreateDirectory(folder);
                inside = ContainedPath.IsInside(_root, folder, out reason);
            }
            if (!inside)
            {
                WriteError(new ErrorRecord(
                    new IOException($"The file '{path}' cannot be saved: its folder is not inside the destination '{_root}' ({reason})."),
                    ErrorIds.MediaPathOutsideDestination, ErrorCategory.PermissionDenied, path));
                return;
            }
            WriteNew(path, item.bytes, overwrite: !NoClobber);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{path}' cannot be saved: {e.Message}", e),
                ErrorIds.FileWriteFailed, ErrorCategory.WriteError, path));
            return;
        }
        _written[path] = identity;
        if (PassThru)
        {
            // The provider's item, as Get-Item returns it, so the default file view shows it fully.
            WriteObject(SessionState.InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: true), enumerateCollection: true);
        }
    }

    /// <summary>
    /// Writes a new file beside <paramref name="path"/> and renames it into place: a link already at
    /// <paramref name="path"/> is replaced, never followed, and no half-written file is ever seen under the name.
    /// </summary>
    private static void WriteNew(string path, byte[] bytes, bool overwrite)
    {
        string temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!,
            "." + System.IO.Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            // CreateNew fails on anything already there, a link included, instead of opening through it.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
            }
            File.Move(temp, path, overwrite);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the error being thrown says what matters
            }
            throw;
        }
    }
}
