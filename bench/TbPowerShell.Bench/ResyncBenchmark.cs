using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Repair;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 13: checking and repairing a file of lying headers (12-byte headers whose length CRC verifies, each claiming
/// 2^40 bytes, back to back) takes about what a healthy file of the same size takes, at 1,000, 10,000 and 100,000
/// headers: resynchronising is linear in the file size, not quadratic in the number of lies (it was: 99 s for 20,000
/// headers). Two files per size: the lies run to the end of the file (the case that was quadratic: every lie scanned
/// to the end), and the lies are followed by an intact record (one damaged region). Baseline:
/// <see cref="EventFileHealth.Check(string, CancellationToken)"/> and <see cref="EventFileRepair.CopyTo"/> of a healthy
/// file of scalars of the same size, timed in turn with the lying ones.
/// </summary>
internal static class ResyncBenchmark
{
    /// <summary>At most this many times the healthy file's time, at every size.</summary>
    public const double Target = 2;

    private const ulong Lie = 1UL << 40;

    public static bool Run(IReadOnlyList<int> sizes, int repetitions)
    {
        using var scratch = new ScratchDirectory("resync");
        bool met = true;
        var checkRatios = new List<double>();
        foreach (int headers in sizes)
        {
            string toEnd = WriteLying(scratch.NewRunDirectory(), headers, intactAfter: false);
            string then = WriteLying(scratch.NewRunDirectory(), headers, intactAfter: true);
            long bytes = new FileInfo(then).Length;
            string healthy = WriteHealthy(scratch.NewRunDirectory(), bytes);
            string copies = scratch.NewRunDirectory();
            string Copy(string source) => Path.Combine(copies, Path.GetFileName(Path.GetDirectoryName(source)!), Path.GetFileName(source));

            // Warm-up, and a check of what each file holds.
            Expect(toEnd, DamageKind.TruncatedTail, 2);
            Expect(then, DamageKind.ImplausibleLength, 3);
            if (!EventFileHealth.Check(healthy).IsHealthy)
            {
                throw new InvalidOperationException("The healthy file is damaged.");
            }
            foreach (string file in new[] { toEnd, then, healthy })
            {
                EventFileRepair.CopyTo(file, Copy(file), overwrite: true);
                Read(file);
            }

            var t = Timings.MeasureInterleaved(repetitions,
                () => Timings.Time(() => EventFileHealth.Check(toEnd)),
                () => Timings.Time(() => EventFileHealth.Check(then)),
                () => Timings.Time(() => EventFileHealth.Check(healthy)),
                () => Timings.Time(() => EventFileRepair.CopyTo(toEnd, Copy(toEnd), overwrite: true)),
                () => Timings.Time(() => EventFileRepair.CopyTo(then, Copy(then), overwrite: true)),
                () => Timings.Time(() => EventFileRepair.CopyTo(healthy, Copy(healthy), overwrite: true)),
                () => Timings.Time(() => Read(toEnd)),
                () => Timings.Time(() => Read(then)),
                () => Timings.Time(() => Read(healthy)));
            double checkToEnd = t[0].Median / t[2].Median, checkThen = t[1].Median / t[2].Median;
            double repairToEnd = t[3].Median / t[5].Median, repairThen = t[4].Median / t[5].Median;
            bool sizeMet = Math.Max(checkToEnd, checkThen) <= Target && Math.Max(repairToEnd, repairThen) <= Target;
            met &= sizeMet;
            checkRatios.Add(checkToEnd);
            Report.Line(Report.Invariant($"resync, {headers:N0} lying headers ({bytes / 1e3:N0} kB): health check {Report.Ms(t[0].Median)} = {Report.Ratio(checkToEnd)} the healthy file's {Report.Ms(t[2].Median)}; ") +
                        Report.Invariant($"repair (a copy, fsync included) {Report.Ms(t[3].Median)} = {Report.Ratio(repairToEnd)} the healthy file's {Report.Ms(t[5].Median)}; target <= {Target}x: {Report.Verdict(sizeMet)}"));
            Report.Detail(Report.Invariant($"lies to the end of the file (above); lies then an intact record: check {Report.Ms(t[1].Median)} ({Report.Ratio(checkThen)}), repair {Report.Ms(t[4].Median)} ({Report.Ratio(repairThen)})"));
            Report.Detail(Report.Invariant($"EventFileReader: lies to the end {Report.Ms(t[6].Median)}, lies then a record {Report.Ms(t[7].Median)}, healthy {Report.Ms(t[8].Median)}; ") +
                          Report.Invariant($"check per lying header {t[0].Median.TotalMilliseconds * 1e6 / headers:0} ns; median of {repetitions} (interleaved), files in the page cache"));
        }
        if (checkRatios.Count > 1)
        {
            Report.Detail(Report.Invariant($"linear, not quadratic: from {sizes[0]:N0} to {sizes[^1]:N0} headers the check's ratio to a healthy file went {checkRatios[0]:0.00} -> {checkRatios[^1]:0.00} (quadratic would multiply it by {(double)sizes[^1] / sizes[0]:N0})"));
        }
        return met;
    }

    private static void Expect(string path, DamageKind kind, int intact)
    {
        var report = EventFileHealth.Check(path);
        if (report.Regions.Count != 1 || report.Regions[0].Kind != kind || report.IntactRecords != intact)
        {
            throw new InvalidOperationException($"The health check of '{path}' found {report.Regions.Count} region(s) ({string.Join(", ", report.Regions.Select(r => r.Kind))}) " +
                                                $"and {report.IntactRecords} intact records; expected one {kind} and {intact}.");
        }
    }

    /// <summary>A file_version record, a scalar, <paramref name="headers"/> lying headers back to back, and a scalar when <paramref name="intactAfter"/>.</summary>
    private static string WriteLying(string dir, int headers, bool intactAfter)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "events.out.tfevents.1700000000.bench.1.lying");
        using var output = File.Create(path);
        output.Write(Framed(FileVersion()));
        output.Write(Framed(Scalar(0)));
        var header = new byte[TfRecord.HeaderSize];
        BitConverter.TryWriteBytes(header.AsSpan(0, 8), Lie);
        BitConverter.TryWriteBytes(header.AsSpan(8, 4), MaskedCrc32C.ComputeMasked(header.AsSpan(0, 8)));
        for (int i = 0; i < headers; i++)
        {
            output.Write(header);
        }
        if (intactAfter)
        {
            output.Write(Framed(Scalar(1)));
        }
        return path;
    }

    /// <summary>A file_version record and scalars, up to <paramref name="bytes"/> bytes.</summary>
    private static string WriteHealthy(string dir, long bytes)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "events.out.tfevents.1700000000.bench.1.healthy");
        using var output = File.Create(path);
        output.Write(Framed(FileVersion()));
        for (int step = 0; output.Length < bytes; step++)
        {
            output.Write(Framed(Scalar(step)));
        }
        return path;
    }

    private static TbPowerShell.Core.Proto.Event FileVersion() => new() { WallTime = 1_700_000_000, FileVersion = "brain.Event:2" };

    private static TbPowerShell.Core.Proto.Event Scalar(int step) => new()
    {
        WallTime = 1_700_000_000 + step,
        Step = step,
        Summary = new TbPowerShell.Core.Proto.Summary { Value = { new TbPowerShell.Core.Proto.Summary.Types.Value { Tag = ScalarWorkload.Tag(step), SimpleValue = step } } },
    };

    private static byte[] Framed(TbPowerShell.Core.Proto.Event e)
    {
        byte[] payload = Google.Protobuf.MessageExtensions.ToByteArray(e);
        var record = new byte[payload.Length + TfRecord.Overhead];
        TfRecord.Write(payload, record);
        return record;
    }

    private static long Read(string path)
    {
        using var reader = new EventFileReader(path);
        long values = 0;
        while (reader.Next() is not (EventReadResult.EndOfData or EventReadResult.Truncated))
        {
            values++;
        }
        return values;
    }
}
