using System.Globalization;
using TbPowerShell.Core.Audio;
using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Reading;

/// <summary>
/// Decodes non-scalar summary values, old encodings and plugin tensors alike, into one shape per
/// kind (what TensorBoard's <c>data_compat</c> migration does before its dashboards see them).
/// </summary>
internal static class ValueDecoder
{
    public static EventKinds KindOfTensor(string? plugin) => plugin switch
    {
        PluginNames.Scalars => EventKinds.Scalar,
        PluginNames.Images => EventKinds.Image,
        PluginNames.Audio => EventKinds.Audio,
        PluginNames.Text => EventKinds.Text,
        PluginNames.Histograms => EventKinds.Histogram,
        PluginNames.HParams => EventKinds.Hyperparameters,
        MeshSummaries.PluginName => EventKinds.Mesh,
        PluginNames.PrCurves => EventKinds.PrCurve,
        PluginNames.CustomScalars => EventKinds.Layout,
        _ => EventKinds.Tensor,
    };

    public static ImageRecord OldImage(string tag, long step, double wallTime, ReadOnlySpan<byte> payload)
    {
        var image = Summary.Types.Image.Parser.ParseFrom(payload);
        byte[] bytes = image.EncodedImageString.ToByteArray();
        var sniffed = ImageFormatSniffer.Sniff(bytes);
        int channels = image.Colorspace > 0 ? image.Colorspace : sniffed.Channels;
        return new ImageRecord(tag, step, wallTime, image.Width, image.Height, channels, sniffed.Format, bytes, 0);
    }

    public static AudioRecord OldAudio(string tag, long step, double wallTime, ReadOnlySpan<byte> payload)
    {
        var audio = Summary.Types.Audio.Parser.ParseFrom(payload);
        return new AudioRecord(tag, step, wallTime, audio.SampleRate, (int)audio.NumChannels, audio.LengthFrames,
            audio.ContentType, audio.EncodedAudioString.ToByteArray(), 0, string.Empty);
    }

    public static HistogramRecord OldHistogram(string tag, long step, double wallTime, ReadOnlySpan<byte> payload) =>
        FromProto(tag, step, wallTime, HistogramProto.Parser.ParseFrom(payload));

    public static HistogramRecord FromProto(string tag, long step, double wallTime, HistogramProto h)
    {
        // TensorBoard's migration: the empty buckets at either end are dropped (PyTorch always
        // writes an empty first one); of the rest, the first left edge is min, the last right
        // edge max, and the others are the stored limits.
        int k = Math.Min(h.Bucket.Count, h.BucketLimit.Count);
        int start = 0;
        while (start < k && !(h.Bucket[start] > 0))
        {
            start++;
        }
        int end = k - 1;
        while (end >= start && !(h.Bucket[end] > 0))
        {
            end--;
        }
        var buckets = new HistogramBucket[Math.Max(0, end - start + 1)];
        for (int i = start; i <= end; i++)
        {
            double left = i == start ? h.Min : h.BucketLimit[i - 1];
            double right = i == end ? h.Max : h.BucketLimit[i];
            buckets[i - start] = new HistogramBucket(left, right, h.Bucket[i]);
        }
        return new HistogramRecord(tag, step, wallTime, h.Min, h.Max, h.Num, h.Sum, h.SumSquares, buckets);
    }

    public static IEnumerable<ValueRecord> NewStyle(EventKinds kind, string tag, long step, double wallTime, string plugin,
                                                   byte[] pluginContent, ReadOnlySpan<byte> payload)
    {
        var tensor = TensorProto.Parser.ParseFrom(payload);
        long[] shape = TensorValues.Shape(tensor);
        switch (kind)
        {
            case EventKinds.Image when tensor.Dtype == DataType.DtString:
                return Images(tag, step, wallTime, tensor);
            case EventKinds.Audio when tensor.Dtype == DataType.DtString:
                return Audios(tag, step, wallTime, tensor, shape);
            case EventKinds.Text when tensor.Dtype == DataType.DtString:
                return new[] { new TextRecord(tag, step, wallTime, TensorValues.Text(TensorValues.Strings(tensor)), shape) };
            case EventKinds.Histogram when shape.Length == 2 && shape[1] == 3 && TensorValues.Numbers(tensor) is { } numbers:
                return new[] { Histogram(tag, step, wallTime, numbers) };
            case EventKinds.Hyperparameters:
                // A tensor beside the plugin data (some writers add an empty one): the data is in the tag's metadata.
                return HParamsDecoder.FromContent(tag, step, wallTime, pluginContent) is { } hparams
                    ? new ValueRecord[] { hparams }
                    : Array.Empty<ValueRecord>();
            case EventKinds.Mesh when tensor.Dtype != DataType.DtString && TensorValues.Numbers(tensor) is { } meshValues:
                return new[] { MeshSummaries.Component(tag, step, wallTime, pluginContent, shape, meshValues, TensorValues.DTypeName(tensor)) };
            case EventKinds.PrCurve when PrCurveDecoding.TryDecode(tag, step, wallTime, pluginContent, tensor, shape) is { } curve:
                return new[] { curve };
            case EventKinds.Layout when LayoutDecoding.TryDecode(tag, step, wallTime, tensor) is { } layout:
                return new[] { layout };
            default:
                return new[] { Tensor(tag, step, wallTime, plugin, pluginContent, tensor, shape, payload) };
        }
    }

    private static TensorRecord Tensor(string tag, long step, double wallTime, string plugin, byte[] content, TensorProto tensor, long[] shape,
                                       ReadOnlySpan<byte> payload)
    {
        if (tensor.Dtype == DataType.DtString)
        {
            var bytes = TensorValues.Strings(tensor);
            return new TensorRecord(tag, step, wallTime, plugin, TensorValues.DTypeName(tensor), shape,
                TensorValues.Text(bytes), bytes, content);
        }
        double[]? numbers = TensorValues.Numbers(tensor);
        return new TensorRecord(tag, step, wallTime, plugin, TensorValues.DTypeName(tensor), shape,
            (Array?)numbers ?? Array.Empty<double>(), null, content)
        {
            // Values cannot be written back as they were: keep the stored tensor for rewriting. A
            // scalars-plugin tensor here is one the reader did not take as a scalar; written from its
            // values it could become one.
            RawTensor = numbers is null || plugin == PluginNames.Scalars ? payload.ToArray() : null,
        };
    }

    private static List<ValueRecord> Images(string tag, long step, double wallTime, TensorProto tensor)
    {
        var records = new List<ValueRecord>();
        // [width, height, image 0, image 1, ...] as strings (TensorBoard's image summary v2); one record per
        // stored image, never a fill's padding.
        var items = TensorValues.Strings(tensor, allowFill: false);
        if (items.Length < 3)
        {
            return records;
        }
        int.TryParse(System.Text.Encoding.ASCII.GetString(items[0]), NumberStyles.Integer, CultureInfo.InvariantCulture, out int width);
        int.TryParse(System.Text.Encoding.ASCII.GetString(items[1]), NumberStyles.Integer, CultureInfo.InvariantCulture, out int height);
        for (int i = 2; i < items.Length; i++)
        {
            var sniffed = ImageFormatSniffer.Sniff(items[i]);
            records.Add(new ImageRecord(tag, step, wallTime, width, height, sniffed.Channels, sniffed.Format, items[i], i - 2));
        }
        return records;
    }

    private static List<ValueRecord> Audios(string tag, long step, double wallTime, TensorProto tensor, long[] shape)
    {
        var records = new List<ValueRecord>();
        // [k] clips, or [k, 2] (clip, label) pairs (TensorBoard's audio summary v2); one record per stored clip.
        var items = TensorValues.Strings(tensor, allowFill: false);
        int stride = shape.Length == 2 && shape[1] == 2 ? 2 : 1;
        for (int i = 0, sample = 0; i < items.Length; i += stride, sample++)
        {
            byte[] clip = items[i];
            string label = stride == 2 && i + 1 < items.Length ? System.Text.Encoding.UTF8.GetString(items[i + 1]) : string.Empty;
            double rate = 0;
            int channels = 0;
            long frames = 0;
            try
            {
                var info = WavCodec.ReadInfo(clip);
                rate = info.SampleRate;
                channels = info.Channels;
                frames = info.Frames;
            }
            catch (AudioFormatException)
            {
                // not WAV: leave the numbers unknown
            }
            records.Add(new AudioRecord(tag, step, wallTime, rate, channels, frames, "audio/wav", clip, sample, label));
        }
        return records;
    }

    private static HistogramRecord Histogram(string tag, long step, double wallTime, double[] numbers)
    {
        int k = numbers.Length / 3;
        var buckets = new HistogramBucket[k];
        double count = 0;
        for (int i = 0; i < k; i++)
        {
            buckets[i] = new HistogramBucket(numbers[3 * i], numbers[3 * i + 1], numbers[3 * i + 2]);
            count += numbers[3 * i + 2];
        }
        double min = k > 0 ? buckets[0].Left : double.NaN;
        double max = k > 0 ? buckets[k - 1].Right : double.NaN;
        return new HistogramRecord(tag, step, wallTime, min, max, count, double.NaN, double.NaN, buckets);
    }
}
