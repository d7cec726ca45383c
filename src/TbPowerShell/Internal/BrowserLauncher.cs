using System.Diagnostics;

namespace TbPowerShell.Internal;

/// <summary>
/// Opens a board's page in the user's default browser, when there is a desktop to open it on.
/// </summary>
internal static class BrowserLauncher
{
    /// <summary>
    /// Why no browser can be opened here (a Linux or BSD session with neither <c>DISPLAY</c> nor
    /// <c>WAYLAND_DISPLAY</c>, as over SSH), or null when one can.
    /// </summary>
    public static string? NoDesktopReason()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return null;
        }
        bool display = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        return display ? null : "neither DISPLAY nor WAYLAND_DISPLAY is set (no desktop session)";
    }

    /// <summary>
    /// Starts the browser on <paramref name="url"/> and returns at once. On Linux the command in
    /// <c>BROWSER</c> (the first of its ':'-separated entries, as Python's webbrowser and xdg-open
    /// read it) or else <c>xdg-open</c>; on macOS <c>open</c>; on Windows the shell's handler for http.
    /// </summary>
    /// <exception cref="InvalidOperationException">The browser could not be started; the message says why.</exception>
    public static void Open(Uri url)
    {
        var start = StartInfo(url.AbsoluteUri);
        try
        {
            using var process = Process.Start(start);
            if (process is not null && start.RedirectStandardOutput)
            {
                // Drained in the background, so a chatty opener never blocks on a full pipe.
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            throw new InvalidOperationException($"Could not start '{start.FileName}': {e.Message}", e);
        }
    }

    private static ProcessStartInfo StartInfo(string url)
    {
        if (OperatingSystem.IsWindows())
        {
            return new ProcessStartInfo(url) { UseShellExecute = true };
        }
        string command = OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        string? browser = Environment.GetEnvironmentVariable("BROWSER");
        if (!OperatingSystem.IsMacOS() && !string.IsNullOrWhiteSpace(browser))
        {
            command = browser.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? command;
        }
        var info = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        info.ArgumentList.Add(url);
        return info;
    }
}
