namespace TbPowerShell.Core.Model;

/// <summary>A non-scalar value read from an event file.</summary>
/// <param name="Tag">The series name the value was logged under.</param>
/// <param name="Step">The training step the value was logged at.</param>
/// <param name="WallTime">Seconds since the Unix epoch, as stored.</param>
public abstract record ValueRecord(string Tag, long Step, double WallTime);

/// <summary>An encoded image; its pixels are not decoded.</summary>
public sealed record ImageRecord(string Tag, long Step, double WallTime, int Width, int Height, int Channels, string Format, byte[] Encoded, int Sample)
    : ValueRecord(Tag, Step, WallTime);

/// <summary>An encoded audio clip.</summary>
public sealed record AudioRecord(string Tag, long Step, double WallTime, double SampleRate, int Channels, long Frames, string ContentType, byte[] Encoded, int Sample, string Label)
    : ValueRecord(Tag, Step, WallTime);

/// <summary>Text: the strings of a text-plugin tensor (usually one markdown string).</summary>
public sealed record TextRecord(string Tag, long Step, double WallTime, string[] Strings, long[] Shape)
    : ValueRecord(Tag, Step, WallTime);

/// <summary>One bucket of a histogram: counts in [Left, Right).</summary>
/// <param name="Left">Left edge.</param>
/// <param name="Right">Right edge.</param>
/// <param name="Count">How many values fell in it.</param>
public readonly record struct HistogramBucket(double Left, double Right, double Count);

/// <summary>
/// A histogram. From the old encoding (<c>HistogramProto</c>) buckets are made as TensorBoard
/// migrates them (empty buckets at either end dropped, first left edge = min, last right edge = max);
/// from the new encoding (k×3 tensor),
/// Min and Max are the outer edges, Count the sum of counts, and Sum and SumSquares are NaN (not stored).
/// </summary>
public sealed record HistogramRecord(string Tag, long Step, double WallTime, double Min, double Max, double Count, double Sum, double SumSquares, HistogramBucket[] Buckets)
    : ValueRecord(Tag, Step, WallTime);

/// <summary>Any other tensor value: its plugin, dtype, shape and values.</summary>
/// <param name="Tag">The series name the value was logged under.</param>
/// <param name="Step">The training step the value was logged at.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Plugin">The plugin named by the tag's first metadata ("" for none).</param>
/// <param name="DType">TensorFlow's dtype name, e.g. "DT_FLOAT".</param>
/// <param name="Shape">The dimensions of the text tensor (empty for a single string).</param>
/// <param name="Values">double[] for numbers and booleans, string[] for strings (UTF-8 decoded), empty when not decodable.</param>
/// <param name="Bytes">For string tensors, the raw bytes of each element (they may not be text).</param>
/// <param name="PluginContent">The plugin's content bytes from the tag's first metadata.</param>
public sealed record TensorRecord(string Tag, long Step, double WallTime, string Plugin, string DType, long[] Shape, Array Values, byte[][]? Bytes, byte[] PluginContent)
    : ValueRecord(Tag, Step, WallTime)
{
    /// <summary>
    /// The serialized <c>TensorProto</c> as stored, kept only when <see cref="Values"/> cannot
    /// reproduce it (dtypes whose values are not decoded, such as complex numbers, and tensors of
    /// the scalars plugin that are not plain scalars); null otherwise. Rewriting uses it.
    /// </summary>
    public byte[]? RawTensor { get; init; }
}
