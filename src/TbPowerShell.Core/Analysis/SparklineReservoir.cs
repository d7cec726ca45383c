namespace TbPowerShell.Core.Analysis;

/// <summary>
/// The smallest and largest value of a series in at most <see cref="Capacity"/> buckets of equal length,
/// fed one value at a time: while the buckets are full, each holds one value; when one more arrives they
/// are merged in pairs and hold twice as many. Memory stays fixed whatever the series' length, one pass
/// suffices, and no extreme is ever lost, so a spike survives into the sparkline drawn from it.
/// </summary>
public sealed class SparklineReservoir
{
    /// <summary>The largest number of buckets (and characters of the sparkline).</summary>
    public const int Capacity = 16;

    private readonly double[] _min = new double[Capacity];
    private readonly double[] _max = new double[Capacity];
    private long _perBucket = 1;
    private long _inLast;
    private int _buckets;
    private double _sum;
    private long _finite;

    /// <summary>How many values were added.</summary>
    public long Count { get; private set; }

    /// <summary>How many buckets hold values (at most <see cref="Capacity"/>; from half of it up once more values than buckets arrived).</summary>
    public int Buckets => _buckets;

    /// <summary>The mean of the finite values added, or NaN when there is none.</summary>
    public double Mean => _finite == 0 ? double.NaN : _sum / _finite;

    /// <summary>Adds the next value; non-finite values take their place but are no bucket's minimum or maximum.</summary>
    public void Add(double value)
    {
        Count++;
        if (_buckets == 0 || _inLast == _perBucket)
        {
            if (_buckets == Capacity)
            {
                Halve();
            }
            _min[_buckets] = double.NaN;
            _max[_buckets] = double.NaN;
            _buckets++;
            _inLast = 0;
        }
        _inLast++;
        if (!double.IsFinite(value))
        {
            return;
        }
        _sum += value;
        _finite++;
        int last = _buckets - 1;
        // NaN marks a bucket with no finite value yet; comparisons with it are false.
        if (!(_min[last] <= value))
        {
            _min[last] = value;
        }
        if (!(_max[last] >= value))
        {
            _max[last] = value;
        }
    }

    /// <summary>The smallest finite value of bucket <paramref name="index"/>, or NaN when it has none.</summary>
    public double MinOf(int index) => _min[index];

    /// <summary>The largest finite value of bucket <paramref name="index"/>, or NaN when it has none.</summary>
    public double MaxOf(int index) => _max[index];

    /// <summary>The sparkline of what was added (see <see cref="Sparkline.FromBuckets"/>); empty before any value.</summary>
    public override string ToString() =>
        Sparkline.FromBuckets(_min.AsSpan(0, _buckets), _max.AsSpan(0, _buckets), Mean);

    private void Halve()
    {
        for (int i = 0; i < Capacity / 2; i++)
        {
            _min[i] = MinOfTwo(_min[2 * i], _min[2 * i + 1]);
            _max[i] = MaxOfTwo(_max[2 * i], _max[2 * i + 1]);
        }
        _buckets = Capacity / 2;
        _perBucket *= 2;
        _inLast = _perBucket;   // the last merged bucket is full: the next value opens a new one
    }

    private static double MinOfTwo(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    private static double MaxOfTwo(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);
}
