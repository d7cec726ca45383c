using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>An audio value. The encoded clip is in the hidden <see cref="Bytes"/> property.</summary>
public sealed class TbAudioEvent : TbEvent
{
    internal TbAudioEvent(string run, string file, AudioRecord r)
        : base(run, r, file)
    {
        SampleRate = r.SampleRate;
        Channels = r.Channels;
        Frames = r.Frames;
        ContentType = r.ContentType;
        Size = r.Encoded.Length;
        Bytes = r.Encoded;
        Sample = r.Sample;
        Label = r.Label;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>Frames per second.</summary>
    public double SampleRate { get; }

    /// <summary>How many channels each frame has: 1 mono, 2 stereo.</summary>
    public int Channels { get; }

    /// <summary>Length in frames.</summary>
    public long Frames { get; }

    /// <summary>The MIME type, normally audio/wav.</summary>
    public string ContentType { get; }

    /// <summary>Size of the encoded clip in bytes.</summary>
    public int Size { get; }

    /// <summary>The encoded clip (a WAV file).</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public byte[] Bytes { get; }

    /// <summary>
    /// The encoded clip as base64: what <c>ConvertTo-Json</c> writes in place of <see cref="Bytes"/> (which it would write as
    /// an array of numbers, about four times longer). Hidden, like <see cref="Bytes"/>, from views and CSV.
    /// </summary>
    [Hidden]
    public string BytesBase64 => Convert.ToBase64String(Bytes);

    /// <summary>Which clip of the event; 0 for the first.</summary>
    [Hidden]
    public int Sample { get; }

    /// <summary>The clip's label (new-style summaries), or empty.</summary>
    [Hidden]
    public string Label { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>Duration of the clip.</summary>
    public TimeSpan Duration => SampleRate > 0 ? TimeSpan.FromSeconds(Frames / SampleRate) : TimeSpan.Zero;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Frames} frames at {SampleRate} Hz";
}
