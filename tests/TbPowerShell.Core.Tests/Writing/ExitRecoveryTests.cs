using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// A process that exits with events its writer cannot write to its file: the exit saves them to a
/// recovery event file and warns on standard error naming it; the file reads back whole.
/// </summary>
public partial class ExitRecoveryTests
{
    [GeneratedRegex("recovery event file '([^']+)'")]
    private static partial Regex RecoveryPathInWarning();

    private static (int ExitCode, string Output, string Error) RunChild(string tempFolder, params string[] args)
    {
        var info = new ProcessStartInfo(CrashWriter.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CrashWriter.DllPath);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["TMPDIR"] = tempFolder; // the child's temp folder (Path.GetTempPath on Unix)
        info.Environment["TMP"] = tempFolder;
        info.Environment["TEMP"] = tempFolder;
        using var child = Process.Start(info) ?? throw new InvalidOperationException("the crash writer did not start");
        var error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        Assert.True(child.WaitForExit(60_000), "the child did not exit");
        return (child.ExitCode, output, error.Result);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("folder")]
    public void AProcessExitingWithEventsItCannotWriteSavesThemToARecoveryFileAndNamesIt(string broken)
    {
        Assert.True(File.Exists(CrashWriter.DllPath), $"the crash writer was not built beside the tests ('{CrashWriter.DllPath}')");
        using var temp = new TempDir();
        string dir = temp.Sub("run");
        string childTemp = temp.Sub("child-temp");
        Directory.CreateDirectory(childTemp);

        var (exitCode, output, error) = RunChild(childTemp, "exit-failing", dir, "50", broken);

        Assert.Equal(0, exitCode);
        string eventFile = output.Split('\n').Single(l => l.StartsWith("file ", StringComparison.Ordinal))["file ".Length..].Trim();
        Assert.StartsWith("WARNING: ", error, StringComparison.Ordinal);
        var match = RecoveryPathInWarning().Match(error);
        Assert.True(match.Success, "no recovery file named on standard error: " + error);
        string recovery = match.Groups[1].Value;
        Assert.Equal(Path.GetFileName(eventFile) + ".recovered", Path.GetFileName(recovery));
        if (broken == "file")
        {
            // The run folder could be written: the recovery file is part of the run.
            Assert.Equal(dir, Path.GetDirectoryName(recovery));
            Assert.Contains("in the run folder", error);
            Assert.Equal(Enumerable.Range(50, 50).Select(i => (double)i), Read.Run(dir).Select(s => s.Value));
        }
        else
        {
            Assert.StartsWith(Path.Combine(childTemp, "tbpowershell-recovered-" + Environment.UserName) + Path.DirectorySeparatorChar, recovery, StringComparison.Ordinal);
            Assert.Contains("temp folder", error);
            Assert.Contains(dir, error);
        }
        FailedCloseTests.AssertReadsBackWhole(recovery, 50, 99);
    }

    [Fact]
    public void AProcessExitingWhereNoRecoveryFileCanBeWrittenSaysTheEventsAreLostAndWhy()
    {
        Assert.True(File.Exists(CrashWriter.DllPath), $"the crash writer was not built beside the tests ('{CrashWriter.DllPath}')");
        using var temp = new TempDir();
        string dir = temp.Sub("run");
        string notAFolder = temp.Sub("temp-is-a-file");
        File.WriteAllText(notAFolder, "not a folder");

        var (exitCode, _, error) = RunChild(notAFolder, "exit-failing", dir, "5", "folder");

        Assert.Equal(0, exitCode);
        Assert.Contains("5 unwritten events are LOST", error);
        Assert.Contains($"'{dir}'", error);
        Assert.Contains(notAFolder, error);
    }
}
