using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>Reads a pr_curves plugin tensor (<c>[6, N]</c> numbers) as a <see cref="PrCurveRecord"/>.</summary>
internal static class PrCurveDecoding
{
    /// <summary>The curve, or null when the tensor is not 6 rows of numbers (it is then read as a plain tensor).</summary>
    public static PrCurveRecord? TryDecode(string tag, long step, double wallTime, byte[] pluginContent, TensorProto tensor, long[] shape)
    {
        if (shape.Length != 2 || shape[0] != 6 || shape[1] < 1 || TensorValues.Numbers(tensor) is not { } numbers
            || numbers.Length != 6 * shape[1])
        {
            return null;
        }
        int columns = (int)shape[1];
        int numThresholds = columns;
        try
        {
            var data = PrCurvePluginData.Parser.ParseFrom(pluginContent);
            if (data.NumThresholds > 0)
            {
                numThresholds = (int)Math.Min(data.NumThresholds, int.MaxValue);
            }
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // no usable plugin data: the columns say how many thresholds
        }
        return PrCurveRecord.FromRows(tag, step, wallTime, numThresholds, numbers);
    }
}
