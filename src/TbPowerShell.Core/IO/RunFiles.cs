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

    public static void Read(EventRun run, RunTagState state, RunReadOptions options, EventKinds counted, IValueSink? values,
                            Action<RunReadItem> deliver, CancellationToken cancellation)
    {
        foreach (string file in run.Files)
        {
            cancellation.ThrowIfCancellationRequested();
            ReadFile(run, file, state, options, counted, values, deliver, cancellation);
        }
    }

    public static void Read(EventRun run, RunTagState state, RunReadOptions options, IValueSink? values,
                            Action<RunReadItem> deliver, CancellationToken cancellation) =>
        Read(run, state, options, EventKinds.None, values, deliver, cancellation);

    public static List<RunReadItem> ReadAll(EventRun run, RunTagState state, RunReadOptions options, CancellationToken cancellation)
    {
        var items = new List<RunReadItem>();
        Read(run, state, options, null, items.Add, cancellation);
        return items;
    }

    private static void ReadFile(EventRun run, string file, RunTagState state, RunReadOptions options, EventKinds counted,
                                 IValueSink? values, Action<RunReadItem> deliver, CancellationToken cancellation)
    {
        long offset = options.StartOffsets is { } starts && starts.TryGetValue(file, out long start) ? start : 0;
        try
        {
            if (offset == 0 && !EventFileReader.LooksLikeEventFile(file))
            {
                deliver(new RunReadItem(RunReadItemKind.NotEventFile, run, file, default, null, SafeLength(file)));
                return;
            }
            using var reader = new EventFileReader(file, options.TagFilter, state, offset, options.Kinds, cancellation)
            {
                CountedKinds = counted,
            };
            while (true)
            {
                var result = reader.Next();
                offset = reader.Offset;
                switch (result)
                {
                    case EventReadResult.Scalar:
                        if (values is null)
                        {
                            deliver(new RunReadItem(RunReadItemKind.Scalar, run, file, reader.Current, null, offset));
                        }
                        else
                        {
                            values.Scalar(reader.Current);
                        }
                        break;
                    case EventReadResult.Value:
                        if (values is null)
                        {
                            deliver(new RunReadItem(RunReadItemKind.Value, run, file, default, reader.CurrentValue, offset));
                        }
                        else
                        {
                            values.Value(reader.CurrentValue!);
                        }
                        break;
                    case EventReadResult.Counted:
                        values?.Counted(reader.CurrentHeader);
                        break;
                    case EventReadResult.Error:
                        deliver(new RunReadItem(RunReadItemKind.Damaged, run, file, default, reader.LastError, offset));
                        break;
                    case EventReadResult.Truncated:
                        deliver(new RunReadItem(RunReadItemKind.Truncated, run, file, default, null, offset));
                        return;
                    default:
                        deliver(new RunReadItem(RunReadItemKind.EndOfFile, run, file, default, null, offset));
                        return;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            deliver(new RunReadItem(RunReadItemKind.FileFailed, run, file, default, e, Math.Max(offset, SafeLength(file))));
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
