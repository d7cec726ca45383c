using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Reading;

/// <summary>Reads a custom_scalars plugin tensor (one string: a serialized <c>Layout</c>) as a <see cref="LayoutRecord"/>.</summary>
internal static class LayoutDecoding
{
    /// <summary>The layout, or null when the tensor holds no parsable layout (it is then read as a plain tensor).</summary>
    public static LayoutRecord? TryDecode(string tag, long step, double wallTime, TensorProto tensor)
    {
        if (tensor.Dtype != DataType.DtString || tensor.StringVal.Count != 1)
        {
            return null;
        }
        try
        {
            var layout = Layout.Parser.ParseFrom(tensor.StringVal[0]);
            return new LayoutRecord(tag, step, wallTime, CustomScalarLayouts.Categories(layout));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
