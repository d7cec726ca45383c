namespace TbPowerShell.Core.IO;

/// <summary>Reads the files of one run in order, turning what <see cref="EventFileReader"/> reports into <see cref="RunReadItem"/>s.</summary>
internal static class RunFiles
{
    /// <summary>What a summarizing read does with the values it decodes or counts, instead of delivering them.</summary>
    internal interface IValueSink
    {
        void Scalar(in ScalarRecord scalar);

        void Counted(in ValueHeader header);

        void Value(ValueRecord value);
    }

    /// <summary>Reads the run, handing each item to <paramref name="deliver"/> (values to <paramref name="values"/> when given).</summary>
    public static void Read(EventRun run, RunTagState state, RunReadOptions options, EventKinds counted, IValueSink? values,
                            Action<RunReadItem> deliver, CancellationToken cancellation)
    {
        foreach (var item in Enumerate(run, state, options, counted, values, cancellation))
        {
            deliver(item);
        }
    }

    /// <summary>
    /// The items of the run, lazily: values (unless <paramref name="values"/> takes them), damage, and one closing
    /// item per file. An I/O failure closes its file with <see cref="RunReadItemKind.FileFailed"/>; the next file follows.
    /// </summary>
    public static IEnumerable<RunReadItem> Enumerate(EventRun run, RunTagState state, RunReadOptions options, EventKinds counted,
                                                    IValueSink? values, CancellationToken cancellation)
    {
        foreach (string file in run.Files)
        {
            cancellation.ThrowIfCancellationRequested();
            long start = options.StartOffsets is { } starts && starts.TryGetValue(file, out long at) ? at : 0;
            var reader = Open(run, file, state, options, counted, start, cancellation, out var failure);
            if (reader is null)
            {
                yield return failure;
                continue;
            }
            using (reader)
            {
                while (true)
                {
                    var item = Next(run, file, reader, values, out bool delivered);
                    if (delivered)
                    {
                        yield return item;
                        if (item.ClosesFile)
                        {
                            break;
                        }
                    }
                }
            }
        }
    }

    private static EventFileReader? Open(EventRun run, string file, RunTagState state, RunReadOptions options, EventKinds counted,
                                         long start, CancellationToken cancellation, out RunReadItem failure)
    {
        failure = default;
        try
        {
            if (start == 0 && !EventFileReader.LooksLikeEventFile(file))
            {
                failure = new RunReadItem(RunReadItemKind.NotEventFile, run, file, default, null, SafeLength(file));
                return null;
            }
            return new EventFileReader(file, options.TagFilter, state, start, options.Kinds, cancellation) { CountedKinds = counted };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new RunReadItem(RunReadItemKind.FileFailed, run, file, default, e, Math.Max(start, SafeLength(file)));
            return null;
        }
    }

    /// <summary>The reader's next item; <paramref name="delivered"/> is false when a value went to <paramref name="values"/> instead.</summary>
    private static RunReadItem Next(EventRun run, string file, EventFileReader reader, IValueSink? values, out bool delivered)
    {
        delivered = true;
        try
        {
            var result = reader.Next();
            long offset = reader.Offset;
            switch (result)
            {
                case EventReadResult.Scalar:
                    if (values is null)
                    {
                        return new RunReadItem(RunReadItemKind.Scalar, run, file, reader.Current, null, offset);
                    }
                    values.Scalar(reader.Current);
                    break;
                case EventReadResult.Value:
                    if (values is null)
                    {
                        return new RunReadItem(RunReadItemKind.Value, run, file, default, reader.CurrentValue, offset);
                    }
                    values.Value(reader.CurrentValue!);
                    break;
                case EventReadResult.Counted:
                    values?.Counted(reader.CurrentHeader);
                    break;
                case EventReadResult.Error:
                    return new RunReadItem(RunReadItemKind.Damaged, run, file, default, reader.LastError, offset);
                case EventReadResult.Truncated:
                    return new RunReadItem(RunReadItemKind.Truncated, run, file, default, null, offset);
                default:
                    return new RunReadItem(RunReadItemKind.EndOfFile, run, file, default, null, offset);
            }
            delivered = false;
            return default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RunReadItem(RunReadItemKind.FileFailed, run, file, default, e, Math.Max(reader.Offset, SafeLength(file)));
        }
    }

    private static long SafeLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
