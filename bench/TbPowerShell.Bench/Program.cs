using System.Globalization;
using TbPowerShell.Bench;

// Usage: TbPowerShell.Bench [writer] [reader] [media] [follow] [skim] [runs] [resync] [board] [--writer-events N] [--reader-events N] [--repetitions N]
//                           [--follow-seconds N] [--follow-rate N] [--resync-headers N]
// With no benchmark named, runs them all. A missed target prints MISS and still exits 0; a crash exits 1.
if (args.Length == 3 && args[0] == "board-serve")
{
    // The child of the board benchmark: the server alone in a process, so its working set is its own.
    return BoardBenchmark.Serve(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
}
var selected = new List<string>();
int writerEvents = EnvInt("TBBENCH_WRITER_EVENTS", 2_000_000);
int readerEvents = EnvInt("TBBENCH_READER_EVENTS", 1_000_000);
int repetitions = EnvInt("TBBENCH_REPETITIONS", 5);
int followSeconds = EnvInt("TBBENCH_FOLLOW_SECONDS", 30);
int followRate = EnvInt("TBBENCH_FOLLOW_RATE", 100_000);
int skimSteps = EnvInt("TBBENCH_SKIM_STEPS", 10_000);
int runCount = EnvInt("TBBENCH_RUNS", 50);
int runScalars = EnvInt("TBBENCH_RUN_SCALARS", 200_000);
int resyncHeaders = EnvInt("TBBENCH_RESYNC_HEADERS", 100_000);
int boardRuns = EnvInt("TBBENCH_BOARD_RUNS", 100);
int boardScalars = EnvInt("TBBENCH_BOARD_SCALARS", 100_000);
const string Usage = "Usage: TbPowerShell.Bench [writer] [reader] [media] [follow] [skim] [runs] [resync] [board] [--writer-events N] [--reader-events N] [--repetitions N] [--follow-seconds N] [--follow-rate N] [--resync-headers N]";
for (int i = 0; i < args.Length; i++)
{
    int? count = null;
    switch (args[i])
    {
        case "writer" or "reader" or "media" or "follow" or "skim" or "runs" or "resync" or "board":
            selected.Add(args[i]);
            continue;
        case "--writer-events":
            count = writerEvents = ParseCount(args, ++i);
            break;
        case "--reader-events":
            count = readerEvents = ParseCount(args, ++i);
            break;
        case "--repetitions":
            count = repetitions = ParseCount(args, ++i);
            break;
        case "--follow-seconds":
            count = followSeconds = ParseCount(args, ++i);
            break;
        case "--follow-rate":
            count = followRate = ParseCount(args, ++i);
            break;
        case "--resync-headers":
            count = resyncHeaders = ParseCount(args, ++i);
            break;
    }
    if (count is not > 0)
    {
        Console.Error.WriteLine($"Bad argument '{args[Math.Min(i, args.Length - 1)]}'. {Usage}");
        return 2;
    }
}
if (selected.Count == 0)
{
    selected.AddRange(new[] { "writer", "reader", "media", "follow", "skim", "runs", "resync", "board" });
}

try
{
    Console.WriteLine(Report.Invariant($"core benchmarks: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {LoadAverage()}, median of {repetitions} repetitions after a warm-up"));
    foreach (string name in selected)
    {
        switch (name)
        {
            case "writer":
                WriterBenchmark.Run(writerEvents, repetitions);
                break;
            case "reader":
                ReaderBenchmark.Run(readerEvents, repetitions);
                break;
            case "follow":
                FollowBenchmark.Run(followSeconds, followRate, repetitions);
                break;
            case "skim":
                SkimBenchmark.Run(skimSteps, repetitions);
                break;
            case "runs":
                RunsBenchmark.Run(runCount, runScalars, repetitions);
                break;
            case "resync":
                // The largest size and two a tenth and a hundredth of it (1,000 / 10,000 / 100,000 by default).
                ResyncBenchmark.Run(new[] { Math.Max(1, resyncHeaders / 100), Math.Max(1, resyncHeaders / 10), resyncHeaders }, repetitions);
                break;
            case "board":
                BoardBenchmark.Run(boardRuns, boardScalars, Math.Min(repetitions, 3));
                break;
            default:
                MediaBenchmark.Run(repetitions);
                break;
        }
    }
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"The core benchmarks crashed: {e}");
    return 1;
}

static int EnvInt(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
        ? value
        : fallback;

// The positive whole number at args[i], or 0 when there is none.
static int ParseCount(string[] args, int i) =>
    i < args.Length && int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : 0;

// The 1-minute load average (Linux), so a reader can tell a busy machine from a slow benchmark.
static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "n/a";
    }
    catch (UnauthorizedAccessException)
    {
        return "n/a";
    }
}
