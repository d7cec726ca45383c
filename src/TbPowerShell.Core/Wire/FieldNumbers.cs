namespace TbPowerShell.Core.Wire;

// The field numbers of TensorBoard's protos (tensorboard/compat/proto/event.proto, summary.proto,
// tensor.proto) that the hand-written encoders and decoders use. The generated classes in Proto/ carry
// the same numbers; these exist for the hot paths that read and write the bytes directly. Defined here only.

/// <summary>Fields of <c>Event</c>.</summary>
internal static class EventField
{
    public const int WallTime = 1;
    public const int Step = 2;
    public const int FileVersion = 3;
    public const int GraphDef = 4;
    public const int Summary = 5;
    public const int TaggedRunMetadata = 8;
    public const int MetaGraphDef = 9;
}

/// <summary>Fields of <c>Summary</c>.</summary>
internal static class SummaryField
{
    public const int Value = 1;
}

/// <summary>Fields of <c>Summary.Value</c>: the tag, the metadata, and the members of the value oneof.</summary>
internal static class SummaryValueField
{
    public const int Tag = 1;
    public const int SimpleValue = 2;
    public const int ObsoleteOldStyleHistogram = 3;
    public const int Image = 4;
    public const int Histo = 5;
    public const int Audio = 6;
    public const int NodeName = 7;
    public const int Tensor = 8;
    public const int Metadata = 9;
}

/// <summary>Fields of <c>SummaryMetadata</c> and of its <c>PluginData</c>.</summary>
internal static class MetadataField
{
    public const int PluginData = 1;
    public const int PluginName = 1;
    public const int PluginContent = 2;
}

/// <summary>Fields of <c>TensorProto</c>.</summary>
internal static class TensorField
{
    public const int Dtype = 1;
    public const int TensorShape = 2;
    public const int TensorContent = 4;
    public const int FloatVal = 5;
    public const int DoubleVal = 6;
    public const int IntVal = 7;
    public const int Int64Val = 10;
    public const int HalfVal = 13;
    public const int Uint32Val = 16;
    public const int Uint64Val = 17;
}

/// <summary>Fields of <c>TensorShapeProto</c>.</summary>
internal static class TensorShapeField
{
    public const int Dim = 2;
    public const int UnknownRank = 3;
}

/// <summary>
/// The key bytes of the plain scalar event (<c>wall_time</c>, <c>step</c>, <c>summary { value { tag, simple_value } }</c>)
/// that <see cref="ScalarEventEncoder"/> writes and <see cref="SimpleScalar"/> recognises.
/// </summary>
internal static class ScalarEventKeys
{
    public const byte WallTime = (EventField.WallTime << 3) | (int)WireType.Fixed64;
    public const byte Step = (EventField.Step << 3) | (int)WireType.Varint;
    public const byte Summary = (EventField.Summary << 3) | (int)WireType.LengthDelimited;
    public const byte Value = (SummaryField.Value << 3) | (int)WireType.LengthDelimited;
    public const byte Tag = (SummaryValueField.Tag << 3) | (int)WireType.LengthDelimited;
    public const byte SimpleValue = (SummaryValueField.SimpleValue << 3) | (int)WireType.Fixed32;
}
