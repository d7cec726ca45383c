using System.Diagnostics;
using System.Globalization;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

// Usage:
//   TbPowerShell.BombReader read <file>...
//     Reads each file with EventFileReader and EventKinds.All, printing one line per item:
//       "file <path>", "scalar <tag> <step> <value>", "value <type> <tag> <step> <elements>",
//       "error <kind> <offset> <tag> <message>", "end <EndOfData|Truncated> <milliseconds>",
//     then "done <peak working set in MB>". <elements> is what the value holds (numbers, strings, buckets, bytes).
//   TbPowerShell.BombReader allocate <megabytes>
//     Allocates that many megabytes as one double[] (what an unbounded fill expansion did), touches it and prints
//     "allocated"; under a smaller heap cap it dies of OutOfMemoryException, which shows that the cap bites.
// Exit code 2 for bad arguments; an exception that escapes ends the process with the runtime's own failure code.
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 2 && args[0] == "read")
{
    foreach (string path in args.Skip(1))
    {
        Console.WriteLine("file " + path);
        var clock = Stopwatch.StartNew();
        using var reader = new EventFileReader(path, kinds: EventKinds.All);
        while (true)
        {
            var result = reader.Next();
            switch (result)
            {
                case EventReadResult.Scalar:
                    var s = reader.Current;
                    Console.WriteLine(string.Create(inv, $"scalar {s.Tag} {s.Step} {s.Value}"));
                    continue;
                case EventReadResult.Value:
                    var v = reader.CurrentValue!;
                    Console.WriteLine(string.Create(inv, $"value {v.GetType().Name} {v.Tag} {v.Step} {Elements(v)}"));
                    continue;
                case EventReadResult.Error:
                    var e = reader.LastError!;
                    Console.WriteLine(string.Create(inv, $"error {e.Kind} {e.Offset} {e.Tag ?? "-"} {e.Message}"));
                    continue;
            }
            Console.WriteLine(string.Create(inv, $"end {result} {clock.ElapsedMilliseconds}"));
            break;
        }
    }
    Console.WriteLine(string.Create(inv, $"done {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)}"));
    return 0;
}
if (args.Length == 2 && args[0] == "allocate" && int.TryParse(args[1], NumberStyles.Integer, inv, out int megabytes) && megabytes > 0)
{
    var doubles = new double[(long)megabytes * 1024 * 1024 / sizeof(double)];
    Array.Fill(doubles, 1.0);
    Console.WriteLine(string.Create(inv, $"allocated {doubles.Length}"));
    return 0;
}
Console.Error.WriteLine("usage: read <file>... | allocate <megabytes>");
return 2;

static long Elements(ValueRecord value) => value switch
{
    TensorRecord t => t.Values.Length,
    TextRecord t => t.Strings.Length,
    HistogramRecord h => h.Buckets.Length,
    ImageRecord i => i.Encoded.Length,
    AudioRecord a => a.Encoded.Length,
    _ => -1,
};
