using System.Globalization;
using System.Text.Json;

namespace TbPowerShell.Core.Tests;

/// <summary>One value of a <c>*.raw.jsonl</c> file: what TensorBoard's loader read.</summary>
internal sealed record ExpectedScalar(string Run, string File, string Tag, long Step, double WallTime, double Value, string Plugin);

internal static class Expected
{
    /// <summary>Every line of <paramref name="jsonlName"/> whose kind is "scalar", in file order.</summary>
    public static List<ExpectedScalar> Scalars(string jsonlName)
    {
        var list = new List<ExpectedScalar>();
        foreach (var line in File.ReadLines(Fixtures.Path(jsonlName)))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("kind").GetString() != "scalar")
            {
                continue;
            }
            list.Add(new ExpectedScalar(
                root.GetProperty("run").GetString()!,
                root.GetProperty("file").GetString()!,
                root.GetProperty("tag").GetString()!,
                root.GetProperty("step").GetInt64(),
                root.GetProperty("wall_time").GetDouble(),
                ParseValue(root.GetProperty("value")),
                root.GetProperty("plugin").GetString()!));
        }
        return list;
    }

    /// <summary>Every distinct "run" of a jsonl file, whatever the kind.</summary>
    public static SortedSet<string> Runs(string jsonlName)
    {
        var runs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Fixtures.Path(jsonlName)))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                using var doc = JsonDocument.Parse(line);
                runs.Add(doc.RootElement.GetProperty("run").GetString()!);
            }
        }
        return runs;
    }

    /// <summary>A JSON line's "records_read" of its data_loss line for <paramref name="run"/>.</summary>
    public static int DataLossRecordsRead(string jsonlName, string run)
    {
        foreach (var line in File.ReadLines(Fixtures.Path(jsonlName)))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("run").GetString() == run && root.GetProperty("kind").GetString() == "data_loss")
            {
                return root.GetProperty("value").GetProperty("records_read").GetInt32();
            }
        }
        throw new InvalidOperationException($"No data_loss line for '{run}'.");
    }

    public static double ParseValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
        },
        _ => throw new InvalidOperationException($"Unexpected value {value}."),
    };
}
