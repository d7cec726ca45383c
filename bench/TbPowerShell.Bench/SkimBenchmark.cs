using System.Diagnostics;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Bench;

/// <summary>
/// Target 10: reading only the scalars of a file where images are at least 90 % of the bytes is at least 10x
/// faster than decoding everything (<see cref="EventKinds.All"/>) from the same file in the same run.
/// A second baseline is Google.Protobuf's full parse (<c>Event.Parser.ParseFrom</c>) over the same records;
/// a detail line gives framing + CRC alone (every byte read and checked), what a reader that only skips
/// decoding would cost.
/// </summary>
internal static class SkimBenchmark
{
    public const double Target = 10;

    /// <summary>Runs the benchmark on two image-heavy files: images just above 90 % of the bytes, and a PyTorch-like log of image grids.</summary>
    public static bool Run(int steps, int repetitions)
    {
        // 10 scalars a step and a 64 kB image every 10 steps: images 92.6 % of the bytes, 100 scalars per image.
        bool dense = Run("images 93 % of the bytes", steps, 10, 10, 64 * 1024, repetitions);
        // 4 scalars a step and a 192 kB image grid (a 256x256 RGB PNG) every 10 steps: images 99 % of the bytes.
        bool grids = Run("image grids, 99 % of the bytes", steps / 2, 4, 10, 192 * 1024, repetitions);
        return dense && grids;
    }

    private static bool Run(string name, int steps, int ScalarsPerStep, int ImageEvery, int ImageBytes, int repetitions)
    {
        using var scratch = new ScratchDirectory("skim");
        var (path, imageBytes) = WriteFile(scratch.NewRunDirectory(), steps, ScalarsPerStep, ImageEvery, ImageBytes);
        long fileBytes = new FileInfo(path).Length;
        long scalars = (long)steps * ScalarsPerStep;

        if (ReadCore(path, EventKinds.Scalar) != scalars || ReadCore(path, EventKinds.All) != scalars + steps / ImageEvery
            || ReadProtobuf(path) != scalars + steps / ImageEvery)
        {
            throw new InvalidOperationException("The readers disagree on the number of values.");
        }
        ReadFraming(path);
        var (scalarsOnlyPath, _) = WriteFile(scratch.NewRunDirectory(), steps, ScalarsPerStep, int.MaxValue, 0);

        var timings = Timings.MeasureInterleaved(repetitions,
            () => Timings.Time(() => ReadCore(path, EventKinds.Scalar)),
            () => Timings.Time(() => ReadCore(path, EventKinds.All)),
            () => Timings.Time(() => ReadProtobuf(path)),
            () => Timings.Time(() => ReadFraming(path)),
            () => Timings.Time(() => ReadCore(scalarsOnlyPath, EventKinds.Scalar)),
            () => Timings.Time(() => ReadFraming(scalarsOnlyPath)));
        var (skim, full, protobuf, framing, alone, aloneFraming) = (timings[0], timings[1], timings[2], timings[3], timings[4], timings[5]);
        double ratio = full.Median / skim.Median;
        bool met = ratio >= Target;
        Report.Line($"scalar-only read of an image-heavy file ({name}): {Report.Ms(skim.Median)}; {Report.Ratio(ratio)} faster than a full decode (EventKinds.All, {Report.Ms(full.Median)}); " +
                    $"{Report.Ratio(protobuf.Median / skim.Median)} faster than Event.Parser.ParseFrom ({Report.Ms(protobuf.Median)}); target >= 10x: {Report.Verdict(met)}");
        Report.Detail(Report.Invariant($"{Report.MB(fileBytes)}, images {100.0 * imageBytes / fileBytes:0.0} % of the bytes ({steps / ImageEvery:N0} images of {ImageBytes / 1024} kB, {scalars:N0} scalars), file in the page cache; median of {repetitions} (interleaved)"));
        Report.Detail($"framing + CRC of every record (RecordReader alone, no decoding): {Report.Ms(framing.Median)}; the scalar-only read passes images over from their first bytes " +
                      $"({Report.Ratio(framing.Median / skim.Median)} faster than reading and checking them)");
        var skips = skim.Median - alone.Median;
        Report.Detail($"the same scalars in a file without images: {Report.Ms(alone.Median)}, so passing the {steps / ImageEvery:N0} images over costs {Report.Ms(skips)} (a read call each); " +
                      $"framing + CRC of those scalar records alone, no decoding: {Report.Ms(aloneFraming.Median)}. Those two leave any reader that checks what it returns " +
                      $"(and reads the file rather than mapping it) at most {Report.Ratio(full.Median / (aloneFraming.Median + skips))} faster than the full decode on this file");
        return met;
    }

    private static (string Path, long ImageBytes) WriteFile(string dir, int steps, int ScalarsPerStep, int ImageEvery, int ImageBytes)
    {
        var random = new Random(11);
        var image = new byte[ImageBytes];
        long imageBytes = 0;
        using var writer = new TbWriter(dir);
        double start = TbTimestamp.Now.UnixSeconds;
        for (int step = 0; step < steps; step++)
        {
            var at = new TbTimestamp(start + step * 0.01);
            for (int s = 0; s < ScalarsPerStep; s++)
            {
                writer.AddScalar(ScalarWorkload.Tag(s), ScalarWorkload.Value(step * ScalarsPerStep + s), step, at);
            }
            if (ImageBytes > 0 && step % ImageEvery == 0)
            {
                random.NextBytes(image);
                "\x89PNG"u8.CopyTo(image);
                writer.AddValue(SummaryValues.Image("samples", image, 128, 128, 3), step, at);
                imageBytes += ImageBytes;
            }
        }
        writer.Close();
        return (writer.Path, imageBytes);
    }

    private static long ReadCore(string path, EventKinds kinds)
    {
        using var reader = new EventFileReader(path, kinds: kinds);
        long count = 0;
        double sum = 0;
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    count++;
                    sum += reader.Current.Value;
                    break;
                case EventReadResult.Value:
                    count++;
                    sum += reader.CurrentValue is ImageRecord image ? image.Encoded.Length : 0;
                    break;
                case EventReadResult.EndOfData:
                    GC.KeepAlive(sum);
                    return count;
                default:
                    throw new InvalidDataException($"Unexpected damage in {path}.");
            }
        }
    }

    private static long ReadProtobuf(string path)
    {
        using var records = new RecordReader(path);
        long count = 0;
        while (records.Read() == RecordStatus.Record)
        {
            var e = Event.Parser.ParseFrom(records.Payload);
            count += e.Summary?.Value.Count ?? 0;
        }
        return count;
    }

    private static long ReadFraming(string path)
    {
        using var records = new RecordReader(path);
        long count = 0;
        while (records.Read() == RecordStatus.Record)
        {
            count++;
        }
        return count;
    }
}
