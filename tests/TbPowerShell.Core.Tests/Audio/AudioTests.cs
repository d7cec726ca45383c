using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using TbPowerShell.Core.Audio;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Audio;

/// <summary>WAV encoding against PyTorch's <c>add_audio</c> (the fixture's clips) and the codec's own rules.</summary>
public class AudioTests
{
    private const int Rate = 16000;

    /// <summary>kind_audio's inputs: t = arange(4000) / 16000 in float64, the signal cast to float32 at the end.</summary>
    private static float[] Signal(string tag)
    {
        var samples = new float[Rate / 4];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = i / (double)Rate;
            samples[i] = tag switch
            {
                // (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
                "sine440" => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * t)),
                // np.clip(np.sin(2 * np.pi * (200 + 2000 * t) * t), -1, 1).astype(np.float32)
                _ => (float)Math.Clamp(Math.Sin(2 * Math.PI * (200 + 2000 * t) * t), -1.0, 1.0),
            };
        }
        return samples;
    }

    private static AudioRecord FixtureClip(string tag) =>
        ReadValues.File(Fixtures.EventFile("pytorch", "audio")).OfType<AudioRecord>().Single(a => a.Tag == tag);

    private static short Sample(byte[] wav, int index) => BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + 2 * index));

    [Theory]
    [InlineData("sine440")]
    [InlineData("chirp_full_scale")]
    public void FixtureClipsAreReproducedByteForByte(string tag)
    {
        byte[] ours = WavCodec.Encode(Signal(tag), 1, Rate);
        var theirs = FixtureClip(tag);
        Assert.Equal(theirs.Encoded.Length, ours.Length);
        Assert.Equal(theirs.Encoded[..44], ours[..44]);
        // Name every differing sample (a libm sin an ulp away from numpy's could move one by 1 LSB).
        var differing = Enumerable.Range(0, (ours.Length - 44) / 2)
            .Where(i => Sample(ours, i) != Sample(theirs.Encoded, i))
            .Select(i => $"sample {i}: ours {Sample(ours, i)}, PyTorch's {Sample(theirs.Encoded, i)}")
            .ToList();
        Assert.True(differing.Count == 0, string.Join("; ", differing));
        Assert.Equal(ExpectedLines.Of("pytorch.raw.jsonl", "audio").Single(e => e.Tag == tag).Value.GetProperty("sha256").GetString(), Hash.Sha256(ours));

        // The summary value is PyTorch's too, byte for byte.
        var raw = RawValues.Of(Fixtures.EventFile("pytorch", "audio")).Single(v => v.Tag == tag);
        Assert.Equal(raw.Bytes, SummaryValues.Audio(tag, ours, Rate, 1, Rate / 4).ToByteArray());
    }

    [Fact]
    public void TheChirpReachesFullScaleAndTheSineHalf()
    {
        // What the two clips exercise: the chirp's peaks hit ±32767 (clipped input of ±1), the sine stays near 16383.
        byte[] chirp = WavCodec.Encode(Signal("chirp_full_scale"), 1, Rate);
        byte[] sine = WavCodec.Encode(Signal("sine440"), 1, Rate);
        var chirpSamples = Enumerable.Range(0, Rate / 4).Select(i => Sample(chirp, i)).ToList();
        var sineSamples = Enumerable.Range(0, Rate / 4).Select(i => Sample(sine, i)).ToList();
        Assert.True(chirpSamples.Max() >= 32766 && chirpSamples.Min() <= -32766);
        Assert.Equal(16383, sineSamples.Max());
        Assert.Equal(-16383, sineSamples.Min());
    }

    [Fact]
    public void TheHeaderIsPythonWavesFortyFourBytes()
    {
        byte[] wav = WavCodec.Encode(new float[] { 0, 0.5f, -0.5f }, 1, 22050);
        var expected = new List<byte>();
        expected.AddRange("RIFF"u8.ToArray());
        expected.AddRange(BitConverter.GetBytes(36u + 6));
        expected.AddRange("WAVEfmt "u8.ToArray());
        expected.AddRange(BitConverter.GetBytes(16u));
        expected.AddRange(BitConverter.GetBytes((ushort)1));      // PCM
        expected.AddRange(BitConverter.GetBytes((ushort)1));      // channels
        expected.AddRange(BitConverter.GetBytes(22050u));         // frames per second
        expected.AddRange(BitConverter.GetBytes(22050u * 2));     // bytes per second
        expected.AddRange(BitConverter.GetBytes((ushort)2));      // bytes per frame
        expected.AddRange(BitConverter.GetBytes((ushort)16));     // bits per sample
        expected.AddRange("data"u8.ToArray());
        expected.AddRange(BitConverter.GetBytes(6u));
        expected.AddRange(new byte[] { 0, 0, 0xFF, 0x3F, 0x01, 0xC0 }); // 0, 16383, -16383
        Assert.Equal(expected.ToArray(), wav);
    }

    [Fact]
    public void ChannelsAreGivenPlanarAndWrittenInterleaved()
    {
        // channel 0: 0.1, 0.2, 0.3; channel 1: -0.1, -0.2, -0.3
        byte[] wav = WavCodec.Encode(new float[] { 0.1f, 0.2f, 0.3f, -0.1f, -0.2f, -0.3f }, 2, 8000);
        Assert.Equal(44 + 12, wav.Length);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(22)));
        Assert.Equal(8000u * 4, BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(28)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(32)));
        Assert.Equal(12u, BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(40)));
        short P(float v) => (short)(v * 32767f);
        Assert.Equal(new[] { P(0.1f), P(-0.1f), P(0.2f), P(-0.2f), P(0.3f), P(-0.3f) },
                     Enumerable.Range(0, 6).Select(i => Sample(wav, i)).ToArray());
        Assert.Equal(new short[] { 3276, -3276, 6553, -6553, 9830, -9830 }, Enumerable.Range(0, 6).Select(i => Sample(wav, i)).ToArray());
        Assert.Equal(new WavInfo(8000, 2, 3, 16), WavCodec.ReadInfo(wav));
    }

    [Theory]
    [InlineData(-0.5f, -16383)]           // -16383.5 truncates toward zero
    [InlineData(0.5f, 16383)]
    [InlineData(1.0f, 32767)]
    [InlineData(-1.0f, -32767)]           // never -32768
    [InlineData(0.99999f, 32766)]         // 32766.67
    [InlineData(1e-6f, 0)]
    [InlineData(-1e-6f, 0)]               // toward zero, not down
    [InlineData(-0.0f, 0)]
    // 0x38000100: the float32 product 3.051851e-05f * 32767f rounds to exactly 1, while in float64
    // it is 0.99999... and would truncate to 0. numpy multiplies a float32 array by 32767 in float32.
    [InlineData(3.051851E-05f, 1)]
    [InlineData(-3.051851E-05f, -1)]
    public void SamplesAreTheFloat32ProductTruncatedTowardZero(float sample, int expected)
    {
        Assert.Equal(0x38000100, BitConverter.SingleToInt32Bits(MathF.Abs(3.051851E-05f)));
        byte[] wav = WavCodec.Encode(new[] { sample }, 1, Rate);
        Assert.Equal(expected, (int)Sample(wav, 0));
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-1.0001f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void SamplesOutsideMinusOneToOneFailUnlessClipped(float bad)
    {
        var e = Assert.Throws<AudioFormatException>(() => WavCodec.Encode(new[] { 0.25f, bad }, 1, Rate));
        Assert.True(e.IsOutOfRange);
        Assert.Equal(bad, e.OffendingValue);
        Assert.Contains("sample at index 1 is", e.Message);

        byte[] clipped = WavCodec.Encode(new[] { 0.25f, bad }, 1, Rate, clip: true);
        Assert.Equal(8191, Sample(clipped, 0));
        // clip(-1, 1) then * 32767, as PyTorch's auto clipping does.
        Assert.Equal(bad > 0 ? 32767 : -32767, Sample(clipped, 1));
    }

    [Fact]
    public void ASampleRateWhoseByteRateAWavFileCannotStateIsRejectedNotWrapped()
    {
        var e = Assert.Throws<AudioFormatException>(() => WavCodec.Encode(new[] { 0f, 0f }, 2, int.MaxValue));
        Assert.Equal(int.MaxValue, e.OffendingValue);
        // The highest rate that fits is written exactly.
        int highest = (int)(uint.MaxValue / 4);
        var wav = WavCodec.Encode(new[] { 0f, 0f }, 2, highest);
        Assert.Equal((uint)highest * 4, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(28)));
    }

    [Fact]
    public void NaNIsRejectedEvenWhenClipping()
    {
        var e = Assert.Throws<AudioFormatException>(() => WavCodec.Encode(new[] { float.NaN }, 1, Rate, clip: true));
        Assert.False(e.IsOutOfRange);
        Assert.Throws<AudioFormatException>(() => WavCodec.Encode(new[] { 0f, float.NaN }, 1, Rate));
    }

    [Theory]
    [InlineData(0, 16000, 2)]
    [InlineData(65, 16000, 65)]
    [InlineData(1, 0, 2)]
    [InlineData(1, -8000, 2)]
    [InlineData(1, 16000, 0)]        // no samples
    [InlineData(2, 16000, 3)]        // not a whole number of frames
    public void BadArgumentsAreAudioFormatErrors(int channels, int sampleRate, int samples)
    {
        var e = Assert.Throws<AudioFormatException>(() => WavCodec.Encode(new float[samples], channels, sampleRate));
        Assert.False(e.IsOutOfRange);
    }

    [Fact]
    public void ReadInfoReadsTheFixturesAndOurFiles()
    {
        foreach (string tag in new[] { "sine440", "chirp_full_scale" })
        {
            Assert.Equal(new WavInfo(16000, 1, 4000, 16), WavCodec.ReadInfo(FixtureClip(tag).Encoded));
        }
        Assert.Equal(new WavInfo(44100, 3, 5, 16), WavCodec.ReadInfo(WavCodec.Encode(new float[15], 3, 44100)));
    }

    private static byte[] Chunk(string id, byte[] body)
    {
        var chunk = new List<byte>(Encoding.ASCII.GetBytes(id));
        chunk.AddRange(BitConverter.GetBytes((uint)body.Length));
        chunk.AddRange(body);
        if (body.Length % 2 == 1)
        {
            chunk.Add(0); // RIFF pads odd chunks
        }
        return chunk.ToArray();
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        return [.. "RIFF"u8.ToArray(), .. BitConverter.GetBytes((uint)(4 + body.Length)), .. "WAVE"u8.ToArray(), .. body];
    }

    private static byte[] Fmt(ushort channels, uint rate, ushort bits) =>
        [.. BitConverter.GetBytes((ushort)1), .. BitConverter.GetBytes(channels), .. BitConverter.GetBytes(rate),
         .. BitConverter.GetBytes(rate * channels * (uint)(bits / 8)), .. BitConverter.GetBytes((ushort)(channels * bits / 8)), .. BitConverter.GetBytes(bits)];

    [Fact]
    public void ReadInfoWalksOtherChunksAndStopsAtTheData()
    {
        // A LIST chunk of odd size (padded) before fmt, and a data chunk whose size overstates the file.
        byte[] wav = Riff(Chunk("LIST", new byte[5]), Chunk("fmt ", Fmt(2, 48000, 24)), Chunk("data", new byte[6 * 4]));
        Assert.Equal(new WavInfo(48000, 2, 4, 24), WavCodec.ReadInfo(wav));
        byte[] cut = wav[..^6];
        Assert.Equal(new WavInfo(48000, 2, 3, 24), WavCodec.ReadInfo(cut));
    }

    [Fact]
    public void ReadInfoRejectsWhatIsNotWave()
    {
        Assert.Throws<AudioFormatException>(() => WavCodec.ReadInfo("not a wave file at all"u8));
        Assert.Throws<AudioFormatException>(() => WavCodec.ReadInfo(ReadOnlySpan<byte>.Empty));
        Assert.Throws<AudioFormatException>(() => WavCodec.ReadInfo(Riff(Chunk("fmt ", Fmt(1, 8000, 16)))));          // no data
        Assert.Throws<AudioFormatException>(() => WavCodec.ReadInfo(Riff(Chunk("data", new byte[4]))));                // no fmt
        byte[] notWave = WavCodec.Encode(new float[2], 1, 8000);
        notWave[8] = (byte)'X';
        Assert.Throws<AudioFormatException>(() => WavCodec.ReadInfo(notWave));
    }
}
