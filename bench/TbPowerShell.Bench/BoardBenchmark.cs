using System.Diagnostics;
using System.Net;
using TbPowerShell.Board;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Bench;

/// <summary>
/// The board's server over 100 runs of 100 thousand scalars (one tag): how long <see cref="BoardServer.Start"/> takes
/// (it must listen before parsing anything), how many bytes one chart's <c>/api/scalars</c> for every run at
/// <c>points=1000</c> costs over the wire (gzip), and the server's working set once it has served that.
/// </summary>
internal static class BoardBenchmark
{
    public static bool Run(int runs, int scalarsPerRun, int repetitions)
    {
        using var scratch = new ScratchDirectory("board");
        for (int r = 0; r < runs; r++)
        {
            using var writer = new TbWriter(Path.Combine(scratch.Path, $"run{r:000}"));
            double start = 1_733_500_000 + r * 1000.0;
            var random = new Random(r);
            for (int i = 0; i < scalarsPerRun; i++)
            {
                writer.AddScalar("train/loss", 1.0 / (1 + i * 1e-3) + random.NextDouble() * 0.05, i, new TbTimestamp(start + i * 0.05));
            }
        }

        // The board runs in a child process (this program, "board-serve"), so its working set is the server's alone.
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(BoardBenchmark).Assembly.Location);
        info.ArgumentList.Add("board-serve");
        info.ArgumentList.Add(scratch.Path);
        info.ArgumentList.Add(repetitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var child = Process.Start(info) ?? throw new InvalidOperationException("the board child did not start");
        try
        {
            var ready = child.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the board child said nothing");
            var parts = ready.Split(' ');
            int port = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            string token = parts[2];
            var starts = parts[3].Split(',').Select(ms => TimeSpan.FromMilliseconds(double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            return Measure(child, port, token, starts, runs, scalarsPerRun, repetitions);
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(10_000)) child.Kill();
        }
    }

    /// <summary>The child's side: starts the board a few times (timed), keeps the last, serves until its input closes.</summary>
    public static int Serve(string logDir, int repetitions)
    {
        var starts = new List<TimeSpan>();
        BoardServer? board = null;
        for (int i = 0; i < Math.Max(1, repetitions); i++)
        {
            board?.Stop();
            var watch = Stopwatch.StartNew();
            board = BoardServer.Start(new BoardOptions { LogDirs = [logDir] });
            starts.Add(watch.Elapsed);
        }
        Console.WriteLine(Report.Invariant($"READY {board!.Port} {board.Token} {string.Join(",", starts.Select(s => s.TotalMilliseconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}"));
        Console.Out.Flush();
        Console.In.ReadToEnd();
        board.Stop();
        return 0;
    }

    private static bool Measure(Process child, int port, string token, List<TimeSpan> starts, int runs, int scalarsPerRun, int repetitions)
    {
        var startMedian = starts.Order().ElementAt(starts.Count / 2);
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Add("X-Tb-Token", token);
        http.DefaultRequestHeaders.Add("Accept-Encoding", "gzip");

        child.Refresh();
        var cpuStart = child.TotalProcessorTime;
        var firstWatch = Stopwatch.StartNew();
        var tags = http.GetStringAsync("api/tags").GetAwaiter().GetResult();
        var tagsTime = firstWatch.Elapsed;
        child.Refresh();
        var cpuTags = child.TotalProcessorTime;
        var scalarsPath = "api/scalars?tag=0&points=1000";
        // What the page asks first: a preview, answered while the runs are read.
        var previewWatch = Stopwatch.StartNew();
        using (var preview = http.GetAsync(scalarsPath + "&preview=1").GetAwaiter().GetResult()) preview.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var previewTime = previewWatch.Elapsed;
        var first = http.GetAsync(scalarsPath).GetAwaiter().GetResult();
        var firstTime = firstWatch.Elapsed;
        child.Refresh();
        // The server's CPU time: what the first chart costs whatever else the machine is doing (its reading runs
        // on every core, so on an idle machine of n cores the wall time is near CPU time / n).
        var cpuFirst = child.TotalProcessorTime;
        long gzipBytes = first.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length;
        bool gzipped = first.Content.Headers.ContentEncoding.Contains("gzip");

        var warm = new List<TimeSpan>();
        long rawBytes = 0;
        for (int i = 0; i < Math.Max(1, repetitions); i++)
        {
            var watch = Stopwatch.StartNew();
            using var again = http.GetAsync(scalarsPath).GetAwaiter().GetResult();
            var body = again.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            warm.Add(watch.Elapsed);
            using var raw = new HttpRequestMessage(HttpMethod.Get, scalarsPath);
            raw.Headers.AcceptEncoding.Clear();
            raw.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            if (i == 0) rawBytes = http.Send(raw).Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length;
        }
        var warmMedian = warm.Order().ElementAt(warm.Count / 2);
        var smaller = new[] { 250, 100 }.Select(p =>
        {
            using var reply = http.GetAsync($"api/scalars?tag=0&points={p}").GetAwaiter().GetResult();
            return (Points: p, Bytes: (long)reply.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length);
        }).ToList();
        child.Refresh();
        long workingSet = child.WorkingSet64;
        long peak = child.PeakWorkingSet64;
        Thread.Sleep(5000);
        child.Refresh();
        long settled = child.WorkingSet64;

        long total = (long)runs * scalarsPerRun;
        bool startMet = startMedian < TimeSpan.FromSeconds(1);
        bool bytesMet = gzipped && gzipBytes < 1_000_000;
        bool memoryMet = workingSet < 300_000_000;
        Report.Line(Report.Invariant($"board Start() over {runs} runs x {scalarsPerRun:N0} scalars: {Report.Ms(startMedian)} (target < 1 s): {Report.Verdict(startMet)}"));
        Report.Detail(Report.Invariant($"starts: {string.Join(", ", starts.Select(Report.Ms))}; first /api/tags (reads the head of each run; all {total:N0} scalars are read by the first /api/scalars) {Report.Ms(tagsTime)}, then a preview (/api/scalars&preview=1) {Report.Ms(previewTime)} and the first whole /api/scalars {Report.Ms(firstTime - tagsTime - previewTime)}; warm /api/scalars median {Report.Ms(warmMedian)}"));
        Report.Detail(Report.Invariant($"server CPU time: first /api/tags {Report.Ms(cpuTags - cpuStart)}, first /api/scalars {Report.Ms(cpuFirst - cpuTags)} ({(cpuFirst - cpuTags).TotalSeconds / Environment.ProcessorCount * 1000:0} ms on {Environment.ProcessorCount} idle cores) for {total:N0} scalars"));
        Report.Line(Report.Invariant($"board /api/scalars, {runs} runs at points=1000: {Report.MB(gzipBytes)} gzip ({Report.MB(rawBytes)} plain) (target < 1 MB): {Report.Verdict(bytesMet)}"));
        Report.Detail(Report.Invariant($"{BoardApi.BucketsPerSeries(1000, runs)} buckets per run (a card holds at most {BoardApi.CardPointBudget:N0} points), up to 4 points (first, min, max, last) per bucket; asked for fewer: {string.Join(", ", smaller.Select(s => Report.Invariant($"points={s.Points}: {Report.MB(s.Bytes)} gzip")))}"));
        Report.Line(Report.Invariant($"board working set after serving it (the server's process alone): {Report.MB(workingSet)} (target < 300 MB): {Report.Verdict(memoryMet)}"));
        Report.Detail(Report.Invariant($"peak {Report.MB(peak)}; 5 s later {Report.MB(settled)}; 16 bytes a point kept (int steps, float values, double wall times) = {Report.MB(16L * runs * scalarsPerRun)} for the data"));
        return startMet && bytesMet && memoryMet;
    }
}
