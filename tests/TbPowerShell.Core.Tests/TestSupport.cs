using System.Diagnostics;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests;

/// <summary>The repo copy of the reference files, copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The single event file of a fixture directory.</summary>
    public static string EventFile(params string[] dirParts)
    {
        var files = Directory.GetFiles(Path(dirParts)).Where(f => EventFileName.IsEventFileName(System.IO.Path.GetFileName(f))).ToArray();
        Assert.Single(files);
        return files[0];
    }

    private static string FindRoot()
    {
        string dir = System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures");
        if (!File.Exists(System.IO.Path.Combine(dir, "pytorch.raw.jsonl")))
        {
            throw new InvalidOperationException($"The fixtures were not copied to the test output ('{dir}').");
        }
        return dir;
    }
}

/// <summary>Everything one reader produced, in order.</summary>
internal sealed class ReadOutcome
{
    public List<ScalarRecord> Scalars { get; } = new();

    public List<EventReadError> Errors { get; } = new();

    /// <summary>Scalars and errors interleaved as produced.</summary>
    public List<object> Items { get; } = new();

    /// <summary>Truncated or EndOfData.</summary>
    public EventReadResult End { get; set; }

    /// <summary>The reader's offset when it stopped.</summary>
    public long EndOffset { get; set; }

    public string? FileVersion { get; set; }
}

internal static class Read
{
    public static ReadOutcome File(string path, RunTagState? state = null, long startOffset = 0, Func<string, bool>? filter = null)
    {
        using var reader = new EventFileReader(path, filter, state, startOffset);
        var outcome = new ReadOutcome();
        while (true)
        {
            var result = reader.Next();
            switch (result)
            {
                case EventReadResult.Scalar:
                    outcome.Scalars.Add(reader.Current);
                    outcome.Items.Add(reader.Current);
                    break;
                case EventReadResult.Error:
                    Assert.NotNull(reader.LastError);
                    outcome.Errors.Add(reader.LastError!);
                    outcome.Items.Add(reader.LastError!);
                    break;
                default:
                    outcome.End = result;
                    outcome.EndOffset = reader.Offset;
                    outcome.FileVersion = reader.FileVersion;
                    return outcome;
            }
        }
    }

    /// <summary>The scalars of every file of a directory (one run), in file order.</summary>
    public static List<ScalarRecord> Run(string dir)
    {
        var runs = LogDirectory.FindRuns(dir);
        var run = Assert.Single(runs, r => r.Name == ".");
        var state = new RunTagState();
        var all = new List<ScalarRecord>();
        foreach (var file in run.Files)
        {
            var outcome = File(file, state);
            Assert.Empty(outcome.Errors);
            Assert.Equal(EventReadResult.EndOfData, outcome.End);
            all.AddRange(outcome.Scalars);
        }
        return all;
    }
}

internal static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool Until(Func<bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (condition())
            {
                return true;
            }
            if (watch.Elapsed > limit)
            {
                return false;
            }
            Thread.Sleep(20);
        }
    }
}

internal static class Bits
{
    /// <summary>Asserts two doubles are the same value bit for bit (NaN equals NaN, -0.0 differs from 0.0).</summary>
    public static void Equal(double expected, double actual, string? what = null)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
        {
            // Any NaN payload is one NaN for our purposes; everything else must match exactly.
            if (double.IsNaN(expected) && double.IsNaN(actual))
            {
                return;
            }
            Assert.Fail($"{what}: expected {expected:R} (0x{BitConverter.DoubleToInt64Bits(expected):X16}), got {actual:R} (0x{BitConverter.DoubleToInt64Bits(actual):X16})");
        }
    }
}
