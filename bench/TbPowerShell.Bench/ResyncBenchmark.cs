using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Repair;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 13: checking and repairing a file of lying headers (12-byte headers whose length CRC verifies, each claiming
/// 2^40 bytes, back to back, then an intact record) takes about what a healthy file of the same size takes, at 1,000,
/// 10,000 and 100,000 headers: resynchronising is linear in the file size, not quadratic in the number of lies (it was:
/// 99 s for 20,000 headers). Baseline: <see cref="EventFileHealth.Check(string, CancellationToken)"/> and
/// <see cref="EventFileRepair.CopyTo"/> of a healthy file of scalars of the same size, timed in turn with the lying one.
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
            string lying = WriteLying(scratch.NewRunDirectory(), headers);
            long bytes = new FileInfo(lying).Length;
            string healthy = WriteHealthy(scratch.NewRunDirectory(), bytes);
            string copies = scratch.NewRunDirectory();
            string lyingCopy = Path.Combine(copies, "lying", Path.GetFileName(lying));
            string healthyCopy = Path.Combine(copies, "healthy", Path.GetFileName(healthy));

            // Warm-up, and a check that the lie is read past: one region, the record after it kept.
            var report = EventFileHealth.Check(lying);
            if (report.Regions.Count != 1 || report.Regions[0].Kind != DamageKind.ImplausibleLength || report.IntactRecords != 2
                || EventFileRepair.CopyTo(lying, lyingCopy, overwrite: true).RecordsKept != 2 || !EventFileHealth.Check(healthy).IsHealthy)
            {
                throw new InvalidOperationException($"The health check of {headers:N0} lying headers found {report.Regions.Count} region(s) and {report.IntactRecords} intact records; expected 1 and 2.");
            }
            EventFileRepair.CopyTo(healthy, healthyCopy, overwrite: true);
            Read(lying);
            Read(healthy);

            var t = Timings.MeasureInterleaved(repetitions,
                () => Timings.Time(() => EventFileHealth.Check(lying)),
                () => Timings.Time(() => EventFileHealth.Check(healthy)),
                () => Timings.Time(() => EventFileRepair.CopyTo(lying, lyingCopy, overwrite: true)),
                () => Timings.Time(() => EventFileRepair.CopyTo(healthy, healthyCopy, overwrite: true)),
                () => Timings.Time(() => Read(lying)),
                () => Timings.Time(() => Read(healthy)));
            double check = t[0].Median / t[1].Median;
            double repair = t[2].Median / t[3].Median;
            double read = t[4].Median / t[5].Median;
            bool sizeMet = check <= Target && repair <= Target;
            met &= sizeMet;
            checkRatios.Add(check);
            Report.Line(Report.Invariant($"resync, {headers:N0} lying headers ({Report.MB(bytes)}): health check {Report.Ms(t[0].Median)} = {Report.Ratio(check)} the healthy file's {Report.Ms(t[1].Median)}; ") +
                        Report.Invariant($"repair (a copy, fsync included) {Report.Ms(t[2].Median)} = {Report.Ratio(repair)} the healthy file's {Report.Ms(t[3].Median)}; target <= {Target}x: {Report.Verdict(sizeMet)}"));
            Report.Detail(Report.Invariant($"EventFileReader over both: {Report.Ms(t[4].Median)} against {Report.Ms(t[5].Median)} ({Report.Ratio(read)}); ") +
                          Report.Invariant($"health check per lying header {t[0].Median.TotalMilliseconds * 1e6 / headers:0} ns; median of {repetitions} (interleaved), files in the page cache"));
        }
        if (checkRatios.Count > 1)
        {
            Report.Detail(Report.Invariant($"linear, not quadratic: from {sizes[0]:N0} to {sizes[^1]:N0} headers the check's ratio to a healthy file went {checkRatios[0]:0.00} -> {checkRatios[^1]:0.00} (quadratic would multiply it by {(double)sizes[^1] / sizes[0]:N0})"));
        }
        return met;
    }

    /// <summary>A file_version record, <paramref name="headers"/> lying headers back to back, one scalar.</summary>
    private static string WriteLying(string dir, int headers)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "events.out.tfevents.1700000000.bench.1.lying");
        using var output = File.Create(path);
        output.Write(Framed(FileVersion()));
        var header = new byte[TfRecord.HeaderSize];
        BitConverter.TryWriteBytes(header.AsSpan(0, 8), Lie);
        BitConverter.TryWriteBytes(header.AsSpan(8, 4), MaskedCrc32C.ComputeMasked(header.AsSpan(0, 8)));
        for (int i = 0; i < headers; i++)
        {
            output.Write(header);
        }
        output.Write(Framed(Scalar(0)));
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
