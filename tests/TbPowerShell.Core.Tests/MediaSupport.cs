using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests;

/// <summary>One line of a <c>*.jsonl</c> reference file, any kind (the value and metadata kept as JSON).</summary>
internal sealed record ExpectedLine(string Run, string? File, string Kind, string Plugin, string? Tag, long Step, double WallTime, JsonElement Value, JsonElement? Meta)
{
    public string Where => $"{Run}/{File} {Kind} {Tag}@{Step}";
}

internal static class ExpectedLines
{
    /// <summary>The lines of <paramref name="jsonlName"/> whose kind is one of <paramref name="kinds"/>, in file order.</summary>
    public static List<ExpectedLine> Of(string jsonlName, params string[] kinds)
    {
        var list = new List<ExpectedLine>();
        foreach (var line in File.ReadLines(Fixtures.Path(jsonlName)))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string kind = root.GetProperty("kind").GetString()!;
            if (!kinds.Contains(kind))
            {
                continue;
            }
            list.Add(new ExpectedLine(
                root.GetProperty("run").GetString()!,
                root.TryGetProperty("file", out var f) ? f.GetString() : null,
                kind,
                root.GetProperty("plugin").GetString()!,
                root.GetProperty("tag").ValueKind == JsonValueKind.Null ? null : root.GetProperty("tag").GetString(),
                root.GetProperty("step").ValueKind == JsonValueKind.Null ? 0 : root.GetProperty("step").GetInt64(),
                root.TryGetProperty("wall_time", out var w) ? w.GetDouble() : double.NaN,
                root.GetProperty("value").Clone(),
                root.TryGetProperty("meta", out var m) ? m.Clone() : null));
        }
        return list;
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(Expected.ParseValue).ToArray();

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>A value read by <see cref="EventFileReader"/>, with the run and file it came from.</summary>
internal sealed record ReadItem(string Run, string File, object Record);

internal static class ReadValues
{
    /// <summary>Every scalar and value of one file, in order; fails on any damage or truncation.</summary>
    public static List<object> File(string path, EventKinds kinds = EventKinds.All, RunTagState? state = null)
    {
        var items = new List<object>();
        using var reader = new EventFileReader(path, null, state, 0, kinds);
        while (true)
        {
            switch (reader.Next())
            {
                case EventReadResult.Scalar:
                    items.Add(reader.Current);
                    break;
                case EventReadResult.Value:
                    Assert.NotNull(reader.CurrentValue);
                    items.Add(reader.CurrentValue!);
                    break;
                case EventReadResult.EndOfData:
                    return items;
                case var other:
                    Assert.Fail($"{path}: {other} at {reader.Offset}: {reader.LastError?.Message}");
                    return items;
            }
        }
    }

    /// <summary>Every scalar and value of every run under <paramref name="root"/> (one tag state per run, files in order).</summary>
    public static List<ReadItem> Tree(string root, EventKinds kinds = EventKinds.All)
    {
        var all = new List<ReadItem>();
        foreach (var run in LogDirectory.FindRuns(root))
        {
            var state = new RunTagState();
            foreach (var file in run.Files)
            {
                all.AddRange(File(file, kinds, state).Select(r => new ReadItem(run.Name, Path.GetFileName(file), r)));
            }
        }
        return all;
    }

    /// <summary>The values of the single run in <paramref name="dir"/>.</summary>
    public static List<object> Run(string dir, EventKinds kinds = EventKinds.All) =>
        Tree(dir, kinds).Where(i => i.Run == ".").Select(i => i.Record).ToList();
}

/// <summary>One <c>Summary.Value</c> of an event file as its bytes on disk (not re-serialized).</summary>
internal sealed record RawValue(long Step, double WallTime, string Tag, byte[] Bytes);

internal static class RawValues
{
    /// <summary>Every summary value of an event file, as stored, in order.</summary>
    public static List<RawValue> Of(string path)
    {
        var list = new List<RawValue>();
        using var records = new TbPowerShell.Core.Records.RecordReader(path);
        while (true)
        {
            var status = records.Read();
            if (status == TbPowerShell.Core.Records.RecordStatus.EndOfData)
            {
                return list;
            }
            Assert.Equal(TbPowerShell.Core.Records.RecordStatus.Record, status);
            var input = new CodedInputStream(records.Payload.ToArray());
            double wall = 0;
            long step = 0;
            byte[]? summary = null;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1: wall = input.ReadDouble(); break;
                    case 2: step = input.ReadInt64(); break;
                    case 5: summary = input.ReadBytes().ToByteArray(); break;
                    default: input.SkipLastField(); break;
                }
            }
            if (summary is null)
            {
                continue;
            }
            var values = new CodedInputStream(summary);
            while ((tag = values.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != 1)
                {
                    values.SkipLastField();
                    continue;
                }
                byte[] bytes = values.ReadBytes().ToByteArray();
                var parsed = TbPowerShell.Core.Proto.Summary.Types.Value.Parser.ParseFrom(bytes);
                list.Add(new RawValue(step, wall, parsed.Tag, bytes));
            }
        }
    }
}

internal static class Hash
{
    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
