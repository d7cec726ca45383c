using System.Buffers.Binary;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TorchSharp;
using TbPowerShell.Torch.Demo;
using static TorchSharp.torch;

// libtorch's generator (manual_seed), TorchSharp's live-tensor count and the hook registry are
// process-wide: one test at a time keeps seeds, counts and registrations each test's own.
// (libtorch's oneDNN switch is process-wide too: TorchProbe turns it off once, for every test; see OneDnn.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace TbPowerShell.Torch.Tests;

/// <summary>
/// Loads libtorch once. These tests run against the real libtorch: only when it cannot be loaded
/// at all are they skipped, and then with TorchSharp's own message as the reason. Once it loads,
/// its oneDNN kernels are turned off (<see cref="OneDnn"/>: their convolution gradients are wrong
/// at random); if that fails, every test fails with the reason rather than being skipped.
/// </summary>
internal static class TorchProbe
{
    private static readonly Lazy<string?> s_failure = new(Probe);

    /// <summary>Why libtorch could not be used; null when it works.</summary>
    public static string? Failure => s_failure.Value;

    private static string? Probe()
    {
        try
        {
            using var t = ones(2, 2);
            float sum = t.sum().item<float>();
            if (sum != 4f)
            {
                return $"libtorch loaded but computed 1+1+1+1 = {sum}.";
            }
        }
        catch (Exception e)
        {
            var messages = new List<string>();
            for (var x = e; x is not null; x = x.InnerException)
            {
                messages.Add($"{x.GetType().Name}: {x.Message}");
            }
            return string.Join(" -> ", messages.Distinct());
        }
        OneDnn.Disable(); // outside the catch: a failure here is no reason to skip
        return null;
    }
}

/// <summary>A fact that needs libtorch: skipped, with TorchSharp's message, only if libtorch cannot load.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (TorchProbe.Failure is { } failure)
        {
            Skip = "libtorch could not be loaded: " + failure;
        }
    }
}

/// <summary>A theory that needs libtorch: skipped, with TorchSharp's message, only if libtorch cannot load.</summary>
public sealed class TorchTheoryAttribute : TheoryAttribute
{
    public TorchTheoryAttribute()
    {
        if (TorchProbe.Failure is { } failure)
        {
            Skip = "libtorch could not be loaded: " + failure;
        }
    }
}

/// <summary>What a closed writer left in its directory.</summary>
internal sealed class WrittenRun
{
    private WrittenRun(string dir)
    {
        foreach (string file in Directory.GetFiles(dir).Where(f => EventFileName.IsEventFileName(System.IO.Path.GetFileName(f))).Order(StringComparer.Ordinal))
        {
            using var reader = new EventFileReader(file, kinds: EventKinds.All);
            while (true)
            {
                var result = reader.Next();
                if (result == EventReadResult.Scalar)
                {
                    Scalars.Add(reader.Current);
                }
                else if (result == EventReadResult.Value)
                {
                    Values.Add(reader.CurrentValue!);
                }
                else if (result == EventReadResult.Error)
                {
                    throw new InvalidDataException("Damaged event file: " + reader.LastError);
                }
                else
                {
                    break;
                }
            }
            Events.AddRange(ReadEvents(file));
        }
    }

    public List<ScalarRecord> Scalars { get; } = new();

    public List<ValueRecord> Values { get; } = new();

    /// <summary>The raw events (TFRecord framing parsed here, without the reader), for exact proto comparisons.</summary>
    public List<Event> Events { get; } = new();

    public IEnumerable<ImageRecord> Images => Values.OfType<ImageRecord>();

    public IEnumerable<HistogramRecord> Histograms => Values.OfType<HistogramRecord>();

    public static WrittenRun Read(string dir) => new(dir);

    /// <summary>The one scalar of <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public ScalarRecord Scalar(string tag, long step) => Assert.Single(Scalars, s => s.Tag == tag && s.Step == step);

    /// <summary>The one image of <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public ImageRecord Image(string tag, long step) => Assert.Single(Images, i => i.Tag == tag && i.Step == step);

    /// <summary>The HistogramProto of <paramref name="tag"/> at <paramref name="step"/>, as written.</summary>
    public HistogramProto HistogramProto(string tag, long step) =>
        Assert.Single(Events.Where(e => e.Summary is not null && e.Step == step).SelectMany(e => e.Summary.Value),
                      v => v.Tag == tag && v.ValueCase == Summary.Types.Value.ValueOneofCase.Histo).Histo;

    /// <summary>Every tag of any kind.</summary>
    public ISet<string> Tags => Scalars.Select(s => s.Tag).Concat(Values.Select(v => v.Tag)).ToHashSet();

    private static IEnumerable<Event> ReadEvents(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        int offset = 0;
        while (offset + 12 <= bytes.Length)
        {
            long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
            if (offset + 16 + length > bytes.Length)
            {
                break;
            }
            yield return Event.Parser.ParseFrom(bytes, offset + 12, (int)length);
            offset += 16 + (int)length;
        }
    }
}

internal static class Names
{
    /// <summary>A PowerShell-like wildcard (<c>*</c>, <c>?</c>), case-insensitive, as the cmdlets pass to the hooks.</summary>
    public static Func<string, bool> Like(params string[] patterns)
    {
        var regexes = patterns
            .Select(p => new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            .ToArray();
        return name => regexes.Any(r => r.IsMatch(name));
    }
}

internal static class Models
{
    /// <summary>The demo model with weights from seed <paramref name="seed"/>.</summary>
    public static Demo.TwoBranchNet Net(long seed = 1234)
    {
        manual_seed(seed);
        return new Demo.TwoBranchNet(4);
    }

    /// <summary>A sub-module by its dotted name.</summary>
    public static nn.Module Sub(nn.Module root, string name) => root.named_modules().Single(m => m.name == name).module;

    /// <summary>
    /// Captures what a module outputs on each call: our own TorchSharp forward hook, independent of
    /// the code under test, copying the values out (as float32, row-major) with the shape.
    /// </summary>
    public static List<(long[] Shape, float[] Values)> CaptureOutputs(nn.Module<Tensor, Tensor> module, out Action remove)
    {
        var seen = new List<(long[], float[])>();
        var remover = module.register_forward_hook((m, input, output) =>
        {
            seen.Add(Copy(output));
            return output;
        });
        remove = remover.remove;
        return seen;
    }

    /// <summary>The values of a float tensor (row-major) and its shape, straight from TorchSharp.</summary>
    public static (long[] Shape, float[] Values) Copy(Tensor t)
    {
        using var d = t.detach();
        using var c = d.contiguous();
        return (c.shape, c.data<float>().ToArray());
    }
}

/// <summary>The feature-map recipe done by hand: what a PyTorch user writes, with float32 math.</summary>
internal static class Recipe
{
    /// <summary>
    /// maps = output[sample] (C×H×W, first <paramref name="maxChannels"/>); each map min-max normalised
    /// (a constant map becomes zeros); make_grid(maps.unsqueeze(1), nrow=8, padding=2) (one map: no
    /// padding, as torchvision); then ×255, clip, truncate to bytes. Returns rows of grey pixels.
    /// </summary>
    public static byte[,] FeatureMapGrid(float[] nchw, long[] shape, int sample, int maxChannels = 64)
    {
        int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        int n = Math.Min(c, maxChannels);
        var maps = new float[n][,];
        for (int k = 0; k < n; k++)
        {
            var map = new float[h, w];
            float min = float.MaxValue, max = float.MinValue;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float v = nchw[((sample * c + k) * h + y) * w + x];
                    map[y, x] = v;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    map[y, x] = max > min ? (map[y, x] - min) / (max - min) : 0f;
                }
            }
            maps[k] = map;
        }
        if (n == 1)
        {
            return ToBytes(maps[0]);
        }
        const int pad = 2;
        int xmaps = Math.Min(8, n);
        int ymaps = (n + xmaps - 1) / xmaps;
        var grid = new float[(h + pad) * ymaps + pad, (w + pad) * xmaps + pad];
        for (int k = 0; k < n; k++)
        {
            int top = (k / xmaps) * (h + pad) + pad, left = (k % xmaps) * (w + pad) + pad;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    grid[top + y, left + x] = maps[k][y, x];
                }
            }
        }
        return ToBytes(grid);
    }

    /// <summary>One row of F values normalised like one map: a 1×F grey image.</summary>
    public static byte[,] Row(float[] values, int sample, int features)
    {
        var row = new float[1, features];
        float min = float.MaxValue, max = float.MinValue;
        for (int x = 0; x < features; x++)
        {
            row[0, x] = values[sample * features + x];
            min = Math.Min(min, row[0, x]);
            max = Math.Max(max, row[0, x]);
        }
        for (int x = 0; x < features; x++)
        {
            row[0, x] = max > min ? (row[0, x] - min) / (max - min) : 0f;
        }
        return ToBytes(row);
    }

    private static byte[,] ToBytes(float[,] values)
    {
        var bytes = new byte[values.GetLength(0), values.GetLength(1)];
        for (int y = 0; y < values.GetLength(0); y++)
        {
            for (int x = 0; x < values.GetLength(1); x++)
            {
                float v = values[y, x] * 255f;
                bytes[y, x] = (byte)Math.Clamp(v, 0f, 255f); // numpy's astype(uint8) truncates
            }
        }
        return bytes;
    }

    /// <summary>The grey pixels of a written PNG as rows.</summary>
    public static byte[,] Decode(ImageRecord image)
    {
        var pixels = Core.Imaging.PngCodec.Decode(image.Encoded, 1);
        Assert.Equal(image.Width, pixels.Width);
        Assert.Equal(image.Height, pixels.Height);
        var rows = new byte[pixels.Height, pixels.Width];
        for (int y = 0; y < pixels.Height; y++)
        {
            for (int x = 0; x < pixels.Width; x++)
            {
                rows[y, x] = pixels[y, x, 0];
            }
        }
        return rows;
    }

    /// <summary>Asserts two pictures are the same, naming the first differing pixel.</summary>
    public static void Equal(byte[,] expected, byte[,] actual)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int y = 0; y < expected.GetLength(0); y++)
        {
            for (int x = 0; x < expected.GetLength(1); x++)
            {
                if (expected[y, x] != actual[y, x])
                {
                    Assert.Fail($"Pixel (row {y}, column {x}): expected {expected[y, x]}, written {actual[y, x]}.");
                }
            }
        }
    }
}
