using System.Runtime.CompilerServices;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// A series' smallest, largest and mean value in at most <see cref="Capacity"/> buckets of equal length,
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
    private readonly double[] _sum = new double[Capacity];
    private readonly long[] _finite = new long[Capacity];
    private long _perBucket = 1;
    private long _inLast = 1;   // "full", so the first value opens the first bucket
    private int _buckets;
    // The open bucket lives in fields: a scan feeds every scalar through Add.
    private double _lastMin = double.PositiveInfinity, _lastMax = double.NegativeInfinity, _lastSum;
    private long _lastFinite;

    /// <summary>How many values were added.</summary>
    public long Count => _buckets == 0 ? 0 : (_buckets - 1) * _perBucket + _inLast;

    /// <summary>How many buckets hold values (at most <see cref="Capacity"/>; more than half of it once more values than buckets arrived).</summary>
    public int Buckets => _buckets;

    /// <summary>Adds the next value; non-finite values take their place but count in no bucket's figures.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // once per scalar of a scan; the rare part is OpenBucket
    public void Add(double value)
    {
        if (_inLast == _perBucket)
        {
            OpenBucket();
        }
        _inLast++;
        if (double.IsFinite(value))
        {
            _lastSum += value;
            _lastFinite++;
            if (value < _lastMin)
            {
                _lastMin = value;
            }
            if (value > _lastMax)
            {
                _lastMax = value;
            }
        }
    }

    /// <summary>The smallest finite value of bucket <paramref name="index"/>, or NaN when it has none.</summary>
    public double MinOf(int index) => index == _buckets - 1 ? OrNaN(_lastMin) : _min[index];

    /// <summary>The largest finite value of bucket <paramref name="index"/>, or NaN when it has none.</summary>
    public double MaxOf(int index) => index == _buckets - 1 ? OrNaN(_lastMax) : _max[index];

    /// <summary>The mean of the finite values of bucket <paramref name="index"/>, or NaN when it has none.</summary>
    public double MeanOf(int index) => index == _buckets - 1
        ? (_lastFinite == 0 ? double.NaN : _lastSum / _lastFinite)
        : (_finite[index] == 0 ? double.NaN : _sum[index] / _finite[index]);

    /// <summary>The sparkline of what was added (see <see cref="Sparkline.FromBuckets"/>); empty before any value.</summary>
    public override string ToString()
    {
        var min = new double[_buckets];
        var max = new double[_buckets];
        var mean = new double[_buckets];
        for (int i = 0; i < _buckets; i++)
        {
            min[i] = MinOf(i);
            max[i] = MaxOf(i);
            mean[i] = MeanOf(i);
        }
        return Sparkline.FromBuckets(min, max, mean);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OpenBucket()
    {
        if (_buckets > 0)
        {
            int last = _buckets - 1;
            _min[last] = OrNaN(_lastMin);
            _max[last] = OrNaN(_lastMax);
            _sum[last] = _lastSum;
            _finite[last] = _lastFinite;
        }
        if (_buckets == Capacity)
        {
            Halve();
        }
        _buckets++;
        _inLast = 0;
        _lastMin = double.PositiveInfinity;
        _lastMax = double.NegativeInfinity;
        _lastSum = 0;
        _lastFinite = 0;
    }

    /// <summary>Merges the (full) buckets in pairs: half as many, each twice as long.</summary>
    private void Halve()
    {
        for (int i = 0; i < Capacity / 2; i++)
        {
            _min[i] = MinOfTwo(_min[2 * i], _min[2 * i + 1]);
            _max[i] = MaxOfTwo(_max[2 * i], _max[2 * i + 1]);
            _sum[i] = _sum[2 * i] + _sum[2 * i + 1];
            _finite[i] = _finite[2 * i] + _finite[2 * i + 1];
        }
        _buckets = Capacity / 2;
        _perBucket *= 2;
    }

    /// <summary>NaN for an extreme never set (a bucket without a finite value).</summary>
    private static double OrNaN(double extreme) => double.IsInfinity(extreme) ? double.NaN : extreme;

    private static double MinOfTwo(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    private static double MaxOfTwo(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);
}
