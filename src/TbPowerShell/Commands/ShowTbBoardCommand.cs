using System.Management.Automation;
using System.Net.Sockets;
using TbPowerShell.Board;
using TbPowerShell.Core.Model;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Serves a dashboard of log directories (or of events from the pipeline) in the browser, in the background, and returns the board at once.</para>
/// </summary>
/// <remarks>
/// The server (<see cref="BoardServer"/>) listens on loopback only and answers only requests that
/// carry the board's token, which the returned <see cref="TbBoard"/>'s Url holds. Log directories are
/// shown live; events from the pipeline are gathered and shown as they are, once the input ends.
/// </remarks>
[Cmdlet(VerbsCommon.Show, "TbBoard")]
[OutputType(typeof(TbBoard))]
public sealed class ShowTbBoardCommand : PSCmdlet
{
    private readonly BoardData _data = new();
    private readonly List<string> _pipedDirs = new();
    private int _events;

    /// <summary>Log directories to show (searched recursively for runs); wildcards allowed. Default: the current directory.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? LogDir { get; set; }

    /// <summary>The loopback port to listen on. Default 0: a free port.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Do not open a browser (the returned board's Url is the page to open).</summary>
    [Parameter]
    public SwitchParameter NoBrowser { get; set; }

    /// <summary>Events from Get-TbEvent to show instead of log directories (or directories, as paths or items).</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }
        foreach (object? item in LanguagePrimitives.GetEnumerable(InputObject.BaseObject) ?? new[] { InputObject.BaseObject })
        {
            Take(item is PSObject wrapped ? wrapped.BaseObject : item);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        bool fromPipeline = MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(InputObject));
        if (fromPipeline && LogDir is not null && _events > 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Show-TbBoard shows either -LogDir or events from the pipeline, not both."),
                ErrorIds.IncompatibleParameters, ErrorCategory.InvalidArgument, LogDir));
        }
        if (_events > 0 && _pipedDirs.Count > 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("The pipeline brought both events and directories: a board shows one or the other."),
                ErrorIds.IncompatibleParameters, ErrorCategory.InvalidArgument, _pipedDirs.ToArray()));
        }

        BoardOptions options;
        if (_events > 0)
        {
            options = new BoardOptions { Data = _data, Port = Port };
        }
        else if (fromPipeline && _pipedDirs.Count == 0 && LogDir is null)
        {
            // `... | Where-Object ... | Show-TbBoard` that let nothing through: no board of the current directory.
            WriteError(new ErrorRecord(new ArgumentException("No events or directories came through the pipeline: there is nothing to show."),
                ErrorIds.EmptyData, ErrorCategory.InvalidArgument, null));
            return;
        }
        else
        {
            var dirs = LogDirectories();
            if (dirs.Count == 0)
            {
                return;
            }
            options = new BoardOptions { LogDirs = dirs, Port = Port };
        }

        var server = Start(options);
        var board = TbBoard.Of(server);
        WriteObject(board);
        if (!NoBrowser)
        {
            OpenBrowser(board.Url);
        }
    }

    private void Take(object? item)
    {
        switch (item)
        {
            case null:
                return;
            case TbScalarEvent scalar:
                _data.Add(scalar.Run, new ScalarRecord(scalar.Tag, scalar.Step, scalar.Timestamp.UnixSeconds, scalar.Value));
                _events++;
                return;
            case TbSmoothedScalarEvent smoothed:
                // The board smooths on its own: it is given the values as logged.
                _data.Add(smoothed.Run, new ScalarRecord(smoothed.Tag, smoothed.Step, smoothed.Timestamp.UnixSeconds, smoothed.Value));
                _events++;
                return;
            case TbEvent e when EventRecords.ToRecord(e, e.Tag, e.Step, e.Timestamp.UnixSeconds) is { } record:
                _data.Add(e.Run, record);
                _events++;
                return;
            case string path:
                _pipedDirs.Add(path);
                return;
            case DirectoryInfo dir:
                _pipedDirs.Add(dir.FullName);
                return;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"Show-TbBoard shows events of Get-TbEvent and log directories, not a {item.GetType().FullName}."),
                    ErrorIds.UnsupportedInput, ErrorCategory.InvalidArgument, item));
                return;
        }
    }

    /// <summary>The directories of -LogDir and the pipeline, resolved; missing paths and files are reported.</summary>
    private List<string> LogDirectories()
    {
        var given = (LogDir ?? Array.Empty<string>()).Concat(_pipedDirs).ToArray();
        var dirs = new List<string>();
        foreach (var (path, _) in LogPaths.Resolve(this, given.Length > 0 ? given : null, null))
        {
            if (LogPaths.IsDirectory(path))
            {
                string full = Core.Storage.LogLocation.IsStore(path) ? path : System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
                if (!dirs.Contains(full, StringComparer.Ordinal))
                {
                    dirs.Add(full);
                }
            }
            else
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{path}' is a file: Show-TbBoard shows log directories."),
                    ErrorIds.NotADirectory, ErrorCategory.InvalidArgument, path));
            }
        }
        return dirs;
    }

    private BoardServer Start(BoardOptions options)
    {
        try
        {
            return BoardServer.Start(options);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"Port {Port} is in use on the loopback address; give another -Port, or none for a free one.", e),
                ErrorIds.PortInUse, ErrorCategory.ResourceBusy, Port));
            throw;
        }
        catch (DirectoryNotFoundException e)
        {
            // A directory deleted between its check and the start.
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, options.LogDirs.ToArray()));
            throw;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.BoardStartFailed, ErrorCategory.OpenError, Port));
            throw;
        }
    }

    private void OpenBrowser(Uri url)
    {
        if (BrowserLauncher.NoDesktopReason() is { } reason)
        {
            WriteVerbose($"No browser opened: {reason}. Open {url} in a browser.");
            return;
        }
        try
        {
            BrowserLauncher.Open(url);
        }
        catch (InvalidOperationException e)
        {
            WriteWarning($"{e.Message} Open {url} in a browser.");
        }
    }
}
