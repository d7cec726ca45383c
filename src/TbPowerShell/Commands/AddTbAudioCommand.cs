using System.Management.Automation;
using TbPowerShell.Core.Audio;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Internal;

namespace TbPowerShell.Commands;

/// <summary>
/// <para type="synopsis">Logs an audio clip to a TensorBoard run as 16-bit PCM WAV, as PyTorch's add_audio does.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TbAudio", DefaultParameterSetName = WriterSet)]
[OutputType(typeof(TbAudioEvent))]
public sealed class AddTbAudioCommand : TbWriterCommandBase
{
    /// <summary>
    /// Float samples in [-1, 1]; for several channels, channel after channel (C × frames, as torchaudio).
    /// Also <c>-Value</c>, the name of the value on every Add-Tb* cmdlet.
    /// </summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Value")]
    [ValidateNotNull]
    public object? Data { get; set; }

    /// <summary>Frames per second. Default 44100, as PyTorch.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 1_000_000)]
    public int SampleRate { get; set; } = 44100;

    /// <summary>Channels in <c>-Data</c>. Default 1 (mono).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 64)]
    public int Channels { get; set; } = 1;

    /// <summary>Clip samples outside [-1, 1] (as PyTorch does, with a warning) instead of failing.</summary>
    [Parameter]
    public SwitchParameter Clip { get; set; }

    /// <summary>A WAV file to log as it is. Binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RejectEmptyTag(Tag))
        {
            return;
        }
        if ((Data is null) == (LiteralPath is null))
        {
            WriteSourceError("Give exactly one clip: -Data (samples) or -LiteralPath (a WAV file).", Tag);
            return;
        }
        byte[] wav;
        WavInfo info;
        object target;
        try
        {
            if (LiteralPath is not null)
            {
                if (LocalOnly.IsStore(LiteralPath))
                {
                    WriteError(LocalOnly.Refused(LiteralPath, nameof(LiteralPath), "the audio file read",
                        "copy it to a local file first (the log directory written to may be in a store)."));
                    return;
                }
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
                target = LiteralPath;
                if (!File.Exists(path))
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find the audio file '{LiteralPath}'."),
                        ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, LiteralPath));
                    return;
                }
                wav = File.ReadAllBytes(path);
                info = WavCodec.ReadInfo(wav);
            }
            else
            {
                target = Data!;
                int channels = Channels;
                float[] samples;
                if (TorchBridge.IsTensor(Data))
                {
                    samples = TorchBridge.ToFloats(Data!, out int[] shape);
                    // A (channels, frames) tensor brings its channel count, as torchaudio's do.
                    if (shape.Length == 2 && !MyInvocation.BoundParameters.ContainsKey(nameof(Channels)))
                    {
                        channels = shape[0];
                    }
                }
                else
                {
                    samples = ArrayInput.ToFloats(Data);
                }
                if (samples.Length == 0)
                {
                    WriteError(new ErrorRecord(new ArgumentException("The audio clip has no samples."), ErrorIds.EmptyData, ErrorCategory.InvalidArgument, Data));
                    return;
                }
                if (Clip && samples.Any(s => s > 1f || s < -1f))
                {
                    WriteWarning($"Audio '{Tag}' has samples outside [-1, 1]; they were clipped.");
                }
                wav = WavCodec.Encode(samples, channels, SampleRate, Clip);
                info = WavCodec.ReadInfo(wav);
            }
        }
        catch (AudioFormatException e)
        {
            WriteError(new ErrorRecord(e, e.IsOutOfRange ? ErrorIds.AudioOutOfRange : ErrorIds.InvalidAudio,
                e.IsOutOfRange ? ErrorCategory.InvalidData : ErrorCategory.InvalidArgument, e.OffendingValue ?? (object?)LiteralPath ?? Data));
            return;
        }
        catch (NotANumberException e)
        {
            // The element, not the whole clip: the message gives its index.
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, e.Element));
            return;
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidValue, ErrorCategory.InvalidArgument, Data));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidAudio, ErrorCategory.ReadError, LiteralPath));
            return;
        }

        var writer = CurrentWriter(Run);
        if (writer is null)
        {
            return;
        }
        long step = EffectiveStep(writer, Step);
        var wallTime = WallTime ?? TbTimestamp.Now;
        var value = SummaryValues.Audio(Tag, wav, info.SampleRate, info.Channels, info.Frames);
        if (TryWrite(writer, w => w.AddValue(value, step, wallTime), target, wallTime) && PassThru)
        {
            WriteObject(new TbAudioEvent(EffectiveRun, writer.Path,
                new AudioRecord(Tag, step, wallTime.UnixSeconds, info.SampleRate, info.Channels, info.Frames, "audio/wav", wav, 0, string.Empty)));
        }
    }
}
