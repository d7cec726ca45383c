using Google.Protobuf;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Tests.Wire;

public class ScalarEventEncoderTests
{
    public static TheoryData<string, long, double, float> Cases => new()
    {
        { "loss", 0, 1_700_000_000.0, 1.0f },
        { "loss", 1, 1_700_000_000.25, 0.0f },
        { "loss", -1, 1_700_000_000.123456, -0.0f },
        { "a", long.MinValue, 1.5, float.NaN },
        { "a", long.MaxValue, 1e-300, float.PositiveInfinity },
        { "a/b/c", int.MinValue, 1_234_567_890.987654321, float.NegativeInfinity },
        { "x", 127, 3.0, float.Epsilon },
        { "x", 128, 3.0, float.MaxValue },
        { "x", 300, 0.0, 2.5f },                     // wall time 0: omitted like proto3 does
        { "x", 0, 0.0, 2.5f },                       // both defaults omitted
        { "unicode/Ω/损失 ü/🚀", 16384, 1_700_000_000.0, 3.25f },
        { new string('t', 127), 5, 1.0, 1f },        // value length 127+... crosses the one-byte varint
        { new string('t', 200), 5, 1.0, 1f },        // two-byte tag length
        { new string('t', 20000), 5, 1.0, 1f },      // three-byte tag and summary lengths
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BytesEqualGoogleProtobufSerialization(string tag, long step, double wallTime, float value)
    {
        var e = new Event
        {
            WallTime = wallTime,
            Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } },
        };
        byte[] expected = e.ToByteArray();

        int tagBytes = System.Text.Encoding.UTF8.GetByteCount(tag);
        int size = ScalarEventEncoder.PayloadSize(tagBytes, wallTime, step);
        Assert.Equal(expected.Length, size);
        var actual = new byte[size];
        int written = ScalarEventEncoder.Write(actual, tag, tagBytes, wallTime, step, value);
        Assert.Equal(size, written);
        Assert.Equal(expected, actual);

        // And it parses back to the same event.
        Assert.Equal(e, Event.Parser.ParseFrom(actual));
    }

    [Fact]
    public void VarintSizeMatchesGoogleProtobuf()
    {
        ulong[] values = [0, 1, 127, 128, 16383, 16384, (1ul << 21) - 1, 1ul << 21, 1ul << 35, 1ul << 56, (1ul << 63) - 1, 1ul << 63, ulong.MaxValue];
        foreach (var v in values)
        {
            Assert.Equal(CodedOutputStream.ComputeUInt64Size(v), ScalarEventEncoder.VarintSize(v));
        }
    }
}
