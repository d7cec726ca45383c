using System.Diagnostics;
using Google.Protobuf;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Tests.Reading;

/// <summary>The bomb files, written once and read once by the bomb reader in a child process under a 512 MB heap cap.</summary>
public sealed class PayloadBombRun : IDisposable
{
    private readonly TempDir _dir = new();

    public PayloadBombRun()
    {
        var files = new List<string>();
        foreach (var bomb in PayloadBombs.All)
        {
            string path = _dir.Sub(bomb.Name + ".tfevents");
            PayloadBombs.WriteFile(path, bomb);
            Files[bomb.Name] = path;
            files.Add(path);
        }
        (ExitCode, Output, Error, Elapsed) = PayloadBombs.RunChild(["read", .. files]);
        var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? current = null;
        foreach (string line in lines)
        {
            if (line.StartsWith("file ", StringComparison.Ordinal))
            {
                current = line[5..];
                ByFile[current] = new List<string>();
            }
            else if (current is not null && !line.StartsWith("done ", StringComparison.Ordinal))
            {
                ByFile[current].Add(line);
            }
        }
    }

    public Dictionary<string, string> Files { get; } = new();

    public Dictionary<string, List<string>> ByFile { get; } = new();

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    public TimeSpan Elapsed { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Payload bombs (issue 11): records of a few hundred bytes with valid CRCs whose values claim gigabytes. Each must give
/// a named error for that value (file, offset, tag, what was claimed), and the record's other values and the records
/// after it must still come out, in a child process whose heap is capped at 512 MB: no OutOfMemoryException, and fast.
/// </summary>
public sealed class PayloadBombTests : IClassFixture<PayloadBombRun>
{
    private readonly PayloadBombRun _run;

    public PayloadBombTests(PayloadBombRun run) => _run = run;

    public static TheoryData<string> Bombs() => PayloadBombs.Names();

    [Fact]
    public void TheChildReadsEveryBombFileUnderTheHeapCapAndExitsCleanly()
    {
        Assert.True(_run.ExitCode == 0, $"exit code {_run.ExitCode}: {_run.Error}\n{_run.Output}");
        Assert.DoesNotContain("OutOfMemory", _run.Output + _run.Error, StringComparison.Ordinal);
        Assert.Equal(PayloadBombs.All.Count, _run.ByFile.Count);
        Assert.True(_run.Elapsed < TimeSpan.FromSeconds(60), $"the child took {_run.Elapsed}");
    }

    [Fact]
    public void TheHeapCapBitesAChildThatAllocatesWhatAFillOnceExpandedTo()
    {
        // 2^28 doubles, what the float fill bomb used to become: under the cap the same child dies of it. Without this
        // the suite above could pass because no cap was in force.
        var (exitCode, output, error, _) = PayloadBombs.RunChild("allocate", "2048");
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("allocated", output, StringComparison.Ordinal);
        Assert.Matches("OutOfMemoryException|Out of memory", error);

        // And a modest allocation under the same cap succeeds: the child itself works.
        var small = PayloadBombs.RunChild("allocate", "64");
        Assert.True(small.ExitCode == 0, small.Error);
        Assert.Contains("allocated", small.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Bombs))]
    public void EachBombGivesItsNamedErrorAndEverythingAfterItComesOut(string name)
    {
        var bomb = PayloadBombs.Named(name);
        Assert.True(_run.ByFile.TryGetValue(_run.Files[name], out var lines), $"the child never reached {name}: {_run.Error}");
        Assert.Matches(@"^end EndOfData \d+$", lines[^1]);
        long milliseconds = long.Parse(lines[^1].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(milliseconds < 5_000, $"{name} took {milliseconds} ms");
        var body = lines.Take(lines.Count - 1).ToList();
        if (bomb.Expected is { } kind)
        {
            var error = Assert.Single(body, l => l.StartsWith("error ", StringComparison.Ordinal));
            Assert.StartsWith($"error {kind} ", error, StringComparison.Ordinal);
            Assert.Equal(0, body.IndexOf(error));
            if (kind != EventReadErrorKind.UnparsablePayload)
            {
                Assert.Contains(" bomb '", error, StringComparison.Ordinal);
                Assert.Contains("the value of tag 'bomb'", error, StringComparison.Ordinal);
                Assert.Contains(_run.Files[name], error, StringComparison.Ordinal);
            }
            Assert.Equal(PayloadBombs.IntactLines(bomb), body.Skip(1));
        }
        else
        {
            Assert.DoesNotContain(body, l => l.StartsWith("error ", StringComparison.Ordinal));
            Assert.StartsWith("value ", body[0], StringComparison.Ordinal);
            Assert.Contains(" bomb 0 ", body[0], StringComparison.Ordinal);
            Assert.True(long.Parse(body[0].Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) < 10_000, body[0]);
            Assert.Equal(PayloadBombs.IntactLines(bomb), body.Skip(1));
        }
    }

    [Fact]
    public void AnOutOfMemoryWhileDecodingOneValueIsThatValuesErrorNotTheEndOfTheRead()
    {
        // The last line of defence: a fill within the cap (64 MiB of doubles) read under a 48 MB heap cap runs out of
        // memory inside the decoder; that value is reported and everything after it still comes out.
        using var dir = new TempDir();
        string path = dir.Sub("at-cap.tfevents");
        var bomb = PayloadBombs.FillAtTheCap;
        PayloadBombs.WriteFile(path, bomb);
        var (exitCode, output, error, _) = PayloadBombs.RunChildUnderCap("0x3000000", "read", path);
        Assert.True(exitCode == 0, $"exit code {exitCode}: {error}\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var failure = Assert.Single(lines, l => l.StartsWith("error ", StringComparison.Ordinal));
        Assert.StartsWith("error ValueTooLarge ", failure, StringComparison.Ordinal);
        Assert.Contains("ran out of memory", failure, StringComparison.Ordinal);
        Assert.Equal(PayloadBombs.IntactLines(bomb), lines.SkipWhile(l => l != failure).Skip(1).TakeWhile(l => !l.StartsWith("end ", StringComparison.Ordinal)));

        // Without the cap the same value is read whole: the cap, not the bound, made it fail.
        using var reader = new EventFileReader(path, kinds: EventKinds.All);
        Assert.Equal(EventReadResult.Value, reader.Next());
        Assert.Equal(TensorValues.MaxFillElements, ((TensorRecord)reader.CurrentValue!).Values.Length);
    }

    [Fact]
    public void TheErrorNamesFileOffsetTagAndTheClaim()
    {
        using var dir = new TempDir();
        string path = dir.Sub("fill.tfevents");
        PayloadBombs.WriteFile(path, PayloadBombs.Named("FloatFillOfTwoTo28"));
        using var reader = new EventFileReader(path, kinds: EventKinds.All);
        // The file_version record gives nothing; the bomb is the first value of the second record.
        Assert.Equal(EventReadResult.Error, reader.Next());
        var error = reader.LastError!;
        Assert.Equal(EventReadErrorKind.ValueTooLarge, error.Kind);
        Assert.True(error.IsValueError);
        Assert.Equal("bomb", error.Tag);
        Assert.Equal(path, error.File);
        long secondRecord = 12 + 4 + new Event { WallTime = 1_700_000_000, FileVersion = "brain.Event:2" }.CalculateSize();
        Assert.Equal(secondRecord, error.Offset);
        Assert.Equal(0, error.SkippedBytes);
        Assert.Contains("268435456 elements", error.Message, StringComparison.Ordinal);
        Assert.Contains("[268435456]", error.Message, StringComparison.Ordinal);
        Assert.Contains("DT_FLOAT", error.Message, StringComparison.Ordinal);
        Assert.Contains(TensorValues.MaxFillElements.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {secondRecord}", error.Message, StringComparison.Ordinal);
        Assert.Equal(EventReadResult.Scalar, reader.Next());
        Assert.Equal("same_record", reader.Current.Tag);
    }

    [Fact]
    public void ScalarReadsOfEveryBombFileStayFast()
    {
        // -Type Scalar never decodes the bombs: the scalars come out, and the scalars-plugin fill is passed over.
        using var dir = new TempDir();
        var clock = Stopwatch.StartNew();
        foreach (var bomb in PayloadBombs.All)
        {
            string path = dir.Sub(bomb.Name + ".tfevents");
            PayloadBombs.WriteFile(path, bomb);
            var outcome = Read.File(path);
            var expected = bomb.RecordSurvives ? new[] { 7.0, 1, 2, 3 } : new[] { 1.0, 2, 3 };
            Assert.Equal(expected, outcome.Scalars.Select(s => s.Value));
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}

/// <summary>What stays allowed: TensorFlow's fill form within the cap, expanded as make_ndarray expands it.</summary>
public sealed class TensorFillTests
{
    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        }
        return shape;
    }

    [Fact]
    public void AFillRepeatsTheLastValueToTheShapesSize()
    {
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(2, 3), FloatVal = { 1f, 2f } };
        Assert.Equal([1.0, 2, 2, 2, 2, 2], TensorValues.Numbers(tensor)!);
    }

    [Fact]
    public void AFillAtTheCapIsExpandedAndOneElementMoreIsANamedError()
    {
        var atCap = new TensorProto { Dtype = DataType.DtInt8, TensorShape = Shape(TensorValues.MaxFillElements), IntVal = { -3 } };
        var values = TensorValues.Numbers(atCap)!;
        Assert.Equal(TensorValues.MaxFillElements, values.Length);
        Assert.Equal(-3.0, values[^1]);

        var over = new TensorProto { Dtype = DataType.DtInt8, TensorShape = Shape(TensorValues.MaxFillElements + 1L), IntVal = { -3 } };
        var e = Assert.Throws<TensorSizeException>(() => TensorValues.Numbers(over));
        Assert.True(e.TooLarge);
        Assert.Contains("DT_INT8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStringFillSharesOneArrayAndOneString()
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(4), StringVal = { ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("bé") } };
        var bytes = TensorValues.Strings(tensor);
        Assert.Equal(4, bytes.Length);
        Assert.Same(bytes[1], bytes[3]);
        var text = TensorValues.Text(bytes);
        Assert.Equal(["a", "bé", "bé", "bé"], text);
        Assert.Same(text[1], text[3]);
    }

    [Fact]
    public void AStringFillMayAddAtMostTheByteCapOfPadding()
    {
        int length = 1024;
        long atCap = TensorValues.MaxFillBytes / length + 1; // one stored string and MaxFillBytes of padding
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(atCap), StringVal = { ByteString.CopyFrom(new byte[length]) } };
        Assert.Equal(atCap, TensorValues.Strings(tensor).Length);
        tensor.TensorShape = Shape(atCap + 1);
        var e = Assert.Throws<TensorSizeException>(() => TensorValues.Strings(tensor));
        Assert.True(e.TooLarge);
        Assert.Contains($"{TensorValues.MaxFillBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentMustBeExactlyTheShapesSize()
    {
        var exact = new TensorProto { Dtype = DataType.DtInt16, TensorShape = Shape(2), TensorContent = ByteString.CopyFrom(1, 0, 0xFF, 0xFF) };
        Assert.Equal([1.0, -1.0], TensorValues.Numbers(exact)!);
        var longer = new TensorProto { Dtype = DataType.DtInt16, TensorShape = Shape(1), TensorContent = ByteString.CopyFrom(1, 0, 0xFF, 0xFF) };
        Assert.False(Assert.Throws<TensorSizeException>(() => TensorValues.Numbers(longer)).TooLarge);
    }

    [Fact]
    public void ElementCountRefusesNegativeAndOverflowingShapesButCountsAZeroDimensionAsEmpty()
    {
        Assert.Equal(0, TensorValues.ElementCount([1L << 40, 1L << 40, 0]));
        Assert.Equal(24, TensorValues.ElementCount([2, 3, 4]));
        Assert.False(Assert.Throws<TensorSizeException>(() => TensorValues.ElementCount([3, -1])).TooLarge);
        Assert.True(Assert.Throws<TensorSizeException>(() => TensorValues.ElementCount([1L << 32, 1L << 32])).TooLarge);
    }
}
