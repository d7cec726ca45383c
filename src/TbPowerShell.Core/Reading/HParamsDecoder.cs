using Google.Protobuf.WellKnownTypes;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Proto.HParams;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Reads the hparams plugin's values (an <c>HParamsPluginData</c> in the plugin content of each value's
/// own metadata) into <see cref="HParamsRecord"/>s.
/// </summary>
public static class HParamsDecoder
{
    /// <summary>The record of a value's serialized <c>SummaryMetadata</c>, or null when it holds no hparams data.</summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The bytes do not parse.</exception>
    public static HParamsRecord? FromMetadata(string tag, long step, double wallTime, ReadOnlySpan<byte> metadata)
    {
        var parsed = SummaryMetadata.Parser.ParseFrom(metadata);
        return parsed.PluginData is { } data ? FromContent(tag, step, wallTime, data.Content.ToByteArray()) : null;
    }

    /// <summary>The record of a plugin content (an <c>HParamsPluginData</c>), or null when it holds none of the three summaries.</summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The bytes do not parse.</exception>
    public static HParamsRecord? FromContent(string tag, long step, double wallTime, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var data = HParamsPluginData.Parser.ParseFrom(content);
        switch (data.DataCase)
        {
            case HParamsPluginData.DataOneofCase.Experiment:
                var e = data.Experiment;
                return new HParamsRecord(tag, step, wallTime, HParamsSection.Experiment, content)
                {
                    HParamInfos = e.HparamInfos.Select(Definition).ToArray(),
                    MetricInfos = e.MetricInfos.Select(m => new MetricDefinition(
                        m.Name?.Tag ?? string.Empty, m.Name?.Group ?? string.Empty, m.DisplayName, m.Description,
                        m.DatasetType switch
                        {
                            DatasetType.DatasetTraining => "Training",
                            DatasetType.DatasetValidation => "Validation",
                            _ => "Unknown",
                        })).ToArray(),
                };
            case HParamsPluginData.DataOneofCase.SessionStartInfo:
                var s = data.SessionStartInfo;
                return new HParamsRecord(tag, step, wallTime, HParamsSection.SessionStart, content)
                {
                    HParams = s.Hparams.Select(p => new KeyValuePair<string, object?>(p.Key, Plain(p.Value))).ToArray(),
                    GroupName = s.GroupName,
                    ModelUri = s.ModelUri,
                    SessionTime = s.StartTimeSecs,
                };
            case HParamsPluginData.DataOneofCase.SessionEndInfo:
                var end = data.SessionEndInfo;
                return new HParamsRecord(tag, step, wallTime, HParamsSection.SessionEnd, content)
                {
                    Status = end.Status switch
                    {
                        Status.Success => "Success",
                        Status.Failure => "Failure",
                        Status.Running => "Running",
                        _ => "Unknown",
                    },
                    SessionTime = end.EndTimeSecs,
                };
            default:
                return null;
        }
    }

    private static HParamDefinition Definition(HParamInfo info)
    {
        string type = info.Type switch
        {
            Proto.HParams.DataType.String => "String",
            Proto.HParams.DataType.Bool => "Bool",
            Proto.HParams.DataType.Float64 => "Float64",
            _ => "Unset",
        };
        IReadOnlyList<object>? discrete = info.DomainCase == HParamInfo.DomainOneofCase.DomainDiscrete
            ? info.DomainDiscrete.Values.Select(v => Plain(v) ?? string.Empty).ToArray()
            : null;
        double? min = info.DomainCase == HParamInfo.DomainOneofCase.DomainInterval ? info.DomainInterval.MinValue : null;
        double? max = info.DomainCase == HParamInfo.DomainOneofCase.DomainInterval ? info.DomainInterval.MaxValue : null;
        return new HParamDefinition(info.Name, type, discrete, min, max, info.DisplayName, info.Description);
    }

    /// <summary>A <c>google.protobuf.Value</c> as a string, bool or double (null for null, lists and structs).</summary>
    private static object? Plain(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.NumberValue => value.NumberValue,
        _ => null,
    };
}
