using System.Buffers.Binary;
using System.Text;

namespace TbPowerShell.Core.Audio;

/// <summary>What a WAV file holds, read from its header.</summary>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="Channels">Channels per frame.</param>
/// <param name="Frames">Frames in the data chunk.</param>
/// <param name="BitsPerSample">Bits per sample (16 for what we write).</param>
public sealed record WavInfo(int SampleRate, int Channels, long Frames, int BitsPerSample);

/// <summary>Audio input that cannot be made into an audio summary.</summary>
public sealed class AudioFormatException : ArgumentException
{
    /// <summary>An input refused, keeping the value at fault for the error record's target; <paramref name="outOfRange"/> when it is a number out of range.</summary>
    public AudioFormatException(string message, object? offendingValue, bool outOfRange = false) : base(message)
    {
        OffendingValue = offendingValue;
        IsOutOfRange = outOfRange;
    }

    /// <summary>The value that made the audio invalid (a sample rate, a sample, a file), for the error's target.</summary>
    public object? OffendingValue { get; }

    /// <summary>True when a sample lay outside [-1, 1].</summary>
    public bool IsOutOfRange { get; }
}

/// <summary>16-bit PCM WAV exactly as PyTorch's <c>add_audio</c> writes it (Python's <c>wave</c> module).</summary>
public static class WavCodec
{
    private const int HeaderSize = 44;

    /// <summary>The most samples one clip may have: its WAV file must stay under 2 GB, the most a protobuf message holds.</summary>
    public const int MaxSamples = (int.MaxValue - HeaderSize) / 2;

    /// <summary>
    /// Encodes float samples: each is multiplied by 32767 in float32 and truncated toward zero,
    /// as PyTorch does. Samples outside [-1, 1] are an error unless <paramref name="clip"/>, which
    /// clips them as PyTorch does.
    /// </summary>
    /// <param name="samples">Channel-major (planar) samples: all of channel 0, then channel 1, ...</param>
    /// <param name="channels">Channel count (1 for mono).</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="clip">Clip out-of-range samples instead of failing.</param>
    public static byte[] Encode(ReadOnlySpan<float> samples, int channels, int sampleRate, bool clip = false)
    {
        if (channels < 1 || channels > 64)
        {
            throw new AudioFormatException($"Audio needs 1 to 64 channels, not {channels}.", channels);
        }
        if (sampleRate < 1)
        {
            throw new AudioFormatException($"The sample rate must be positive, not {sampleRate}.", sampleRate);
        }
        if (samples.Length == 0 || samples.Length % channels != 0)
        {
            throw new AudioFormatException($"{samples.Length} samples do not divide into {channels} channels of equal length.", samples.Length);
        }
        if (samples.Length > MaxSamples)
        {
            throw new AudioFormatException(
                $"{samples.Length} samples make a WAV file over 2 GB, more than one event can hold (at most {MaxSamples}).", samples.Length);
        }
        if ((long)sampleRate * channels * 2 > uint.MaxValue)
        {
            throw new AudioFormatException($"A sample rate of {sampleRate} with {channels} channels is more bytes per second than a WAV file can state.", sampleRate);
        }
        int frames = samples.Length / channels;
        for (int i = 0; i < samples.Length; i++)
        {
            float s = samples[i];
            if (float.IsNaN(s))
            {
                throw new AudioFormatException($"The sample at index {i} is NaN.", s);
            }
            if (!clip && (s > 1f || s < -1f))
            {
                throw new AudioFormatException($"The sample at index {i} is {s}, outside [-1, 1]; use -Clip to clip as PyTorch does.", s, outOfRange: true);
            }
        }

        int dataBytes = frames * channels * 2;
        var wav = new byte[HeaderSize + dataBytes];
        var span = wav.AsSpan();
        Encoding.ASCII.GetBytes("RIFF", span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + dataBytes));
        Encoding.ASCII.GetBytes("WAVEfmt ", span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data", span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)dataBytes);

        int p = HeaderSize;
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                float s = Math.Clamp(samples[c * frames + f], -1f, 1f);
                short pcm = (short)(s * 32767f); // truncation toward zero, as numpy's astype
                BinaryPrimitives.WriteInt16LittleEndian(span[p..], pcm);
                p += 2;
            }
        }
        return wav;
    }

    /// <summary>Reads the format of a RIFF/WAVE file; throws <see cref="AudioFormatException"/> if it is not one.</summary>
    public static WavInfo ReadInfo(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException("The data is not a RIFF/WAVE file.", null);
        }
        int channels = 0, rate = 0, bits = 0;
        long dataBytes = -1;
        int p = 12;
        while (p + 8 <= wav.Length)
        {
            var id = wav.Slice(p, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(wav[(p + 4)..]);
            int body = p + 8;
            if (id.SequenceEqual("fmt "u8) && size >= 16 && body + 16 <= wav.Length)
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(wav[(body + 2)..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(wav[(body + 4)..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(wav[(body + 14)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                dataBytes = Math.Min(size, (long)wav.Length - body);
                break;
            }
            p = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }
        if (channels < 1 || rate < 1 || bits < 8 || dataBytes < 0)
        {
            throw new AudioFormatException("The WAVE file has no valid 'fmt ' and 'data' chunks.", null);
        }
        long frameBytes = (long)channels * ((bits + 7) / 8);
        return new WavInfo(rate, channels, dataBytes / frameBytes, bits);
    }
}
