using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Reading the files of one run in order, turning what <see cref="EventFileReader"/> reports into <see cref="RunReadItem"/>s:
/// the part of a multi-run read that each worker (or the sequential enumerator, or a run summary scan) runs.
/// </summary>
public sealed partial class RunReader
{
    /// <summary>What a summarizing read does with the values it decodes or counts, instead of delivering them.</summary>
    internal interface IValueSink
    {
        void Scalar(in ScalarRecord scalar);

        void Counted(in ValueHeader header);

        void Value(ValueRecord value);
    }

    /// <summary>
    /// Reads the run, handing each item to <paramref name="deliver"/> (values to <paramref name="values"/> when given):
    /// values, damage, and one closing item per file. An I/O failure closes its file with
    /// <see cref="ReadItemKind.Unreadable"/>; the next file follows.
    /// </summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void ReadRun(EventRun run, RunTagState state, RunReadOptions options, EventKinds counted, IValueSink? values,
                            Action<RunReadItem> deliver, CancellationToken cancellation)
    {
        foreach (string file in run.Files)
        {
            cancellation.ThrowIfCancellationRequested();
            long start = options.StartOffsets is { } starts && starts.TryGetValue(file, out long at) ? at : 0;
            var source = new RunFile(run, file);
            var reader = Open(source, state, options, counted, start, cancellation, out var failure);
            if (reader is null)
            {
                deliver(failure);
                continue;
            }
            using (reader)
            {
                while (true)
                {
                    var result = Advance(reader, out var readFailure);
                    switch (result)
                    {
                        case EventReadResult.Scalar when values is null:
                            deliver(new RunReadItem(ReadItemKind.Scalar, source, reader.Current, null, reader.Offset));
                            continue;
                        case EventReadResult.Scalar:
                            values.Scalar(reader.Current);
                            continue;
                        case EventReadResult.Value when values is not null:
                            values.Value(reader.CurrentValue!);
                            continue;
                        case EventReadResult.Counted:
                            values?.Counted(reader.CurrentHeader);
                            continue;
                    }
                    var item = ItemOf(result, source, reader, readFailure);
                    deliver(item);
                    if (item.ClosesFile)
                    {
                        break;
                    }
                }
            }
        }
    }

    internal static EventFileReader? Open(RunFile source, RunTagState state, RunReadOptions options, EventKinds counted,
                                         long start, CancellationToken cancellation, out RunReadItem failure)
    {
        failure = default;
        string file = source.File;
        try
        {
            if (start == 0 && !EventFileReader.LooksLikeEventFile(file))
            {
                failure = new RunReadItem(ReadItemKind.NotEventFile, source, default, null, SafeLength(source.File));
                return null;
            }
            return new EventFileReader(file, options.TagFilter, state, start, options.Kinds, cancellation) { CountedKinds = counted };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new RunReadItem(ReadItemKind.Unreadable, source, default, e, Math.Max(start, SafeLength(source.File)));
            return null;
        }
    }

    /// <summary>
    /// Advances the reader; an I/O failure comes back as <see cref="EventReadResult.Error"/> with the exception in
    /// <paramref name="failure"/>. A scalar stays in the reader for the caller to build its item in place.
    /// </summary>
    // Once per record: optimized from the first call, not after tiering (see EventFileReader.Next).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static EventReadResult Advance(EventFileReader reader, out Exception? failure)
    {
        failure = null;
        try
        {
            return reader.Next();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = e;
            return EventReadResult.Error;
        }
    }

    /// <summary>The item for what <see cref="Advance"/> gave (not a counted value: the caller reads without counted kinds).</summary>
    internal static RunReadItem ItemOf(EventReadResult result, RunFile source, EventFileReader reader, Exception? failure)
    {
        if (failure is not null)
        {
            return new RunReadItem(ReadItemKind.Unreadable, source, default, failure, Math.Max(reader.Offset, SafeLength(source.File)));
        }
        long offset = reader.Offset;
        return result switch
        {
            EventReadResult.Scalar => new RunReadItem(ReadItemKind.Scalar, source, reader.Current, null, offset),
            EventReadResult.Value => new RunReadItem(ReadItemKind.Value, source, default, reader.CurrentValue, offset),
            EventReadResult.Error => new RunReadItem(ReadItemKind.Damaged, source, default, reader.LastError, offset),
            EventReadResult.Truncated => new RunReadItem(ReadItemKind.Truncated, source, default, null, offset),
            EventReadResult.EndOfData => new RunReadItem(ReadItemKind.EndOfFile, source, default, null, offset),
            _ => throw new InvalidOperationException($"A reader without counted kinds gave {result}."),
        };
    }

    private static long SafeLength(string file)
    {
        try
        {
            return Storage.LogLocation.Stat(file)?.Length ?? 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
